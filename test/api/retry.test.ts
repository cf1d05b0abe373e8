import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryInfo } from '../../src/api/retry.js';
import type { CekuraApi } from '../../src/api/types.js';
import { AGENTS, apiErrorOf, mockedApi } from './helpers.js';
import { wireAgent } from '../plan/builders.js';

const AGENT_PATH = `${AGENTS}303/`;
const refused = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('backoffDelay', () => {
  it.each([
    { attempt: 1, random: 0.5, delay: 188 },
    { attempt: 2, random: 0.5, delay: 375 },
    { attempt: 3, random: 0.5, delay: 750 },
    { attempt: 4, random: 0.5, delay: 1500 },
    { attempt: 5, random: 0.5, delay: 3000 },
    { attempt: 9, random: 0.5, delay: 3000 },
    { attempt: 3, random: 0, delay: 500 },
    { attempt: 3, random: 0.999, delay: 1000 },
    { attempt: 9, random: 0.999, delay: 3998 },
  ])('attempt $attempt, random $random → $delay ms', ({ attempt, random, delay }) => {
    expect(backoffDelay(attempt, DEFAULT_RETRY_POLICY, () => random)).toBe(delay);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1);
  it.each([
    { header: '7', expected: 7000 },
    { header: ' 0 ', expected: 0 },
    { header: 'Thu, 01 Jan 2026 00:00:30 GMT', expected: 30_000 },
    { header: 'Wed, 31 Dec 2025 23:59:00 GMT', expected: 0 },
    { header: 'soon', expected: undefined },
    { header: undefined, expected: undefined },
  ])('$header → $expected', ({ header, expected }) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('retrying idempotent calls', () => {
  it('retries a GET after 503 with a jittered backoff through the injected clock, and reports it', async () => {
    const retries: RetryInfo[] = [];
    const { api, intercept, clock, calls } = mockedApi({ onRetry: (info) => retries.push(info) });
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(503, { detail: 'busy' });
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(200, wireAgent(303));

    await expect(api.getAgent(303)).resolves.toMatchObject({ id: 303 });

    expect(calls()).toHaveLength(2);
    expect(clock.sleeps).toEqual([188]);
    expect(retries).toEqual([
      { operation: 'reading agent 303', agentId: 303, attempt: 1, delayMs: 188, reason: 'HTTP 503' },
    ]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { api, intercept, clock, calls } = mockedApi();
    intercept.intercept({ path: AGENT_PATH, method: 'PATCH' }).reply(502, {}).persist();

    const error = await apiErrorOf(api.updateAgent(303, { name: 'x' }));

    expect(error).toMatchObject({ code: 'api_unavailable', status: 502, maybeCommitted: true });
    expect(calls()).toHaveLength(5);
    expect(clock.sleeps).toEqual([188, 375, 750, 1500]);
  });

  it('keeps every wait within [50%, 100%] of the doubling backoff', async () => {
    for (const random of [0, 0.999]) {
      const { api, intercept, clock } = mockedApi({ random: () => random });
      intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(504, {}).persist();

      await apiErrorOf(api.getAgent(303));

      clock.sleeps.forEach((delay, index) => {
        const ceiling = 250 * 2 ** index;
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      });
    }
  });

  it('stops when the next wait would exceed the time budget', async () => {
    const { api, intercept, clock, calls } = mockedApi({ retry: { maxElapsedMs: 1000 } });
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(503, {}).persist();

    const error = await apiErrorOf(api.getAgent(303));

    expect(error.code).toBe('api_unavailable');
    expect(clock.sleeps).toEqual([188, 375]);
    expect(calls()).toHaveLength(3);
  });

  it('honours Retry-After in seconds on 429', async () => {
    const { api, intercept, clock } = mockedApi();
    intercept
      .intercept({ path: AGENT_PATH, method: 'GET' })
      .reply(429, { detail: 'throttled' }, { headers: { 'retry-after': '7' } });
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(200, wireAgent(303));

    await api.getAgent(303);

    expect(clock.sleeps).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date, and on 503 too', async () => {
    const { api, intercept, clock } = mockedApi();
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 12)).toUTCString();
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(503, {}, { headers: { 'retry-after': at } });
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(200, wireAgent(303));

    await api.getAgent(303);

    expect(clock.sleeps).toEqual([12_000]);
  });

  it('fails at once when Retry-After exceeds the remaining budget, saying when to retry', async () => {
    const { api, intercept, clock, calls } = mockedApi();
    intercept
      .intercept({ path: AGENT_PATH, method: 'GET' })
      .reply(429, { detail: 'Request was throttled.' }, { headers: { 'retry-after': '120' } });

    const error = await apiErrorOf(api.getAgent(303));

    expect(error).toMatchObject({ code: 'api_rate_limited', status: 429, maybeCommitted: false });
    expect(error.hint).toContain('run again after 2026-01-01T00:02:00.000Z');
    expect(clock.sleeps).toEqual([]);
    expect(calls()).toHaveLength(1);
  });

  it('reports api_rate_limited after every attempt got 429', async () => {
    const { api, intercept, calls } = mockedApi();
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(429, { detail: 'throttled' }).persist();

    const error = await apiErrorOf(api.getAgent(303));

    expect(error).toMatchObject({ code: 'api_rate_limited', maybeCommitted: false });
    expect(calls()).toHaveLength(5);
  });

  it('keeps maybeCommitted when a later attempt of a PATCH fails without committing', async () => {
    const { api, intercept } = mockedApi({ retry: { maxAttempts: 2 } });
    intercept.intercept({ path: AGENT_PATH, method: 'PATCH' }).reply(504, {});
    intercept.intercept({ path: AGENT_PATH, method: 'PATCH' }).reply(429, {});

    const error = await apiErrorOf(api.updateAgent(303, { name: 'x' }));

    expect(error).toMatchObject({ code: 'api_rate_limited', maybeCommitted: true });
  });

  it('retries a PATCH after a connection reset', async () => {
    const { api, intercept, calls } = mockedApi();
    intercept.intercept({ path: AGENT_PATH, method: 'PATCH' }).replyWithError(reset());
    intercept.intercept({ path: AGENT_PATH, method: 'PATCH' }).reply(200, wireAgent(303));

    await expect(api.updateAgent(303, { name: 'x' })).resolves.toMatchObject({ id: 303 });
    expect(calls().map((call) => call.body)).toEqual(['{"name":"x"}', '{"name":"x"}']);
  });

  it('retries progress polls', async () => {
    const { api, intercept } = mockedApi();
    const path = `${AGENT_PATH}toggle-mock-tools-progress/?progress_id=p1`;
    intercept.intercept({ path, method: 'GET' }).reply(503, {});
    intercept
      .intercept({ path, method: 'GET' })
      .reply(200, { status: 'in_progress', mock_enabled: null, message: null, error: null });

    await expect(api.getToggleProgress(303, 'p1')).resolves.toMatchObject({ status: 'in_progress' });
  });

  it.each([
    { method: 'GET', call: (api: CekuraApi) => api.getAgent(303) },
    { method: 'PATCH', call: (api: CekuraApi) => api.updateAgent(303, { name: 'x' }) },
  ])('retries a $method after a 500', async ({ method, call }) => {
    const { api, intercept, calls } = mockedApi();
    intercept.intercept({ path: AGENT_PATH, method }).reply(500, {});
    intercept.intercept({ path: AGENT_PATH, method }).reply(200, wireAgent(303));

    await expect(call(api)).resolves.toMatchObject({ id: 303 });

    expect(calls()).toHaveLength(2);
  });

  it('does not retry a 501', async () => {
    const { api, intercept, calls } = mockedApi();
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(501, {}).persist();

    await apiErrorOf(api.getAgent(303));

    expect(calls()).toHaveLength(1);
  });
});

describe('DELETE', () => {
  const deletePath = `${AGENT_PATH}?delete_related=false`;

  it('a retried DELETE that finds the agent gone has succeeded', async () => {
    const { api, intercept, calls } = mockedApi();
    intercept.intercept({ path: deletePath, method: 'DELETE' }).reply(504, {});
    intercept.intercept({ path: deletePath, method: 'DELETE' }).reply(404, { detail: 'Not found.' });

    await expect(api.deleteAgent(303, { deleteRelated: false })).resolves.toBeUndefined();
    expect(calls()).toHaveLength(2);
  });

  it('a first-attempt 404 is not found', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: deletePath, method: 'DELETE' }).reply(404, { detail: 'Not found.' });

    const error = await apiErrorOf(api.deleteAgent(303, { deleteRelated: false }));

    expect(error).toMatchObject({ code: 'api_not_found', agentId: 303, operation: 'deleting agent 303' });
  });

  it('a 404 after a refused 429 is not found (nothing was deleted by us)', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: deletePath, method: 'DELETE' }).reply(429, {});
    intercept.intercept({ path: deletePath, method: 'DELETE' }).reply(404, { detail: 'Not found.' });

    await expect(apiErrorOf(api.deleteAgent(303, { deleteRelated: false }))).resolves.toMatchObject({
      code: 'api_not_found',
    });
  });
});

