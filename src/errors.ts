/** A place in a manifest file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

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
  readonly code: string;
  readonly meta: Record<string, unknown> | undefined;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: string, message: string, options: CekuraformErrorOptions = {}) {
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
