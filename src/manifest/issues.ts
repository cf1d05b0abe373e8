/** A path into the plain value of one manifest file: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** A problem found on a value, not yet placed in its file; `ParsedFile.toIssue` locates it. */
export interface PathIssue {
  path: YamlPath;
  /** Says what was expected, in manifest terms. Never holds a secret or an interpolated value. */
  message: string;
  hint?: string;
  /** `key` points at the key itself (unknown or misplaced keys); the default points at the value. */
  at?: 'key' | 'value';
  /** An earlier occurrence (duplicates): its line is added to the message. */
  firstAt?: YamlPath;
}

const PLAIN_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
/** A key that could be a field, agent or header name; any other is quoted by its length only (a non-manifest file's lines). */
const NAME_LIKE_KEY = /^[\p{L}\p{N}_.-][\p{L}\p{N}_. -]{0,63}$/u;

/** `key` as an error message may quote it: the text when name-like, else its length, so no file content is echoed. */
export function shownKey(key: string): string {
  return NAME_LIKE_KEY.test(key) ? `\`${key}\`` : `(not a name, ${Array.from(key).length} characters)`;
}

/** `formatPath` of an issue's path, the last key replaced by `[…]` when the issue is on a key that is not name-like. */
export function formatIssuePath(path: YamlPath, at: PathIssue['at']): string {
  const last = path.at(-1);
  if (at !== 'key' || typeof last !== 'string' || NAME_LIKE_KEY.test(last)) return formatPath(path);
  return `${formatPath(path.slice(0, -1))}[…]`;
}

/** zod-style: `agents.support.mock_tools[1].served_via`; odd keys in brackets (`headers["X.Y"]`). */
export function formatPath(path: YamlPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_SEGMENT.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
