import { inspect } from 'node:util';

/** What a secret shows instead of itself, in a plan's data and in every output. */
export const SENSITIVE_PLACEHOLDER = '(sensitive value)';

/**
 * A write-only value read from the environment. It never prints itself: `String()`, JSON and
 * `util.inspect` all show `(sensitive value)`, so a secret that reaches a log or a plan file by
 * mistake is still not disclosed. Only the request body builder in apply calls `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return SENSITIVE_PLACEHOLDER;
  }

  toJSON(): string {
    return SENSITIVE_PLACEHOLDER;
  }

  [inspect.custom](): string {
    return SENSITIVE_PLACEHOLDER;
  }
}

/** `text` with every one of `values` replaced by `(sensitive value)`, also as a server or parser may quote it back. */
export function scrubSecretValues(text: string, values: readonly string[]): string {
  return [...new Set(values.filter((value) => value.length > 0).flatMap(echoedForms))]
    .sort((a, b) => b.length - a.length)
    .reduce((scrubbed, value) => scrubbed.split(value).join(SENSITIVE_PLACEHOLDER), text);
}

/** A value as it may be quoted back: as it is, or escaped inside a JSON string (non-ASCII as is, or as `\uXXXX` as Python writes it). */
function echoedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [value, json, ascii];
}
