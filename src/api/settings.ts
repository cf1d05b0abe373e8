import { CekuraformError } from '../errors.js';

/** Where the API is and how to authenticate; made by `resolveApiSettings`, passed to `createApiClient`. */
export interface ApiSettings {
  /** Origin plus an optional path prefix, without a trailing slash: `https://api.cekura.ai`. */
  baseUrl: string;
  /** Sent as `X-CEKURA-API-KEY`; never printed, logged or put into an error. */
  apiKey: string;
}

export const DEFAULT_API_URL = 'https://api.cekura.ai';
export const API_URL_ENV = 'CEKURA_API_URL';
export const API_KEY_ENV = 'CEKURA_API_KEY';

/**
 * The base URL from `--api-url`, else `CEKURA_API_URL`, else the public API; the key only from
 * `CEKURA_API_KEY` (never from a flag, so it stays out of shell history and process lists).
 * Plain `http://` is allowed for loopback hosts only, where the emulator runs.
 */
export function resolveApiSettings(input: ApiUrlInput): ApiSettings {
  const baseUrl = resolveApiUrl(input).url;
  const apiKey = input.env[API_KEY_ENV]?.trim();
  if (!apiKey) {
    throw new CekuraformError('api_key_missing', `${API_KEY_ENV} is not set`, {
      hint: `export ${API_KEY_ENV} with a key from the Cekura dashboard (it is read only from the environment)`,
    });
  }
  // A header cannot carry these; undici's own error (UND_ERR_INVALID_ARG) would not say which value is wrong.
  if (/[\u0000-\u001f\u007f]/.test(apiKey)) {
    throw new CekuraformError('api_key_invalid', `${API_KEY_ENV} contains a line break or another control character`, {
      hint: `set ${API_KEY_ENV} to the key alone, as the Cekura dashboard shows it`,
    });
  }
  return { baseUrl, apiKey };
}

/** The base URL and where it came from: `--api-url` (`flag`), `CEKURA_API_URL` (`env`), or neither (`default`). */
export interface ApiUrlChoice {
  url: string;
  source: 'flag' | 'env' | 'default';
}

interface ApiUrlInput {
  apiUrlFlag?: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** The API base URL and where it came from (a plan names both), checked as `resolveApiSettings` does; needs no key. */
export function resolveApiUrl(input: ApiUrlInput): ApiUrlChoice {
  const envUrl = input.env[API_URL_ENV];
  if (input.apiUrlFlag !== undefined) return { url: checkBaseUrl(input.apiUrlFlag, '--api-url'), source: 'flag' };
  if (envUrl) return { url: checkBaseUrl(envUrl, API_URL_ENV), source: 'env' };
  return { url: checkBaseUrl(DEFAULT_API_URL, 'the default API URL'), source: 'default' };
}

function checkBaseUrl(rawUrl: string, source: string): string {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw invalidUrl(
      `${source} is not a URL: ${JSON.stringify(rawUrl)}`,
      'give an absolute URL such as https://api.cekura.ai',
    );
  }
  // Never echo a URL with credentials in it: they are secrets.
  if (url.username || url.password) {
    throw invalidUrl(`${source} must not carry a user name or password`, `the key goes in ${API_KEY_ENV}`);
  }
  if (url.search || url.hash) {
    throw invalidUrl(
      `${source} must not have a query or fragment: ${url.href}`,
      'give the API origin, e.g. https://api.cekura.ai',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidUrl(`${source} must be an http(s) URL: ${url.href}`, 'use https://');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalidUrl(
      `${source} uses plain http for a non-local host: ${url.href}`,
      'use https:// (http:// is accepted only for localhost, 127.0.0.0/8 and ::1, where the emulator runs)',
    );
  }
  return url.href.replace(/\/+$/, '');
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function invalidUrl(message: string, hint: string): CekuraformError {
  return new CekuraformError('api_url_invalid', message, { hint });
}
