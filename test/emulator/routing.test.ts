import { describe, expect, it } from 'vitest';
import { AGENTS, call, createAgent, KEY, useEmulator } from './helpers.js';

const emulator = useEmulator();

describe('auth', () => {
  it('answers 401 without the key header', async () => {
    const response = await call(emulator.current, 'GET', AGENTS, undefined, {});
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('answers 401 for a wrong key and changes nothing', async () => {
    const response = await call(emulator.current, 'POST', AGENTS, { name: 'x' }, { 'x-cekura-api-key': 'wrong' });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Invalid API key.' });
    expect(emulator.current.agents()).toEqual([]);
  });

  it('guards the admin routes with the same key', async () => {
    expect((await call(emulator.current, 'GET', '/_emulator/requests', undefined, {})).status).toBe(401);
    expect((await call(emulator.current, 'GET', '/_emulator/requests')).status).toBe(200);
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 for an unknown agent, a non-numeric id and an unknown path', async () => {
    for (const path of [`${AGENTS}999/`, `${AGENTS}abc/`, '/test_framework/v2/other/', `${AGENTS}1/duplicate/`]) {
      const response = await call(emulator.current, 'GET', path);
      expect(response.status, path).toBe(404);
      expect(response.body).toEqual({ detail: 'Not found.' });
    }
  });

  it('answers 404 for writes to an unknown agent', async () => {
    expect((await call(emulator.current, 'PATCH', `${AGENTS}7/`, { name: 'x' })).status).toBe(404);
    expect((await call(emulator.current, 'DELETE', `${AGENTS}7/`)).status).toBe(404);
    expect((await call(emulator.current, 'POST', `${AGENTS}7/toggle-mock-tools/`, { enabled: true })).status).toBe(404);
  });

  it.each([
    { method: 'DELETE', path: AGENTS, allow: 'GET, POST' },
    { method: 'POST', path: `${AGENTS}1/`, allow: 'GET, PATCH, PUT, DELETE' },
    { method: 'GET', path: `${AGENTS}1/toggle-mock-tools/`, allow: 'POST' },
    { method: 'POST', path: `${AGENTS}1/toggle-mock-tools-progress/`, allow: 'GET' },
  ])('answers 405 for $method $path', async ({ method, path, allow }) => {
    const response = await call(emulator.current, method, path);
    expect(response.status).toBe(405);
    expect(response.body).toEqual({ detail: `Method "${method}" not allowed.` });
    expect(response.headers.get('allow')).toBe(allow);
  });
});

describe('bodies', () => {
  it('answers 400 for a body that is not JSON', async () => {
    const response = await fetch(emulator.current.url + AGENTS, {
      method: 'POST',
      headers: { 'x-cekura-api-key': KEY, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/^JSON parse error/);
  });

  it('answers 415 for a body of another media type', async () => {
    const response = await fetch(emulator.current.url + AGENTS, {
      method: 'POST',
      headers: { 'x-cekura-api-key': KEY, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(response.status).toBe(415);
  });

  it('answers 400 for a body that is not an object', async () => {
    const response = await call(emulator.current, 'POST', AGENTS, [1, 2]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });
});

describe('request log', () => {
  it('records each API request with its kind, status and agent, and no body or header', async () => {
    const agent = await createAgent(emulator.current, { webhook_secret: 'whsec_123' });
    await call(emulator.current, 'GET', `${AGENTS}?project_id=42`);
    await call(emulator.current, 'GET', `${AGENTS}${agent.id}/`);
    await call(emulator.current, 'PATCH', `${AGENTS}${agent.id}/`, { name: 'Renamed' });
    await call(emulator.current, 'GET', `${AGENTS}${agent.id}/toggle-mock-tools-progress/?progress_id=nope`);
    await call(emulator.current, 'POST', `${AGENTS}${agent.id}/toggle-mock-tools/`, { enabled: true });
    await call(emulator.current, 'DELETE', `${AGENTS}${agent.id}/?delete_related=false`);
    await call(emulator.current, 'PUT', AGENTS);
    await call(emulator.current, 'GET', '/_emulator/requests');

    const requests = emulator.current.requests();
    expect(requests).toEqual([
      { seq: 1, method: 'POST', path: AGENTS, query: {}, status: 201, kind: 'create', agent_id: agent.id },
      { seq: 2, method: 'GET', path: AGENTS, query: { project_id: '42' }, status: 200, kind: 'list' },
      { seq: 3, method: 'GET', path: `${AGENTS}${agent.id}/`, query: {}, status: 200, kind: 'get', agent_id: agent.id },
      {
        seq: 4,
        method: 'PATCH',
        path: `${AGENTS}${agent.id}/`,
        query: {},
        status: 200,
        kind: 'update',
        agent_id: agent.id,
      },
      {
        seq: 5,
        method: 'GET',
        path: `${AGENTS}${agent.id}/toggle-mock-tools-progress/`,
        query: { progress_id: 'nope' },
        status: 400,
        kind: 'toggle_progress',
        agent_id: agent.id,
      },
      {
        seq: 6,
        method: 'POST',
        path: `${AGENTS}${agent.id}/toggle-mock-tools/`,
        query: {},
        status: 400,
        kind: 'toggle',
        agent_id: agent.id,
      },
      {
        seq: 7,
        method: 'DELETE',
        path: `${AGENTS}${agent.id}/`,
        query: { delete_related: 'false' },
        status: 204,
        kind: 'delete',
        agent_id: agent.id,
      },
      { seq: 8, method: 'PUT', path: AGENTS, query: {}, status: 405, kind: 'other' },
    ]);
    expect(JSON.stringify(requests)).not.toContain('whsec_123');
  });

  it('is cleared through the handle and the admin route', async () => {
    await call(emulator.current, 'GET', AGENTS);
    emulator.current.clearRequests();
    expect(emulator.current.requests()).toEqual([]);

    await call(emulator.current, 'GET', AGENTS);
    expect((await call(emulator.current, 'GET', '/_emulator/requests')).body.requests).toHaveLength(1);
    expect((await call(emulator.current, 'DELETE', '/_emulator/requests')).status).toBe(204);
    expect(emulator.current.requests()).toEqual([]);
  });
});
