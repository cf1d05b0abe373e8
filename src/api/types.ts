import type { JsonObject, JsonValue } from '../json.js';

// Wire shapes of the Cekura v2 agents API, in its own field names (shared/cekura-api/). Reads carry
// more fields than listed here; the client keeps them (the zod schemas are not strict), so a backup
// holds the whole document.

/** An agent as the API returns it (list, get, create, update). */
export interface WireAgent {
  id: number;
  name: string;
  /** Left out of list items by Cekura's newer API (NOTES.md). */
  description?: string;
  project: number;
  language?: string;
  telephony?: JsonObject | null;
  provider?: JsonObject | null;
  agent_speaks_first?: boolean | null;
  webhook_url?: string | null;
  webhook_secret_configured?: JsonValue;
  knowledge_base_files?: WireKnowledgeBaseFile[];
  mock_tools?: WireMockTool[];
  mock_tools_enabled?: boolean;
  mock_tools_provider?: string | null;
  dynamic_variables?: WireDynamicVariable[];
  created_at?: string;
  updated_at?: string;
  [field: string]: unknown;
}

export interface WireMockTool {
  id: number;
  name: string;
  description?: string | null;
  /** The client copies Cekura's older field name `information` here when `mock_data` is absent. */
  mock_data: JsonValue;
  served_via?: { type: 'direct' | 'mcp'; url?: string; mock_index?: number };
  is_shared?: boolean;
  subscriber_count?: number;
  [field: string]: unknown;
}

export interface WireDynamicVariable {
  id: number;
  name: string;
  description?: string | null;
  [field: string]: unknown;
}

export interface WireKnowledgeBaseFile {
  id: number;
  file_name: string;
  file_size?: number;
  file_url?: string;
  file_type?: string;
  [field: string]: unknown;
}

/** As apply sees it: any status the server reports besides `completed` and `failed` reads as `in_progress`. */
export type ToggleStatus = 'in_progress' | 'completed' | 'failed';

export interface McpEndpoint {
  mock_index: number;
  url: string;
  tool_names: string[];
}

/** `GET …/toggle-mock-tools-progress/?progress_id=` */
export interface ToggleProgress {
  status: ToggleStatus;
  mock_enabled: boolean | null;
  /** Registered after a completed enable; empty when disabling or without MCP tools. */
  mcp_endpoints: McpEndpoint[];
  message: string | null;
  error: string | null;
}

/**
 * The operations cekuraform uses. Implemented over HTTP by `createApiClient`; tests may pass any
 * object that keeps this contract. Every method rejects with an `ApiError`.
 */
export interface CekuraApi {
  /** All agents of a project, every page followed; items of other projects are dropped. */
  listAgents(project: number): Promise<WireAgent[]>;
  /** Agents of a project whose name is exactly `name` (server `q=` search, checked client-side). */
  findAgentsByName(project: number, name: string): Promise<WireAgent[]>;
  getAgent(id: number): Promise<WireAgent>;
  /** POST; never retried by the client: after a lost response the caller looks the agent up by name. */
  createAgent(body: JsonObject): Promise<WireAgent>;
  /** PATCH; retried on 429/5xx/reset, since a full-set PATCH is idempotent. */
  updateAgent(id: number, body: JsonObject): Promise<WireAgent>;
  deleteAgent(id: number, options: { deleteRelated: boolean }): Promise<void>;
  /** POST; never retried by the client. A 404/405 becomes an `api_unsupported` error. */
  toggleMockTools(id: number, enabled: boolean): Promise<{ progress_id: string }>;
  getToggleProgress(id: number, progressId: string): Promise<ToggleProgress>;
  /**
   * Whether the server offers the toggle routes, read-only: the progress of a progress id that cannot
   * exist, for agent `id` (any id; see `detectMockModeVia`). 400 (unknown progress id) means offered,
   * 404 or 405 means not; any other answer rejects.
   */
  offersToggle(id: number): Promise<boolean>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}
