import type { AgentDoc, SetField } from '../cekura/agent-doc.js';
import type { MockModeVia } from '../cekura/generation.js';
import type { JsonObject, JsonValue } from '../json.js';

export type { MockModeVia };

// Plain data only (no classes, Map or Set): a Plan is printed by `plan --json` as it is, saved by
// `plan --out`, and read back by `apply PLANFILE`. Raise PLAN_FORMAT_VERSION on any breaking change.

export const PLAN_FORMAT_VERSION = '2';

/** Terraform's action strings. */
export type Action = 'create' | 'update' | 'delete' | 'no-op';

/**
 * Where a difference comes from, judged against the state record's digest of what was last applied:
 * `manifest` (the manifest changed), `drift` (Cekura changed since the last apply and apply will
 * revert it), `conflict` (both changed). Unknown history counts as `manifest`.
 */
export type ChangeOrigin = 'manifest' | 'drift' | 'conflict';

/**
 * One changed value, as a JSON Patch operation that keeps the value before as well. `path` is a JSON
 * Pointer relative to what holds the change: the agent document for `ResourceChange.fields`
 * (`/telephony/phone_number`), the item for `ItemChange.fields` (`/description`), the row for
 * `MockDataRowChange.fields` (`/output/status`). Only `ResourceChange.changes` has whole-document paths.
 */
export interface FieldChange {
  op: 'add' | 'remove' | 'replace';
  /** JSON Pointer in manifest/API names, relative to the holder (see above). */
  path: string;
  /** The value after; absent for `remove`. `(sensitive value)` when `sensitive`. */
  value?: JsonValue;
  /** The value before; absent for `add`, and for a write-only field (Cekura never returns it). `(sensitive value)` when `sensitive`. */
  before?: JsonValue;
  /** A write-only secret: only its fingerprint was compared; its value is in no plan. */
  sensitive?: true;
  /** Present on updates only. */
  origin?: ChangeOrigin;
}

/** Why an item changes; for display only, never read by apply. */
export type ItemReason =
  /** Live has the item and the manifest's complete set does not: the write deletes it. */
  | 'not_in_manifest'
  /** A dynamic variable Cekura derives from a `{{name}}` placeholder in the description. */
  | 'description_placeholder'
  /** A knowledge-base file whose local content changed: replaced by a new upload. */
  | 'content_changed'
  /** Live holds another, older item of this name in the set: the write keeps that one and deletes this one. */
  | 'duplicate_name';

/** One mock tool, dynamic variable or knowledge-base file that the write creates, changes or deletes. */
export interface ItemChange {
  set: SetField;
  /** The item's key (`SET_RULES[set].keyField`): a tool's or variable's name, a file's name. */
  name: string;
  action: Exclude<Action, 'no-op'>;
  /** Live id; null for a create. */
  id: number | null;
  reason?: ItemReason;
  /** Live marks the tool `is_shared`: the change reaches this many agents, not just this one. */
  subscriber_count?: number;
  origin?: ChangeOrigin;
  /**
   * Changes inside the item, by path within it, sorted by path: every field of a created item but its
   * key and its mock data, the changed fields of an updated one, none for a deleted one (it goes as
   * a whole). A write-only field (`SET_RULES[set].writeOnlyFields`) has no `before`.
   */
  fields: FieldChange[];
  /** A mock tool's mock data rows that are added, changed or deleted, by input; empty for other sets. */
  rows: MockDataRowChange[];
}

/** One row of a mock tool's mock data, keyed by its `input` (unique within the tool, so a row's input never changes). */
export interface MockDataRowChange {
  input: JsonValue;
  action: Exclude<Action, 'no-op'>;
  /**
   * What happens to its output, by path within the row: one `add` of `/output` for a created row,
   * one `remove` for a deleted one, the changed leaves (`/output/status`) of a changed one.
   */
  fields: FieldChange[];
}

/** Why an agent has its action; for display only, never read by apply (Terraform's ActionReason rule). */
export type ResourceReason =
  /** Bound to the only live agent of that name in the project, which the state record did not know. */
  | 'adopted_by_name'
  /** Bound through the manifest's `id:`. */
  | 'pinned_id'
  /** The state record binds an id that no longer exists in Cekura: created anew. */
  | 'bound_agent_missing'
  /** A live agent in a managed project that no manifest names, deleted because of prune. */
  | 'not_in_manifest'
  /** The state record owns the agent (cekuraform created or adopted it) and the manifest no longer names it. */
  | 'removed_from_manifest';

