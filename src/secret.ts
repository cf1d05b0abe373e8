import { inspect } from 'node:util';
import { createRedactor, REDACTED } from './redact.js';

/** What a secret shows instead of itself, in a plan's data and in every output. */
export const SENSITIVE_PLACEHOLDER = REDACTED;

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

/** `text` with every one of `values` replaced by `(sensitive value)`, in every form a server or parser may quote it back. */
export function scrubSecretValues(text: string, values: readonly string[]): string {
  return createRedactor(values)(text);
}
