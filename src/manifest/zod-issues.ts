import type { z } from 'zod';
import { assertNever } from '../errors.js';
import { getAtPointer, joinPointer } from '../json.js';
import { WHOLE_VAR_REFERENCE } from './interpolate.js';
import { shownKey, type PathIssue, type YamlPath } from './issues.js';
import { unknownKeyHint } from './key-hints.js';
import type { ParsedFile } from './parse.js';
import { didYouMean } from './suggest.js';

/** What zod checked: `value` (interpolated) against `schema`, found at `prefix` in `parsed`. */
export interface ZodCheck {
  schema: z.ZodType;
  prefix: YamlPath;
  value: unknown;
  parsed: ParsedFile;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** zod's issues rewritten to say what was expected, in manifest terms. Quotes no value but a number or boolean as written. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], check: ZodCheck): PathIssue[] {
  return issues.flatMap((issue) => fromZodIssue(issue, check));
}

function fromZodIssue(issue: z.core.$ZodIssue, check: ZodCheck): PathIssue[] {
  const relative = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  const path = [...check.prefix, ...relative];
  const value = getAtPointer(check.value, relative.length === 0 ? '' : joinPointer(...relative));
  switch (issue.code) {
    case 'invalid_type':
      return [
        value === undefined
          ? missing(path, EXPECTED[issue.expected] ?? issue.expected)
          : wrongType(path, issue.expected, value, check.parsed),
      ];
    case 'invalid_union':
      return [
        value === undefined
          ? missing(path, 'any value')
          : { path, message: 'expected plain data: a string, number, true/false, null, list or mapping' },
      ];
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        withHint(
          { path: [...path, key], at: 'key', message: `unknown key ${shownKey(key)}` },
          unknownKeyHint(check.schema, relative, key),
        ),
      );
    case 'invalid_value': {
      const message = `expected ${issue.values.map((allowed) => `\`${String(allowed)}\``).join(' or ')}`;
      const options = issue.values.map(String);
      return [withHint({ path, message }, typeof value === 'string' ? didYouMean(value, options) : undefined)];
    }
    case 'too_big':
      return [{ path, message: `must be at most ${String(issue.maximum)}${unitOf(issue.origin)}` }];
    case 'too_small':
      return [{ path, message: tooSmall(issue) }];
    case 'invalid_key':
      return [{ path, at: 'key', message: issue.issues[0]?.message ?? 'invalid key' }];
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_element':
      return [{ path, message: issue.message }];
    case 'custom':
      return [withHint({ path, message: issue.message }, hintParam(issue.params))];
    default:
      return assertNever(issue, 'zod issue');
  }
}

function missing(path: YamlPath, expected: string): PathIssue {
  return { path, message: `\`${String(path.at(-1))}\` is required (${expected})` };
}

function wrongType(path: YamlPath, expected: string, value: unknown, parsed: ParsedFile): PathIssue {
  const noun = EXPECTED[expected] ?? expected;
  const message = `expected ${noun}, got ${describeValue(value)}`;
  const written = parsed.scalarAt(path);
  if (typeof written?.value === 'string' && WHOLE_VAR_REFERENCE.test(written.value)) {
    return {
      path,
      message,
      hint: `\`${written.value}\` alone takes the var's value with its type: change the value where the var is declared`,
    };
  }
  const source = written?.source ?? '';
  const isQuoted = source.startsWith('"') || source.startsWith("'");
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') && source !== '') {
    return { path, message, hint: `quote it: ${JSON.stringify(source)}` };
  }
  if ((expected === 'number' || expected === 'int' || expected === 'boolean') && isQuoted)
    return { path, message, hint: 'remove the quotes' };
  if (expected === 'boolean' && typeof value === 'string') return { path, message, hint: 'write `true` or `false`' };
  if (value === null && expected === 'array') return { path, message, hint: 'write `[]` for an empty list' };
  if (value === null && (expected === 'object' || expected === 'record'))
    return { path, message, hint: 'write `{}` for an empty mapping' };
  return { path, message };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number with a fraction';
  if (typeof value === 'boolean') return value ? '`true`' : '`false`';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
  if (issue.inclusive === false) return `must be greater than ${String(issue.minimum)}`;
  return `must be at least ${String(issue.minimum)}${unitOf(issue.origin)}`;
}

function unitOf(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array') return ' items';
  return '';
}

function hintParam(params: Record<string, unknown> | undefined): string | undefined {
  return typeof params?.hint === 'string' ? params.hint : undefined;
}

function withHint(issue: PathIssue, hint: string | undefined): PathIssue {
  return hint === undefined ? issue : { ...issue, hint };
}