/**
 * A value apply adds to a request body just before sending it, so that no plan holds a secret or a
 * file's content. Apply refuses when the value it reads no longer matches the plan.
 */
export type BodyInsert =
  | { path: string; source: 'env'; env: string; fingerprint: string }
  | { path: string; source: 'file'; file: string; sha256: string };

/** A create (POST) or update (PATCH) of one agent. */
export interface WriteRequest {
  method: 'POST' | 'PATCH';
  /**
   * Exactly what is sent, minus `inserts`: for a PATCH, the changed fields only (objects as merge
   * patches, lists whole) and each changed set complete, carrying the live ids of kept items.
   */
  body: JsonObject;
  inserts: BodyInsert[];
}

export interface DeleteRequest {
  method: 'DELETE';
  /** Cekura's default (true) also deletes the agent's calls, evaluators, results and runs. */
  delete_related: boolean;
}

/** What apply stores in the state record for an address once its write succeeds. */
export interface RecordUpdate {
  /** Fingerprints of all desired secrets, by path. */
  secrets: Record<string, string>;
  /** Digests of all managed units as desired, by pointer (see `RecordedAgent.applied`). */
  applied: Record<string, string>;
  /** The manifest file that writes the address (see `RecordedAgent.file`); absent when the planner was not told. */
  file?: string;
}

interface ResourceChangeCommon {
  /** `agent.<key>`, or `agent[<id>]` for a live agent no manifest names. */
  address: string;
  /** The agent's name: desired, or live for a delete. */
  name: string;
  project: number;
  /** Changes to the agent's own fields (secrets included; sets are in `items`), sorted by path. Empty for a delete and a no-op. */
  fields: FieldChange[];
  /** Sorted by set, then name. */
  items: ItemChange[];
  /**
   * `fields` and `items` as one flat list of operations on the normalized agent document, sorted by
   * path: items addressed by key (`/mock_tools/get_order/description`), mock data rows by the
   * canonical JSON of their input (`/mock_tools/get_order/mock_data/{"order_id":"A1"}/output`), a
   * created item or row one `add` of the whole, a deleted one a `remove`. Kept for readers of the
   * JSON plan of format 1; cekuraform itself never reads it.
   */
  changes: FieldChange[];
  reason?: ResourceReason;
}

/** Creates and updates carry the managed desired document; apply checks each write's response against it. */
interface WriteChange {
  request: WriteRequest;
  /** Managed fields as desired, secrets excluded: what the response of the write must show. */
  desired: AgentDoc;
  record: RecordUpdate;
}

export type ResourceChange =
  | (ResourceChangeCommon & WriteChange & { action: 'create'; id: null })
  | (ResourceChangeCommon & WriteChange & { action: 'update'; id: number })
  | (ResourceChangeCommon & { action: 'delete'; id: number; request: DeleteRequest })
  | (ResourceChangeCommon & { action: 'no-op'; id: number; record: RecordUpdate });

/** A mock-tool mode to reach, after or with the agent's write. */
export interface MockModeChange {
  address: string;
  /** Null when the agent is created by the same apply. */
  id: number | null;
  from: boolean;
  to: boolean;
  /** Fixed when the plan is made; apply of a saved plan goes exactly this way. With `patch`, the write's body carries `mock_tools_enabled`. */
  via: MockModeVia;
}

export interface UnmanagedAgent {
  id: number;
  name: string;
  project: number;
}

/** Things the user should know before applying; rendering turns the code into words. */
export type PlanWarning =
  /** A changed or deleted tool is shared with other agents. */
  | { code: 'shared_mock_tool'; address: string; tool: string; subscriber_count: number }
  /** Mock mode asked for on a provider whose mocks Cekura does not switch (custom, self_hosted). */
  | { code: 'self_managed_mock_mode'; address: string; provider: string }
  /** `description` set together with `provider.auto_sync_prompt: true`: the provider will rewrite it. */
  | { code: 'description_auto_sync'; address: string }
  /**
   * The record owns `address`, written in `file`, which this plan did not read (a `-f` subset): it is
   * not deleted. `file` is null in an entry recorded before files were remembered. Reading the file, deleting the file, or `--target` makes the delete explicit.
   */
  | { code: 'owned_agent_not_read'; address: string; id: number; file: string | null };

