import type { McpEndpoint, ToggleStatus } from '../api/types.js';
import type { ErrorCode } from '../errors.js';
import type { Action } from '../plan/types.js';

/**
 * What apply reports while it runs. Apply never prints; the listr2 adapter, the plain line
 * renderer and `--json` each turn these into output. Plain data.
 */
export type ApplyEvent =
  | { type: 'backup_saved'; file: string; agents: number }
  | { type: 'agent_started'; address: string; action: Action }
  | { type: 'write_started'; address: string; method: 'POST' | 'PATCH' | 'DELETE' }
  /** A create whose response was lost was found by name, so it is not posted again. */
  | { type: 'create_recovered'; address: string; id: number }
  | { type: 'write_finished'; address: string; id: number }
  /** A request failed in a way worth retrying and is tried again after `delay_ms`; `attempt` is that next try (2 for the first retry); `address` when known. */
  | { type: 'retrying'; address?: string; operation: string; attempt: number; delay_ms: number; reason: string }
  | { type: 'toggle_started'; address: string; enabled: boolean; progress_id: string; resumed: boolean }
  | { type: 'toggle_polled'; address: string; status: ToggleStatus; message: string | null }
  | { type: 'toggle_finished'; address: string; enabled: boolean; mcp_endpoints: McpEndpoint[] }
  | { type: 'agent_finished'; address: string; outcome: AgentOutcome }
  /** Ctrl-C: no new agent is started; in-flight requests finish or time out. */
  | { type: 'interrupted' };

export type OutcomeStatus = 'applied' | 'failed' | 'skipped';

export interface AgentOutcome {
  address: string;
  action: Action;
  /** The live id after apply (null when a create failed). */
  id: number | null;
  status: OutcomeStatus;
  /** Whether the mock-mode toggle ran to `completed`. */
  toggled: boolean;
  /** MCP endpoints reported by a completed enable. */
  mcp_endpoints?: McpEndpoint[];
  /** Failed: the step that failed and what the server said. */
  error?: {
    operation: 'create' | 'update' | 'delete' | 'toggle' | 'read_back';
    message: string;
    code: ErrorCode;
    /** What the user can do about it (the error's hint), apart from the message. */
    hint?: string;
    paths?: string[];
  };
}

export interface ApplySummary {
  added: number;
  changed: number;
  destroyed: number;
  mock_mode_toggles: number;
  failed: number;
  skipped: number;
}

export interface ApplyResult {
  /** One per resource change or mock-mode change, sorted by address. */
  outcomes: AgentOutcome[];
  summary: ApplySummary;
  /** The backup file written before the first overwrite or delete, if any. */
  backup_file: string | null;
  /** Ctrl-C stopped the run before every agent was started. */
  interrupted: boolean;
}
