import { afterEach, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { createApiClient } from '../../src/api/client.js';
import type { CekuraApi } from '../../src/api/types.js';
import { AGENTS, API_KEY, fakeClock, sendJson, startServer, type ReceivedRequest } from './helpers.js';
import { wireAgent } from '../plan/builders.js';

// Each operation against a real socket: what the server received, and what the caller got.

let server: Awaited<ReturnType<typeof startServer>>;
let api: CekuraApi;

async function serve(status: number, body: unknown, basePath = ''): Promise<ReceivedRequest[]> {
  server = await startServer((_request, response) => {
    if (status === 204) {
      response.writeHead(204).end();
    } else {
      sendJson(response, status, body);
    }
  });
  api = createApiClient({ baseUrl: server.origin + basePath, apiKey: API_KEY, clock: fakeClock() });
  return server.requests;
}

afterEach(async () => {
  await api.close();
  await server.close();
});

describe('operations', () => {
  it('getAgent: GET …/{id}/ with the key header, returning the agent with every field kept', async () => {
    const agent = wireAgent(303, { enabled_personalities: [1, 2] });
    const requests = await serve(200, agent);

    await expect(api.getAgent(303)).resolves.toEqual(agent);

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'GET', url: `${AGENTS}303/`, body: '' });
    expect(requests[0]!.headers['x-cekura-api-key']).toBe(API_KEY);
    expect(requests[0]!.headers['accept']).toBe('application/json');
  });

  it('createAgent: POST the JSON body to the collection and return the created agent', async () => {
    const created = wireAgent(303, { name: 'Support Bot' });
    const requests = await serve(201, created);
    const body = { name: 'Support Bot', description: 'Handles inbound support calls', project: 42, inbound: true };

    await expect(api.createAgent(body)).resolves.toEqual(created);

    expect(requests[0]).toMatchObject({ method: 'POST', url: AGENTS });
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    expect(requests[0]!.headers['x-cekura-api-key']).toBe(API_KEY);
    expect(JSON.parse(requests[0]!.body)).toEqual(body);
  });

  it('updateAgent: PATCH …/{id}/ with the full-set body', async () => {
    const updated = wireAgent(303, { description: 'new' });
    const requests = await serve(200, updated);
    const body = { description: 'new', mock_tools: [{ id: 1, name: 'get_order', description: '', mock_data: [] }] };

    await expect(api.updateAgent(303, body)).resolves.toEqual(updated);

    expect(requests[0]).toMatchObject({ method: 'PATCH', url: `${AGENTS}303/` });
    expect(JSON.parse(requests[0]!.body)).toEqual(body);
  });

  it.each([
    { deleteRelated: false, query: 'delete_related=false' },
    { deleteRelated: true, query: 'delete_related=true' },
  ])('deleteAgent: DELETE …/{id}/?$query, 204', async ({ deleteRelated, query }) => {
    const requests = await serve(204, undefined);

    await expect(api.deleteAgent(303, { deleteRelated })).resolves.toBeUndefined();

    expect(requests[0]).toMatchObject({ method: 'DELETE', url: `${AGENTS}303/?${query}` });
    expect(requests[0]!.headers['x-cekura-api-key']).toBe(API_KEY);
  });

  it('toggleMockTools: POST {enabled} to …/{id}/toggle-mock-tools/, 202 with the progress id', async () => {
    const requests = await serve(202, { progress_id: 'tgl_1' });

    await expect(api.toggleMockTools(303, true)).resolves.toEqual({ progress_id: 'tgl_1' });

    expect(requests[0]).toMatchObject({ method: 'POST', url: `${AGENTS}303/toggle-mock-tools/` });
    expect(JSON.parse(requests[0]!.body)).toEqual({ enabled: true });
  });

  it('getToggleProgress: GET …/{id}/toggle-mock-tools-progress/?progress_id=', async () => {
    const progress = {
      status: 'completed',
      mock_enabled: true,
      mcp_endpoints: [{ mock_index: 1, url: 'https://api.cekura.ai/mcp/1/', tool_names: ['crm_lookup'] }],
      message: 'Mock tools enabled',
      error: null,
    };
    const requests = await serve(200, progress);

    await expect(api.getToggleProgress(303, 'tgl 1/x')).resolves.toEqual(progress);

    expect(requests[0]).toMatchObject({
      method: 'GET',
      url: `${AGENTS}303/toggle-mock-tools-progress/?progress_id=tgl+1%2Fx`,
    });
  });

  it('keeps a path prefix of the base URL', async () => {
    const requests = await serve(200, wireAgent(7), '/proxy/cekura');

    await api.getAgent(7);

    expect(requests[0]!.url).toBe(`/proxy/cekura${AGENTS}7/`);
  });
});

describe('close', () => {
  it('closes the client’s own pool, and may be called twice', async () => {
    await serve(200, wireAgent(7));
    await api.getAgent(7);

    await api.close();
    await api.close();

    await expect(api.getAgent(7)).rejects.toMatchObject({ code: 'api_unavailable' });
  });

  it('leaves an injected dispatcher open for its owner', async () => {
    await serve(200, wireAgent(7));
    const pool = new Pool(server.origin);
    const injected = createApiClient({ baseUrl: server.origin, apiKey: API_KEY, dispatcher: pool, clock: fakeClock() });

    await injected.close();

    await expect(injected.getAgent(7)).resolves.toMatchObject({ id: 7 });
    await pool.close();
  });
});
