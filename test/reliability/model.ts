import fc from 'fast-check';
import { Document, visit } from 'yaml';

// A small model of what a user writes in a manifest, and its rendering as YAML text, so that the
// properties drive the real loader. Name pools are small on purpose: keys, agent names, tools and
// variables collide, move between agents and get renamed.

export const PROJECT = 42;
export const OTHER_PROJECT = 43;

export const AGENT_KEYS = ['support', 'booking', 'sales', 'constructor'] as const;
export const AGENT_NAMES = ['Support Bot', 'Booking Bot', 'Sales Bot', 'Front Desk'] as const;
// Names that are members of Object.prototype are ordinary names to Cekura (issue 11, item 1).
export const TOOL_NAMES = ['get_order', 'refund_order', 'crm_lookup', 'constructor', '__proto__'] as const;
export const VARIABLE_NAMES = ['customer_name', 'order_id', 'toString', 'hasOwnProperty'] as const;
/** Descriptions, with `{{placeholders}}` Cekura turns into dynamic variables (one outside the variable pool). */
export const DESCRIPTIONS = [
  'Handles support calls',
  'Greets {{customer_name}}',
  'Order {{order_id}} for {{ customer_name }}',
  'Tier {{caller_tier}} routing',
] as const;

/** Environment variables the models use for secrets; their values are in `MODEL_ENV`. */
export const MODEL_ENV = {
  VAPI_API_KEY: 'vapi-model-key-one',
  RETELL_API_KEY: 'retell-model-key-one',
} as const;

export interface MockRow {
  input: unknown;
  output: unknown;
}

export interface ToolModel {
  name: string;
  description?: string;
  mock_data?: MockRow[];
  served_via?: { type: 'direct' } | { type: 'mcp'; mock_index: number };
  freetext_params?: string[];
}

export interface VariableModel {
  name: string;
  description?: string;
}

export type ProviderType = 'vapi' | 'retell' | 'custom';

export interface ProviderModel {
  type: ProviderType;
  agent_id?: string;
  /** `credentials.api_key: ${env:…}` for the provider's own variable. */
  api_key?: boolean;
}

export interface AgentModel {
  key: string;
  name: string;
  /** The agent's own `project:`; absent: the file's. */
  project?: number;
  description?: string;
  language?: string;
  agent_speaks_first?: boolean | null;
  telephony?: { inbound?: boolean; phone_number?: string };
  provider?: ProviderModel;
  webhook_url?: string | null;
  /** Absent: the set is not managed. */
  mock_tools?: ToolModel[];
  dynamic_variables?: VariableModel[];
  mock_tools_enabled?: boolean;
}

export interface ManifestModel {
  prune?: boolean;
  agents: AgentModel[];
  /** Seeds the YAML style choices (flow or block collections, quoting), so equal models print alike. */
  style: number;
}

const optional = <T>(arbitrary: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined, freq });

const mockInputs: unknown[] = [
  { order_id: 'A1' },
  { order_id: 'B2' },
  { phone: '+14155550000' },
  'A1',
  { date: '2026-03-01', nights: 2 },
  // An own `__proto__` key, as YAML and JSON give one (issue 11, item 1).
  JSON.parse('{"__proto__": "A1"}'),
];
const mockOutputs: unknown[] = [
  { status: 'shipped' },
  { status: 'processing', eta: '2026-02-01' },
  { rooms: [101, 204] },
  null,
  'ok',
  {},
  { constructor: 'x', toString: 'y' },
];

const mockRows: fc.Arbitrary<MockRow[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: mockInputs.length - 1 }), { maxLength: 3 })
  .chain((inputs) =>
    fc.tuple(...inputs.map(() => fc.integer({ min: 0, max: mockOutputs.length - 1 }))).map((outputs) =>
      inputs.map((input, index) => ({
        input: structuredClone(mockInputs[input]),
        output: structuredClone(mockOutputs[outputs[index]!]),
      })),
    ),
  );

const servedVia: fc.Arbitrary<ToolModel['served_via']> = fc.oneof(
  fc.constant(undefined),
  fc.constant({ type: 'direct' as const }),
  fc.integer({ min: 1, max: 2 }).map((index) => ({ type: 'mcp' as const, mock_index: index })),
);

export function toolArbitrary(name: string): fc.Arbitrary<ToolModel> {
  return fc
    .record({
      description: optional(fc.constantFrom('Look up an order', 'CRM read', '')),
      mock_data: optional(mockRows, 1),
      served_via: servedVia,
      freetext_params: optional(fc.subarray(['reason', 'note']), 4),
    })
    .map((fields) => withoutUndefined({ name, ...fields }));
}

const tools: fc.Arbitrary<ToolModel[]> = fc
  .shuffledSubarray([...TOOL_NAMES], { maxLength: 3 })
  .chain((names) => (names.length === 0 ? fc.constant([]) : fc.tuple(...names.map(toolArbitrary))));

