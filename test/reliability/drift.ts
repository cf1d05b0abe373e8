import fc from 'fast-check';
import type { WireAgent } from '../../src/api/types.js';
import { AGENTS_PATH, type Scenario } from '../integration/harness.js';
import {
  AGENT_NAMES,
  DESCRIPTIONS,
  OTHER_PROJECT,
  PROJECT,
  TOOL_NAMES,
  VARIABLE_NAMES,
  toolArbitrary,
  type ToolModel,
} from './model.js';

// Changes made out of band, "in the UI": direct requests to the emulator between applies. An op
// names its agent by position among the live agents (sorted by id, modulo their count), so any op
// fits any live state; an op the API refuses (say, a duplicate tool name) simply changes nothing.

export type DriftOp =
  | { kind: 'patch'; agent: number; body: Record<string, unknown> }
  | { kind: 'add_tool'; agent: number; tool: ToolModel }
  | { kind: 'delete_tool'; agent: number; index: number }
  | { kind: 'edit_tool'; agent: number; index: number; edit: Partial<ToolModel> }
  | { kind: 'add_variable'; agent: number; name: string }
  | { kind: 'delete_variable'; agent: number; index: number }
  /** A second item of an existing name (a server without the uniqueness check), through the emulator's test hook. */
  | { kind: 'duplicate_item'; agent: number; set: 'mock_tools' | 'dynamic_variables'; index: number }
  | { kind: 'toggle'; agent: number }
  | { kind: 'delete_agent'; agent: number }
  | { kind: 'create_agent'; name: string; project: number; tools: ToolModel[] };

const agentIndex = fc.nat({ max: 5 });

const patchBody: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constantFrom(...DESCRIPTIONS, 'Edited in the UI').map((description) => ({ description })),
  fc.constantFrom('en', 'es', 'fr').map((language) => ({ language })),
  fc.constantFrom('+14155550001', '+14155551234').map((phone_number) => ({ telephony: { phone_number } })),
  fc.boolean().map((inbound) => ({ telephony: { inbound } })),
  fc.constantFrom(true, false, null).map((agent_speaks_first) => ({ agent_speaks_first })),
  fc.constantFrom('https://hooks.example.com/ui', null).map((webhook_url) => ({ webhook_url })),
  fc.constantFrom('asst_ui', 'asst_1').map((agent_id) => ({ provider: { agent_id } })),
  fc.constantFrom<string>(...AGENT_NAMES, 'Renamed in UI').map((name) => ({ name })),
);

const toolEdit: fc.Arbitrary<Partial<ToolModel>> = fc.oneof(
  fc.constantFrom(...TOOL_NAMES, 'ui_tool').map((name) => ({ name })),
  fc.constant({ description: 'Edited in the UI' }),
  fc.constant<Partial<ToolModel>>({ mock_data: [{ input: { order_id: 'A1' }, output: { status: 'lost' } }] }),
  fc.constant<Partial<ToolModel>>({ mock_data: [] }),
  fc
    .constantFrom({ type: 'mcp' as const, mock_index: 3 }, { type: 'direct' as const })
    .map((served_via) => ({ served_via })),
);

