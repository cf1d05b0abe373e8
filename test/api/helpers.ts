import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent, type Interceptable } from 'undici';
import { createApiClient, type ApiClientOptions } from '../../src/api/client.js';
import { ApiError } from '../../src/api/errors.js';
import type { CekuraApi } from '../../src/api/types.js';
import { FakeClock } from '../fakes.js';

/** Distinctive, so that a leak anywhere is found by a plain substring search. */
export const API_KEY = 'ck_test_Zq8vK2-never-print-me-4471';

export const MOCK_ORIGIN = 'https://api.cekura.test';
export const AGENTS = '/test_framework/v2/aiagents/';

/** The test clock, starting on 2026-01-01 unless told otherwise. */
export function fakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  return new FakeClock(startMs);
}

/** A client over an undici MockAgent that refuses real network access, with call history on. */
export function mockedApi(options: Partial<ApiClientOptions> = {}): {
  api: CekuraApi;
  mockAgent: MockAgent;
  clock: FakeClock;
  intercept: Interceptable;
  calls: () => { method: string; path: string; body: string | null | undefined }[];
} {
  const mockAgent = new MockAgent({ enableCallHistory: true });
  mockAgent.disableNetConnect();
  const clock = fakeClock();
  const api = createApiClient({
    baseUrl: MOCK_ORIGIN,
    apiKey: API_KEY,
    dispatcher: mockAgent,
    clock,
    random: () => 0.5,
    ...options,
  });
  const calls = () =>
    (mockAgent.getCallHistory()?.calls() ?? []).map((log) => ({
      method: log.method,
      path:
        log.path + (Object.keys(log.searchParams).length ? '?' + new URLSearchParams(log.searchParams).toString() : ''),
      body: log.body,
    }));
  return { api, mockAgent, clock, intercept: mockAgent.get<Interceptable>(MOCK_ORIGIN), calls };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A bare HTTP server on 127.0.0.1, port 0, recording each request it answers. */
export async function startServer(
  respond: (request: ReceivedRequest, response: ServerResponse) => void,
): Promise<{ origin: string; requests: ReceivedRequest[]; close: () => Promise<void> }> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((incoming, response) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => (body += chunk));
    incoming.on('end', () => {
      const request = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body };
      requests.push(request);
      respond(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** The rejection of `promise`, which must be an `ApiError`. */
export async function apiErrorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}
