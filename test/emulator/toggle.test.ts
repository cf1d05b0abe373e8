import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import { AGENTS, call, createAgent, getAgent, manualClock, useEmulator } from './helpers.js';

const vapi = { type: 'vapi', agent_id: 'asst_1', credentials: { api_key: 'k' } };

function toggle(handle: EmulatorHandle, agentId: number, body: unknown) {
  return call(handle, 'POST', `${AGENTS}${agentId}/toggle-mock-tools/`, body);
}

function progress(handle: EmulatorHandle, agentId: number, progressId: string) {
  return call(
    handle,
    'GET',
    `${AGENTS}${agentId}/toggle-mock-tools-progress/?progress_id=${encodeURIComponent(progressId)}`,
  );
}

/** Toggles and polls until the task ends, or gives up after `maxPolls` (a hang). */
async function toggleAndPoll(handle: EmulatorHandle, agentId: number, enabled: boolean, maxPolls = 5) {
  const started = await toggle(handle, agentId, { enabled });
  expect(started.status).toBe(202);
  let polled = await progress(handle, agentId, started.body.progress_id);
  for (let poll = 1; poll < maxPolls && polled.body.status === 'in_progress'; poll++)
    polled = await progress(handle, agentId, started.body.progress_id);
  return { progressId: started.body.progress_id as string, status: polled.status, body: polled.body };
}

describe('with an instant toggle', () => {
  const emulator = useEmulator({ toggleDurationMs: 0 });

  it('enables mock mode and reports one MCP endpoint per mock_index, tool names sorted', async () => {
    const agent = await createAgent(emulator.current, {
      provider: vapi,
      mock_tools: [
        { name: 'get_order' },
        { name: 'crm_update', served_via: { type: 'mcp', mock_index: 1 } },
        { name: 'billing', served_via: { type: 'mcp', mock_index: 2 } },
        { name: 'crm_lookup', served_via: { type: 'mcp', mock_index: 1 } },
      ],
    });

    const result = await toggleAndPoll(emulator.current, agent.id, true);

    const base = `${emulator.current.url}/test_framework/v1/aiagents/${agent.id}/mcp`;
    expect(result.body).toEqual({
      status: 'completed',
      mock_enabled: true,
      mcp_endpoints: [
        { mock_index: 1, url: `${base}/1/`, tool_names: ['crm_lookup', 'crm_update'] },
        { mock_index: 2, url: `${base}/2/`, tool_names: ['billing'] },
      ],
      message: 'Mock tools enabled.',
      error: null,
    });
    expect((await getAgent(emulator.current, agent.id)).body.mock_tools_enabled).toBe(true);
  });

  it('disables mock mode with no endpoints', async () => {
    const agent = await createAgent(emulator.current, {
      provider: vapi,
      mock_tools: [{ name: 'a', served_via: { type: 'mcp', mock_index: 1 } }],
    });
    await toggleAndPoll(emulator.current, agent.id, true);

    const result = await toggleAndPoll(emulator.current, agent.id, false);

    expect(result.body).toMatchObject({ status: 'completed', mock_enabled: false, mcp_endpoints: [], error: null });
    expect((await getAgent(emulator.current, agent.id)).body.mock_tools_enabled).toBe(false);
  });

  it('fails with the fault’s error text and leaves mock mode as it was', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    emulator.current.setFaults({
      toggles: { [String(agent.id)]: { outcome: 'fail', error: 'Vapi rejected the tool update' } },
    });

    const result = await toggleAndPoll(emulator.current, agent.id, true);

    expect(result.body).toEqual({
      status: 'failed',
      mock_enabled: false,
      mcp_endpoints: [],
      message: 'Enabling mock tools failed.',
      error: 'Vapi rejected the tool update',
    });
    expect((await getAgent(emulator.current, agent.id)).body.mock_tools_enabled).toBe(false);
  });

  it('hangs in_progress for ever under a hang fault, refusing a second toggle', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    emulator.current.setFaults({ toggles: { [String(agent.id)]: { outcome: 'hang' } } });

    const result = await toggleAndPoll(emulator.current, agent.id, true, 10);

    expect(result.body).toMatchObject({ status: 'in_progress', mock_enabled: null, error: null });
    expect((await toggle(emulator.current, agent.id, { enabled: true })).status).toBe(400);
  });

  it('completes a hung toggle once the hang fault is cleared, and keeps a fail fixed from its start', async () => {
    const hung = await createAgent(emulator.current, {
      provider: vapi,
      mock_tools: [{ name: 'a', served_via: { type: 'mcp', mock_index: 1 } }],
    });
    const failing = await createAgent(emulator.current, { provider: vapi, name: 'Other' });
    emulator.current.setFaults({
      toggles: {
        [String(hung.id)]: { outcome: 'hang' },
        [String(failing.id)]: { outcome: 'fail', error: 'Vapi is down' },
      },
    });
    const started = await toggleAndPoll(emulator.current, hung.id, true, 3);
    const failingStarted = await toggle(emulator.current, failing.id, { enabled: true });

    emulator.current.clearFaults();

    const polled = await progress(emulator.current, hung.id, started.progressId);
    expect(polled.body).toMatchObject({
      status: 'completed',
      mock_enabled: true,
      mcp_endpoints: [{ mock_index: 1, tool_names: ['a'] }],
    });
    expect((await progress(emulator.current, failing.id, failingStarted.body.progress_id)).body).toMatchObject({
      status: 'failed',
      error: 'Vapi is down',
    });
  });

  it('refuses custom, self_hosted and provider-less agents with a detail that says why', async () => {
    for (const provider of [{ type: 'self_hosted' }, { type: 'custom' }, undefined]) {
      const agent = await createAgent(emulator.current, provider === undefined ? {} : { provider });
      const response = await toggle(emulator.current, agent.id, { enabled: true });
      expect(response.status).toBe(400);
      expect(response.body.detail).toMatch(/cannot be toggled.*own MCP client/);
    }
  });

  it('needs enabled as a boolean', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    expect((await toggle(emulator.current, agent.id, {})).body).toEqual({ enabled: ['This field is required.'] });
    expect((await toggle(emulator.current, agent.id, { enabled: 'yes' })).body).toEqual({
      enabled: ['Must be a valid boolean.'],
    });
    expect((await toggle(emulator.current, agent.id, { enabled: true, api_key: 'override' })).status).toBe(202);
  });

  it('answers 400 for an unknown progress id, one of another agent, and none', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    const other = await createAgent(emulator.current, { provider: vapi, name: 'Other' });
    const started = await toggle(emulator.current, other.id, { enabled: true });

    for (const response of [
      await progress(emulator.current, agent.id, 'no-such-id'),
      await progress(emulator.current, agent.id, started.body.progress_id),
      await call(emulator.current, 'GET', `${AGENTS}${agent.id}/toggle-mock-tools-progress/`),
    ]) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ detail: expect.any(String) });
    }
  });

  it('ignores mock_tools_enabled in writes: the read-only value follows the toggle', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    await toggleAndPoll(emulator.current, agent.id, true);
    const response = await call(emulator.current, 'PATCH', `${AGENTS}${agent.id}/`, { mock_tools_enabled: false });
    expect(response.body.mock_tools_enabled).toBe(true);
  });
});

