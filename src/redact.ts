import { isJsonObject, MAX_NESTING_DEPTH, pathDeeperThan, type JsonValue } from './json.js';

/** What a secret becomes in any text cekuraform shows or writes. */
export const REDACTED = '(sensitive value)';

/** Replaces every secret it knows, in every form it may take, by `REDACTED`. */
export type Redact = (text: string) => string;

// Below this length an encoded fragment could match ordinary text; the raw and escaped forms are redacted at any length.
const MIN_ENCODED_FRAGMENT = 8;

/**
 * The one redaction used by API errors, request traces and output: each secret as it is, escaped in
 * a JSON string (as JavaScript, Python or PHP write it), URL-encoded (percent and form style), and
 * base64 (standard and URL-safe, at any byte offset inside a longer encoded text).
 */
export function createRedactor(secrets: Iterable<string>): Redact {
  const forms = [...new Set([...secrets].filter((secret) => secret.length > 0).flatMap(echoedForms))].sort(
    (a, b) => b.length - a.length,
  );
  if (forms.length === 0) return (text) => text;
  return (text) =>
    forms.reduce((redacted, form) => (redacted.includes(form) ? redacted.split(form).join(REDACTED) : redacted), text);
}

/**
 * A parsed JSON value with `redact` applied to every string in it, keys included: a server may
 * escape a secret in a way no text search finds (`\u0063k_…`), and parsing undoes the escape.
 */
export function redactJson(value: JsonValue, redact: Redact): JsonValue {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, redact));
  if (isJsonObject(value)) {
    const redacted: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
    for (const [key, item] of Object.entries(value)) redacted[redact(key)] = redactJson(item, redact);
    return redacted;
  }
  return value;
}

/** `text` redacted, and when it is JSON, redacted again after parsing (re-serialized only when that found more). */
export function redactBodyText(text: string, redact: Redact): string {
  const redacted = redact(text);
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(redacted) as JsonValue;
  } catch {
    return redacted;
  }
  // Too deep to walk safely; the client refuses such a body anyway.
  if (pathDeeperThan(parsed, MAX_NESTING_DEPTH) !== undefined) return redacted;
  const serialized = JSON.stringify(parsed);
  const again = JSON.stringify(redactJson(parsed, redact));
  return again === serialized ? redacted : again;
}

function echoedForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const asciiJson = json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const forms = [
    secret,
    json,
    asciiJson,
    asciiJson.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`),
    json.replaceAll('/', '\\/'),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ v: secret }).toString().slice(2),
  ];
  const encoded = base64Fragments(Buffer.from(secret, 'utf8'));
  return [...forms, ...encoded.filter((fragment) => fragment.length >= MIN_ENCODED_FRAGMENT)];
}

/**
 * The base64 characters that depend on `bytes` alone, for each of the three byte offsets at which
 * they may start inside a longer encoded text (`Basic base64(user:key)`), standard and URL-safe.
 */
function base64Fragments(bytes: Buffer): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const firstBit = offset * 8;
    const endBit = firstBit + bytes.length * 8;
    // Only the characters made of the secret's bits alone: the ones at either end also hold bits of what surrounds it.
    const fragment = encoded.slice(Math.ceil(firstBit / 6), Math.floor(endBit / 6));
    const whole = offset === 0 ? [encoded, Buffer.from(bytes).toString('base64')] : [];
    for (const text of [fragment, ...whole]) fragments.push(text, text.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return fragments;
}