/** How many items of one set the plan's updates create, change and delete, over all agents. */
export interface ItemCounts {
  add: number;
  change: number;
  destroy: number;
}

export interface PlanSummary {
  /** Agents. */
  add: number;
  change: number;
  destroy: number;
  mock_mode_toggles: number;
  /** Items of the agents that are updated, by set (a created or deleted agent's items go with it and are not counted). */
  items: Record<SetField, ItemCounts>;
}

/** The Cekura API a plan reads and writes, and how it was chosen. */
export interface ApiTarget {
  /** Base URL, without credentials (they are refused) or a trailing slash. */
  url: string;
  /** `flag` (`--api-url`), `env` (`CEKURA_API_URL`), or `default` (neither given: the public API). */
  source: 'flag' | 'env' | 'default';
}

export interface PlanOptions {
  /** Delete live agents of managed projects that no manifest names. */
  prune: boolean;
  /** Let such deletes take the agents' calls, evaluators, results and runs with them. */
  delete_related: boolean;
  /**
   * `--target ADDRESS`: plan only these addresses (`agent.<key>`, or `agent[<id>]` of an unmanaged
   * agent, which naming deletes); absent plans every address. A named owned agent is deleted even when
   * its file was not read: naming it is the explicit choice.
   */
  targets?: string[];
  /**
   * The manifest's `max_deletes`, kept so that applying a saved plan keeps the guard; absent when the
   * manifest sets none. Not read by the planner; apply's `--max-deletes` flag wins over it.
   */
  max_deletes?: number;
  /** How this plan's mock-mode changes are made: forced by the user, or detected from the API before planning. */
  mock_mode_via: MockModeVia;
}

/**
 * Which manifest files a plan read, in the state record's terms (see `RecordedAgent.file`), so that a
 * plan of a `-f` subset does not turn the other files' agents into deletes. Made by the CLI, which
 * can look at the disk; the planner only compares names.
 */
export interface ManifestScope {
  /** The record's name of each file read, by the name the manifest gives it (`Manifest.files`). */
  files: Record<string, string>;
  /** Files the record remembers that exist and were not read: the agents they wrote are kept. */
  unread: string[];
  /**
   * `destroy`: every agent the record owns is meant, whatever file wrote it (or none is remembered);
   * otherwise an entry without a file counts as unread.
   */
  isWhole: boolean;
}

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  /** What the plan was computed from; apply of a saved plan refuses when any of it moved. */
  created_from: {
    /**
     * The `--env` environment the manifest was resolved for; absent when it declares none. Apply of a
     * saved plan uses this environment's state record and refuses a `--env` naming another.
     */
    environment?: string;
    /** The projects whose live agents were read. */
    projects: number[];
    /** The API they were read from, which apply writes to; apply of a saved plan refuses another. Absent only in plans made without the CLI (tests). */
    api?: ApiTarget;
    manifest_hash: string;
    live_fingerprint: string;
    state_lineage: string;
    state_serial: number;
    /**
     * Each agent the plan writes, deletes or toggles, by id: the digest of each unit of it as live was
     * read (`liveUnitDigests`). Apply of a saved plan refuses when one of these agents changed, and
     * only then: edits to other agents do not make the plan stale. Absent in plans saved before it,
     * which `live_fingerprint` guards as a whole.
     */
    touched?: Record<string, Record<string, string>>;
    /** Names the plan gives agents (creates and renames): apply refuses when another agent took one since. */
    claimed_names?: { project: number; name: string }[];
  };
  options: PlanOptions;
  /** One per address, sorted by address; includes no-ops. */
  resource_changes: ResourceChange[];
  /** Sorted by address. */
  mock_mode_changes: MockModeChange[];
  /** Live agents of managed projects that no address binds and that are not deleted; sorted by project, id. */
  unmanaged: UnmanagedAgent[];
  warnings: PlanWarning[];
  summary: PlanSummary;
}

/** True when applying the plan would send nothing. */
export function hasChanges(plan: Plan): boolean {
  const { add, change, destroy, mock_mode_toggles } = plan.summary;
  return add + change + destroy + mock_mode_toggles > 0;
}
