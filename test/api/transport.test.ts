import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClientOptions } from '../../src/api/client.js';
import type { CekuraApi } from '../../src/api/types.js';
import { AGENTS, API_KEY, apiErrorOf, fakeClock, sendJson, startServer, type ReceivedRequest } from './helpers.js';
import { wireAgent } from '../plan/builders.js';

// Failures that need a real socket: a dropped connection, a server that never answers, a closed port.

let server: Awaited<ReturnType<typeof startServer>> | undefined;
let api: CekuraApi;

async function serve(
  respond: (request: ReceivedRequest, response: ServerResponse, index: number) => void,
  options: Partial<ApiClientOptions> = {},
): Promise<ReceivedRequest[]> {
  const started = await startServer((request, response) =>
    respond(request, response, started.requests.indexOf(request)),
  );
  server = started;
  api = createApiClient({
    baseUrl: started.origin,
    apiKey: API_KEY,
    clock: fakeClock(),
    random: () => 0.5,
    ...options,
  });
  return started.requests;
}

const dropConnection = (response: ServerResponse): void => {
  response.socket?.destroy();
};

afterEach(async () => {
  await api.close();
  await server?.close();
  server = undefined;
});

describe('connection dropped after the request was sent', () => {
  it('createAgent is not retried and may have committed', async () => {
    const requests = await serve((_request, response) => dropConnection(response));

    const error = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expect(error).toMatchObject({ code: 'api_unavailable', status: null, maybeCommitted: true });
    expect(error.message).toContain('creating agent "Bot" failed (POST /test_framework/v2/aiagents/: no response)');
    expect(requests).toHaveLength(1);
  });

  it('a GET is retried and succeeds', async () => {
    const requests = await serve((_request, response, index) =>
      index === 0 ? dropConnection(response) : sendJson(response, 200, wireAgent(303)),
    );

    await expect(api.getAgent(303)).resolves.toMatchObject({ id: 303 });
    expect(requests).toHaveLength(2);
  });
});

describe('timeouts', () => {
  // undici checks timeouts about once a second, so each of these takes about a second per attempt.
  const slow = { timeouts: { headersMs: 50, bodyMs: 50 } };

  it('a response that never comes fails a POST at once, maybe committed', async () => {
    const requests = await serve(() => undefined, slow);

    const error = await apiErrorOf(api.toggleMockTools(303, true));

    expect(error).toMatchObject({
      code: 'api_unavailable',
      status: null,
      maybeCommitted: true,
      detail: 'response timeout',
    });
    expect(requests).toHaveLength(1);
  });

  it('a GET whose response times out is retried up to the attempt bound', async () => {
    const requests = await serve(() => undefined, { ...slow, retry: { maxAttempts: 2 } });

    const error = await apiErrorOf(api.getAgent(303));

    expect(error).toMatchObject({ code: 'api_unavailable', detail: 'response timeout' });
    expect(requests).toHaveLength(2);
  });

  it('a body that stalls after the headers is a timeout too', async () => {
    await serve(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"id": 303,');
      },
      { ...slow, retry: { maxAttempts: 1 } },
    );

    const error = await apiErrorOf(api.getAgent(303));

    expect(error).toMatchObject({ code: 'api_unavailable', detail: 'response body timeout', maybeCommitted: true });
  });
});

describe('hostile responses', () => {
  it('a body trickling in a byte at a time ends at the per-request deadline', async () => {
    const timers: NodeJS.Timeout[] = [];
    const requests = await serve(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        timers.push(setInterval(() => response.write(' '), 10));
      },
      { timeouts: { bodyMs: 5_000, requestMs: 300 }, retry: { maxAttempts: 2 } },
    );

    const error = await apiErrorOf(api.getAgent(303)).finally(() => timers.forEach(clearInterval));

    expect(error).toMatchObject({ code: 'api_unavailable', detail: 'response not complete in time' });
    expect(requests).toHaveLength(2);
  });

  it('a body over the size cap fails at once, without retrying or reading the rest', async () => {
    let written = 0;
    const requests = await serve(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const more = () => {
          // Stops once the client hangs up; without the cap this would go on to 64 MiB.
          while (written < 64 * 1024 * 1024 && !response.destroyed && response.write(chunk)) written += chunk.length;
          if (!response.destroyed && written < 64 * 1024 * 1024) response.once('drain', more);
        };
        more();
      },
      { maxBodyBytes: 1024 * 1024 },
    );

    const error = await apiErrorOf(api.getAgent(303));

    expect(error).toMatchObject({ code: 'api_unavailable', detail: 'response body too large' });
    expect(requests).toHaveLength(1);
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('connection refused', () => {
  it('is retried even for a POST, and nothing was committed', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const clock = fakeClock();
    api = createApiClient({ baseUrl: closed.origin, apiKey: API_KEY, clock, random: () => 0.5 });

    const error = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expect(error).toMatchObject({
      code: 'api_unavailable',
      status: null,
      maybeCommitted: false,
      detail: 'connection refused',
    });
    expect(clock.sleeps).toHaveLength(4);
  });
});

it('writes a debug trace line per attempt: method, path, status, ms', async () => {
  const lines: string[] = [];
  await serve(
    (_request, response, index) => (index === 0 ? sendJson(response, 503, {}) : sendJson(response, 200, [])),
    {
      log: (line) => lines.push(line),
    },
  );

  await api.listAgents(42);

  expect(lines).toEqual([
    `GET ${AGENTS}?project_id=42&page_size=100 503 0ms`,
    `GET ${AGENTS}?project_id=42&page_size=100 200 0ms`,
  ]);
});

describe('deeply nested responses', () => {
  it('refuse a body nested past the limit, naming where, without overflowing the stack', async () => {
    // Built as text: JSON.stringify itself overflows on such a value.
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const body = JSON.stringify({ ...wireAgent(303), mock_data_sample: 'DEEP' }).replace('"DEEP"', deep);
    const lines: string[] = [];
    const requests = await serve(
      (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body),
      { trace: (entry) => lines.push(JSON.stringify(entry)) },
    );

    const error = await apiErrorOf(api.getAgent(303));

    expect(error.code).toBe('api_invalid_response');
    expect(error.detail).toMatch(/body nested deeper than 100 levels \(at mock_data_sample(\.a)+\)/);
    expect(requests).toHaveLength(1);
    expect(lines).toHaveLength(2);
  });
});
