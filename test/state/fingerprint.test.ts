import { describe, expect, it } from 'vitest';
import { fingerprintKeysOf, fingerprintMatches, fingerprintSecret } from '../../src/state/fingerprint.js';

// The key of secret fingerprints comes from the environment, never from the (committed) state record.

const record = { lineage: '6a1c3f2e-0000-4000-8000-000000000001' };

describe('fingerprintKeysOf', () => {
  it('derives the key from CEKURA_API_KEY, salted by the lineage', () => {
    const keys = fingerprintKeysOf({ CEKURA_API_KEY: 'ck_live_one' }, record);

    expect(Buffer.from(keys.current, 'base64')).toHaveLength(32);
    expect(keys.legacy).toBeUndefined();
    expect(fingerprintKeysOf({ CEKURA_API_KEY: 'ck_live_one' }, record)).toEqual(keys);
    expect(fingerprintKeysOf({ CEKURA_API_KEY: 'ck_live_two' }, record).current).not.toBe(keys.current);
    expect(fingerprintKeysOf({ CEKURA_API_KEY: 'ck_live_one' }, { lineage: 'other' }).current).not.toBe(keys.current);
  });

  it('reads the key trimmed, as the API client sends it, so whitespace around it changes no fingerprint', () => {
    const keys = fingerprintKeysOf({ CEKURA_API_KEY: 'ck_live_one' }, record);

    expect(fingerprintKeysOf({ CEKURA_API_KEY: ' ck_live_one\n' }, record)).toEqual(keys);
    expect(fingerprintKeysOf({ CEKURAFORM_FINGERPRINT_KEY: '  ', CEKURA_API_KEY: 'ck_live_one' }, record)).toEqual(
      keys,
    );
  });

  it('prefers CEKURAFORM_FINGERPRINT_KEY, so rotating the API key keeps the fingerprints', () => {
    const before = fingerprintKeysOf({ CEKURA_API_KEY: 'ck_old', CEKURAFORM_FINGERPRINT_KEY: 'stable' }, record);
    const after = fingerprintKeysOf({ CEKURA_API_KEY: 'ck_new', CEKURAFORM_FINGERPRINT_KEY: 'stable' }, record);

    expect(after).toEqual(before);
  });

  it('carries a legacy record key only to check old fingerprints', () => {
    const legacy = Buffer.alloc(32, 7).toString('base64');
    const keys = fingerprintKeysOf({ CEKURA_API_KEY: 'ck' }, { ...record, fingerprint_key: legacy });

    expect(keys.legacy).toBe(legacy);
    expect(fingerprintSecret(keys, 'hunter2')).toBe(fingerprintSecret({ current: keys.current }, 'hunter2'));
  });

  it('refuses to make fingerprints without a key', () => {
    expect(() => fingerprintKeysOf({}, record)).toThrow(/neither CEKURAFORM_FINGERPRINT_KEY nor CEKURA_API_KEY/);
  });
});

describe('fingerprintMatches', () => {
  const keys = fingerprintKeysOf({ CEKURA_API_KEY: 'ck' }, record);

  it('matches the same value under the same key only', () => {
    const fingerprint = fingerprintSecret(keys, 'hunter2');

    expect(fingerprintMatches(keys, fingerprint, 'hunter2')).toBe(true);
    expect(fingerprintMatches(keys, fingerprint, 'hunter3')).toBe(false);
    expect(fingerprintMatches(fingerprintKeysOf({ CEKURA_API_KEY: 'rotated' }, record), fingerprint, 'hunter2')).toBe(
      false,
    );
  });

  it('a bare (legacy) fingerprint matches only through the legacy key', () => {
    const legacyKeys = { ...keys, legacy: Buffer.alloc(32, 1).toString('base64') };
    const bare = fingerprintSecret({ current: legacyKeys.legacy }, 'hunter2').slice('k2:'.length);

    expect(fingerprintMatches(legacyKeys, bare, 'hunter2')).toBe(true);
    expect(fingerprintMatches(keys, bare, 'hunter2')).toBe(false);
  });
});
