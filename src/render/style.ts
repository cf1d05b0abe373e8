import picocolors from 'picocolors';

/** Where output goes: a process stream, or a test's buffer. `isTTY` and `columns` decide colour and layout. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * How renderers colour their output. Renderers call these by meaning, never a colour by name, so
 * `createStyle(false)` gives plain text (tests, pipes, `NO_COLOR`) from the same code.
 */
export interface Style {
  /** Something created: `+` markers. */
  add(text: string): string;
  /** Something changed in place: `~` markers. */
  change(text: string): string;
  /** Something deleted: `-` markers. */
  remove(text: string): string;
  /** Secondary text: notes, ids. */
  dim(text: string): string;
  bold(text: string): string;
  /** Needs the reader's attention before applying. */
  warn(text: string): string;
  /** A failure. */
  error(text: string): string;
  /** Section headings and summary lines. */
  heading(text: string): string;
}

/** A `Style` on picocolors; with `enabled` false every function returns its text unchanged. */
export function createStyle(enabled: boolean): Style {
  const colors = picocolors.createColors(enabled);
  return {
    add: colors.green,
    change: colors.yellow,
    remove: colors.red,
    dim: colors.dim,
    bold: colors.bold,
    warn: colors.yellow,
    error: colors.red,
    heading: colors.bold,
  };
}

/**
 * Whether output to a stream should be coloured. `NO_COLOR` with a value (https://no-color.org: set but empty does not count) wins;
 * then `FORCE_COLOR` turns colour on unless it is `0` or `false`; otherwise only a TTY whose `TERM`
 * is not `dumb` gets colour.
 */
export function shouldUseColor(options: {
  isTTY: boolean | undefined;
  env: Record<string, string | undefined>;
}): boolean {
  const { isTTY, env } = options;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return isTTY === true && env.TERM !== 'dumb';
}
