import { createHmac, hkdfSync } from 'node:crypto';
import { UsageError } from '../errors.js';

/**
 * Keys of secret fingerprints. A fingerprint lets a plan tell an unchanged secret from a rotated one
 * without storing the value; it is only safe while its key is not where the fingerprints are, since
 * anyone holding both can test guesses offline. The state record is committed (the CI example does),
 * so the key comes from the environment: `CEKURAFORM_FINGERPRINT_KEY`, else `CEKURA_API_KEY`.
 */
export interface FingerprintKeys {
  /** Derived from the environment and the record's lineage (base64). Every new fingerprint uses it. */
  current: string;
  /**
   * The random key that records written before version 2 kept in the file (base64). Only to check
   * their bare fingerprints until apply re-keys them; never used for a new one.
   */
  legacy?: string;
}

/** Marks a fingerprint made with the derived key; bare hex is one made with a record's legacy key. */
const DERIVED_PREFIX = 'k2:';

/** A fingerprint keeps the first 128 bits of its HMAC. */
const FINGERPRINT_HEX_CHARS = 32;

/** The environment variables the key is taken from, first one set wins. */
export const FINGERPRINT_KEY_SOURCES = ['CEKURAFORM_FINGERPRINT_KEY', 'CEKURA_API_KEY'] as const;

/**
 * The fingerprint keys for the record of `lineage`: HKDF-SHA256 of the first variable of
 * `FINGERPRINT_KEY_SOURCES` that is set, salted with the lineage (so one secret has unrelated
 * fingerprints in two environments), plus the record's legacy key if it still has one.
 */
export function fingerprintKeysOf(
  env: Readonly<Record<string, string | undefined>>,
  record: { lineage: string; fingerprint_key?: string },
): FingerprintKeys {
  // Trimmed as the API client trims the key it sends: whitespace around it must not re-key every fingerprint.
  const source = FINGERPRINT_KEY_SOURCES.find((name) => (env[name]?.trim() ?? '') !== '');
  if (source === undefined) {
    throw new UsageError(
      'secret fingerprints need a key, and neither CEKURAFORM_FINGERPRINT_KEY nor CEKURA_API_KEY is set',
      {
        hint: 'set CEKURA_API_KEY (or CEKURAFORM_FINGERPRINT_KEY to keep fingerprints across API key rotations)',
      },
    );
  }
  const derived = hkdfSync('sha256', env[source]!.trim(), record.lineage, 'cekuraform secret fingerprints', 32);
  return {
    current: Buffer.from(derived).toString('base64'),
    ...(record.fingerprint_key === undefined ? {} : { legacy: record.fingerprint_key }),
  };
}

/** The fingerprint of a secret under the current key (HMAC-SHA256, 32 hex chars, prefixed). */
export function fingerprintSecret(keys: FingerprintKeys, value: string): string {
  return DERIVED_PREFIX + hmac(keys.current, value).slice(0, FINGERPRINT_HEX_CHARS);
}

/**
 * Whether `recorded` is the fingerprint of `value`: made with the current key, or a bare one made
 * with the record's legacy key. One made with another key (the API key was rotated) does not match,
 * so the secret is sent again once: never a false "no change".
 */
export function fingerprintMatches(keys: FingerprintKeys, recorded: string, value: string): boolean {
  if (isDerivedFingerprint(recorded)) return recorded === fingerprintSecret(keys, value);
  return keys.legacy !== undefined && recorded === hmac(keys.legacy, value).slice(0, FINGERPRINT_HEX_CHARS);
}

/** Whether a recorded fingerprint was made with the current scheme (not a legacy record's key). */
export function isDerivedFingerprint(recorded: string): boolean {
  return recorded.startsWith(DERIVED_PREFIX);
}

/** HMAC-SHA256 of `text` under the current key, in full: binds a saved plan to its content (`plan_digest`). */
export function keyedDigest(keys: FingerprintKeys, text: string): string {
  return hmac(keys.current, text);
}

/** HMAC-SHA256 of `text` under the base64 `key`, as hex. */
function hmac(key: string, text: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(text, 'utf8').digest('hex');
}
