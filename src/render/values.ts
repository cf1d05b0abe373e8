import { isSetField } from '../cekura/agent-doc.js';
import { splitPointer, type JsonValue } from '../json.js';
import { SENSITIVE_PLACEHOLDER } from '../secret.js';

// How paths and values look in every human-readable output (text, Markdown, apply results).

/** What a value the plan does not hold shows: the before of a write-only field, which Cekura never returns. */
const UNKNOWN_VALUE = '(unknown)';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * A JSON Pointer as a reader writes it: `/provider/credentials/api_key` → `provider.credentials.api_key`,
 * `/mock_tools/get_order/mock_data/0/output` → `mock_tools["get_order"].mock_data[0].output`. Set items
 * are always bracketed, since their names are user strings.
 */
export function displayPath(pointer: string): string {
  const [field, item, ...inside] = splitPointer(pointer);
  if (field !== undefined && isSetField(field) && item !== undefined)
    return `${field}[${JSON.stringify(item)}]${inside.map(tokenSuffix).join('')}`;
  return displayTokens(splitPointer(pointer));
}

/** Pointer tokens inside some value: `['mock_data', '0', 'output']` → `mock_data[0].output`. */
export function displayTokens(tokens: string[]): string {
  return tokens.map(tokenSuffix).join('').replace(/^\./, '');
}

function tokenSuffix(token: string): string {
  if (INDEX.test(token)) return `[${token}]`;
  if (IDENTIFIER.test(token)) return `.${token}`;
  return `[${JSON.stringify(token)}]`;
}

/**
 * A value on one line, in full: JSON, with strings quoted and escaped (so no control character
 * reaches a terminal). Long and multi-line values are laid out by `value-lines.ts`.
 */
export function displayValue(value: JsonValue | undefined, isSensitive = false): string {
  if (isSensitive) return SENSITIVE_PLACEHOLDER;
  if (value === undefined) return UNKNOWN_VALUE;
  return escapeUnprintable(JSON.stringify(value));
}

/** A user string (agent, tool or variable name) quoted and escaped. */
export function quote(text: string): string {
  return escapeUnprintable(JSON.stringify(text));
}

/**
 * JSON text with the characters `JSON.stringify` leaves raw but a terminal or a pull-request page
 * acts on escaped as `\uXXXX`: C1 controls (`\u009b` starts an escape sequence), line separators
 * and bidirectional overrides. Still valid JSON.
 */
export function escapeUnprintable(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Server text on one line, control characters (newlines, ANSI escapes) turned into spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
