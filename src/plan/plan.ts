import { SET_FIELDS, type AgentDoc } from '../cekura/agent-doc.js';
import { SET_RULES } from '../cekura/sets.js';
import { SELF_MANAGED_MOCK_PROVIDERS } from '../cekura/fields.js';
import { compareStrings } from '../compare.js';
import { CekuraformError, InternalError } from '../errors.js';
import { deepEqual, digest, joinPointer, lazyProperty, ownValue, type JsonValue } from '../json.js';
import { SENSITIVE_PLACEHOLDER } from '../secret.js';
import type { Manifest, ManifestAgent } from '../manifest/types.js';
import { fingerprintMatches, fingerprintSecret, type FingerprintKeys } from '../state/fingerprint.js';
import type { LiveAgent, LiveState, RecordedAgent, StateRecord } from '../state/types.js';
import { bindAgents, checkRenames, type Binding } from './bind.js';
import { effectiveDesired } from './desired.js';
import { byItem, byPath, comparePointers, diffAgentDoc, flatChanges, type ItemDiff } from './diff-fields.js';
import { withMockModeVia } from './mock-mode.js';
import { createRequest, updateRequest, type SecretToSend } from './request.js';
import {
  PLAN_FORMAT_VERSION,
  type ApiTarget,
  type FieldChange,
  type ItemChange,
  type ManifestScope,
  type MockModeChange,
  type Plan,
  type PlanOptions,
  type PlanSummary,
  type PlanWarning,
  type RecordUpdate,
  type ResourceChange,
  type UnmanagedAgent,
} from './types.js';
import {
  comparableItem,
  desiredUnits,
  itemUnit,
  liveUnitDigests,
  originOf,
  unitDigests,
  writeOnlyUnit,
} from './units.js';

/**
 * The plan: what apply must do so that live matches the manifest. Pure and synchronous — no I/O, no
 * clock, no randomness; everything it needs is a parameter, and equal inputs give equal plans.
 * `api` is where live was read from, which the plan names (absent only in tests).
 * Throws a `CekuraformError` when an address cannot be bound, or a rename would give two agents
 * of a project one name (DESIGN.md, semantic 1).
 */
export function plan(
  manifest: Manifest,
  live: LiveState,
  record: StateRecord,
  options: PlanOptions,
  api?: ApiTarget,
  /** The keys secrets are fingerprinted with (`fingerprintKeysOf`); required when the manifest holds secrets. */
  fingerprintKeys?: FingerprintKeys,
  scope: ManifestScope = { files: {}, unread: [], isWhole: false },
): Plan {
  const unread = manifest.projects.filter((project) => !live.projects.includes(project));
  if (unread.length > 0) throw new InternalError(`live state lacks managed projects ${unread.join(', ')}`);

  const bindings = bindAgents(manifest.agents, live, record);
  const boundIds = new Set(bindings.flatMap((binding) => (binding.kind === 'bound' ? [binding.live.id] : [])));
  const unbound = live.agents.filter((agent) => !boundIds.has(agent.id));
  const leftOver = planLeftOver(unbound, manifest.projects, record, options, scope);
  const targeted = bindings.filter((binding) => isTargeted(binding.agent.address, options));
  checkTargets(options, [...bindings.map((binding) => binding.agent.address), ...leftOver.addresses]);
  // Agents outside the targets keep their names through this apply, as do the ones left alone.
  const untouched = bindings.flatMap((binding) =>
    binding.kind === 'bound' && !isTargeted(binding.agent.address, options) ? [binding.live] : [],
  );
  checkRenames(targeted, [...leftOver.staying, ...untouched]);
  const planned = targeted.map((binding) => planAgent(binding, record, fingerprintKeys, scope));
  const resourceChanges = [...planned.map((agent) => agent.change), ...leftOver.deletes];
  const unmanaged = leftOver.unmanaged;

  resourceChanges.sort((a, b) => compareStrings(a.address, b.address));
  const mockModeChanges = planned.flatMap((agent) => (agent.mockMode ? [agent.mockMode] : []));
  const warnings = [...planned.flatMap((agent) => agent.warnings), ...leftOver.warnings];
  unmanaged.sort((a, b) => a.project - b.project || a.id - b.id);

  const result: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    created_from: createdFrom(manifest, live, record, api, { resourceChanges, mockModeChanges }),
    options,
    resource_changes: resourceChanges,
    mock_mode_changes: mockModeChanges,
    unmanaged,
    warnings,
    summary: summarizePlan(resourceChanges, mockModeChanges),
  };
  return withMockModeVia(result, options.mock_mode_via);
}

