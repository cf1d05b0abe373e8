import {
  sortMockData,
  type AgentDoc,
  type MockDataRow,
  type MockToolDoc,
  type ServedVia,
} from '../../src/cekura/agent-doc.js';
import type { SecretPath } from '../../src/cekura/fields.js';
import type { WireAgent, WireMockTool } from '../../src/api/types.js';
import { compareStrings } from '../../src/compare.js';
import { digest } from '../../src/json.js';
import { Secret } from '../../src/secret.js';
import type { Manifest, ManifestAgent } from '../../src/manifest/types.js';
import { buildLiveState } from '../../src/state/fetch.js';
import type { FingerprintKeys } from '../../src/state/fingerprint.js';
import { STATE_RECORD_VERSION, type LiveState, type RecordedAgent, type StateRecord } from '../../src/state/types.js';
import type { Plan } from '../../src/plan/types.js';

// Small builders for planner table cases: the desired side as the manifest loader produces it, the
// live side as the API returns it (through the real normalizer).

export const PROJECT = 42;
export const FINGERPRINT_KEYS: FingerprintKeys = {
  current: Buffer.from('test-fingerprint-key-0123456789ab').toString('base64'),
};

export function agent(key: string, doc: AgentDoc, extra: Partial<ManifestAgent> = {}): ManifestAgent {
  return {
    key,
    address: `agent.${key}`,
    project: PROJECT,
    doc: { name: key, ...doc },
    secrets: [],
    knowledge_base_sources: {},
    file: 'agents.yaml',
    location: { file: 'agents.yaml', line: 1, col: 1 },
    locateField: () => undefined,
    ...extra,
  };
}

export function secret(path: SecretPath, env: string, value: string): ManifestAgent['secrets'][number] {
  return { path, env, value: new Secret(value) };
}

export function manifest(agents: ManifestAgent[], extra: Partial<Manifest> = {}): Manifest {
  const sorted = [...agents].sort((a, b) => compareStrings(a.key, b.key));
  return {
    files: ['agents.yaml'],
    agents: sorted,
    projects: [...new Set([PROJECT, ...sorted.map((a) => a.project)])].sort(),
    prune: false,
    hash: digest(sorted.map((a) => a.doc)),
    warnings: [],
    ...extra,
  };
}

export function tool(
  name: string,
  extra: { description?: string; mock_data?: MockDataRow[]; served_via?: ServedVia; freetext_params?: string[] } = {},
): MockToolDoc {
  return {
    name,
    description: extra.description ?? '',
    mock_data: sortMockData(extra.mock_data ?? []),
    served_via: extra.served_via ?? { type: 'direct' },
    ...(extra.freetext_params ? { freetext_params: extra.freetext_params } : {}),
  };
}

export function tools(...items: MockToolDoc[]): Record<string, MockToolDoc> {
  return Object.fromEntries(items.map((item) => [item.name, item]));
}

export function variables(...items: [string, string?][]): NonNullable<AgentDoc['dynamic_variables']> {
  return Object.fromEntries(items.map(([name, description]) => [name, { name, description: description ?? '' }]));
}

/** An agent as the API returns it, with the server's defaults. The one wire-agent builder of the tests. */
export function wireAgent(id: number, fields: Partial<WireAgent> = {}): WireAgent {
  return {
    id,
    name: `Agent ${id}`,
    description: '',
    project: PROJECT,
    language: 'en',
    telephony: { inbound: false, phone_number: null, sip_uri: null },
    provider: { type: 'vapi', agent_id: 'asst_1' },
    agent_speaks_first: null,
    knowledge_base_files: [],
    mock_tools: [],
    mock_tools_enabled: false,
    mock_tools_provider: null,
    dynamic_variables: [],
    webhook_url: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...fields,
  };
}

export function wireTool(id: number, name: string, extra: Partial<WireMockTool> = {}): WireMockTool {
  return {
    id,
    name,
    description: '',
    mock_data: [],
    served_via: { type: 'direct', url: `https://api.cekura.ai/test_framework/v1/aiagents/1/tool/${name}/` },
    is_shared: false,
    subscriber_count: 1,
    ...extra,
  };
}

export function live(...agents: WireAgent[]): LiveState {
  return buildLiveState([PROJECT], agents);
}

export function record(agents: Record<string, Partial<RecordedAgent> & { id: number }> = {}): StateRecord {
  return {
    version: STATE_RECORD_VERSION,
    lineage: 'lineage-1',
    serial: 3,
    agents: Object.fromEntries(
      Object.entries(agents).map(([address, entry]) => [
        address,
        { project: PROJECT, secrets: {}, applied: {}, ...entry },
      ]),
    ),
  };
}

/** The state record an apply of `plan` would leave: each bound address with its id and what was applied. */
export function recordAfter(plan: Plan, base: StateRecord = record()): StateRecord {
  const agents = { ...base.agents };
  for (const change of plan.resource_changes) {
    if (change.action === 'delete' || change.id === null) continue;
    agents[change.address] = {
      id: change.id,
      project: change.project,
      secrets: change.record.secrets,
      applied: change.record.applied,
    };
  }
  return { ...base, serial: base.serial + 1, agents };
}
