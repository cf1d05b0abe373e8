import { canonicalJson } from '../json.js';
import type { MockDataRow, SetField } from './agent-doc.js';

/**
 * How Cekura treats the items of one set (`mock_tools`, `dynamic_variables`, `knowledge_base_files`),
 * in one table that the differ, the request builder, the state record's digests and the renderers
 * read, instead of each knowing the sets by name (create-agent.md and NOTES.md, "Sets").
 */
export interface SetRules {
  /** The item field that names an item, unique within the set: the key of the set's record in `AgentDoc`. */
  keyField: 'name' | 'file_name';
  /**
   * Item fields the API accepts (or derives from what is sent) and never returns: they are compared
   * through digests in the state record, never against live.
   */
  writeOnlyFields: readonly string[];
  /**
   * How a write keeps an item it does not delete: `id`, by carrying the item's live id (an item sent
   * without one is created anew); `key`, by its key field alone (live ids are only shown).
   */
  keptBy: 'id' | 'key';
  /**
   * Cekura cannot change such an item in place: a changed one is replaced by a new upload of its
   * content, and a kept, unchanged one is sent as its id alone.
   */
  isReplacedOnChange: boolean;
  /** A list field of the item whose rows are keyed by their `input` (`mockDataRowKey`) and compared row by row. */
  rowsField?: 'mock_data';
}

export const SET_RULES: Readonly<Record<SetField, SetRules>> = {
  mock_tools: {
    keyField: 'name',
    writeOnlyFields: ['freetext_params'],
    keptBy: 'id',
    isReplacedOnChange: false,
    rowsField: 'mock_data',
  },
  dynamic_variables: { keyField: 'name', writeOnlyFields: [], keptBy: 'key', isReplacedOnChange: false },
  knowledge_base_files: {
    keyField: 'file_name',
    writeOnlyFields: ['content_sha256'],
    keptBy: 'id',
    isReplacedOnChange: true,
  },
};

/** An item without its write-only fields: the part live can be compared with. */
export function withoutWriteOnlyFields<T extends object>(set: SetField, item: T): T {
  const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const field of SET_RULES[set].writeOnlyFields) delete copy[field];
  return copy as T;
}

/** What keys a mock data row within its tool: the canonical JSON of its `input` (inputs are unique per tool). */
export function mockDataRowKey(row: Pick<MockDataRow, 'input'>): string {
  return canonicalJson(row.input);
}