/** What a plan's summary counts: agents by action, mock-mode toggles, and the items of updated agents by set and action. */
export function summarizePlan(resourceChanges: ResourceChange[], mockModeChanges: MockModeChange[]): PlanSummary {
  const countActions = (action: ResourceChange['action']): number =>
    resourceChanges.filter((change) => change.action === action).length;
  const items = Object.fromEntries(
    SET_FIELDS.map((set) => [set, { add: 0, change: 0, destroy: 0 }]),
  ) as PlanSummary['items'];
  // A created agent's items are created with it; those of updated agents are what "to change" would hide.
  for (const change of resourceChanges.filter((resource) => resource.action === 'update')) {
    for (const item of change.items) {
      const counted = item.action === 'create' ? 'add' : item.action === 'update' ? 'change' : 'destroy';
      items[item.set][counted] += 1;
    }
  }
  return {
    add: countActions('create'),
    change: countActions('update'),
    destroy: countActions('delete'),
    mock_mode_toggles: mockModeChanges.length,
    items,
  };
}

interface PlannedAgent {
  change: ResourceChange;
  mockMode?: MockModeChange;
  warnings: PlanWarning[];
}

interface LeftOver {
  /** Every address a left-over agent is known by, targeted or not (for `--target` checks). */
  addresses: string[];
  deletes: ResourceChange[];
  unmanaged: UnmanagedAgent[];
  /** Live agents that stay after the apply without an address. */
  staying: LiveAgent[];
  warnings: PlanWarning[];
}

/**
 * Live agents no address binds (DESIGN.md, Ownership): one the record owns is deleted, unless it was
 * written in a file this plan did not read (an entry recorded before files were remembered cannot
 * tell, so it counts as such) and `--target` does not name it; one no record owns is deleted under
 * prune or when named, and otherwise listed as unmanaged. Agents of projects the manifest no longer
 * names are read only for the record's sake.
 */
function planLeftOver(
  unbound: LiveAgent[],
  managedProjects: number[],
  record: StateRecord,
  options: PlanOptions,
  scope: ManifestScope,
): LeftOver {
  const owners = new Map(Object.entries(record.agents).map(([address, entry]) => [entry.id, { address, entry }]));
  const leftOver: LeftOver = { addresses: [], deletes: [], unmanaged: [], staying: [], warnings: [] };
  for (const agent of unbound) {
    const owner = owners.get(agent.id);
    if (owner === undefined && !managedProjects.includes(agent.project)) continue;
    const address = owner?.address ?? `agent[${agent.id}]`;
    leftOver.addresses.push(address);
    const isNamed = options.targets?.includes(address) === true;
    if (!isTargeted(address, options)) {
      leftOver.staying.push(agent);
    } else if (
      owner !== undefined &&
      !isNamed &&
      !scope.isWhole &&
      (owner.entry.file === undefined || scope.unread.includes(owner.entry.file))
    ) {
      const file = owner.entry.file ?? null;
      leftOver.warnings.push({ code: 'owned_agent_not_read', address: owner.address, id: agent.id, file });
      leftOver.staying.push(agent);
    } else if (owner !== undefined) {
      leftOver.deletes.push(deleteChange(agent, owner.address, 'removed_from_manifest', options));
    } else if (options.prune || isNamed) {
      leftOver.deletes.push(deleteChange(agent, address, 'not_in_manifest', options));
    } else {
      leftOver.unmanaged.push({ id: agent.id, name: agent.doc.name, project: agent.project });
      leftOver.staying.push(agent);
    }
  }
  return leftOver;
}

/** Without `--target`, every address is; with it, only the ones it names. */
function isTargeted(address: string, options: PlanOptions): boolean {
  return options.targets === undefined || options.targets.includes(address);
}

/** A target that names nothing is a typo, not an empty plan. */
function checkTargets(options: PlanOptions, addresses: string[]): void {
  const unknown = (options.targets ?? []).filter((target) => !addresses.includes(target));
  if (unknown.length === 0) return;
  throw new CekuraformError('target_not_found', `--target ${unknown.join(', ')}: no such address`, {
    meta: { targets: unknown },
    hint: 'a target is `agent.<key>` of the manifest or the state record, or `agent[<id>]` of a live agent in a managed project',
  });
}

