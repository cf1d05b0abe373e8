import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/client.js';
import { EMULATOR_DEFAULT_API_KEY, startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { fetchLiveState } from '../../src/state/fetch.js';
import { AGENTS, apiErrorOf, mockedApi } from '../api/helpers.js';
import { wireAgent } from '../plan/builders.js';

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function createAgents(handle: EmulatorHandle, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const response = await fetch(handle.url + AGENTS, {
      method: 'POST',
      headers: { 'x-cekura-api-key': EMULATOR_DEFAULT_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bot ${index}`, description: `Bot number ${index}`, project: 42, inbound: false }),
    });
    expect(response.status).toBe(201);
  }
}

describe('fetchLiveState', () => {
  it.each([
    { api: '2026-06' as const, gets: 0 },
    { api: '2026-08' as const, gets: 3 },
  ])('reads each agent whose list item lacks a compared field ($api: $gets reads)', async ({ api, gets }) => {
    emulator = await startEmulator({ port: 0, api });
    await createAgents(emulator, 3);
    emulator.clearRequests();
    const client = createApiClient({ baseUrl: emulator.url, apiKey: EMULATOR_DEFAULT_API_KEY });

    const { live } = await fetchLiveState(client, [42]);
    await client.close();

    expect(live.agents.map((agent) => agent.doc.description)).toEqual(['Bot number 0', 'Bot number 1', 'Bot number 2']);
    const kinds = emulator.requests().map((entry) => entry.kind);
    expect(kinds.filter((kind) => kind === 'get')).toHaveLength(gets);
    expect(kinds.filter((kind) => kind === 'list')).toHaveLength(1);
  });

  it('accepts a list item with only id, name and project, and reads the rest with GET', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}?project_id=42&page_size=100`, method: 'GET' })
      .reply(200, { count: 1, next: null, previous: null, results: [{ id: 7, name: 'Bot', project: 42, extra: 1 }] });
    intercept.intercept({ path: `${AGENTS}7/`, method: 'GET' }).reply(200, wireAgent(7, { description: 'Full' }));

    const { live, documents } = await fetchLiveState(api, [42]);

    expect(live.agents[0]!.doc.description).toBe('Full');
    expect(documents[0]!.id).toBe(7);
  });

  it('names the field and the request when a list item cannot be used', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENTS}?project_id=42&page_size=100`, method: 'GET' })
      .reply(200, { count: 1, next: null, previous: null, results: [{ id: 7, project: 42 }] });

    const error = await apiErrorOf(fetchLiveState(api, [42]));

    expect(error.message).toContain(
      `listing agents of project 42 (page 1) failed (GET ${AGENTS}?project_id=42&page_size=100: HTTP 200): unexpected response: results[0].name: `,
    );
  });
});
