import { describe, expect, it } from 'vitest';
import { AGENTS, agentBody, call, createAgent, getAgent, patchAgent, useEmulator } from './helpers.js';

const emulator = useEmulator();

describe('rate_limit', () => {
  it('answers the next N API requests with 429 and Retry-After, then serves again', async () => {
    emulator.current.setFaults({ rate_limit: { count: 2, retry_after_s: 3 } });

    const first = await call(emulator.current, 'GET', AGENTS);
    const second = await call(emulator.current, 'POST', AGENTS, agentBody());
    const third = await call(emulator.current, 'GET', AGENTS);

    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body).toEqual({ detail: 'Request was throttled. Expected available in 3 seconds.' });
    expect(emulator.current.agents()).toEqual([]);
  });

  it('limits only the request kinds named', async () => {
    emulator.current.setFaults({ rate_limit: { count: 1, retry_after_s: 2, kinds: ['create'] } });

    const listed = await call(emulator.current, 'GET', AGENTS);
    const limited = await call(emulator.current, 'POST', AGENTS, agentBody());
    const created = await call(emulator.current, 'POST', AGENTS, agentBody());

    expect([listed.status, limited.status, created.status]).toEqual([200, 429, 201]);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(emulator.current.agents()).toHaveLength(1);
  });
});

describe('errors', () => {
  it('fails the next N matching requests before doing anything', async () => {
    const agent = await createAgent(emulator.current);
    emulator.current.setFaults({ errors: { count: 1, status: 503, kinds: ['update'] } });

    const read = await getAgent(emulator.current, agent.id);
    const failed = await patchAgent(emulator.current, agent.id, { name: 'Changed' });
    const retried = await patchAgent(emulator.current, agent.id, { name: 'Changed again' });

    expect([read.status, failed.status, retried.status]).toEqual([200, 503, 200]);
    expect(failed.body).toEqual({ detail: 'Emulated server error (HTTP 503).' });
    expect(emulator.current.requests().map((request) => request.status)).toEqual([201, 200, 503, 200]);
    expect(retried.body.name).toBe('Changed again');
  });

  it('matches by method', async () => {
    emulator.current.setFaults({ errors: { count: 5, status: 502, methods: ['post'] } });
    expect((await call(emulator.current, 'GET', AGENTS)).status).toBe(200);
    const created = await call(emulator.current, 'POST', AGENTS, agentBody());
    expect(created.status).toBe(502);
    expect(emulator.current.agents()).toEqual([]);
  });
});

describe('commit_then_504', () => {
  it('commits the write, then answers 504', async () => {
    emulator.current.setFaults({ commit_then_504: { count: 1 } });

    const response = await call(emulator.current, 'POST', AGENTS, agentBody({ name: 'Lost response' }));

    expect(response.status).toBe(504);
    expect(emulator.current.agents().map((agent) => agent.name)).toEqual(['Lost response']);
    expect(emulator.current.requests()).toEqual([
      expect.objectContaining({ status: 504, kind: 'create', agent_id: 1 }),
    ]);
  });

  it('leaves reads and rejected writes alone, and matches the kinds given', async () => {
    const agent = await createAgent(emulator.current);
    emulator.current.setFaults({ commit_then_504: { count: 1, kinds: ['update'] } });

    expect((await getAgent(emulator.current, agent.id)).status).toBe(200);
    expect((await call(emulator.current, 'POST', AGENTS, agentBody())).status).toBe(201);
    expect((await patchAgent(emulator.current, agent.id, { language: 'xx' })).status).toBe(400);
    expect((await patchAgent(emulator.current, agent.id, { name: 'Committed' })).status).toBe(504);
    expect((await getAgent(emulator.current, agent.id)).body.name).toBe('Committed');
  });
});

