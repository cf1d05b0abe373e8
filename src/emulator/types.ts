import type { MockDataRow, ServedVia } from '../cekura/agent-doc.js';
import type { JsonObject } from '../json.js';

// What the emulator keeps: agents with the write-only values the API never returns. Plain JSON, so
// the data file is the same shape (see persistence.ts).

/**
 * An agent as the emulator stores it. Rendered to the wire by `renderAgent`, which adds defaults and
 * server-computed URLs and removes every write-only value. Never sent as is.
 */
export interface StoredAgent {
  id: number;
  name: string;
  description: string;
  project: number;
  language: string;
  agent_speaks_first: boolean | null;
  /** Merged key by key on PATCH; holds the SIP/websocket passwords. */
  telephony: JsonObject;
  /** Merged key by key on PATCH; holds the credential secrets. */
  provider: JsonObject;
  webhook_url: string | null;
  /** Write-only; the API answers only `webhook_secret_configured`. */
  webhook_secret: string | null;
  /** Ordered by id. */
  mock_tools: StoredMockTool[];
  /** Changed by a completed toggle (2026-06) or by a write (2026-08). */
  mock_tools_enabled: boolean;
  /** Always null here: the emulator has no auto-fetch. */
  mock_tools_provider: string | null;
  /** Kept in write order; rendered ordered by name. */
  dynamic_variables: StoredDynamicVariable[];
  /** Ordered by id. */
  knowledge_base_files: StoredKnowledgeBaseFile[];
  created_at: string;
  updated_at: string;
}

export interface StoredMockTool {
  id: number;
  name: string;
  description: string;
  mock_data: MockDataRow[];
  /** Without `url`, which is computed from the request's host when rendered. */
  served_via: ServedVia;
  /** Write-only: stored, never returned. Null when never sent. */
  freetext_params: string[] | null;
  /** Set only through `markShared` (another agent subscribes to the tool). */
  is_shared: boolean;
  subscriber_count: number;
}

export interface StoredDynamicVariable {
  id: number;
  name: string;
  description: string;
}

/** The content itself is not kept: only what the API returns about it. */
export interface StoredKnowledgeBaseFile {
  id: number;
  file_name: string;
  /** Decoded bytes. */
  file_size: number;
  /** MIME type from the extension. */
  file_type: string;
}

/** The next id of each kind; ids are never reused, as in a database sequence. */
export interface NextIds {
  agent: number;
  mock_tool: number;
  dynamic_variable: number;
  knowledge_base_file: number;
}

/** What a request was, for the request log and for fault matching. `other` is any unknown route or method. */
export const REQUEST_KINDS = [
  'list',
  'get',
  'create',
  'update',
  'delete',
  'toggle',
  'toggle_progress',
  'other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** One API request as the emulator saw it. Never holds a body or a header, so never a secret. */
export interface RequestLogEntry {
  /** 1-based, in the order responses were finished. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Null when the connection was dropped by a `drop` fault. */
  status: number | null;
  kind: RequestKind;
  /** The agent in the path, or the agent a create made. */
  agent_id?: number;
}

/** One agent deletion, as recorded for tests. */
export interface DeletionRecord {
  agent_id: number;
  name: string;
  project: number;
  /** True: the agent's calls, evaluators, results and runs went with it; false: they were kept. */
  delete_related: boolean;
}