/** What the plan was made from; the digests are computed when read, as a saved or JSON plan reads them, not for a text plan. */
function createdFrom(
  manifest: Manifest,
  live: LiveState,
  record: StateRecord,
  api: ApiTarget | undefined,
  planned: { resourceChanges: ResourceChange[]; mockModeChanges: MockModeChange[] },
): Plan['created_from'] {
  const from = {
    ...(manifest.environment === undefined ? {} : { environment: manifest.environment }),
    projects: live.projects,
    ...(api === undefined ? {} : { api }),
  } as Plan['created_from'];
  lazyProperty(from, 'manifest_hash', () => manifest.hash);
  lazyProperty(from, 'live_fingerprint', () => live.fingerprint);
  from.state_lineage = record.lineage;
  from.state_serial = record.serial;
  lazyProperty(from, 'touched', () => touchedAgents(live, planned.resourceChanges, planned.mockModeChanges));
  lazyProperty(from, 'claimed_names', () => claimedNames(live, planned.resourceChanges));
  return from;
}

function planAgent(
  binding: Binding,
  record: StateRecord,
  fingerprintKeys: FingerprintKeys | undefined,
  scope: ManifestScope,
): PlannedAgent {
  const { agent } = binding;
  const live = binding.kind === 'bound' ? binding.live : undefined;
  // What the record remembers (secret fingerprints, applied digests) is about the agent it binds, not one adopted in its place.
  const entry = record.agents[agent.address];
  const recorded = live !== undefined && entry?.id === live.id ? entry : undefined;
  const desired = effectiveDesired(agent, live?.doc);
  const secrets = planSecrets(agent, recorded, fingerprintKeys);
  const file = scope.files[agent.file];
  // Digesting every unit of every agent took a third of a 1000-agent plan's CPU; only apply and a saved or JSON plan read them.
  const recordUpdate: RecordUpdate = lazyProperty(
    { secrets: secrets.fingerprints, ...(file === undefined ? {} : { file }) },
    'applied',
    () => unitDigests(desiredUnits(desired.doc)),
  );
  const common = {
    address: agent.address,
    name: agent.doc.name ?? live?.doc.name ?? agent.key,
    project: agent.project,
    ...(binding.reason === undefined ? {} : { reason: binding.reason }),
  };

  let change: ResourceChange;
  if (live === undefined) {
    if (desired.doc.description === undefined) {
      throw new CekuraformError(
        'create_incomplete',
        `${agent.address} does not exist yet, and Cekura needs a description to create it`,
        {
          meta: { address: agent.address, location: agent.location },
          hint: `add \`description:\` under agents.${agent.key}, or pin an existing agent with \`id:\``,
        },
      );
    }
    const diff = diffAgentDoc(desired.doc, {});
    const fields = [...diff.fields, ...secrets.changes].sort(byPath);
    const items = diff.items.map((item) => itemChange(item, undefined, undefined, desired.placeholderVariables));
    change = {
      ...common,
      action: 'create',
      id: null,
      fields,
      items,
      changes: flatChanges({ fields, items }, desired.doc, {}),
      request: createRequest(agent.project, desired.doc, secrets.toSend, agent.knowledge_base_sources),
      desired: desired.doc,
      record: recordUpdate,
    };
  } else {
    const diff = diffAgentDoc(desired.doc, live.doc);
    const applied = recorded?.applied;
    const fields = [
      ...diff.fields.map((field): FieldChange => ({
        ...field,
        origin: originOf(field.path, field.value, field.before, applied),
      })),
      ...secrets.changes.map((secretChange): FieldChange => ({ ...secretChange, origin: 'manifest' })),
    ].sort(byPath);
    const changedItems = withWriteOnlyChanges(diff.items, desired.doc, live, applied).map((item) =>
      itemChange(item, live, applied, desired.placeholderVariables, desired.doc),
    );
    // Items of one name keep their order: the kept one first, then duplicates by id.
    const items = [...changedItems, ...duplicateDeletes(desired.doc, live)].sort(byItem);

    change =
      fields.length === 0 && items.length === 0
        ? { ...common, action: 'no-op', id: live.id, fields: [], items: [], changes: [], record: recordUpdate }
        : {
            ...common,
            action: 'update',
            id: live.id,
            fields,
            items,
            // A duplicate is not in the normalized document that the flat operations describe.
            changes: flatChanges({ fields, items: changedItems }, desired.doc, live.doc),
            request: updateRequest({
              desired: desired.doc,
              live,
              fields,
              items,
              secrets: secrets.toSend,
              knowledgeBaseSources: agent.knowledge_base_sources,
            }),
            desired: desired.doc,
            record: recordUpdate,
          };
  }

  const mockMode = planMockMode(agent, live);
  return {
    change,
    ...(mockMode === undefined ? {} : { mockMode }),
    warnings: planWarnings(agent, live, change, mockMode),
  };
}

