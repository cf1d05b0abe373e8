import { describe, expect, it } from 'vitest';
import type { ApplyEvent } from '../../src/apply/events.js';
import type { OutputStream } from '../../src/render/style.js';
import { createApplyProgress } from '../../src/render/progress.js';
import { createStyle } from '../../src/render/style.js';
import { add, created, mockMode, outcome, plan, pruned, replace, unchanged, updated } from './builders.js';

/** A stream that keeps what is written to it. */
function fakeStream(isTTY: boolean): OutputStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 100,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}

const appliedPlan = plan({
  resource_changes: [
    updated('billing-bot', 102, {
      name: 'Billing Bot',
      fields: [replace('/language', 'en', 'es', { origin: 'manifest' })],
    }),
    unchanged('custom-bot', 104, { name: 'Custom Bot' }),
    created('support-bot', { name: 'Support Bot', fields: [add('/name', 'Support Bot')] }),
  ],
  mock_mode_changes: [mockMode('agent.custom-bot', 104, false, true), mockMode('agent.support-bot', null, false, true)],
});

const endpoint = { mock_index: 1, url: 'https://mcp.cekura.ai/mock/301/1', tool_names: ['get_order'] };

const events: ApplyEvent[] = [
  { type: 'backup_saved', file: '.cekuraform/backups/b.json', agents: 2 },
  { type: 'agent_started', address: 'agent.support-bot', action: 'create' },
  { type: 'write_started', address: 'agent.support-bot', method: 'POST' },
  {
    type: 'retrying',
    address: 'agent.support-bot',
    operation: 'POST /agents/',
    attempt: 2,
    delay_ms: 500,
    reason: '503\nService Unavailable',
  },
  { type: 'create_recovered', address: 'agent.support-bot', id: 301 },
  { type: 'write_finished', address: 'agent.support-bot', id: 301 },
  { type: 'toggle_started', address: 'agent.support-bot', enabled: true, progress_id: 'p-1', resumed: false },
  { type: 'toggle_polled', address: 'agent.support-bot', status: 'in_progress', message: 'Registering MCP server' },
  { type: 'toggle_polled', address: 'agent.support-bot', status: 'completed', message: null },
  { type: 'toggle_finished', address: 'agent.support-bot', enabled: true, mcp_endpoints: [endpoint] },
  {
    type: 'agent_finished',
    address: 'agent.support-bot',
    outcome: outcome('agent.support-bot', 'create', 'applied', { id: 301, toggled: true, mcp_endpoints: [endpoint] }),
  },
  { type: 'agent_started', address: 'agent.custom-bot', action: 'no-op' },
  { type: 'toggle_started', address: 'agent.custom-bot', enabled: true, progress_id: 'p-0', resumed: true },
  { type: 'toggle_polled', address: 'agent.custom-bot', status: 'failed', message: 'Mock tools are not supported' },
  {
    type: 'agent_finished',
    address: 'agent.custom-bot',
    outcome: outcome('agent.custom-bot', 'no-op', 'failed', {
      id: 104,
      error: { operation: 'toggle', code: 'toggle_failed', message: 'Mock tools are not supported' },
    }),
  },
  { type: 'retrying', operation: 'GET /agents/', attempt: 1, delay_ms: 250, reason: 'ECONNRESET' },
  { type: 'interrupted' },
  {
    type: 'agent_finished',
    address: 'agent.billing-bot',
    outcome: outcome('agent.billing-bot', 'update', 'skipped', { id: 102 }),
  },
];

