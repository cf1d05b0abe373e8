import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/client.js';
import type { CekuraApi } from '../../src/api/types.js';
import { AGENTS, API_KEY, apiErrorOf, fakeClock, sendJson, startServer, type ReceivedRequest } from './helpers.js';
import { wireAgent } from '../plan/builders.js';

let server: Awaited<ReturnType<typeof startServer>>;
let api: CekuraApi;

/** Serves `pages(origin)[n - 1]` for `?page=n` (page 1 without the parameter); requests may come at once. */
async function servePages(pages: (origin: string) => unknown[], pageSize = 2): Promise<ReceivedRequest[]> {
  server = await startServer((request, response) => {
    const page = Number(new URL(request.url, server.origin).searchParams.get('page') ?? '1');
    sendJson(response, 200, pages(server.origin)[page - 1]);
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
        results: [wireAgent(1), wireAgent(2)],
      },
      {
        count: 5,
        next: `${origin}${AGENTS}?page=3&page_size=2&project_id=42`,
        previous: `${origin}${AGENTS}?page_size=2&project_id=42`,
        results: [wireAgent(3), wireAgent(4)],
      },
      {
        count: 5,
        next: null,
        previous: `${origin}${AGENTS}?page=2&page_size=2&project_id=42`,
        results: [wireAgent(5)],
      },
    ]);

    const agents = await api.listAgents(42);

    expect(agents.map((agent) => agent.id)).toEqual([1, 2, 3, 4, 5]);
    expect(requests[0]!.url).toBe(`${AGENTS}?project_id=42&page_size=2`);
    expect(requests.slice(1).map((request) => request.url)).toEqual(
      expect.arrayContaining([
        `${AGENTS}?page=2&page_size=2&project_id=42`,
        `${AGENTS}?page=3&page_size=2&project_id=42`,
      ]),
    );
    expect(requests).toHaveLength(3);
    expect(requests.every((request) => request.headers['x-cekura-api-key'] === API_KEY)).toBe(true);
  });

  it('reads pages 2..k at once when page 1 gives the count, and follows the last next', async () => {
    const page = (origin: string, number: number, ids: number[], count = 7): unknown => ({
      count,
      next: number === 4 ? null : `${origin}${AGENTS}?page=${number + 1}&page_size=2&project_id=42`,
      previous: null,
      results: ids.map((id) => wireAgent(id)),
    });
    let unanswered = 0;
    let mostAtOnce = 0;
    const waiting: (() => void)[] = [];
    server = await startServer((request, response) => {
      const number = Number(new URL(request.url, server.origin).searchParams.get('page') ?? '1');
      const ids = [[1, 2], [3, 4], [5, 6], [7]][number - 1]!;
      unanswered += 1;
      mostAtOnce = Math.max(mostAtOnce, unanswered);
      // Pages 2..4 are answered together once all three were asked for (or after 2 s, for a client reading one by one).
      const answer = (): void => {
        unanswered -= 1;
        sendJson(response, 200, page(server.origin, number, ids));
      };
      if (number === 1) answer();
      else if (unanswered === 3) {
        answer();
        waiting.splice(0).forEach((send) => send());
      } else {
        waiting.push(answer);
        setTimeout(() => waiting.includes(answer) && (waiting.splice(waiting.indexOf(answer), 1), answer()), 2_000);
      }
    });
    api = createApiClient({ baseUrl: server.origin, apiKey: API_KEY, clock: fakeClock(), pageSize: 2 });

    const agents = await api.listAgents(42);

    expect(agents.map((agent) => agent.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requests.map((request) => request.url).sort()).toEqual([
      `${AGENTS}?page=2&page_size=2&project_id=42`,
      `${AGENTS}?page=3&page_size=2&project_id=42`,
      `${AGENTS}?page=4&page_size=2&project_id=42`,
      `${AGENTS}?project_id=42&page_size=2`,
    ]);
    expect(mostAtOnce).toBe(3);
  });

  it('goes on page by page when the last counted page has a next (agents added since page 1)', async () => {
    const requests = await servePages((origin) => [
      { count: 3, next: `${origin}${AGENTS}?page=2`, results: [wireAgent(1)] },
      { count: 3, next: `${origin}${AGENTS}?page=3`, results: [wireAgent(2)] },
      { count: 3, next: `${origin}${AGENTS}?page=4`, results: [wireAgent(3)] },
      { count: 4, next: null, results: [wireAgent(4)] },
    ]);

    const agents = await api.listAgents(42);

    expect(agents.map((agent) => agent.id)).toEqual([1, 2, 3, 4]);
    expect(requests).toHaveLength(4);
  });

  it('defaults page_size to 100', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, []));
    api = createApiClient({ baseUrl: server.origin, apiKey: API_KEY, clock: fakeClock() });

    await api.listAgents(42);

    expect(server.requests[0]!.url).toBe(`${AGENTS}?project_id=42&page_size=100`);
  });

  it('accepts a bare array', async () => {
    await servePages(() => [[wireAgent(1), wireAgent(2)]]);

    await expect(api.listAgents(42)).resolves.toMatchObject([{ id: 1 }, { id: 2 }]);
  });

  it('drops agents of other projects, in case the server ignored project_id', async () => {
    await servePages(() => [[wireAgent(1), wireAgent(2, { project: 7 }), wireAgent(3)]]);

    const agents = await api.listAgents(42);

    expect(agents.map((agent) => agent.id)).toEqual([1, 3]);
  });

  it('refuses a next URL on another origin, and does not contact it', async () => {
    const requests = await servePages(() => [
      { count: 3, next: 'https://collector.example.com/steal?page=2', previous: null, results: [wireAgent(1)] },
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
        results: [wireAgent(1)],
      },
    ]);

    await expect(apiErrorOf(api.listAgents(42))).resolves.toMatchObject({ code: 'api_invalid_response' });
  });

  it('stops a next URL that loops back to a fetched page', async () => {
    const requests = await servePages((origin) => [
      { count: 2, next: `${origin}${AGENTS}?page=2`, previous: null, results: [wireAgent(1)] },
      { count: 2, next: `${origin}${AGENTS}?page=2`, previous: null, results: [wireAgent(2)] },
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
        results: [wireAgent(2 * page - 1), wireAgent(2 * page)],
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
      { count: 3, next: `${origin}${AGENTS}?page=2`, previous: null, results: [wireAgent(1)] },
      { count: 3, next: null, previous: null, results: [wireAgent(2), { ...wireAgent(3), name: 3 }] },
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
        wireAgent(1, { name: 'Support Bot' }),
        wireAgent(2, { name: 'Support Bot 2' }),
        wireAgent(3, { name: 'support bot' }),
        wireAgent(4, { name: 'Support Bot', project: 7 }),
        wireAgent(5, { name: 'Support Bot' }),
      ],
    ]);

    const agents = await api.findAgentsByName(42, 'Support Bot');

    expect(agents.map((agent) => agent.id)).toEqual([1, 5]);
    expect(requests[0]!.url).toBe(`${AGENTS}?project_id=42&page_size=2&q=Support+Bot`);
  });

  it('matches names as Cekura stores them, trimmed (DRF trims CharFields)', async () => {
    await servePages(() => [[wireAgent(1, { name: 'Support Bot' }), wireAgent(2, { name: 'Support Bot 2' })]]);

    const agents = await api.findAgentsByName(42, ' Support Bot\t');

    expect(agents.map((agent) => agent.id)).toEqual([1]);
  });
});
