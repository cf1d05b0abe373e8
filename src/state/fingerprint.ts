import { createHmac } from 'node:crypto';

/**
 * Keyed fingerprint of a secret (HMAC-SHA256 with the state record's random key, 32 hex chars).
 * Lets a plan tell an unchanged secret from a rotated one without ever storing the value; the key
 * keeps a fingerprint from being checked against guesses by anyone without the record.
 */
export function fingerprintSecret(key: string, value: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(value, 'utf8').digest('hex').slice(0, 32);
}