interface SecretPlan {
  fingerprints: Record<string, string>;
  toSend: SecretToSend[];
  changes: FieldChange[];
}

/** Secrets are compared by fingerprint with what the record says was last sent, never against live. */
function planSecrets(
  agent: ManifestAgent,
  recorded: RecordedAgent | undefined,
  keys: FingerprintKeys | undefined,
): SecretPlan {
  const result: SecretPlan = { fingerprints: {}, toSend: [], changes: [] };
  if (agent.secrets.length > 0 && keys === undefined)
    throw new InternalError('secrets planned without fingerprint keys');
  for (const secret of agent.secrets) {
    const value = secret.value.reveal();
    const fingerprint = fingerprintSecret(keys!, value);
    result.fingerprints[secret.path] = fingerprint;
    const last = recorded?.secrets[secret.path];
    if (last !== undefined && fingerprintMatches(keys!, last, value)) continue;
    result.toSend.push({ path: secret.path, env: secret.env, fingerprint });
    result.changes.push(
      last === undefined
        ? { op: 'add', path: secret.path, value: SENSITIVE_PLACEHOLDER, sensitive: true }
        : {
            op: 'replace',
            path: secret.path,
            value: SENSITIVE_PLACEHOLDER,
            before: SENSITIVE_PLACEHOLDER,
            sensitive: true,
          },
    );
  }
  return result;
}

/**
 * The item diffs with the write-only fields (`freetext_params`, knowledge-base content) of items live
 * already has, compared with the digest the record keeps, added to them. A knowledge-base file
 * without history is taken as unchanged when its size matches: its content cannot be read back, and
 * re-uploading every adopted file would replace it for nothing.
 */
function withWriteOnlyChanges(
  diffs: ItemDiff[],
  desired: AgentDoc,
  live: LiveAgent,
  applied: Record<string, string> | undefined,
): ItemDiff[] {
  const byUnit = new Map(diffs.map((item) => [itemUnit(item.set, item.name), item]));
  for (const set of SET_FIELDS) {
    const desiredItems = desired[set] as Record<string, Record<string, JsonValue | undefined>> | undefined;
    for (const [name, item] of Object.entries(desiredItems ?? {})) {
      if (!Object.hasOwn(live.doc[set], name)) continue;
      for (const field of SET_RULES[set].writeOnlyFields) {
        const value = item[field];
        if (value === undefined) continue;
        const last = applied?.[writeOnlyUnit(set, name, field)];
        if (last === digest(value) || (last === undefined && SET_RULES[set].isReplacedOnChange)) continue;
        const unit = itemUnit(set, name);
        const changed = byUnit.get(unit) ?? { set, name, action: 'update', fields: [], rows: [] };
        const fieldChange: FieldChange = {
          op: last === undefined ? 'add' : 'replace',
          path: joinPointer(field),
          value,
          origin: 'manifest',
        };
        byUnit.set(unit, { ...changed, fields: [...changed.fields, fieldChange].sort(byPath) });
      }
    }
  }
  return [...byUnit.entries()].sort(([a], [b]) => comparePointers(a, b)).map(([, item]) => item);
}

function itemChange(
  item: ItemDiff,
  live: LiveAgent | undefined,
  applied: Record<string, string> | undefined,
  placeholderVariables: string[],
  desired?: AgentDoc,
): ItemChange {
  const id = ownValue(live?.item_ids[item.set], item.name) ?? null;
  const change: ItemChange = {
    set: item.set,
    name: item.name,
    action: item.action,
    id: item.action === 'create' ? null : id,
    fields: item.fields,
    rows: item.rows,
  };
  const reason = itemReason(item, placeholderVariables);
  if (reason !== undefined) change.reason = reason;
  const sharedWith =
    item.set === 'mock_tools' && item.action !== 'create' ? ownValue(live?.shared_tools, item.name) : undefined;
  if (sharedWith !== undefined) change.subscriber_count = sharedWith;
  if (live !== undefined && desired !== undefined) {
    const [wanted, current] = [
      comparableItem(desired, item.set, item.name),
      comparableItem(live.doc, item.set, item.name),
    ];
    // Equal comparable parts: only a write-only field changed, which only the manifest can change.
    const origin = deepEqual(wanted, current)
      ? 'manifest'
      : originOf(itemUnit(item.set, item.name), wanted, current, applied);
    change.origin = origin;
    // A field keeps the origin it was given (a write-only field's is `manifest`); the rest share the item's.
    change.fields = item.fields.map((field) => ({ origin, ...field }));
    change.rows = item.rows.map((row) => ({ ...row, fields: row.fields.map((field) => ({ ...field, origin })) }));
  }
  return change;
}

