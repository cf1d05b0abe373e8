import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/api/errors.js';
import type { RetryInfo } from '../../src/api/retry.js';
import { AGENTS, API_KEY, apiErrorOf, mockedApi } from './helpers.js';
import { wireAgent } from '../plan/builders.js';

// The API key goes in one header and nowhere else: not in an error's message, meta, hint or cause
// (inspected in depth, stacks included), not in a log line, not in a retry report.

/** A key with the characters that JSON, URL and base64 encodings change. */
const SLASHED_KEY = 'ck_live/Zq+8vK2 never=print&me?4471';

function expectNoKey(error: ApiError): void {
  expect(error.message).not.toContain(API_KEY);
  expect(
    JSON.stringify({ meta: error.meta, hint: error.hint, detail: error.detail, fieldErrors: error.fieldErrors }),
  ).not.toContain(API_KEY);
  expect(inspect(error, { depth: null })).not.toContain(API_KEY);
}

describe('the API key never leaks', () => {
  it('is sent in the X-CEKURA-API-KEY header', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/`, method: 'GET', headers: { 'x-cekura-api-key': API_KEY } })
      .reply(200, wireAgent(303));

    await expect(api.getAgent(303)).resolves.toMatchObject({ id: 303 });
  });

  it('not when the server echoes it in a detail or field error', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: `${AGENTS}303/`, method: 'GET' }).reply(401, { detail: `Invalid key ${API_KEY}.` });
    intercept.intercept({ path: AGENTS, method: 'POST' }).reply(400, { api_key: [`${API_KEY} is not valid here`] });

    const unauthorized = await apiErrorOf(api.getAgent(303));
    const invalid = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expectNoKey(unauthorized);
    expectNoKey(invalid);
    expect(unauthorized.detail).toBe('Invalid key (sensitive value).');
  });

  it('not when undici quotes the request headers in its error (MockAgent header mismatch)', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: `${AGENTS}303/`, method: 'GET', headers: { 'x-required': 'yes' } }).reply(200, {});

    const error = await apiErrorOf(api.getAgent(303));

    expect(inspect(error.cause)).toContain('(sensitive value)');
    expectNoKey(error);
  });

  it('not when a transport error message carries it', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/`, method: 'PATCH' })
      .replyWithError(Object.assign(new Error(`socket hang up, key=${API_KEY}`), { code: 'ECONNRESET' }))
      .persist();

    const error = await apiErrorOf(api.updateAgent(303, { name: 'x' }));

    expect(error.code).toBe('api_unavailable');
    expectNoKey(error);
  });

  it('not in a successful body that echoes it', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}303/`, method: 'GET' })
      .reply(200, wireAgent(303, { description: `key ${API_KEY}` }));

    const agent = await api.getAgent(303);

    expect(JSON.stringify(agent)).not.toContain(API_KEY);
  });

  it.each([
    {
      form: 'JSON-escaped (every character as \\uXXXX)',
      echo: [...SLASHED_KEY].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    },
    { form: 'with / escaped', echo: SLASHED_KEY.replaceAll('/', '\\/') },
    { form: 'URL-encoded', echo: encodeURIComponent(SLASHED_KEY) },
    { form: 'form-encoded', echo: new URLSearchParams({ k: SLASHED_KEY }).toString().slice(2) },
    { form: 'base64', echo: Buffer.from(SLASHED_KEY).toString('base64') },
    { form: 'base64 inside Basic credentials', echo: Buffer.from(`user:${SLASHED_KEY}`).toString('base64') },
    { form: 'URL-safe base64 at an odd offset', echo: Buffer.from(`ab${SLASHED_KEY}`).toString('base64url') },
  ])('not when the server echoes it $form', async ({ echo }) => {
    const { api, intercept } = mockedApi({ apiKey: SLASHED_KEY });
    const body = `{"detail": "Invalid key ${echo}."}`;
    intercept.intercept({ path: `${AGENTS}303/`, method: 'GET' }).reply(401, body);
    intercept
      .intercept({ path: `${AGENTS}304/`, method: 'GET' })
      .reply(200, `{"id": 304, "name": "Agent ${echo}", "description": "d", "project": 42}`);

    const error = await apiErrorOf(api.getAgent(303));
    const agent = await api.getAgent(304);

    const forms = [SLASHED_KEY, echo, Buffer.from(SLASHED_KEY).toString('base64').slice(2, 30)];
    for (const form of forms) {
      expect(inspect(error, { depth: null })).not.toContain(form);
      expect(JSON.stringify(agent)).not.toContain(form);
    }
    expect(error.detail).toContain('(sensitive value)');
  });

  it('not in log lines or retry reports', async () => {
    const lines: string[] = [];
    const retries: RetryInfo[] = [];
    const { api, intercept } = mockedApi({ log: (line) => lines.push(line), onRetry: (info) => retries.push(info) });
    intercept
      .intercept({ path: `${AGENTS}303/`, method: 'GET' })
      .reply(503, { detail: API_KEY })
      .times(2);
    intercept.intercept({ path: `${AGENTS}303/`, method: 'GET' }).reply(200, wireAgent(303));

    await api.getAgent(303);

    expect(lines).toHaveLength(3);
    expect(retries).toHaveLength(2);
    expect(JSON.stringify({ lines, retries })).not.toContain(API_KEY);
  });
});
