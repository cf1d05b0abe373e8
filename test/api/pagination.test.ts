import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/client.js';
import type { CekuraApi } from '../../src/api/types.js';
import {
  AGENTS,
  API_KEY,
  apiErrorOf,
  fakeClock,
  sendJson,
  startServer,
  wireAgent,
  type ReceivedRequest,
} from './helpers.js';

let server: Awaited<ReturnType<typeof startServer>>;
let api: CekuraApi;

/** Serves `pages(origin)[i]` for the i-th request, in order. */
async function servePages(pages: (origin: string) => unknown[], pageSize = 2): Promise<ReceivedRequest[]> {
  server = await startServer((request, response) => {
    const page = pages(server.origin)[server.requests.indexOf(request)];
    sendJson(response, 200, page);
  });
  api = createApiClient({ baseUrl: server.origin, apiKey: API_KEY, clock: fakeClock(), pageSize });
  return server.requests;
}

afterEach(async () => {
  await api.close();
  await server.close();
});

describe('listAgents', () => {
  it('follows absolute next URLs over every page, sending the key to each', async () => {
    const requests = await servePages((origin) => [
      {
        count: 5,
        next: `${origin}${AGENTS}?page=2&page_size=2&project_id=42`,
        previous: null,
        results: [wireAgent({ id: 1 }), wireAgent({ id: 2 })],
      },
      {
        count: 5,
        next: `${origin}${AGENTS}?page=3&page_size=2&project_id=42`,
        previous: `${origin}${AGENTS}?page_size=2&project_id=42`,
        results: [wireAgent({ id: 3 }), wireAgent({ id: 4 })],
      },
      {
        count: 5,
        next: null,
        previous: `${origin}${AGENTS}?page=2&page_size=2&project_id=42`,
        results: [wireAgent({ id: 5 })],
      },
    ]);

    const agents = await api.listAgents(42);

    expect(agents.map((agent) => agent.id)).toEqual([1, 2, 3, 4, 5]);
    expect(requests.map((request) => request.url)).toEqual([
      `${AGENTS}?project_id=42&page_size=2`,
      `${AGENTS}?page=2&page_size=2&project_id=42`,
      `${AGENTS}?page=3&page_size=2&project_id=42`,
    ]);
    expect(requests.every((request) => request.headers['x-cekura-api-key'] === API_KEY)).toBe(true);
  });

  it('defaults page_size to 100', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, []));
    api = createApiClient({ baseUrl: server.origin, apiKey: API_KEY, clock: fakeClock() });

    await api.listAgents(42);

    expect(server.requests[0]!.url).toBe(`${AGENTS}?project_id=42&page_size=100`);
  });

  it('accepts a bare array', async () => {
    await servePages(() => [[wireAgent({ id: 1 }), wireAgent({ id: 2 })]]);

    await expect(api.listAgents(42)).resolves.toMatchObject([{ id: 1 }, { id: 2 }]);
  });

  it('drops agents of other projects, in case the server ignored project_id', async () => {
    await servePages(() => [[wireAgent({ id: 1 }), wireAgent({ id: 2, project: 7 }), wireAgent({ id: 3 })]]);

    const agents = await api.listAgents(42);

    expect(agents.map((agent) => agent.id)).toEqual([1, 3]);
  });

  it('refuses a next URL on another origin, and does not contact it', async () => {
    const requests = await servePages(() => [
      { count: 3, next: 'https://collector.example.com/steal?page=2', previous: null, results: [wireAgent({ id: 1 })] },
    ]);

    const error = await apiErrorOf(api.listAgents(42));

    expect(error.code).toBe('api_invalid_response');
    expect(error.message).toContain('listing agents of project 42 (page 1)');
    expect(error.message).toContain('next page is on https://collector.example.com');
    expect(requests).toHaveLength(1);
  });

  it('refuses a next URL on the same host with another scheme', async () => {
    await servePages((origin) => [
      {
        count: 3,
        next: `${origin.replace('http:', 'https:')}${AGENTS}?page=2`,
        previous: null,
        results: [wireAgent({ id: 1 })],
      },
    ]);

    await expect(apiErrorOf(api.listAgents(42))).resolves.toMatchObject({ code: 'api_invalid_response' });
  });

  it('stops a next URL that loops back to a fetched page', async () => {
    const requests = await servePages((origin) => [
      { count: 9, next: `${origin}${AGENTS}?page=2`, previous: null, results: [wireAgent({ id: 1 })] },
      { count: 9, next: `${origin}${AGENTS}?page=2`, previous: null, results: [wireAgent({ id: 2 })] },
    ]);

    const error = await apiErrorOf(api.listAgents(42));

    expect(error.code).toBe('api_invalid_response');
    expect(error.message).toContain('(page 2)');
    expect(error.message).toContain('already fetched');
    expect(requests).toHaveLength(2);
  });

  it('stops a server that keeps offering new pages past its count', async () => {
    server = await startServer((request, response) => {
      const page = server.requests.indexOf(request) + 1;
      sendJson(response, 200, {
        count: 4,
        next: `${server.origin}${AGENTS}?page=${page + 1}`,
        results: [wireAgent({ id: 2 * page - 1 }), wireAgent({ id: 2 * page })],
      });
    });
    api = createApiClient({ baseUrl: server.origin, apiKey: API_KEY, clock: fakeClock(), pageSize: 2 });

    const error = await apiErrorOf(api.listAgents(42));

    expect(error.code).toBe('api_invalid_response');
    expect(error.message).toContain('(page 3)');
    expect(error.detail).toContain('more than the 3 pages its count of 4 agents needs');
    expect(server.requests).toHaveLength(3);
  });

  it('stops at the hard page cap when the server gives no count', async () => {
    server = await startServer((request, response) => {
      const page = server.requests.indexOf(request) + 1;
      sendJson(response, 200, { next: `${server.origin}${AGENTS}?page=${page + 1}`, results: [] });
    });
    api = createApiClient({ baseUrl: server.origin, apiKey: API_KEY, clock: fakeClock(), maxPages: 25 });

    const error = await apiErrorOf(api.listAgents(42));

    expect(error.detail).toContain('more than the 25 pages a listing may take');
    expect(server.requests).toHaveLength(25);
  });

  it('names the page in a validation error', async () => {
    await servePages((origin) => [
      { count: 3, next: `${origin}${AGENTS}?page=2`, previous: null, results: [wireAgent({ id: 1 })] },
      { count: 3, next: null, previous: null, results: [wireAgent({ id: 2 }), { ...wireAgent({ id: 3 }), name: 3 }] },
    ]);

    const error = await apiErrorOf(api.listAgents(42));

    expect(error.message).toContain('listing agents of project 42 (page 2)');
    expect(error.message).toContain('results[1].name');
  });
});

describe('findAgentsByName', () => {
  it('searches with q= and keeps exact name matches in the project only', async () => {
    const requests = await servePages(() => [
      [
        wireAgent({ id: 1, name: 'Support Bot' }),
        wireAgent({ id: 2, name: 'Support Bot 2' }),
        wireAgent({ id: 3, name: 'support bot' }),
        wireAgent({ id: 4, name: 'Support Bot', project: 7 }),
        wireAgent({ id: 5, name: 'Support Bot' }),
      ],
    ]);

    const agents = await api.findAgentsByName(42, 'Support Bot');

    expect(agents.map((agent) => agent.id)).toEqual([1, 5]);
    expect(requests[0]!.url).toBe(`${AGENTS}?project_id=42&page_size=2&q=Support+Bot`);
  });
});
