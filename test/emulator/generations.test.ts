import { describe, expect, it } from 'vitest';
import { AGENTS, call, createAgent, getAgent, patchAgent, useEmulator } from './helpers.js';

const vapi = { type: 'vapi', agent_id: 'asst_1', credentials: { api_key: 'k' } };

describe('generation 2026-06 (the pages)', () => {
  const emulator = useEmulator({ toggleDurationMs: 0 });

  it('lists whole agents, keeps the toggle routes and mock_tools_enabled read-only', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi, mock_tools_enabled: true });
    expect(agent.mock_tools_enabled).toBe(false);
    const listed = await call(emulator.current, 'GET', `${AGENTS}?project_id=42`);
    expect(listed.body.results[0].description).toBe('Handles inbound support calls');
    expect((await patchAgent(emulator.current, agent.id, { mock_tools_enabled: true })).body.mock_tools_enabled).toBe(
      false,
    );
    const probe = await call(emulator.current, 'GET', `${AGENTS}${agent.id}/toggle-mock-tools-progress/?progress_id=x`);
    expect(probe.status).toBe(400);
  });

  it('accepts self_hosted and derives placeholder variables with an empty description', async () => {
    const agent = await createAgent(emulator.current, {
      provider: { type: 'self_hosted' },
      description: 'Greets {{customer_name}}',
    });
    expect(agent.dynamic_variables).toEqual([{ id: expect.any(Number), name: 'customer_name', description: '' }]);
  });
});

describe('generation 2026-08 (Cekura’s public reference since)', () => {
  const emulator = useEmulator({ api: '2026-08', toggleDurationMs: 0 });

  it('leaves description out of list items; GET still has it', async () => {
    const agent = await createAgent(emulator.current);
    const listed = await call(emulator.current, 'GET', `${AGENTS}?project_id=42`);
    expect(listed.body.results[0]).not.toHaveProperty('description');
    expect(listed.body.results[0].name).toBe('Support Bot');
    expect((await getAgent(emulator.current, agent.id)).body.description).toBe('Handles inbound support calls');
  });

  it('answers 404 on both toggle routes', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    const toggle = await call(emulator.current, 'POST', `${AGENTS}${agent.id}/toggle-mock-tools/`, { enabled: true });
    const progress = await call(
      emulator.current,
      'GET',
      `${AGENTS}${agent.id}/toggle-mock-tools-progress/?progress_id=x`,
    );
    expect([toggle.status, progress.status]).toEqual([404, 404]);
    expect(emulator.current.requests().map((entry) => entry.kind)).toEqual(['create', 'other', 'other']);
  });

  it('writes mock_tools_enabled on create and by PATCH, and checks its type', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi, mock_tools_enabled: true });
    expect(agent.mock_tools_enabled).toBe(true);
    const patched = await patchAgent(emulator.current, agent.id, { mock_tools_enabled: false });
    expect(patched.body.mock_tools_enabled).toBe(false);
    const refused = await patchAgent(emulator.current, agent.id, { mock_tools_enabled: 'yes' });
    expect(refused).toMatchObject({ status: 400, body: { mock_tools_enabled: ['Must be a valid boolean.'] } });
  });

  it('refuses provider type self_hosted as not a valid choice', async () => {
    const refused = await call(emulator.current, 'POST', AGENTS, {
      name: 'Self',
      description: 'd',
      project: 42,
      inbound: false,
      provider: { type: 'self_hosted' },
    });
    expect(refused).toMatchObject({
      status: 400,
      body: { provider: { type: ['"self_hosted" is not a valid choice.'] } },
    });
  });

  it('describes the variables it derives from placeholders, and keeps a written description', async () => {
    const agent = await createAgent(emulator.current, {
      description: 'Greets {{customer_name}} about {{order_id}}',
      dynamic_variables: [{ name: 'order_id', description: 'The order' }],
    });
    expect(agent.dynamic_variables).toEqual([
      { id: expect.any(Number), name: 'customer_name', description: 'What the prompt fills in for {{customer_name}}.' },
      { id: expect.any(Number), name: 'order_id', description: 'The order' },
    ]);
  });

  it('matches a numeric q against the id as well as names, and trims names', async () => {
    const first = await createAgent(emulator.current, { name: '  Padded  ' });
    await createAgent(emulator.current, { name: `Bot ${first.id}0` });
    expect(first.name).toBe('Padded');
    const found = await call(emulator.current, 'GET', `${AGENTS}?project_id=42&q=${first.id}`);
    expect(found.body.results.map((agent: { name: string }) => agent.name)).toEqual(['Padded', `Bot ${first.id}0`]);
  });
});
