import type { AgentDoc, SetField } from '../../src/cekura/agent-doc.js';
import { flatChanges } from '../../src/plan/diff-fields.js';
import { summarizePlan } from '../../src/plan/plan.js';
import type { AgentOutcome, ApplyResult } from '../../src/apply/events.js';
import { compareStrings } from '../../src/compare.js';
import type { JsonValue } from '../../src/json.js';
import {
  PLAN_FORMAT_VERSION,
  type FieldChange,
  type ItemChange,
  type MockDataRowChange,
  type MockModeChange,
  type Plan,
  type PlanWarning,
  type RecordUpdate,
  type ResourceChange,
  type ResourceReason,
  type UnmanagedAgent,
  type WriteRequest,
} from '../../src/plan/types.js';
import { SENSITIVE_PLACEHOLDER } from '../../src/secret.js';

// The builders of Plan and ApplyResult values, for the renderers' goldens and apply's runs alike
// (test/apply/harness.ts adds the request bodies apply sends).

export const PROJECT = 42;

interface ChangeExtra {
  name?: string;
  project?: number;
  fields?: FieldChange[];
  items?: ItemChange[];
  reason?: ResourceReason;
  /** The agent as desired: a write's `desired`, and where the flat `changes` take created items from. */
  desired?: AgentDoc;
  /** The live agent, where the flat `changes` take deleted items from. */
  live?: AgentDoc;
}

/** What a create or update sends and records; renderers read none of it, apply all of it. */
interface WriteExtra extends ChangeExtra {
  request?: WriteRequest;
  record?: RecordUpdate;
}

const emptyRecord = { secrets: {}, applied: {} };

function common(address: string, extra: ChangeExtra) {
  const fields = extra.fields ?? [];
  const items = extra.items ?? [];
  return {
    address,
    name: extra.name ?? address.replace(/^agent\./, ''),
    project: extra.project ?? PROJECT,
    fields,
    items,
    changes: flatChanges({ fields, items }, extra.desired ?? {}, extra.live ?? {}),
    ...(extra.reason === undefined ? {} : { reason: extra.reason }),
  };
}

export function created(key: string, extra: WriteExtra = {}): ResourceChange {
  return {
    ...common(`agent.${key}`, extra),
    action: 'create',
    id: null,
    request: extra.request ?? { method: 'POST', body: {}, inserts: [] },
    desired: extra.desired ?? {},
    record: extra.record ?? emptyRecord,
  };
}

export function updated(key: string, id: number, extra: WriteExtra = {}): ResourceChange {
  return {
    ...common(`agent.${key}`, extra),
    action: 'update',
    id,
    request: extra.request ?? { method: 'PATCH', body: {}, inserts: [] },
    desired: extra.desired ?? {},
    record: extra.record ?? emptyRecord,
  };
}

/** A delete of the agent bound to `address` (`agent.<key>`, or `agent[<id>]` for one no manifest names). */
export function deleted(
  address: string,
  id: number,
  name: string,
  deleteRelated = false,
  extra: ChangeExtra = {},
): ResourceChange {
  return {
    ...common(address, { ...extra, name }),
    action: 'delete',
    id,
    request: { method: 'DELETE', delete_related: deleteRelated },
  };
}

/** A live agent no manifest names, deleted by prune. */
export function pruned(id: number, name: string, deleteRelated = false): ResourceChange {
  return deleted(`agent[${id}]`, id, name, deleteRelated, { reason: 'not_in_manifest' });
}

export function unchanged(
  key: string,
  id: number,
  extra: ChangeExtra & { record?: RecordUpdate } = {},
): ResourceChange {
  return { ...common(`agent.${key}`, extra), action: 'no-op', id, record: extra.record ?? emptyRecord };
}

export function add(path: string, value: JsonValue, extra: Partial<FieldChange> = {}): FieldChange {
  return { op: 'add', path, value, ...extra };
}

export function replace(
  path: string,
  before: JsonValue | undefined,
  value: JsonValue,
  extra: Partial<FieldChange> = {},
): FieldChange {
  return { op: 'replace', path, value, ...(before === undefined ? {} : { before }), ...extra };
}