export function variableArbitrary(name: string): fc.Arbitrary<VariableModel> {
  return optional(fc.constantFrom('Caller name', 'The order', '')).map((description) =>
    withoutUndefined({ name, description }),
  );
}

const variables: fc.Arbitrary<VariableModel[]> = fc
  .shuffledSubarray([...VARIABLE_NAMES], { maxLength: 3 })
  .chain((names) => (names.length === 0 ? fc.constant([]) : fc.tuple(...names.map(variableArbitrary))));

const provider: fc.Arbitrary<ProviderModel> = fc.constantFrom<ProviderType>('vapi', 'retell', 'custom').chain((type) =>
  fc
    .record({
      agent_id: optional(fc.constantFrom('asst_1', 'asst_2')),
      api_key: type === 'custom' ? fc.constant(undefined) : optional(fc.constant(true)),
    })
    .map((fields) => withoutUndefined({ type, ...fields })),
);

function agentArbitrary(key: string, name: string): fc.Arbitrary<AgentModel> {
  return fc
    .record({
      project: optional(fc.constant(OTHER_PROJECT), 5),
      // Usually present: Cekura needs it to create the agent, and a missing one is a refusal the runner checks.
      description: optional(fc.constantFrom(...DESCRIPTIONS), 12),
      language: optional(fc.constantFrom('en', 'fr', 'de')),
      agent_speaks_first: optional(fc.constantFrom(true, false, null), 4),
      telephony: optional(
        fc
          .record({
            inbound: optional(fc.boolean()),
            phone_number: optional(fc.constantFrom('+14155551234', '+14155559876')),
          })
          .map(withoutUndefined),
      ),
      provider: optional(provider, 8),
      webhook_url: optional(fc.constantFrom('https://hooks.example.com/a', null), 4),
      mock_tools: optional(tools, 6),
      dynamic_variables: optional(variables, 3),
      mock_tools_enabled: optional(fc.boolean()),
    })
    .map((fields) => {
      const agent = withoutUndefined({ key, name, ...fields }) as AgentModel;
      // Cekura switches mock mode only for providers it manages (the emulator refuses the others).
      if (agent.provider === undefined || agent.provider.type === 'custom') delete agent.mock_tools_enabled;
      return agent;
    });
}

/** A manifest: one to three agents with distinct keys and distinct names. */
export const manifestArbitrary: fc.Arbitrary<ManifestModel> = fc
  .shuffledSubarray([...AGENT_KEYS], { minLength: 1, maxLength: 3 })
  .chain((keys) =>
    fc
      .tuple(
        fc.shuffledSubarray([...AGENT_NAMES], { minLength: keys.length, maxLength: keys.length }),
        optional(fc.boolean(), 6),
        fc.integer({ min: 0, max: 0x7fffffff }),
      )
      .chain(([names, prune, style]) =>
        fc
          .tuple(...keys.map((key, index) => agentArbitrary(key, names[index]!)))
          .map((agents) => withoutUndefined({ prune, agents, style }) as ManifestModel),
      ),
  );

/** The manifest as YAML text: block or flow collections, keys in model order, picked by `style`. */
export function renderManifest(model: ManifestModel): string {
  const value: Record<string, unknown> = { project: PROJECT };
  if (model.prune !== undefined) value.prune = model.prune;
  value.agents = Object.fromEntries(model.agents.map((agent) => [agent.key, agentValue(agent)]));
  const document = new Document(value);
  const random = mulberry32(model.style);
  visit(document, {
    Map(_, node, path) {
      // The top level, `agents:` and each agent stay in block style, so the file reads as a manifest.
      if (path.length >= 7 && random() < 0.3) node.flow = true;
    },
    Seq(_, node, path) {
      if (path.length >= 7 && random() < 0.3) node.flow = true;
    },
  });
  if (random() < 0.5)
    visit(document, {
      Scalar(_, node) {
        if (typeof node.value === 'string' && random() < 0.3) node.type = 'QUOTE_DOUBLE';
      },
    });
  return document.toString({ lineWidth: 0 });
}

function agentValue(agent: AgentModel): Record<string, unknown> {
  const { key: _key, provider: providerModel, ...fields } = agent;
  const value: Record<string, unknown> = { ...fields };
  if (providerModel !== undefined) {
    const { type, agent_id, api_key } = providerModel;
    value.provider = withoutUndefined({
      type,
      agent_id,
      credentials: api_key ? { api_key: `\${env:${envOf(type)}}` } : undefined,
    });
  }
  return value;
}

/** The environment variable holding a provider's key in the models. */
export function envOf(type: ProviderType): keyof typeof MODEL_ENV {
  return type === 'retell' ? 'RETELL_API_KEY' : 'VAPI_API_KEY';
}

/** Placeholder names of a description, as Cekura reads them. */
export function placeholders(description: string): string[] {
  return [
    ...new Set([...description.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((match) => match[1]!)),
  ].sort();
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
