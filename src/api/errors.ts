import { CekuraformError } from '../errors.js';
import type { JsonValue } from '../json.js';

/**
 * - `api_unauthorized`: 401/403, the key is missing or wrong.
 * - `api_validation`: 400 with field errors or a `detail`.
 * - `api_not_found`: 404 for an agent.
 * - `api_unsupported`: the server lacks an endpoint cekuraform needs (toggle-mock-tools 404/405).
 * - `api_rate_limited`: 429 after every retry.
 * - `api_unavailable`: 5xx, timeout or dropped connection after every retry (or at once for a POST).
 * - `api_invalid_response`: a body that does not match the expected shape.
 * - `api_error`: any other status.
 */
export type ApiErrorCode =
  | 'api_unauthorized'
  | 'api_validation'
  | 'api_not_found'
  | 'api_unsupported'
  | 'api_rate_limited'
  | 'api_unavailable'
  | 'api_invalid_response'
  | 'api_error';

export interface ApiErrorDetails {
  /** What was being done, for the message: `listing agents of project 42 (page 3)`. */
  operation: string;
  method: string;
  /** Request path with query; never carries a secret. */
  path: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  agentId?: number;
  /** DRF field errors as returned (`{"name": ["This field is required."]}`, nested for list items). */
  fieldErrors?: Record<string, JsonValue>;
  /** The server's `detail` text. */
  detail?: string;
  /**
   * The request may have been committed although no good response arrived (timeout, reset after
   * sending, 5xx). A POST create must then be looked up by name before it is tried again.
   */
  maybeCommitted: boolean;
  hint?: string;
  cause?: unknown;
}

/** A failed API call. The message names the operation and what the server said; never the API key. */
export class ApiError extends CekuraformError {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly agentId: number | undefined;
  readonly fieldErrors: Record<string, JsonValue> | undefined;
  readonly detail: string | undefined;
  readonly maybeCommitted: boolean;

  constructor(code: ApiErrorCode, details: ApiErrorDetails) {
    super(code, describe(details), {
      meta: {
        operation: details.operation,
        method: details.method,
        path: details.path,
        status: details.status,
        ...(details.agentId === undefined ? {} : { agent_id: details.agentId }),
        ...(details.fieldErrors === undefined ? {} : { field_errors: details.fieldErrors }),
        ...(details.detail === undefined ? {} : { detail: details.detail }),
      },
      hint: details.hint,
      cause: details.cause,
    });
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.agentId = details.agentId;
    this.fieldErrors = details.fieldErrors;
    this.detail = details.detail;
    this.maybeCommitted = details.maybeCommitted;
  }
}

function describe(details: ApiErrorDetails): string {
  const status = details.status === null ? 'no response' : `HTTP ${details.status}`;
  const said = details.detail ?? (details.fieldErrors ? JSON.stringify(details.fieldErrors) : undefined);
  return `${details.operation} failed (${details.method} ${details.path}: ${status})${said ? `: ${said}` : ''}`;
}
