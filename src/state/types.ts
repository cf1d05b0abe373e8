import type { AgentDoc, SetField } from '../cekura/agent-doc.js';

/**
 * Live agents of the managed projects, normalized for diffing (see `AgentDoc`): server-computed
 * fields dropped, server defaults explicit, sets keyed by name. Made by `fetchLiveState`.
 */
export interface LiveState {
  /** Projects that were listed, sorted. */
  projects: number[];
  /** Sorted by id. */
  agents: LiveAgent[];
  /** Digest of `projects` and `agents`; a saved plan records it and apply refuses when it moved. */
  fingerprint: string;
}

export interface LiveAgent {
  id: number;
  project: number;
  /** Every field the API returned, normalized; the three sets are always present. */
  doc: LiveAgentDoc;
  /** Changed by a toggle (the pages' API) or written by PATCH (the newer API); see `MockModeVia`. */
  mock_tools_enabled: boolean;
  /**
   * Live ids of set items by name. A write carries the id of every tool and knowledge-base file it
   * keeps (variables are matched by name, so theirs are only for display).
   */
  item_ids: {
    mock_tools: Record<string, number>;
    dynamic_variables: Record<string, number>;
    knowledge_base_files: Record<string, number>;
  };
  /** Tools that live marks `is_shared`, by name, with their `subscriber_count`. */
  shared_tools: Record<string, number>;
  /**
   * Items whose name an item of the same set with a lower id already has: not in `doc` or `item_ids`,
   * so a write of their set omits them and the server deletes them. Sorted by set, name and id.
   */
  duplicate_items: DuplicateItem[];
}

/** A live item that shares its name with an older item of the same set. */
export interface DuplicateItem {
  set: SetField;
  name: string;
  id: number;
}

export type LiveAgentDoc = AgentDoc &
  Required<Pick<AgentDoc, 'name' | 'mock_tools' | 'dynamic_variables' | 'knowledge_base_files'>>;

/** Version 2 keeps no fingerprint key (version 1 records are read, and re-keyed by the next apply). */
export const STATE_RECORD_VERSION = 2;

/**
 * The local state record of one environment (`.cekuraform/<env>.state.json`, mode 0600). It binds
 * addresses to live agent ids and remembers what was last applied, as digests and keyed
 * fingerprints. It never holds a secret value.
 */
export interface StateRecord {
  version: typeof STATE_RECORD_VERSION;
  /** Random id given when the record is made; a saved plan must come from the same lineage. */
  lineage: string;
  /** Raised by one for every change saved (changes saved together raise it by their number); a saved plan must come from the same serial. */
  serial: number;
  /**
   * Only in records written before version 2: the random HMAC key their fingerprints were made
   * with. It made them checkable offline by anyone with the file, so apply re-keys them from the
   * environment (`fingerprintKeysOf`) and then removes it. Never written to a new record.
   */
  fingerprint_key?: string;
  /** By address (`agent.<key>`). */
  agents: Record<string, RecordedAgent>;
}

export interface RecordedAgent {
  id: number;
  project: number;
  /**
   * The manifest file that wrote the address when it was last applied, relative to the folder that
   * holds the record's folder (`agents/billing.yaml` for `.cekuraform/…`). A plan that did not read
   * this file does not delete the agent (DESIGN.md, Ownership). Absent in records written before it.
   */
  file?: string;
  /** HMAC fingerprint of each secret as last sent, by path (see `src/state/fingerprint.ts`). Never the value. */
  secrets: Record<string, string>;
  /**
   * Digest of each managed unit as last applied, by pointer (a leaf of a merged object, a whole list
   * field, a set item by name, a write-only field). The planner uses it to tell manifest changes
   * from drift made in Cekura, and to compare fields the API never returns.
   */
  applied: Record<string, string>;
  /** A toggle that was started and not yet seen to finish: the next apply polls it instead of toggling again. */
  pending_toggle?: PendingToggle;
}

export interface PendingToggle {
  progress_id: string;
  enabled: boolean;
  /** ISO time the toggle was posted. */
  started_at: string;
}
