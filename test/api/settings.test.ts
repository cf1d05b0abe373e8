import { describe, expect, it } from 'vitest';
import { resolveApiSettings, resolveApiUrl } from '../../src/api/settings.js';
import { CekuraformError } from '../../src/errors.js';

const KEY = 'ck_test_settings_key';

function errorOf(run: () => unknown): CekuraformError {
  try {
    run();
  } catch (error) {
    if (error instanceof CekuraformError) return error;
    throw error;
  }
  throw new Error('expected a CekuraformError');
}

describe('resolveApiSettings', () => {
  it.each([
    { name: 'the default', flag: undefined, envUrl: undefined, baseUrl: 'https://api.cekura.ai' },
    { name: 'the default when CEKURA_API_URL is empty', flag: undefined, envUrl: '', baseUrl: 'https://api.cekura.ai' },
    {
      name: 'CEKURA_API_URL',
      flag: undefined,
      envUrl: 'https://staging.cekura.ai',
      baseUrl: 'https://staging.cekura.ai',
    },
    {
      name: 'the flag over the environment',
      flag: 'https://eu.cekura.ai',
      envUrl: 'https://staging.cekura.ai',
      baseUrl: 'https://eu.cekura.ai',
    },
    {
      name: 'without trailing slashes',
      flag: 'https://api.cekura.ai//',
      envUrl: undefined,
      baseUrl: 'https://api.cekura.ai',
    },
    {
      name: 'with a path prefix',
      flag: 'https://gw.example.com/cekura/',
      envUrl: undefined,
      baseUrl: 'https://gw.example.com/cekura',
    },
    {
      name: 'plain http on 127.0.0.1',
      flag: 'http://127.0.0.1:8080',
      envUrl: undefined,
      baseUrl: 'http://127.0.0.1:8080',
    },
    {
      name: 'plain http on 127.1.2.3',
      flag: 'http://127.1.2.3:8080/',
      envUrl: undefined,
      baseUrl: 'http://127.1.2.3:8080',
    },
    {
      name: 'plain http on localhost',
      flag: 'http://localhost:4010',
      envUrl: undefined,
      baseUrl: 'http://localhost:4010',
    },
    { name: 'plain http on ::1', flag: 'http://[::1]:4010', envUrl: undefined, baseUrl: 'http://[::1]:4010' },
  ])('base URL: $name', ({ flag, envUrl, baseUrl }) => {
    const settings = resolveApiSettings({
      ...(flag === undefined ? {} : { apiUrlFlag: flag }),
      env: { CEKURA_API_KEY: KEY, CEKURA_API_URL: envUrl },
    });

    expect(settings).toEqual({ baseUrl, apiKey: KEY });
  });

  it.each([
    { url: 'http://api.cekura.ai', message: 'plain http for a non-local host' },
    { url: 'http://10.0.0.5:8080', message: 'plain http for a non-local host' },
    { url: 'http://127.0.0.1.example.com', message: 'plain http for a non-local host' },
    { url: 'ftp://api.cekura.ai', message: 'must be an http(s) URL' },
    { url: 'api.cekura.ai', message: 'is not a URL' },
    { url: 'https://api.cekura.ai/?x=1', message: 'must not have a query' },
  ])('refuses $url', ({ url, message }) => {
    const error = errorOf(() => resolveApiSettings({ apiUrlFlag: url, env: { CEKURA_API_KEY: KEY } }));

    expect(error.code).toBe('api_url_invalid');
    expect(error.message).toContain('--api-url');
    expect(error.message).toContain(message);
    expect(error.hint).toBeTruthy();
  });

  it('names CEKURA_API_URL when the bad URL came from there', () => {
    const error = errorOf(() =>
      resolveApiSettings({ env: { CEKURA_API_KEY: KEY, CEKURA_API_URL: 'http://cekura.internal' } }),
    );

    expect(error.message).toContain('CEKURA_API_URL uses plain http');
    expect(error.hint).toContain('localhost');
  });

  it('does not echo a URL carrying credentials', () => {
    const error = errorOf(() =>
      resolveApiSettings({ apiUrlFlag: 'https://me:hunter2@api.cekura.ai', env: { CEKURA_API_KEY: KEY } }),
    );

    expect(error.code).toBe('api_url_invalid');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    { name: 'unset', env: {} },
    { name: 'empty', env: { CEKURA_API_KEY: '' } },
    { name: 'blank', env: { CEKURA_API_KEY: '  \n' } },
  ])('a missing key ($name) is a clear error naming the variable', ({ env }) => {
    const error = errorOf(() => resolveApiSettings({ env }));

    expect(error.code).toBe('api_key_missing');
    expect(error.message).toBe('CEKURA_API_KEY is not set');
    expect(error.hint).toContain('CEKURA_API_KEY');
  });

  it.each([
    { name: 'a line break', key: `${KEY}\nsecond-line` },
    { name: 'a tab', key: `${KEY}\tx` },
    { name: 'a NUL', key: `${KEY}\u0000` },
  ])('a key with $name inside is a clear error that does not quote it', ({ key }) => {
    const error = errorOf(() => resolveApiSettings({ env: { CEKURA_API_KEY: key } }));

    expect(error.code).toBe('api_key_invalid');
    expect(error.message).toBe('CEKURA_API_KEY contains a line break or another control character');
    expect(JSON.stringify({ message: error.message, hint: error.hint, meta: error.meta })).not.toContain(KEY);
  });

  it('trims the key', () => {
    expect(resolveApiSettings({ env: { CEKURA_API_KEY: ` ${KEY}\n` } }).apiKey).toBe(KEY);
  });
});

describe('resolveApiUrl', () => {
  it('says where the URL came from, so that a plan can call out the default API', () => {
    expect(resolveApiUrl({ env: {} })).toEqual({ url: 'https://api.cekura.ai', source: 'default' });
    expect(resolveApiUrl({ env: { CEKURA_API_URL: 'https://staging.example.com/' } })).toEqual({
      url: 'https://staging.example.com',
      source: 'env',
    });
    expect(
      resolveApiUrl({ apiUrlFlag: 'http://127.0.0.1:4010', env: { CEKURA_API_URL: 'https://staging.example.com' } }),
    ).toEqual({ url: 'http://127.0.0.1:4010', source: 'flag' });
  });

  it('needs no key', () => {
    expect(() => resolveApiUrl({ env: { CEKURA_API_KEY: undefined } })).not.toThrow();
  });
});
