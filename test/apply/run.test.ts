import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { StateRecordStore } from '../../src/state/record.js';
import { createChange, setUp, updateChange, type Harness } from './harness.js';
import { deleted, mockMode, plan, unchanged } from '../render/builders.js';

let h: Harness;
beforeEach(async () => {
  h = await setUp();
});
afterEach(async () => {
  await h.cleanup();
});

function createPlan(count: number) {
  return plan({
    resource_changes: Array.from({ length: count }, (_, i) => createChange(`bot-${i}`, { name: `Bot ${i}` })),
  });
}

describe('running a plan', () => {
  it.each([
    { parallelism: 1, expected: 1 },
    { parallelism: 3, expected: 3 },
    { parallelism: undefined, expected: 4 },
  ])('keeps at most $expected requests in flight with parallelism $parallelism', async ({ parallelism, expected }) => {
    const result = await h.apply(createPlan(10), parallelism === undefined ? {} : { parallelism });

    expect(h.api.maxInFlight).toBe(expected);
    expect(result.summary).toMatchObject({ added: 10, failed: 0 });
  });

  it('does not hold a slot while the state record is saved: the next agent writes meanwhile', async () => {
    let releaseFirstSave: (() => void) | undefined;
    const records: StateRecordStore = {
      ...h.records,
      update: (change) => {
        if (releaseFirstSave !== undefined) return h.records.update(change);
        return new Promise<void>((resolve) => (releaseFirstSave = resolve)).then(() => h.records.update(change));
      },
    };

    const applying = h.apply(createPlan(2), { parallelism: 1, records });
    await vi.waitFor(() => expect(h.api.requests.map((request) => request.operation)).toHaveLength(2));
    releaseFirstSave!();
    const result = await applying;

    expect(result.summary).toMatchObject({ added: 2, failed: 0 });
    expect(h.api.maxInFlight).toBe(1);
    expect(Object.keys(h.records.current().agents).sort()).toEqual(['agent.bot-0', 'agent.bot-1']);
  });

  it('lets another agent write while one waits for its toggle, still one request at a time', async () => {
    const support = h.api.seed({ name: 'Support Bot', project: 42 });
    const sales = h.api.seed({ name: 'Sales Bot', project: 42 });

    const result = await h.apply(
      plan({
        resource_changes: [
          updateChange('a-support', support.id, { name: 'Support Bot' }),
          updateChange('b-sales', sales.id, { name: 'Sales Bot' }),
        ],
        mock_mode_changes: [
          mockMode('agent.a-support', support.id, false, true),
          mockMode('agent.b-sales', sales.id, false, true),
        ],
      }),
      { parallelism: 1 },
    );

    const sent = h.api.requests.map((request) => `${request.operation} ${request.id}`);
    const steps = ['updateAgent', 'toggleMockTools', 'getToggleProgress', 'getToggleProgress'];
    expect(sent.filter((request) => request.endsWith(` ${support.id}`))).toEqual(
      steps.map((step) => `${step} ${support.id}`),
    );
    expect(sent.filter((request) => request.endsWith(` ${sales.id}`))).toEqual(
      steps.map((step) => `${step} ${sales.id}`),
    );
    expect(sent.indexOf(`updateAgent ${sales.id}`)).toBeLessThan(sent.indexOf(`getToggleProgress ${support.id}`));
    expect(h.api.maxInFlight).toBe(1);
    expect(result.summary).toMatchObject({ changed: 2, mock_mode_toggles: 2, failed: 0 });
  });

  it('prints no listener warning when many agents wait for their toggles on one abort signal', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const bots = Array.from({ length: 12 }, (_, index) => h.api.seed({ name: `Bot ${index}`, project: 42 }));
      const result = await h.apply(
        plan({
          resource_changes: bots.map((bot, index) => updateChange(`bot-${index}`, bot.id, { name: `Bot ${index}` })),
          mock_mode_changes: bots.map((bot, index) => mockMode(`agent.bot-${index}`, bot.id, false, true)),
        }),
        // The system clock waits on the signal as a real run does (the fake clock ignores it).
        { parallelism: 12, clock: systemClock, signal: new AbortController().signal },
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(result.summary).toMatchObject({ changed: 12, mock_mode_toggles: 12, failed: 0 });
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('sends deletes only after every create and update finished', async () => {
    const old = h.api.seed({ name: 'Old Bot', project: 42 });
    const support = h.api.seed({ name: 'Support Bot', project: 42 });
    let inFlightAtDelete: number | undefined;
    h.api.onRequest = (request) => {
      if (request.operation === 'deleteAgent') inFlightAtDelete = h.api.inFlight;
    };

    await h.apply(
      plan({
        resource_changes: [
          deleted('agent.a-old', old.id, 'Old Bot'),
          createChange('z-new', { name: 'New Bot' }),
          updateChange('m-support', support.id, { name: 'Support Bot' }),
        ],
      }),
    );

    expect(h.api.requests.map((request) => request.operation)).toEqual(['updateAgent', 'createAgent', 'deleteAgent']);
    expect(inFlightAtDelete).toBe(1);
  });

  it('runs the requests of one agent strictly in order', async () => {
    const bot = h.api.seed({ name: 'Support Bot', project: 42 });

    await h.apply(
      plan({
        resource_changes: [updateChange('support', bot.id, { name: 'Support Bot' })],
        mock_mode_changes: [mockMode('agent.support', bot.id, false, true)],
      }),
    );

    expect(h.api.requests.map((request) => request.operation)).toEqual([
      'updateAgent',
      'toggleMockTools',
      'getToggleProgress',
      'getToggleProgress',
    ]);
  });

  it('sorts outcomes by address and counts successful writes, failures and toggles', async () => {
    const support = h.api.seed({ name: 'Support Bot', project: 42 });
    const quiet = h.api.seed({ name: 'Quiet Bot', project: 42 });
    h.api.failNext('updateAgent', { kind: 'validation', detail: 'Project is archived.' });

    const result = await h.apply(
      plan({
        resource_changes: [
          createChange('c-new', { name: 'New Bot' }),
          updateChange('b-support', support.id, { name: 'Support Bot' }),
          unchanged('a-quiet', quiet.id, { name: 'Quiet Bot' }),
        ],
        mock_mode_changes: [mockMode('agent.a-quiet', quiet.id, false, true)],
      }),
    );

    expect(result.outcomes.map((outcome) => [outcome.address, outcome.status])).toEqual([
      ['agent.a-quiet', 'applied'],
      ['agent.b-support', 'failed'],
      ['agent.c-new', 'applied'],
    ]);
    expect(result.summary).toEqual({ added: 1, changed: 0, destroyed: 0, mock_mode_toggles: 1, failed: 1, skipped: 0 });
    expect(result.interrupted).toBe(false);
  });
});

describe('Ctrl-C', () => {
  it('skips agents not yet started and records the ones that finished', async () => {
    const controller = new AbortController();
    h.api.onRequest = (request) => {
      if (request.operation === 'createAgent') controller.abort();
    };

    const result = await h.apply(createPlan(4), { parallelism: 1, signal: controller.signal });

    const [created] = await h.api.findAgentsByName(42, 'Bot 0');
    expect(h.api.count('createAgent')).toBe(1);
    expect(result.interrupted).toBe(true);
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'skipped', 'skipped', 'skipped']);
    expect(result.summary).toMatchObject({ added: 1, skipped: 3 });
    expect((await h.reopen()).current().agents).toEqual({
      'agent.bot-0': { id: created!.id, project: 42, secrets: {}, applied: { '/name': 'digest-of-name' } },
    });
    expect(h.events.filter((event) => event.type === 'interrupted')).toHaveLength(1);
  });

  it('stops a toggle poll at its next wait and keeps the pending toggle', async () => {
    const controller = new AbortController();
    const bot = h.api.seed({ name: 'Support Bot', project: 42 });
    h.api.onRequest = (request) => {
      if (request.operation === 'getToggleProgress') controller.abort();
    };

    const result = await h.apply(
      plan({
        resource_changes: [unchanged('support', bot.id, { name: 'Support Bot' })],
        mock_mode_changes: [mockMode('agent.support', bot.id, false, true)],
      }),
      {
        signal: controller.signal,
      },
    );

    expect(h.api.count('getToggleProgress')).toBe(1);
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', error: { operation: 'toggle', code: 'interrupted' } });
    expect((await h.reopen()).current().agents['agent.support']?.pending_toggle).toMatchObject({
      progress_id: 'progress-1',
      enabled: true,
    });
    expect(result.interrupted).toBe(true);
  });

  it('does not start a toggle after Ctrl-C during the write', async () => {
    const controller = new AbortController();
    const bot = h.api.seed({ name: 'Support Bot', project: 42 });
    h.api.onRequest = (request) => {
      if (request.operation === 'updateAgent') controller.abort();
    };

    const result = await h.apply(
      plan({
        resource_changes: [updateChange('support', bot.id, { name: 'Support Bot' })],
        mock_mode_changes: [mockMode('agent.support', bot.id, false, true)],
      }),
      {
        signal: controller.signal,
      },
    );

    expect(h.api.count('toggleMockTools')).toBe(0);
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', error: { operation: 'toggle', code: 'interrupted' } });
    expect(result.summary).toMatchObject({ changed: 1, failed: 1 });
  });

  it('sends nothing when interrupted before it starts', async () => {
    const controller = new AbortController();
    controller.abort();

    const result = await h.apply(createPlan(2), { signal: controller.signal });

    expect(h.api.requests).toEqual([]);
    expect(result.summary).toMatchObject({ skipped: 2 });
    expect(h.events[0]).toEqual({ type: 'interrupted' });
  });
});
