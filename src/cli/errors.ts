import { CekuraformError, InternalError, type SourceLocation } from '../errors.js';
import { ManifestError, type ManifestIssue } from '../manifest/types.js';
import type { Style } from '../render/style.js';

/** Any thrown value as a `CekuraformError`; anything else is a bug in cekuraform. */
export function asCekuraformError(error: unknown): CekuraformError {
  if (error instanceof CekuraformError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError(`unexpected error: ${message}`, { cause: error });
}

/** Manifest errors shown per file; a file that is not a manifest at all would otherwise fill the terminal. */
const MAX_ISSUES_SHOWN_PER_FILE = 20;

/**
 * The text form: `error: <what failed>`, `  at file:line:col`, `hint: <the fix>`. No stack trace
 * unless `debug` (CEKURAFORM_DEBUG=1), and then only for bugs.
 */
export function renderErrorText(error: CekuraformError, style: Style, debug: boolean): string {
  const lines: string[] = [];
  if (error instanceof ManifestError) {
    const shownPerFile = new Map<string, number>();
    for (const issue of error.issues) {
      const shown = shownPerFile.get(issue.file) ?? 0;
      shownPerFile.set(issue.file, shown + 1);
      if (shown < MAX_ISSUES_SHOWN_PER_FILE) lines.push(...issueLines(issue, 'error', style));
    }
    for (const [file, count] of shownPerFile)
      if (count > MAX_ISSUES_SHOWN_PER_FILE)
        lines.push(`… and ${count - MAX_ISSUES_SHOWN_PER_FILE} more in ${file} (--json lists them all)`);
    lines.push(`${error.message}; nothing was sent.`);
  } else {
    lines.push(`${style.error('error:')} ${error.message}`);
    const location = locationOf(error.meta);
    if (location !== undefined) lines.push(`  at ${location.file}:${location.line}:${location.col}`);
    if (error.hint !== undefined) lines.push(`${style.dim('hint:')} ${error.hint}`);
  }
  if (debug && error instanceof InternalError && error.cause instanceof Error && error.cause.stack)
    lines.push(error.cause.stack);
  return lines.join('\n') + '\n';
}

/** `meta.location` of an error about a place in the manifest (an agent Cekura cannot create as written). */
function locationOf(meta: Record<string, unknown> | undefined): SourceLocation | undefined {
  const location = meta?.location as Partial<SourceLocation> | undefined;
  return typeof location?.file === 'string' && typeof location.line === 'number' && typeof location.col === 'number'
    ? (location as SourceLocation)
    : undefined;
}

/** A located manifest issue, as an error or a warning. */
export function issueLines(issue: ManifestIssue, kind: 'error' | 'warning', style: Style): string[] {
  const label = kind === 'error' ? style.error('error:') : style.warn('warning:');
  const lines = [
    `${label} ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`,
    `  at ${issue.file}:${issue.line}:${issue.col}`,
  ];
  if (issue.hint !== undefined) lines.push(`${style.dim('hint:')} ${issue.hint}`);
  return lines;
}

/** The JSON form printed on stdout under `--json`. */
export function renderErrorJson(error: CekuraformError): string {
  return (
    JSON.stringify(
      {
        status: 'error',
        error: {
          code: error.code,
          message: error.message,
          ...(error.hint ? { hint: error.hint } : {}),
          meta: error.meta ?? {},
        },
      },
      null,
      2,
    ) + '\n'
  );
}
