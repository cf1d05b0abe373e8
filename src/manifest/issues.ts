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
