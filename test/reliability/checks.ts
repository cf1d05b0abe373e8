import { join } from 'node:path';
import type { WireAgent } from '../../src/api/types.js';
import { canonicalJson } from '../../src/json.js';
import type { Plan } from '../../src/plan/types.js';
import { readStateRecord } from '../../src/state/record.js';
import type { StateRecord } from '../../src/state/types.js';
import { STATE_FILE, type RunResult, type Scenario } from '../integration/harness.js';
import { envOf, MODEL_ENV, PROJECT, placeholders, type AgentModel, type ManifestModel } from './model.js';

// The contract, as checks that throw a readable `PropertyFailure` (fast-check prints it with the
// counterexample). Each takes what it needs; none asserts on timing or wording beyond the contract.

export class PropertyFailure extends Error {}

export function fail(message: string, details?: unknown): never {
  throw new PropertyFailure(
    details === undefined
      ? message
      : `${message}\n${typeof details === 'string' ? details : JSON.stringify(details, null, 2)}`,
  );
}

export function describeRun(name: string, run: RunResult): string {
  return `--- ${name} (exit ${run.code})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** A Node or V8 stack frame: four spaces, `at`, and a location (our own issue lines have two spaces). */
export const STACK_FRAME = /^ {4}at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

export function expectNoStackTrace(run: RunResult, context: string): void {
  for (const text of [run.stdout, run.stderr]) {
    if (STACK_FRAME.test(text)) fail(`${context}: output holds a stack trace`, describeRun(context, run));
  }
}

/** The plan as `plan --json` printed it; fails the property when it is not one. */
export function parsePlan(run: RunResult): Plan {
  try {
    return JSON.parse(run.stdout) as Plan;
  } catch {
    return fail('plan --json did not print one JSON document', describeRun('plan --json', run));
  }
}

/** The subsequent-plan check: `plan --detailed-exitcode` says "No changes.", exits 0, and sends only lists. */
export async function expectConverged(scenario: Scenario, context: string): Promise<void> {
  scenario.emulator.clearRequests();
  const run = await scenario.plan('--detailed-exitcode');
  const sent = scenario.emulator.requests().filter((request) => request.kind !== 'list');
  if (run.code !== 0 || !run.stdout.includes('No changes.') || run.stderr !== '' || sent.length > 0) {
    const json = await scenario.run(['plan', '--json']);
    fail(
      `${context}: the plan after apply is not empty`,
      `${describeRun('plan', run)}\n${describeRun('plan --json', json)}\nrequests: ${JSON.stringify(sent)}`,
    );
  }
}

/**
 * Nothing outside the plan's deletions disappears: live agents the plan does not delete still exist;
 * agents no address binds are untouched; on every agent the plan keeps, each tool and variable the
 * plan does not delete (by id: live may hold two items of one name) keeps its id and its name. Holds
 * for failed applies too.
 */
export function expectNothingLost(plan: Plan, before: WireAgent[], after: WireAgent[], context: string): void {
  const afterById = new Map(after.map((agent) => [agent.id, agent]));
  const deleted = new Set(plan.resource_changes.flatMap((change) => (change.action === 'delete' ? [change.id] : [])));
  const touched = new Set(plan.resource_changes.flatMap((change) => (change.id === null ? [] : [change.id])));

  for (const agent of before) {
    if (deleted.has(agent.id)) continue;
    const now = afterById.get(agent.id);
    if (now === undefined)
      fail(`${context}: agent ${agent.id} ("${agent.name}") disappeared, and the plan did not delete it`, plan);
    if (!touched.has(agent.id) && canonicalJson(withoutToggleState(now)) !== canonicalJson(withoutToggleState(agent))) {
      fail(`${context}: agent ${agent.id} ("${agent.name}"), which no address binds, was changed`, {
        before: agent,
        after: now,
      });
    }
  }

  for (const change of plan.resource_changes) {
    if (change.id === null || change.action === 'delete') continue;
    const was = before.find((agent) => agent.id === change.id);
    const now = afterById.get(change.id);
    if (was === undefined || now === undefined) continue;
    for (const set of ['mock_tools', 'dynamic_variables'] as const) {
      const dropped = new Set(
        change.items.filter((item) => item.set === set && item.action === 'delete').map((item) => item.id),
      );
      const nowById = new Map((now[set] ?? []).map((item) => [item.id, item.name]));
      for (const item of was[set] ?? []) {
        if (dropped.has(item.id)) continue;
        const name = nowById.get(item.id);
        if (name !== item.name) {
          fail(
            `${context}: ${change.address} ${set} "${item.name}" (id ${item.id}) is ${name === undefined ? 'gone' : `now named "${name}"`}, and the plan did not delete it`,
            change,
          );
        }
      }
    }
  }
}

/** A toggle someone else started may finish while apply runs: mock mode is not "touched" by apply then. */
function withoutToggleState(agent: WireAgent): WireAgent {
  const { mock_tools_enabled: _mode, updated_at: _updated, ...rest } = agent;
  return rest as WireAgent;
}

/**
 * An apply that failed midway never made an agent twice: every agent it made is one the plan creates
 * (its name, its project), one each. Names may be shared for a while: a rename whose partner failed
 * (one takes a name the other did not give up) is finished by the next apply.
 */
export function expectNoAgentMadeTwice(plan: Plan, before: WireAgent[], after: WireAgent[], context: string): void {
  const existed = new Set(before.map((agent) => agent.id));
  const made = after.filter((agent) => !existed.has(agent.id));
  const creates = plan.resource_changes.filter((change) => change.action === 'create');
  for (const agent of made) {
    const twins = made.filter((other) => other.project === agent.project && other.name === agent.name);
    const planned = creates.filter((change) => change.project === agent.project && change.name === agent.name);
    if (twins.length > planned.length)
      fail(
        `${context}: apply made ${twins.length} agents named "${agent.name}" in project ${agent.project}; the plan creates ${planned.length}`,
        made,
      );
  }
}

/** Apply never makes a second agent of a managed name: per project, at most one, or as many as there were before. */
export function expectNoDuplicateAgents(
  model: ManifestModel,
  before: WireAgent[],
  after: WireAgent[],
  context: string,
): void {
  for (const agent of model.agents) {
    const project = agent.project ?? PROJECT;
    const count = (agents: WireAgent[]) =>
      agents.filter((live) => live.project === project && live.name === agent.name).length;
    if (count(after) > Math.max(1, count(before))) {
      fail(
        `${context}: project ${project} now has ${count(after)} agents named "${agent.name}" (before: ${count(before)})`,
        after.filter((live) => live.name === agent.name),
      );
    }
  }
}

/** The state record parses as a record, and each address of the manifest binds a live agent, or the next plan recreates or rebinds it. */
export async function expectSoundRecord(
  scenario: Scenario,
  model: ManifestModel,
  context: string,
): Promise<StateRecord | null> {
  let record: StateRecord | null;
  try {
    record = await readStateRecord(join(scenario.dir, STATE_FILE));
  } catch (error) {
    return fail(`${context}: the state record is corrupt: ${(error as Error).message}`);
  }
  if (record === null) return null;
  const live = new Set(scenario.emulator.agents().map((agent) => agent.id));
  const missing = model.agents
    .map((agent) => `agent.${agent.key}`)
    .filter((address) => record.agents[address] !== undefined && !live.has(record.agents[address]!.id));
  if (missing.length === 0) return record;
  const run = await scenario.run(['plan', '--json']);
  if (run.code !== 0)
    fail(
      `${context}: the record binds missing agents (${missing.join(', ')}) and the next plan fails`,
      describeRun('plan --json', run),
    );
  const plan = parsePlan(run);
  for (const address of missing) {
    const change = plan.resource_changes.find((candidate) => candidate.address === address);
    // Recreated, or bound anew to the one live agent of its name (one made in Cekura meanwhile).
    const recovers =
      (change?.action === 'create' && change.reason === 'bound_agent_missing') || change?.reason === 'adopted_by_name';
    if (!recovers)
      fail(
        `${context}: the record binds ${address} to agent ${record.agents[address]!.id}, which is gone, and the next plan does not recreate it`,
        change,
      );
  }
  return record;
}

/**
 * After a successful apply, each agent of the model is, in Cekura, what the model says: checked
 * against the model itself, not through the planner's own normalization.
 */
export function expectLiveMatchesModel(
  scenario: Scenario,
  model: ManifestModel,
  record: StateRecord | null,
  context: string,
): void {
  const agents = new Map(scenario.emulator.agents().map((agent) => [agent.id, agent]));
  for (const agent of model.agents) {
    const id = record?.agents[`agent.${agent.key}`]?.id;
    const live = id === undefined ? undefined : agents.get(id);
    if (live === undefined)
      fail(`${context}: agent.${agent.key} is not bound to a live agent after a successful apply`, record);
    const problems = differences(agent, live, scenario);
    if (problems.length > 0)
      fail(
        `${context}: agent.${agent.key} (id ${live.id}) differs from the manifest:\n  ${problems.join('\n  ')}`,
        live,
      );
  }
}

function differences(agent: AgentModel, live: WireAgent, scenario: Scenario): string[] {
  const problems: string[] = [];
  const expectEqual = (what: string, actual: unknown, expected: unknown) => {
    if (canonicalJson(actual ?? null) !== canonicalJson(expected ?? null))
      problems.push(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  expectEqual('name', live.name, agent.name);
  expectEqual('project', live.project, agent.project ?? PROJECT);
  if (agent.description !== undefined) expectEqual('description', live.description, agent.description);
  if (agent.language !== undefined) expectEqual('language', live.language, agent.language);
  if (agent.agent_speaks_first !== undefined)
    expectEqual('agent_speaks_first', live.agent_speaks_first, agent.agent_speaks_first);
  if (agent.webhook_url !== undefined) expectEqual('webhook_url', live.webhook_url, agent.webhook_url);
  for (const [key, value] of Object.entries(agent.telephony ?? {}))
    expectEqual(`telephony.${key}`, live.telephony?.[key], value);
  if (agent.provider !== undefined) {
    expectEqual('provider.type', live.provider?.type, agent.provider.type);
    if (agent.provider.agent_id !== undefined)
      expectEqual('provider.agent_id', live.provider?.agent_id, agent.provider.agent_id);
    if (agent.provider.api_key) {
      expectEqual(
        'provider.credentials.api_key (stored)',
        scenario.emulator.storedWriteOnly(live.id)['/provider/credentials/api_key'],
        MODEL_ENV[envOf(agent.provider.type)],
      );
    }
  }
  if (agent.mock_tools !== undefined) {
    const tools = new Map((live.mock_tools ?? []).map((tool) => [tool.name, tool]));
    // Every live tool, so that a second one of a name (duplicate_item drift) counts.
    expectEqual(
      'mock tool names',
      (live.mock_tools ?? []).map((tool) => tool.name).sort(),
      agent.mock_tools.map((tool) => tool.name).sort(),
    );
    const stored = scenario.emulator.storedWriteOnly(live.id);
    for (const tool of agent.mock_tools) {
      const found = tools.get(tool.name);
      if (found === undefined) continue;
      expectEqual(`mock tool ${tool.name} description`, found.description, tool.description ?? '');
      expectEqual(`mock tool ${tool.name} mock_data`, sortedRows(found.mock_data), sortedRows(tool.mock_data ?? []));
      const via =
        tool.served_via?.type === 'mcp' ? { type: 'mcp', mock_index: tool.served_via.mock_index } : { type: 'direct' };
      const { url: _url, ...liveVia } = found.served_via ?? { type: 'direct' };
      expectEqual(`mock tool ${tool.name} served_via`, liveVia, via);
      if (tool.freetext_params !== undefined) {
        expectEqual(
          `mock tool ${tool.name} freetext_params (stored)`,
          [...((stored[`/mock_tools/${tool.name}/freetext_params`] as string[] | undefined) ?? [])].sort(),
          [...tool.freetext_params].sort(),
        );
      }
    }
  }
  if (agent.dynamic_variables !== undefined) {
    const description = agent.description ?? live.description ?? '';
    // A placeholder's variable without a description in the manifest is managed by name only (effectiveDesired).
    const described = new Set(
      agent.dynamic_variables.filter((variable) => variable.description !== undefined).map((variable) => variable.name),
    );
    const byNameOnly = new Set(placeholders(description).filter((name) => !described.has(name)));
    const expected = [
      ...agent.dynamic_variables.map((variable) =>
        byNameOnly.has(variable.name) ? [variable.name] : [variable.name, variable.description ?? ''],
      ),
      ...[...byNameOnly].filter((name) => !agent.dynamic_variables!.some((v) => v.name === name)).map((name) => [name]),
    ];
    const actual = (live.dynamic_variables ?? []).map((variable) =>
      byNameOnly.has(variable.name) ? [variable.name] : [variable.name, variable.description],
    );
    expectEqual('dynamic variables', sortedPairs(actual), sortedPairs(expected));
  }
  if (agent.mock_tools_enabled !== undefined)
    expectEqual('mock_tools_enabled', live.mock_tools_enabled, agent.mock_tools_enabled);
  return problems;
}

function sortedPairs(pairs: unknown[][]): string[] {
  return pairs.map((pair) => JSON.stringify(pair)).sort();
}

function sortedRows(rows: unknown): string[] {
  return (Array.isArray(rows) ? rows : []).map((row) => canonicalJson(row)).sort();
}
