import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import { AGENTS, call, createAgent, getAgent, useEmulator } from './helpers.js';

const emulator = useEmulator({ pageSize: 2, maxPageSize: 3 });

async function createMany(handle: EmulatorHandle, names: string[], project = 42): Promise<void> {
  for (const name of names) await createAgent(handle, { name, project });
}

describe('list', () => {
  it('walks every page through next links, ordered by id', async () => {
    await createMany(emulator.current, ['a', 'b', 'c', 'd', 'e']);
    const names: string[] = [];
    const links: (string | null)[] = [];
    let path: string | null = `${AGENTS}?project_id=42`;

    while (path !== null) {
      const page = await call(emulator.current, 'GET', path);
      expect(page.status).toBe(200);
      expect(page.body.count).toBe(5);
      names.push(...page.body.results.map((agent: { name: string }) => agent.name));
      links.push(page.body.next);
      path = page.body.next === null ? null : page.body.next.slice(emulator.current.url.length);
    }

    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(links).toEqual([
      `${emulator.current.url}${AGENTS}?project_id=42&page=2`,
      `${emulator.current.url}${AGENTS}?project_id=42&page=3`,
      null,
    ]);
  });

  it('links back with previous, dropping page=1 as DRF does', async () => {
    await createMany(emulator.current, ['a', 'b', 'c', 'd', 'e']);
    const second = await call(emulator.current, 'GET', `${AGENTS}?page=2`);
    const third = await call(emulator.current, 'GET', `${AGENTS}?page=3`);
    expect(second.body.previous).toBe(`${emulator.current.url}${AGENTS}`);
    expect(third.body.previous).toBe(`${emulator.current.url}${AGENTS}?page=2`);
    expect((await call(emulator.current, 'GET', AGENTS)).body.previous).toBeNull();
  });

  it('honours page_size up to the maximum, and ignores a bad one', async () => {
    await createMany(emulator.current, ['a', 'b', 'c', 'd', 'e']);
    expect((await call(emulator.current, 'GET', `${AGENTS}?page_size=1`)).body.results).toHaveLength(1);
    expect((await call(emulator.current, 'GET', `${AGENTS}?page_size=50`)).body.results).toHaveLength(3);
    expect((await call(emulator.current, 'GET', `${AGENTS}?page_size=lots`)).body.results).toHaveLength(2);
  });

  it('answers 404 for a page past the end or not a number, and an empty first page', async () => {
    expect((await call(emulator.current, 'GET', AGENTS)).body).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
    await createMany(emulator.current, ['a']);
    for (const page of ['2', '0', 'x']) {
      const response = await call(emulator.current, 'GET', `${AGENTS}?page=${page}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Invalid page.' });
    }
  });

  it('filters by project_id or project, and rejects a non-number', async () => {
    await createMany(emulator.current, ['a', 'b'], 1);
    await createMany(emulator.current, ['c'], 2);
    const names = async (query: string) =>
      (await call(emulator.current, 'GET', `${AGENTS}?page_size=3&${query}`)).body.results.map(
        (agent: { name: string }) => agent.name,
      );

    expect(await names('project_id=1')).toEqual(['a', 'b']);
    expect(await names('project=2')).toEqual(['c']);
    expect(await names('')).toEqual(['a', 'b', 'c']);
    const bad = await call(emulator.current, 'GET', `${AGENTS}?project_id=abc`);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ project_id: ['Enter a number.'] });
  });

  it('searches names with q, case-insensitive substring, paging the matches', async () => {
    await createMany(emulator.current, ['Support Bot', 'Sales', 'support-2', 'Billing', 'SUPPORT three']);
    const first = await call(emulator.current, 'GET', `${AGENTS}?q=support`);
    expect(first.body.count).toBe(3);
    expect(first.body.results.map((agent: { name: string }) => agent.name)).toEqual(['Support Bot', 'support-2']);
    expect(first.body.next).toBe(`${emulator.current.url}${AGENTS}?q=support&page=2`);
    const second = await call(emulator.current, 'GET', first.body.next.slice(emulator.current.url.length));
    expect(second.body.results.map((agent: { name: string }) => agent.name)).toEqual(['SUPPORT three']);
  });

  it('returns the same agent objects as GET', async () => {
    const agent = await createAgent(emulator.current, {
      mock_tools: [{ name: 't', mock_data: [{ input: 1, output: 2 }] }],
    });
    expect((await call(emulator.current, 'GET', AGENTS)).body.results).toEqual([
      (await getAgent(emulator.current, agent.id)).body,
    ]);
  });
});

describe('delete', () => {
  it('answers 204, removes the agent and records delete_related (default true)', async () => {
    const kept = await createAgent(emulator.current, { name: 'Keep history' });
    const purged = await createAgent(emulator.current, { name: 'Purge', project: 7 });

    const first = await call(emulator.current, 'DELETE', `${AGENTS}${kept.id}/?delete_related=false`);
    const second = await call(emulator.current, 'DELETE', `${AGENTS}${purged.id}/`);

    expect([first.status, second.status]).toEqual([204, 204]);
    expect([first.body, second.body]).toEqual([null, null]);
    expect((await getAgent(emulator.current, kept.id)).status).toBe(404);
    expect(emulator.current.agents()).toEqual([]);
    expect(emulator.current.deletions()).toEqual([
      { agent_id: kept.id, name: 'Keep history', project: 42, delete_related: false },
      { agent_id: purged.id, name: 'Purge', project: 7, delete_related: true },
    ]);
  });

  it('rejects a delete_related that is not a boolean and keeps the agent', async () => {
    const agent = await createAgent(emulator.current);
    const response = await call(emulator.current, 'DELETE', `${AGENTS}${agent.id}/?delete_related=maybe`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ delete_related: ['Must be a valid boolean.'] });
    expect((await getAgent(emulator.current, agent.id)).status).toBe(200);
  });

  it('never reuses a deleted agent’s id', async () => {
    const agent = await createAgent(emulator.current);
    await call(emulator.current, 'DELETE', `${AGENTS}${agent.id}/`);
    expect((await createAgent(emulator.current)).id).toBe(agent.id + 1);
  });
});