describe('createApplyProgress', () => {
  it.each(['tty', 'lines'] as const)('%s: shows nothing for a plan with nothing to apply', async (mode) => {
    const stream = fakeStream(true);
    const progress = createApplyProgress({
      plan: plan({ resource_changes: [unchanged('steady', 5)] }),
      stream,
      mode,
      style: createStyle(true),
    });
    progress.onEvent({ type: 'agent_started', address: 'agent.steady', action: 'no-op' });
    await progress.finish();
    expect(stream.text()).toBe('');
  });

  it('lines: one plain line per event', async () => {
    const stream = fakeStream(false);
    const progress = createApplyProgress({ plan: appliedPlan, stream, mode: 'lines', style: createStyle(true) });
    events.forEach((event) => progress.onEvent(event));
    await progress.finish();
    expect(stream.text().split('\n')).toEqual([
      'agent.support-bot: started',
      'agent.support-bot: creating (POST)',
      'agent.support-bot: retrying POST /agents/ in 500ms (attempt 2): 503 Service Unavailable',
      'agent.support-bot: found the agent whose create response was lost (id 301); not posting again',
      'agent.support-bot: written (id 301)',
      'agent.support-bot: toggle mock mode on — started',
      'agent.support-bot: toggle mock mode on — in_progress — Registering MCP server',
      'agent.support-bot: toggle mock mode on — completed',
      'agent.support-bot: mock mode on (1 MCP endpoint(s))',
      'agent.support-bot: done',
      'agent.custom-bot: started',
      'agent.custom-bot: toggle mock mode on — resumed (progress p-0)',
      'agent.custom-bot: toggle mock mode on — failed — Mock tools are not supported',
      'agent.custom-bot: failed — mock-mode toggle: Mock tools are not supported',
      'retrying GET /agents/ in 250ms (attempt 1): ECONNRESET',
      'interrupted: no new agent is started; requests in flight finish or time out',
      'agent.billing-bot: skipped (not started)',
      '',
    ]);
  });

  it('lines: no-ops without a toggle stay quiet unless they fail; a delete reads as deleted', async () => {
    const quietPlan = plan({ resource_changes: [unchanged('steady', 5), unchanged('broken', 6), pruned(7, 'Old')] });
    const stream = fakeStream(false);
    const progress = createApplyProgress({ plan: quietPlan, stream, mode: 'lines', style: createStyle(false) });
    const noOp = (address: string, status: 'applied' | 'failed'): ApplyEvent[] => [
      { type: 'agent_started', address, action: 'no-op' },
      {
        type: 'agent_finished',
        address,
        outcome: outcome(
          address,
          'no-op',
          status,
          status === 'failed' ? { error: { operation: 'update', code: 'internal', message: 'disk full' } } : {},
        ),
      },
    ];
    [
      ...noOp('agent.steady', 'applied'),
      ...noOp('agent.broken', 'failed'),
      { type: 'agent_started', address: 'agent[7]', action: 'delete' },
      { type: 'write_started', address: 'agent[7]', method: 'DELETE' },
      { type: 'write_finished', address: 'agent[7]', id: 7 },
    ].forEach((event) => progress.onEvent(event as ApplyEvent));
    await progress.finish();
    expect(stream.text().split('\n')).toEqual([
      'agent.broken: failed — update: disk full',
      'agent[7]: started',
      'agent[7]: destroying (DELETE)',
      'agent[7]: deleted (id 7)',
      '',
    ]);
  });

  it('silent: prints nothing', async () => {
    const stream = fakeStream(true);
    const progress = createApplyProgress({ plan: appliedPlan, stream, mode: 'silent', style: createStyle(false) });
    events.forEach((event) => progress.onEvent(event));
    await progress.finish();
    expect(stream.text()).toBe('');
  });

  it('tty: counters and the agents in flight while it runs, then one line per agent that changed', async () => {
    const stream = fakeStream(true);
    const progress = createApplyProgress({ plan: appliedPlan, stream, mode: 'tty', style: createStyle(false) });
    events.forEach((event) => progress.onEvent(event));
    await progress.finish();
    const text = stream.text();
    expect(text).toContain('Applying 3 agent(s): 0 done, 3 waiting');
    expect(text).toContain('Applied 3 agent(s): 1 done, 1 failed, 1 skipped');
    // After the live view, which shows the cursor again on its way out:
    expect(text.slice(text.lastIndexOf('\u001b[?25h') + '\u001b[?25h'.length).split('\n')).toEqual([
      'agent.billing-bot: skipped (not started)',
      'agent.custom-bot: failed — mock-mode toggle: Mock tools are not supported',
      'agent.support-bot: done — written (id 301), mock mode on (1 MCP endpoint(s))',
      '',
    ]);
  });

  it('tty: a frame lists at most 8 agents in flight, however many there are, and counts the rest', async () => {
    const many = plan({
      resource_changes: Array.from({ length: 300 }, (_, index) => created(`bot-${String(index).padStart(3, '0')}`)),
    });
    const stream = fakeStream(true);
    const progress = createApplyProgress({ plan: many, stream, mode: 'tty', style: createStyle(false) });
    for (let index = 0; index < 300; index++) {
      const address = `agent.bot-${String(index).padStart(3, '0')}`;
      progress.onEvent({ type: 'agent_started', address, action: 'create' });
      progress.onEvent({ type: 'write_started', address, method: 'POST' });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    const live = stream.text();
    await progress.finish();
    expect(live).toContain('Applying 300 agent(s): 0 done, 300 writing');
    expect(live).toContain('agent.bot-007 creating (POST)');
    expect(live).toContain('… and 292 more');
    expect(live).not.toContain('agent.bot-008');
  });

  it('tty: no listener warning with many agents', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const many = plan({ resource_changes: Array.from({ length: 50 }, (_, index) => created(`bot-${index}`)) });
      const progress = createApplyProgress({
        plan: many,
        stream: fakeStream(true),
        mode: 'tty',
        style: createStyle(false),
      });
      for (let index = 0; index < 50; index++)
        progress.onEvent({ type: 'agent_started', address: `agent.bot-${index}`, action: 'create' });
      await progress.finish();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).toEqual([]);
  });

  it.each([
    { isTTY: true, columns: 0 },
    { isTTY: false, columns: 100 },
  ])('tty on a stream that cannot hold a live view ($isTTY, $columns columns): plain lines', async (shape) => {
    const stream = { ...fakeStream(shape.isTTY), columns: shape.columns };
    const chunks: string[] = [];
    stream.write = (chunk: string) => chunks.push(chunk) > 0;
    const progress = createApplyProgress({ plan: appliedPlan, stream, mode: 'tty', style: createStyle(false) });
    events.forEach((event) => progress.onEvent(event));
    await progress.finish();
    expect(chunks.join('')).toContain(
      'agent.support-bot: toggle mock mode on — in_progress — Registering MCP server\n',
    );
    expect(chunks.join('')).not.toContain('\u001b[');
  });

  it('tty: finish settles agents that no event finished', async () => {
    const stream = fakeStream(true);
    const progress = createApplyProgress({ plan: appliedPlan, stream, mode: 'tty', style: createStyle(false) });
    progress.onEvent({ type: 'agent_started', address: 'agent.billing-bot', action: 'update' });
    progress.onEvent({ type: 'write_started', address: 'agent.billing-bot', method: 'PATCH' });
    await progress.finish();
    expect(stream.text()).toContain('agent.billing-bot: skipped (not started)');
  });
});
