import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUp, updateChange, type Harness } from './harness.js';
import { mockMode, plan, unchanged } from '../render/builders.js';

let h: Harness;
beforeEach(async () => {
  h = await setUp();
});
afterEach(async () => {
  await h.cleanup();
});

const tools = [{ name: 'get_order', mcp: 1 }, { name: 'crm_lookup', mcp: 2 }, { name: 'lookup_direct' }];

function seedBot(name: string) {
  return h.api.seed({ name, project: 42 });
}

/** Update of the agent's description, then the toggle to `to`. */
function togglePlan(...agents: { key: string; id: number; name: string; to?: boolean }[]) {
  return plan({
    resource_changes: agents.map(({ key, id, name }) => updateChange(key, id, { name, description: 'new', tools })),
    mock_mode_changes: agents.map(({ key, id, to }) => mockMode(`agent.${key}`, id, !(to ?? true), to ?? true)),
  });
}

describe('mock-mode toggle', () => {
  it('completes and reports the MCP endpoints', async () => {
    const bot = seedBot('Support Bot');

    const result = await h.apply(togglePlan({ key: 'support', id: bot.id, name: 'Support Bot' }));

    expect(result.outcomes[0]).toMatchObject({
      status: 'applied',
      toggled: true,
      mcp_endpoints: [
        { mock_index: 1, url: `https://mcp.fake/${bot.id}/1`, tool_names: ['get_order'] },
        { mock_index: 2, url: `https://mcp.fake/${bot.id}/2`, tool_names: ['crm_lookup'] },
      ],
    });
    expect(result.summary.mock_mode_toggles).toBe(1);
    expect(h.api.agent(bot.id)?.mock_tools_enabled).toBe(true);
    expect(h.events.filter((event) => event.type.startsWith('toggle_')).map((event) => event.type)).toEqual([
      'toggle_started',
      'toggle_polled',
      'toggle_polled',
      'toggle_finished',
    ]);
    expect(h.events).toContainEqual({
      type: 'toggle_started',
      address: 'agent.support',
      enabled: true,
      progress_id: 'progress-1',
      resumed: false,
    });
    expect(h.clock.sleeps).toEqual([100, 200]);
    expect(h.records.current().agents['agent.support']?.pending_toggle).toBeUndefined();
  });

  it("fails the agent with the server's error text, and the other agents go on", async () => {
    const failing = seedBot('Bot A');
    const fine = seedBot('Bot B');
    h.api.scriptToggle('Bot A', {
      polls: 1,
      result: 'failed',
      error: 'Vapi rejected the tool swap: assistant is locked',
    });

    const result = await h.apply(
      togglePlan({ key: 'a', id: failing.id, name: 'Bot A' }, { key: 'b', id: fine.id, name: 'Bot B' }),
    );

    expect(result.outcomes[0]).toMatchObject({
      address: 'agent.a',
      status: 'failed',
      toggled: false,
      error: {
        operation: 'toggle',
        code: 'toggle_failed',
        message: 'Vapi rejected the tool swap: assistant is locked',
      },
    });
    expect(result.outcomes[1]).toMatchObject({ address: 'agent.b', status: 'applied', toggled: true });
    expect(result.summary).toMatchObject({ changed: 2, mock_mode_toggles: 1, failed: 1 });
    expect(h.records.current().agents['agent.a']?.pending_toggle).toBeUndefined();
  });

  it('keeps the pending toggle at the deadline, and the next apply resumes polling it without posting again', async () => {
    const bot = seedBot('Slow Bot');
    h.api.scriptToggle('Slow Bot', { polls: 12, result: 'completed' });

    const first = await h.apply(togglePlan({ key: 'slow', id: bot.id, name: 'Slow Bot' }), { toggleTimeoutMs: 10_000 });

    expect(first.outcomes[0]).toMatchObject({
      status: 'failed',
      error: { operation: 'toggle', code: 'toggle_timeout' },
    });
    expect(first.outcomes[0]!.error!.message).toContain('the next apply resumes polling it');
    const records = await h.reopen();
    expect(records.current().agents['agent.slow']?.pending_toggle).toEqual({
      progress_id: 'progress-1',
      enabled: true,
      started_at: '2026-05-01T12:00:00.000Z',
    });

    h.events.length = 0;
    const second = await h.apply(
      plan({
        resource_changes: [unchanged('slow', bot.id, { name: 'Slow Bot' })],
        mock_mode_changes: [mockMode('agent.slow', bot.id, false, true)],
      }),
      { records },
    );

    expect(h.api.count('toggleMockTools')).toBe(1);
    expect(h.events).toContainEqual({
      type: 'toggle_started',
      address: 'agent.slow',
      enabled: true,
      progress_id: 'progress-1',
      resumed: true,
    });
    expect(second.outcomes[0]).toMatchObject({ status: 'applied', toggled: true });
    expect(records.current().agents['agent.slow']?.pending_toggle).toBeUndefined();
  });

  it('does not toggle an agent whose write failed', async () => {
    const bot = seedBot('Support Bot');
    h.api.failNext('updateAgent', { kind: 'validation', detail: 'Project is archived.' });

    const result = await h.apply(togglePlan({ key: 'support', id: bot.id, name: 'Support Bot' }));

    expect(h.api.count('toggleMockTools')).toBe(0);
    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      toggled: false,
      error: { operation: 'update', code: 'api_validation' },
    });
  });

  it('reads the agent after a lost toggle POST, then posts once more', async () => {
    const bot = seedBot('Support Bot');
    h.api.failNext('toggleMockTools', { kind: 'lost', commit: false });

    const result = await h.apply(togglePlan({ key: 'support', id: bot.id, name: 'Support Bot' }));

    expect(
      h.api.requests.map((request) => request.operation).filter((operation) => operation !== 'getToggleProgress'),
    ).toEqual(['updateAgent', 'toggleMockTools', 'getAgent', 'toggleMockTools']);
    expect(result.outcomes[0]).toMatchObject({ status: 'applied', toggled: true });
  });

  it('is done when the agent read after a lost toggle POST is already in the mode', async () => {
    const bot = seedBot('Support Bot');
    h.api.scriptToggle('Support Bot', { polls: 1, result: 'completed' });
    h.api.failNext('toggleMockTools', { kind: 'lost', commit: true });

    const result = await h.apply(togglePlan({ key: 'support', id: bot.id, name: 'Support Bot' }));

    expect(h.api.count('toggleMockTools')).toBe(1);
    expect(result.outcomes[0]).toMatchObject({ status: 'applied', toggled: true, mcp_endpoints: [] });
  });

  it('waits for the agent to reach the mode when a toggle is already in progress', async () => {
    const bot = seedBot('Support Bot');
    h.api.scriptToggle('Support Bot', { polls: 3, result: 'completed' });
    h.api.failNext('toggleMockTools', { kind: 'lost', commit: true });

    const result = await h.apply(togglePlan({ key: 'support', id: bot.id, name: 'Support Bot' }));

    // The lost POST started a toggle: the second POST is refused as in progress, so the agent is polled.
    expect(h.api.count('toggleMockTools')).toBe(2);
    expect(h.api.count('getAgent')).toBe(3);
    expect(result.outcomes[0]).toMatchObject({ status: 'applied', toggled: true });
    expect(h.api.agent(bot.id)?.mock_tools_enabled).toBe(true);
  });

  it('fails with a clear message when the server has no toggle endpoint', async () => {
    const bot = seedBot('Support Bot');
    h.api.failNext('toggleMockTools', { kind: 'unsupported' });

    const result = await h.apply(togglePlan({ key: 'support', id: bot.id, name: 'Support Bot' }));

    expect(result.outcomes[0]!.error).toMatchObject({ operation: 'toggle', code: 'api_unsupported' });
    expect(result.outcomes[0]!.error!.message).toContain('this server has no toggle-mock-tools endpoint');
  });

  it('forgets a pending toggle whose progress the server no longer knows', async () => {
    const bot = seedBot('Support Bot');
    await h.records.update((record) => {
      record.agents['agent.support'] = {
        id: bot.id,
        project: 42,
        secrets: {},
        applied: { '/name': 'digest-of-name' },
        pending_toggle: { progress_id: 'expired', enabled: true, started_at: '2026-04-30T00:00:00.000Z' },
      };
    });

    const result = await h.apply(
      plan({
        resource_changes: [unchanged('support', bot.id, { name: 'Support Bot' })],
        mock_mode_changes: [mockMode('agent.support', bot.id, false, true)],
      }),
    );

    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      error: { operation: 'toggle', code: 'api_validation' },
    });
    expect(h.records.current().agents['agent.support']?.pending_toggle).toBeUndefined();
  });

  it('drops a pending toggle when the plan no longer changes the mode', async () => {
    const bot = seedBot('Support Bot');
    await h.records.update((record) => {
      record.agents['agent.support'] = {
        id: bot.id,
        project: 42,
        secrets: {},
        applied: { '/name': 'digest-of-name' },
        pending_toggle: { progress_id: 'progress-9', enabled: true, started_at: '2026-04-30T00:00:00.000Z' },
      };
    });

    await h.apply(plan({ resource_changes: [unchanged('support', bot.id, { name: 'Support Bot' })] }));

    expect(h.records.current().agents['agent.support']?.pending_toggle).toBeUndefined();
    expect(h.api.requests).toEqual([]);
  });
});
