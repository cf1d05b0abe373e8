import { isSetField } from '../cekura/agent-doc.js';
import { splitPointer, type JsonValue } from '../json.js';
import { SENSITIVE_PLACEHOLDER } from '../secret.js';

// How paths and values look in every human-readable output (text, Markdown, apply results).

/** What a value the plan does not hold shows: the before of a write-only field, which Cekura never returns. */
const UNKNOWN_VALUE = '(unknown)';

/** A value's one-line JSON longer than this is cut. */
const MAX_VALUE_CHARS = 80;
/** How many characters of a cut value are kept before the `…`. */
const KEPT_VALUE_CHARS = 60;

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
 * A value on one line: JSON, with strings quoted and escaped (so no control character reaches a
 * terminal). Longer than `MAX_VALUE_CHARS`, it is cut and says how long it was:
 * `"Handles inbound calls…" (412 chars)`; a string counts its own characters, anything else its JSON's.
 */
export function displayValue(value: JsonValue | undefined, isSensitive = false): string {
  if (isSensitive) return SENSITIVE_PLACEHOLDER;
  if (value === undefined) return UNKNOWN_VALUE;
  const json = JSON.stringify(value);
  const jsonChars = Array.from(json);
  if (jsonChars.length <= MAX_VALUE_CHARS) return json;
  if (typeof value === 'string') {
    const kept = JSON.stringify(Array.from(value).slice(0, KEPT_VALUE_CHARS).join('')).slice(0, -1);
    return `${kept}…" (${Array.from(value).length} chars)`;
  }
  return `${jsonChars.slice(0, KEPT_VALUE_CHARS).join('')}… (${jsonChars.length} chars)`;
}

/** A user string (agent, tool or variable name) quoted and escaped. */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** Server text on one line, control characters (newlines, ANSI escapes) turned into spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