/**
 * The extra live items of a name in each set the manifest manages: the write of that set carries only
 * the oldest one's id, so the server deletes the others, and the plan says so.
 */
function duplicateDeletes(desired: AgentDoc, live: LiveAgent): ItemChange[] {
  return live.duplicate_items
    .filter((item) => desired[item.set] !== undefined)
    .map((item) => ({ ...item, action: 'delete', reason: 'duplicate_name', origin: 'drift', fields: [], rows: [] }));
}

function itemReason(item: ItemDiff, placeholderVariables: string[]): ItemChange['reason'] {
  if (item.action === 'delete') return 'not_in_manifest';
  if (item.set === 'dynamic_variables' && item.action === 'create' && placeholderVariables.includes(item.name))
    return 'description_placeholder';
  if (SET_RULES[item.set].isReplacedOnChange && item.action === 'update') return 'content_changed';
  return undefined;
}

function planMockMode(agent: ManifestAgent, live: LiveAgent | undefined): MockModeChange | undefined {
  const desired = agent.mock_tools_enabled;
  const current = live?.mock_tools_enabled ?? false;
  if (desired === undefined || desired === current) return undefined;
  // The way is set for the whole plan by `withMockModeVia`.
  return { address: agent.address, id: live?.id ?? null, from: current, to: desired, via: 'toggle' };
}

function planWarnings(
  agent: ManifestAgent,
  live: LiveAgent | undefined,
  change: ResourceChange,
  mockMode: MockModeChange | undefined,
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  for (const item of change.items) {
    if (item.subscriber_count !== undefined) {
      warnings.push({
        code: 'shared_mock_tool',
        address: agent.address,
        tool: item.name,
        subscriber_count: item.subscriber_count,
      });
    }
  }
  const provider = { ...live?.doc.provider, ...agent.doc.provider };
  if (mockMode?.to === true) {
    const type = typeof provider.type === 'string' && provider.type !== '' ? provider.type : 'custom';
    if (SELF_MANAGED_MOCK_PROVIDERS.includes(type))
      warnings.push({ code: 'self_managed_mock_mode', address: agent.address, provider: type });
  }
  if (agent.doc.description !== undefined && provider.auto_sync_prompt === true) {
    warnings.push({ code: 'description_auto_sync', address: agent.address });
  }
  return warnings;
}

function deleteChange(
  agent: LiveAgent,
  address: string,
  reason: 'not_in_manifest' | 'removed_from_manifest',
  options: PlanOptions,
): ResourceChange {
  return {
    address,
    action: 'delete',
    id: agent.id,
    name: agent.doc.name,
    project: agent.project,
    fields: [],
    items: [],
    changes: [],
    reason,
    request: { method: 'DELETE', delete_related: options.delete_related },
  };
}

function touchedAgents(
  live: LiveState,
  changes: ResourceChange[],
  mockModeChanges: MockModeChange[],
): Record<string, Record<string, string>> {
  const ids = new Set([
    ...changes.flatMap((change) => (change.action === 'update' || change.action === 'delete' ? [change.id] : [])),
    ...mockModeChanges.flatMap((change) => (change.id === null ? [] : [change.id])),
  ]);
  return Object.fromEntries(
    live.agents.filter((agent) => ids.has(agent.id)).map((agent) => [String(agent.id), liveUnitDigests(agent)]),
  );
}

function claimedNames(live: LiveState, changes: ResourceChange[]): { project: number; name: string }[] {
  const liveNames = new Map(live.agents.map((agent) => [agent.id, agent.doc.name]));
  return changes.flatMap((change) =>
    change.action === 'create' || (change.action === 'update' && liveNames.get(change.id) !== change.name)
      ? [{ project: change.project, name: change.name }]
      : [],
  );
}
