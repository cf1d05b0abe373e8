import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/api/errors.js';
import type { RetryInfo } from '../../src/api/retry.js';
import { AGENTS, API_KEY, apiErrorOf, mockedApi } from './helpers.js';
import { wireAgent } from '../plan/builders.js';

// The API key goes in one header and nowhere else: not in an error's message, meta, hint or cause
// (inspected in depth, stacks included), not in a log line, not in a retry report.

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
    expect(unauthorized.detail).toBe('Invalid key [redacted].');
  });

  it('not when undici quotes the request headers in its error (MockAgent header mismatch)', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: `${AGENTS}303/`, method: 'GET', headers: { 'x-required': 'yes' } }).reply(200, {});

    const error = await apiErrorOf(api.getAgent(303));

    expect(inspect(error.cause)).toContain('[redacted]');
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
