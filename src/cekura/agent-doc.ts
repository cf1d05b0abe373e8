import { compareStrings } from '../compare.js';
import type { JsonObject, JsonValue } from '../json.js';
import { mockDataRowKey } from './sets.js';

/**
 * The canonical agent document: one shape for the desired side (from the manifest) and the live
 * side (from the API), so the planner compares like with like (decK's lesson). Keys keep API names,
 * so a plan path such as `/telephony/phone_number` is also the manifest key and the API field.
 *
 * Invariants:
 * - An absent key means "not managed" on the desired side and "not set" on the live side. The
 *   planner never sends or compares an absent desired key.
 * - Object-valued fields (`telephony`, `provider`) follow JSON Merge Patch rules: a desired object
 *   manages only the keys it lists, and `null` clears a key. Lists are whole values.
 * - The three sets are records keyed by item name (knowledge-base files by file name), so
 *   reordering in a manifest is no change. A present set is managed as a whole: an item missing
 *   from it is deleted by the next write.
 * - Never holds a secret: the paths in `SECRET_PATHS` are removed on both sides (the manifest keeps
 *   them as `Secret` values beside the document; the API never returns them).
 * - Holds no server-computed fields (ids, URLs, timestamps); the live side keeps ids apart
 *   (`LiveAgent.item_ids`).
 */
export interface AgentDoc {
  name?: string;
  description?: string;
  language?: string;
  agent_speaks_first?: boolean | null;
  /** Phone, SIP and websocket channel configuration; merged key by key. */
  telephony?: JsonObject;
  /** Provider type, ids, non-secret credential config, chat overlay and flags; merged key by key. */
  provider?: JsonObject;
  webhook_url?: string | null;
  mock_tools?: Record<string, MockToolDoc>;
  dynamic_variables?: Record<string, DynamicVariableDoc>;
  knowledge_base_files?: Record<string, KnowledgeBaseFileDoc>;
}

/** Top-level fields of `AgentDoc` that are sets of named items. */
export const SET_FIELDS = ['mock_tools', 'dynamic_variables', 'knowledge_base_files'] as const;
export type SetField = (typeof SET_FIELDS)[number];

export function isSetField(field: string): field is SetField {
  return (SET_FIELDS as readonly string[]).includes(field);
}

/** One mock tool, with server defaults filled in (`description: ''`, `mock_data: []`, direct routing). */
export interface MockToolDoc {
  name: string;
  description: string;
  /** Rows sorted by the canonical JSON of `input` (inputs are unique per tool), so row order is no change. */
  mock_data: MockDataRow[];
  served_via: ServedVia;
  /** Write-only: the API accepts it and never returns it, so it is compared through the state record. */
  freetext_params?: string[];
}

export interface MockDataRow {
  input: JsonValue;
  output: JsonValue;
}

/** How a mock tool is reached; the server-computed `url` is never part of the document. */
export type ServedVia = { type: 'direct' } | { type: 'mcp'; mock_index: number };

export interface DynamicVariableDoc {
  name: string;
  /**
   * Server default `''`. Absent on the desired side for a variable of a `{{placeholder}}` whose
   * description the manifest does not give: Cekura describes those itself (`''` on the pages' API, a
   * generated sentence on the newer one), so it is not managed. Always present on the live side.
   */
  description?: string;
}

/**
 * One knowledge-base file. The API returns no content, so content changes are detected through the
 * digest kept in the state record; `file_size` is compared with live to notice out-of-band swaps.
 */
export interface KnowledgeBaseFileDoc {
  file_name: string;
  file_size?: number;
  /** Desired side only: sha256 of the local content, compared through the state record. */
  content_sha256?: string;
}

/** Mock data rows in canonical order: by the canonical JSON of `input` (unique per tool). */
export function sortMockData(rows: MockDataRow[]): MockDataRow[] {
  return rows
    .map((row) => ({ row, key: mockDataRowKey(row) }))
    .sort((a, b) => compareStrings(a.key, b.key))
    .map(({ row }) => row);
}
