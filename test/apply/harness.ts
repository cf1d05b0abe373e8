import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MockToolDoc, AgentDoc } from '../../src/cekura/agent-doc.js';
import { applyPlan, type ApplyDeps } from '../../src/apply/apply.js';
import type { ApplyEvent, ApplyResult } from '../../src/apply/events.js';
import type { JsonObject } from '../../src/json.js';
import type { BodyInsert, ItemChange, Plan, ResourceChange } from '../../src/plan/types.js';
import { fingerprintSecret, type FingerprintKeys } from '../../src/state/fingerprint.js';
import { openStateRecord, type StateRecordStore } from '../../src/state/record.js';
import { FakeCekuraApi } from './fake-api.js';
import { FakeClock } from '../fakes.js';
import { created, item, updated } from '../render/builders.js';

export interface Harness {
  api: FakeCekuraApi;
  clock: FakeClock;
  dir: string;
  records: StateRecordStore;
  events: ApplyEvent[];
  env: Record<string, string | undefined>;
  files: Map<string, Buffer>;
  apply(plan: Plan, overrides?: Partial<ApplyDeps>): Promise<ApplyResult>;
  /** The keys apply checks the plans' secret fingerprints with. */
  fingerprintKeys: FingerprintKeys;
  /** A store re-read from disk, as the next apply would open it. */
  reopen(): Promise<StateRecordStore>;
  cleanup(): Promise<void>;
}

export async function setUp(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'cekuraform-apply-'));
  const statePath = join(dir, '.cekuraform', 'test.state.json');
  const harness: Harness = {
    api: new FakeCekuraApi(),
    clock: new FakeClock(),
    dir,
    records: await openStateRecord(statePath),
    events: [],
    env: {},
    fingerprintKeys: { current: Buffer.from('apply-test-fingerprint-key-01234').toString('base64') },
    files: new Map(),
    apply: (plan, overrides = {}) =>
      applyPlan(plan, {
        api: harness.api,
        records: harness.records,
        env: harness.env,
        fingerprintKeys: harness.fingerprintKeys,
        readFile: async (path) => {
          const content = harness.files.get(path);
          if (content === undefined)
            throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
          return content;
        },
        clock: harness.clock,
        onEvent: (event) => harness.events.push(event),
        ...overrides,
      }),
    reopen: () => openStateRecord(statePath),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  return harness;
}

/** A mock tool as a manifest gives it; served directly unless `mcp` names its mock index. */
export interface ToolSpec {
  name: string;
  description?: string;
  mock_data?: { input: JsonObject; output: JsonObject }[];
  mcp?: number;
}

/** The managed part of an agent, from which a builder makes both the request body and `desired`. */
export interface AgentSpec {
  name: string;
  description?: string;
  tools?: ToolSpec[];
  variables?: string[];
  provider?: JsonObject;
}

function toolDoc(tool: ToolSpec): MockToolDoc {
  return {
    name: tool.name,
    description: tool.description ?? '',
    mock_data: tool.mock_data ?? [],
    served_via: tool.mcp === undefined ? { type: 'direct' } : { type: 'mcp', mock_index: tool.mcp },
  };
}

export function desiredOf(spec: AgentSpec): AgentDoc {
  return {
    name: spec.name,
    description: spec.description ?? '',
    ...(spec.provider === undefined ? {} : { provider: spec.provider }),
    mock_tools: Object.fromEntries((spec.tools ?? []).map((tool) => [tool.name, toolDoc(tool)])),
    dynamic_variables: Object.fromEntries((spec.variables ?? []).map((name) => [name, { name, description: '' }])),
  };
}

/** The full-set body: every managed field, each set as a list carrying `toolIds` of the tools it keeps. */
export function bodyOf(spec: AgentSpec, toolIds: Record<string, number> = {}): JsonObject {
  return {
    name: spec.name,
    description: spec.description ?? '',
    ...(spec.provider === undefined ? {} : { provider: structuredClone(spec.provider) }),
    mock_tools: (spec.tools ?? []).map((tool) => {
      const id = toolIds[tool.name];
      return { ...(id === undefined ? {} : { id }), ...toolDoc(tool) } as unknown as JsonObject;
    }),
    dynamic_variables: (spec.variables ?? []).map((name) => ({ name, description: '' })),
  };
}

const RECORD = { secrets: {}, applied: { '/name': 'digest-of-name' } };

export function createChange(
  key: string,
  spec: AgentSpec,
  options: { project?: number; inserts?: BodyInsert[] } = {},
): ResourceChange {
  const project = options.project ?? 42;
  return created(key, {
    name: spec.name,
    project,
    fields: [{ op: 'add', path: '/name', value: spec.name }],
    items: (spec.tools ?? []).map((tool) => item('mock_tools', tool.name, 'create')),
    request: { method: 'POST', body: { project, ...bodyOf(spec) }, inserts: options.inserts ?? [] },
    desired: desiredOf(spec),
    record: { ...RECORD, secrets: secretsOf(options.inserts) },
  });
}

export function updateChange(
  key: string,
  id: number,
  spec: AgentSpec,
  options: { inserts?: BodyInsert[]; items?: ItemChange[]; toolIds?: Record<string, number> } = {},
): ResourceChange {
  return updated(key, id, {
    name: spec.name,
    fields: [{ op: 'replace', path: '/description', value: spec.description ?? '', before: 'old' }],
    items: options.items ?? [],
    request: { method: 'PATCH', body: bodyOf(spec, options.toolIds), inserts: options.inserts ?? [] },
    desired: desiredOf(spec),
    record: { ...RECORD, secrets: secretsOf(options.inserts) },
  });
}

export function envInsert(path: string, env: string, value: string, fingerprintKeys: FingerprintKeys): BodyInsert {
  return { path, source: 'env', env, fingerprint: fingerprintSecret(fingerprintKeys, value) };
}

function secretsOf(inserts: BodyInsert[] = []): Record<string, string> {
  return Object.fromEntries(
    inserts.flatMap((insert) => (insert.source === 'env' ? [[insert.path, insert.fingerprint]] : [])),
  );
}

/** Everything apply left behind that a user or log could see: events, result and the state file. */
export async function visibleOutput(harness: Harness, result: ApplyResult): Promise<string> {
  const stateFile = await readFile(harness.records.path, 'utf8').catch(() => '');
  return JSON.stringify(harness.events) + JSON.stringify(result) + stateFile;
}