export function remove(path: string, before: JsonValue, extra: Partial<FieldChange> = {}): FieldChange {
  return { op: 'remove', path, before, ...extra };
}

/** A secret sent for the first time (`add`) or rotated (`replace`): only its fingerprint was compared. */
export function secret(path: string, op: 'add' | 'replace', extra: Partial<FieldChange> = {}): FieldChange {
  return op === 'add'
    ? { op, path, value: SENSITIVE_PLACEHOLDER, sensitive: true, ...extra }
    : { op, path, value: SENSITIVE_PLACEHOLDER, before: SENSITIVE_PLACEHOLDER, sensitive: true, ...extra };
}

export function item(
  set: SetField,
  name: string,
  action: ItemChange['action'],
  extra: Partial<ItemChange> = {},
): ItemChange {
  return { set, name, action, id: null, fields: [], rows: [], ...extra };
}

/** A mock data row created (`output` after), deleted (`output` before) or changed (`fields` inside it). */
export function row(
  input: JsonValue,
  action: MockDataRowChange['action'],
  change: { output: JsonValue } | { fields: FieldChange[] },
): MockDataRowChange {
  if ('fields' in change) return { input, action, fields: change.fields };
  return {
    input,
    action,
    fields: [
      action === 'delete'
        ? { op: 'remove', path: '/output', before: change.output }
        : { op: 'add', path: '/output', value: change.output },
    ],
  };
}

export function mockMode(
  address: string,
  id: number | null,
  from: boolean,
  to: boolean,
  via: MockModeChange['via'] = 'toggle',
): MockModeChange {
  return { address, id, from, to, via };
}

export function unmanaged(id: number, name: string, project = PROJECT): UnmanagedAgent {
  return { id, name, project };
}

/** A plan whose summary counts what it holds, as the planner's does. */
export function plan(parts: {
  resource_changes?: ResourceChange[];
  mock_mode_changes?: MockModeChange[];
  unmanaged?: UnmanagedAgent[];
  warnings?: PlanWarning[];
}): Plan {
  const resourceChanges = [...(parts.resource_changes ?? [])].sort((a, b) => compareStrings(a.address, b.address));
  const mockModeChanges = parts.mock_mode_changes ?? [];
  return {
    format_version: PLAN_FORMAT_VERSION,
    created_from: {
      projects: [PROJECT],
      api: { url: 'https://api.cekura.ai', source: 'default' },
      manifest_hash: '0123456789abcdef',
      live_fingerprint: 'fedcba9876543210',
      state_lineage: 'lineage-1',
      state_serial: 3,
    },
    options: {
      prune: resourceChanges.some((change) => change.action === 'delete'),
      delete_related: false,
      mock_mode_via: 'toggle',
    },
    resource_changes: resourceChanges,
    mock_mode_changes: mockModeChanges,
    unmanaged: parts.unmanaged ?? [],
    warnings: parts.warnings ?? [],
    summary: summarizePlan(resourceChanges, mockModeChanges),
  };
}

export function outcome(
  address: string,
  action: AgentOutcome['action'],
  status: AgentOutcome['status'],
  extra: Partial<AgentOutcome> = {},
): AgentOutcome {
  return { address, action, id: null, status, toggled: false, ...extra };
}

/** An apply result whose summary counts its outcomes, as apply's does. */
export function applyResult(
  outcomes: AgentOutcome[],
  extra: { backup_file?: string; interrupted?: boolean } = {},
): ApplyResult {
  const applied = (action: AgentOutcome['action']): number =>
    outcomes.filter((entry) => entry.status === 'applied' && entry.action === action).length;
  return {
    outcomes,
    summary: {
      added: applied('create'),
      changed: applied('update'),
      destroyed: applied('delete'),
      mock_mode_toggles: outcomes.filter((entry) => entry.toggled).length,
      failed: outcomes.filter((entry) => entry.status === 'failed').length,
      skipped: outcomes.filter((entry) => entry.status === 'skipped').length,
    },
    backup_file: extra.backup_file ?? null,
    interrupted: extra.interrupted ?? false,
  };
}