export const driftOpArbitrary: fc.Arbitrary<DriftOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('patch' as const), agent: agentIndex, body: patchBody }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add_tool' as const),
      agent: agentIndex,
      tool: fc.constantFrom(...TOOL_NAMES, 'ui_tool').chain(toolArbitrary),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete_tool' as const), agent: agentIndex, index: fc.nat({ max: 3 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('edit_tool' as const),
      agent: agentIndex,
      index: fc.nat({ max: 3 }),
      edit: toolEdit,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add_variable' as const),
      agent: agentIndex,
      name: fc.constantFrom(...VARIABLE_NAMES, 'ui_var'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete_variable' as const),
      agent: agentIndex,
      index: fc.nat({ max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('duplicate_item' as const),
      agent: agentIndex,
      set: fc.constantFrom('mock_tools' as const, 'dynamic_variables' as const),
      index: fc.nat({ max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('toggle' as const), agent: agentIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete_agent' as const), agent: agentIndex }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('create_agent' as const),
      name: fc.constantFrom<string>(...AGENT_NAMES, 'Made in UI'),
      project: fc.constantFrom(PROJECT, PROJECT, OTHER_PROJECT),
      tools: fc
        .shuffledSubarray([...TOOL_NAMES], { maxLength: 2 })
        .chain((names): fc.Arbitrary<ToolModel[]> =>
          names.length === 0 ? fc.constant([]) : fc.tuple(...names.map(toolArbitrary)),
        ),
    }),
  },
);

/** What a drift op did, for the failure report of a property. */
export interface DriftReport {
  op: DriftOp;
  status: number | 'skipped';
}

/** Sends the ops to the emulator directly, one after another; refused ops change nothing and are reported. */
export async function applyDrift(scenario: Scenario, ops: readonly DriftOp[]): Promise<DriftReport[]> {
  const reports: DriftReport[] = [];
  for (const op of ops) reports.push({ op, status: await applyOne(scenario, op) });
  return reports;
}

async function applyOne(scenario: Scenario, op: DriftOp): Promise<number | 'skipped'> {
  if (op.kind === 'create_agent') {
    const body = {
      name: op.name,
      project: op.project,
      description: 'made in the UI',
      inbound: false,
      provider: { type: 'vapi' },
      mock_tools: op.tools,
    };
    return (await scenario.call('POST', AGENTS_PATH, body)).status;
  }
  const agents = scenario.emulator.agents().sort((a, b) => a.id - b.id);
  if (agents.length === 0) return 'skipped';
  const agent = agents[op.agent % agents.length]!;
  const path = `${AGENTS_PATH}${agent.id}/`;
  const tools = agent.mock_tools ?? [];
  const variables = agent.dynamic_variables ?? [];
  const keptTools = (except?: number) =>
    tools.filter((_, index) => index !== except).map((tool) => ({ id: tool.id, name: tool.name }));

  switch (op.kind) {
    case 'patch':
      return (await scenario.call('PATCH', path, op.body)).status;
    case 'add_tool':
      return (await scenario.call('PATCH', path, { mock_tools: [...keptTools(), op.tool] })).status;
    case 'delete_tool':
      if (tools.length === 0) return 'skipped';
      return (await scenario.call('PATCH', path, { mock_tools: keptTools(op.index % tools.length) })).status;
    case 'edit_tool': {
      if (tools.length === 0) return 'skipped';
      const index = op.index % tools.length;
      const edited = tools.map((tool, at) =>
        at === index ? { id: tool.id, name: tool.name, ...op.edit } : { id: tool.id, name: tool.name },
      );
      return (await scenario.call('PATCH', path, { mock_tools: edited })).status;
    }
    case 'add_variable':
      return (
        await scenario.call('PATCH', path, {
          dynamic_variables: [...variablesOf(agent), { name: op.name, description: 'Added in the UI' }],
        })
      ).status;
    case 'delete_variable':
      if (variables.length === 0) return 'skipped';
      return (
        await scenario.call('PATCH', path, {
          dynamic_variables: variablesOf(agent).filter((_, index) => index !== op.index % variables.length),
        })
      ).status;
    case 'duplicate_item': {
      const items = op.set === 'mock_tools' ? tools : variables;
      if (items.length === 0) return 'skipped';
      scenario.emulator.duplicateItem(agent.id, op.set, items[op.index % items.length]!.id);
      return 200;
    }
    case 'toggle':
      return (await scenario.call('POST', `${path}toggle-mock-tools/`, { enabled: agent.mock_tools_enabled !== true }))
        .status;
    case 'delete_agent':
      return (await scenario.call('DELETE', `${path}?delete_related=false`)).status;
    default:
      return assertUnreachable(op);
  }
}

function variablesOf(agent: WireAgent): { name: string; description: string }[] {
  return (agent.dynamic_variables ?? []).map((variable) => ({
    name: variable.name,
    description: variable.description ?? '',
  }));
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled drift op ${JSON.stringify(value)}`);
}