describe('with a toggle that takes time', () => {
  const clock = manualClock();
  const emulator = useEmulator({ toggleDurationMs: 1500, clock });

  it('stays in_progress until the duration passes, then completes on the next read', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    const started = await toggle(emulator.current, agent.id, { enabled: true });

    expect((await progress(emulator.current, agent.id, started.body.progress_id)).body).toMatchObject({
      status: 'in_progress',
      mock_enabled: null,
      message: 'Enabling mock tools.',
    });
    clock.advance(1499);
    expect((await progress(emulator.current, agent.id, started.body.progress_id)).body.status).toBe('in_progress');
    expect((await getAgent(emulator.current, agent.id)).body.mock_tools_enabled).toBe(false);

    clock.advance(1);
    expect((await getAgent(emulator.current, agent.id)).body.mock_tools_enabled).toBe(true);
    expect((await progress(emulator.current, agent.id, started.body.progress_id)).body.status).toBe('completed');
  });

  it('refuses a second toggle while one is in progress, and accepts it after', async () => {
    const agent = await createAgent(emulator.current, { provider: vapi });
    const started = await toggle(emulator.current, agent.id, { enabled: true });

    const refused = await toggle(emulator.current, agent.id, { enabled: false });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain(started.body.progress_id);

    clock.advance(1500);
    expect((await toggle(emulator.current, agent.id, { enabled: false })).status).toBe(202);
  });
});