describe('drop', () => {
  it('destroys the connection before committing', async () => {
    emulator.current.setFaults({ drop: { count: 1, kinds: ['create'] } });

    await expect(call(emulator.current, 'POST', AGENTS, agentBody())).rejects.toThrow();

    expect(emulator.current.agents()).toEqual([]);
    expect(emulator.current.requests()).toEqual([expect.objectContaining({ status: null, kind: 'create' })]);
    expect((await call(emulator.current, 'POST', AGENTS, agentBody())).status).toBe(201);
  });

  it('destroys the connection after committing', async () => {
    emulator.current.setFaults({ drop: { count: 1, after_commit: true } });

    await expect(call(emulator.current, 'POST', AGENTS, agentBody({ name: 'Made anyway' }))).rejects.toThrow();

    expect(emulator.current.agents().map((agent) => agent.name)).toEqual(['Made anyway']);
    expect(emulator.current.requests()).toEqual([
      expect.objectContaining({ status: null, kind: 'create', agent_id: 1 }),
    ]);
  });
});

describe('latency', () => {
  it('still answers every request while a latency fault is set, and the fault can be cleared', async () => {
    emulator.current.setFaults({ latency_ms: 5 });
    expect((await call(emulator.current, 'GET', AGENTS)).status).toBe(200);
    const faults = await call(emulator.current, 'PUT', '/_emulator/faults', { latency_ms: null });
    expect(faults.body).toEqual({ faults: {} });
  });
});

describe('admin faults route', () => {
  it('sets faults with PUT (each key replaces, null clears) and clears all with DELETE', async () => {
    const set = await call(emulator.current, 'PUT', '/_emulator/faults', {
      rate_limit: { count: 1, retry_after_s: 1 },
      errors: { count: 2, status: 500 },
    });
    expect(set.status).toBe(200);
    expect(set.body.faults).toEqual({ rate_limit: { count: 1, retry_after_s: 1 }, errors: { count: 2, status: 500 } });

    const partly = await call(emulator.current, 'PUT', '/_emulator/faults', { rate_limit: null });
    expect(partly.body.faults).toEqual({ errors: { count: 2, status: 500 } });

    expect((await call(emulator.current, 'DELETE', '/_emulator/faults')).status).toBe(204);
    expect((await call(emulator.current, 'GET', AGENTS)).status).toBe(200);
    expect(emulator.current.requests()).toHaveLength(1);
  });

  it.each([
    { faults: { errors: { count: 1, status: 418 } } },
    { faults: { rate_limit: { count: 0, retry_after_s: 1 } } },
    { faults: { drop: { count: 1, kinds: ['lists'] } } },
    { faults: { toggles: { '5': { outcome: 'explode' } } } },
    { faults: { surprise: null } },
    { faults: [] },
  ])('rejects $faults with 400, and setFaults throws', async ({ faults }) => {
    const response = await call(emulator.current, 'PUT', '/_emulator/faults', faults);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ detail: expect.any(String) });
    expect(() => emulator.current.setFaults(faults as never)).toThrow();
  });

  it('clears faults through the handle', async () => {
    emulator.current.setFaults({ errors: { count: 3, status: 500 } });
    emulator.current.clearFaults();
    expect((await call(emulator.current, 'GET', AGENTS)).status).toBe(200);
  });
});

describe('reset', () => {
  it('forgets agents, requests, deletions and faults, and restarts ids', async () => {
    const agent = await createAgent(emulator.current);
    await call(emulator.current, 'DELETE', `${AGENTS}${agent.id}/`);
    await createAgent(emulator.current);
    emulator.current.setFaults({ errors: { count: 1, status: 500, kinds: ['get'] } });

    expect((await call(emulator.current, 'POST', '/_emulator/reset')).status).toBe(204);

    expect(emulator.current.agents()).toEqual([]);
    expect(emulator.current.requests()).toEqual([]);
    expect(emulator.current.deletions()).toEqual([]);
    expect((await createAgent(emulator.current)).id).toBe(1);
    expect((await getAgent(emulator.current, 1)).status).toBe(200);
  });
});
