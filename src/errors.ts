/** A place in a manifest file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/**
 * Every error code cekuraform reports: as `error.code` of a failed command (`--json`), and as
 * `outcomes[].error.code` of an agent that failed in apply. Stable: scripts match them, and
 * docs/json-output.md lists each one (a test holds the two together). Grouped as the docs group them.
 */
export const ERROR_CODES = [
  // manifest and arguments
  'manifest_invalid',
  'manifest_not_found',
  'manifest_unreadable',
  'manifest_ambiguous',
  'usage',
  'api_url_invalid',
  // Cekura
  'api_key_missing',
  'api_key_invalid',
  'api_unauthorized',
  'api_validation',
  'api_not_found',
  'api_unavailable',
  'api_rate_limited',
  'api_unsupported',
  'api_invalid_response',
  'api_error',
  // binding (plan)
  'binding_ambiguous',
  'binding_conflict',
  'pinned_agent_missing',
  'name_taken',
  'create_incomplete',
  'max_deletes_exceeded',
  'target_not_found',
  // one agent in apply
  'create_ambiguous',
  'read_back_mismatch',
  'toggle_failed',
  'toggle_timeout',
  'mock_mode_not_written',
  'interrupted',
  // saved plans and the state record
  'plan_stale',
  'plan_invalid',
  'plan_unreadable',
  'plan_unwritable',
  'plan_environment_mismatch',
  'state_locked',
  'state_corrupt',
  'state_unreadable',
  'state_unwritable',
  'state_missing',
  // export, import and state
  'output_exists',
  'agent_not_in_project',
  'nothing_to_export',
  'address_unknown',
  'address_taken',
  'import_conflict',
  'import_wrong_project',
  'agent_not_found',
  // the emulator
  'emulator_listen_failed',
  'emulator_data_invalid',
  'emulator_data_unreadable',
  'emulator_data_unwritable',
  // a bug in cekuraform
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface CekuraformErrorOptions {
  /** Stable, machine-readable data about the failure; never a secret. */
  meta?: Record<string, unknown>;
  /** One line telling the user how to fix it. */
  hint?: string;
  cause?: unknown;
  exitCode?: number;
}

/**
 * Base of every error cekuraform reports to a user. `code` is a stable snake_case string that
 * scripts may match (`manifest_invalid`, `api_unavailable`); `message` says what failed. Messages,
 * `meta` and `cause` never contain a secret or ANSI codes. Only `main` turns one into an exit code.
 */
export class CekuraformError extends Error {
  readonly code: ErrorCode;
  readonly meta: Record<string, unknown> | undefined;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: CekuraformErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.meta = options.meta;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad command-line usage, found before any I/O. */
export class UsageError extends CekuraformError {
  constructor(message: string, options: CekuraformErrorOptions = {}) {
    super('usage', message, options);
  }
}

/** A saved plan no longer matches live state, the state record or the secrets in the environment. */
export class StalePlanError extends CekuraformError {
  constructor(message: string, options: CekuraformErrorOptions = {}) {
    super('plan_stale', message, { hint: 'run `cekuraform plan` again and apply the new plan', ...options });
  }
}

/** The state record is locked by another run. */
export class LockError extends CekuraformError {
  constructor(message: string, options: CekuraformErrorOptions = {}) {
    super('state_locked', message, options);
  }
}

/** A bug in cekuraform itself. */
export class InternalError extends CekuraformError {
  constructor(message: string, options: CekuraformErrorOptions = {}) {
    super('internal', message, {
      hint: 'this is a bug in cekuraform; please report it with the command you ran',
      ...options,
    });
  }
}

/** For the `default:` branch of an exhaustive switch. */
export function assertNever(value: never, what: string): never {
  throw new InternalError(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** The `code` of a failed file-system call (`ENOENT`, `EEXIST`, …), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