describe('POST is never blindly repeated', () => {
  it.each([500, 502, 503, 504])('createAgent is not retried on %i, and may have committed', async (status) => {
    const { api, intercept, calls, clock } = mockedApi();
    intercept.intercept({ path: AGENTS, method: 'POST' }).reply(status, {}).persist();

    const error = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expect(error).toMatchObject({ code: 'api_unavailable', status, maybeCommitted: true });
    expect(calls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('createAgent is not retried after a connection reset', async () => {
    const { api, intercept, calls } = mockedApi();
    intercept.intercept({ path: AGENTS, method: 'POST' }).replyWithError(reset());

    const error = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expect(error).toMatchObject({
      code: 'api_unavailable',
      status: null,
      maybeCommitted: true,
      detail: 'connection reset',
    });
    expect(calls()).toHaveLength(1);
  });

  it('toggleMockTools is not retried on 503', async () => {
    const { api, intercept, calls } = mockedApi();
    intercept
      .intercept({ path: `${AGENT_PATH}toggle-mock-tools/`, method: 'POST' })
      .reply(503, {})
      .persist();

    const error = await apiErrorOf(api.toggleMockTools(303, true));

    expect(error).toMatchObject({ code: 'api_unavailable', maybeCommitted: true, agentId: 303 });
    expect(calls()).toHaveLength(1);
  });

  it('createAgent is retried on 429 (nothing was processed)', async () => {
    const { api, intercept, calls, clock } = mockedApi();
    intercept.intercept({ path: AGENTS, method: 'POST' }).reply(429, {}, { headers: { 'retry-after': '2' } });
    intercept.intercept({ path: AGENTS, method: 'POST' }).reply(201, wireAgent(303, { name: 'Bot' }));

    await expect(api.createAgent({ name: 'Bot' })).resolves.toMatchObject({ id: 303 });
    expect(calls()).toHaveLength(2);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('toggleMockTools is retried when the connection was refused (nothing was sent)', async () => {
    const { api, intercept, calls } = mockedApi();
    const path = `${AGENT_PATH}toggle-mock-tools/`;
    intercept.intercept({ path, method: 'POST' }).replyWithError(refused());
    intercept.intercept({ path, method: 'POST' }).reply(202, { progress_id: 'p1' });

    await expect(api.toggleMockTools(303, true)).resolves.toEqual({ progress_id: 'p1' });
    expect(calls()).toHaveLength(2);
  });

  it('a create that was never sent reports maybeCommitted false', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: AGENTS, method: 'POST' }).replyWithError(refused()).persist();

    const error = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expect(error).toMatchObject({
      code: 'api_unavailable',
      status: null,
      maybeCommitted: false,
      detail: 'connection refused',
    });
  });
});
