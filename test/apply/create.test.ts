import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChange, setUp, type Harness } from './harness.js';
import { mockMode, plan } from '../render/builders.js';

let h: Harness;
beforeEach(async () => {
  h = await setUp();
});
afterEach(async () => {
  await h.cleanup();
});

const supportBot = {
  name: 'Support Bot',
  description: 'Handles calls',
  tools: [{ name: 'get_order', mcp: 1 }],
  variables: ['customer_name'],
};

describe('create', () => {
  it('records the new id before the mock-mode toggle is posted', async () => {
    let recordedAtToggle: number | undefined;
    h.api.onRequest = (request) => {
      if (request.operation === 'toggleMockTools') recordedAtToggle = h.records.current().agents['agent.support']?.id;
    };

    const result = await h.apply(
      plan({
        resource_changes: [createChange('support', supportBot)],
        mock_mode_changes: [mockMode('agent.support', null, false, true)],
      }),
    );

    const [created] = await h.api.findAgentsByName(42, 'Support Bot');
    expect(recordedAtToggle).toBe(created!.id);
    expect(result.outcomes).toEqual([
      {
        address: 'agent.support',
        action: 'create',
        id: created!.id,
        status: 'applied',
        toggled: true,
        mcp_endpoints: [{ mock_index: 1, url: `https://mcp.fake/${created!.id}/1`, tool_names: ['get_order'] }],
      },
    ]);
    expect(result.summary).toEqual({ added: 1, changed: 0, destroyed: 0, mock_mode_toggles: 1, failed: 0, skipped: 0 });
    expect((await h.reopen()).current().agents['agent.support']).toEqual({
      id: created!.id,
      project: 42,
      secrets: {},
      applied: { '/name': 'digest-of-name' },
    });
  });

  it('finds a create whose response was lost by name, and does not post it again', async () => {
    h.api.failNext('createAgent', { kind: 'lost', commit: true });

    const result = await h.apply(plan({ resource_changes: [createChange('support', supportBot)] }));

    const agents = await h.api.findAgentsByName(42, 'Support Bot');
    expect(agents).toHaveLength(1);
    expect(h.api.count('createAgent')).toBe(1);
    expect(h.events).toContainEqual({ type: 'create_recovered', address: 'agent.support', id: agents[0]!.id });
    expect(result.outcomes[0]).toMatchObject({ status: 'applied', id: agents[0]!.id });
    expect(h.records.current().agents['agent.support']?.id).toBe(agents[0]!.id);
  });

  it('posts a lost create again once, after a lookup by name found nothing', async () => {
    h.api.failNext('createAgent', { kind: 'lost', commit: false });

    const result = await h.apply(plan({ resource_changes: [createChange('support', supportBot)] }));

    expect(h.api.requests.map((request) => request.operation)).toEqual([
      'createAgent',
      'findAgentsByName',
      'createAgent',
    ]);
    expect(await h.api.findAgentsByName(42, 'Support Bot')).toHaveLength(1);
    expect(result.outcomes[0]).toMatchObject({ status: 'applied' });
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'retrying', address: 'agent.support', operation: 'create', attempt: 2 }),
    );
  });

  it('gives up after three lost POSTs, each followed by a lookup that found nothing', async () => {
    for (let i = 0; i < 3; i++) h.api.failNext('createAgent', { kind: 'lost', commit: false });

    const result = await h.apply(plan({ resource_changes: [createChange('support', supportBot)] }));

    expect(h.api.count('createAgent')).toBe(3);
    expect(h.api.count('findAgentsByName')).toBe(3);
    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      id: null,
      error: { operation: 'create', code: 'api_unavailable' },
    });
    expect(h.records.current().agents).toEqual({});
  });

  it('ignores same-named agents that existed before the plan when looking up a lost create', async () => {
    const older = h.api.seed({ name: 'Support Bot', project: 42 });
    h.api.failNext('createAgent', { kind: 'lost', commit: true });

    const result = await h.apply(
      plan({
        resource_changes: [createChange('support', supportBot)],
        unmanaged: [{ id: older.id, name: 'Support Bot', project: 42 }],
      }),
    );

    const created = (await h.api.findAgentsByName(42, 'Support Bot')).find((agent) => agent.id !== older.id)!;
    expect(result.outcomes[0]).toMatchObject({ status: 'applied', id: created.id });
    expect(h.api.count('createAgent')).toBe(1);
  });

  it('fails naming the ids when a lost create turns up more than once', async () => {
    h.api.failNext('createAgent', { kind: 'lost', commit: true });
    h.api.onRequest = (request) => {
      if (request.operation !== 'findAgentsByName') return;
      h.api.seed({ name: 'Support Bot', project: 42 });
      h.api.onRequest = undefined;
    };

    const result = await h.apply(plan({ resource_changes: [createChange('support', supportBot)] }));

    const ids = (await h.api.findAgentsByName(42, 'Support Bot')).map((agent) => agent.id);
    expect(ids).toHaveLength(2);
    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      error: { operation: 'create', code: 'create_ambiguous' },
    });
    expect(result.outcomes[0]!.error!.message).toContain(`ids ${ids[0]}, ${ids[1]}`);
    expect(h.api.count('createAgent')).toBe(1);
  });

  it('maps a 400 on a list item back to the item by name', async () => {
    const spec = { name: 'Support Bot', tools: [{ name: 'get_order' }, { name: 'crm_lookup' }, { name: 'bad tool!' }] };

    const result = await h.apply(plan({ resource_changes: [createChange('support', spec)] }));

    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      id: null,
      error: { operation: 'create', code: 'api_validation', paths: ['/mock_tools/bad tool!/name'] },
    });
    expect(result.outcomes[0]!.error!.message).toBe(
      'Cekura rejected the create: /mock_tools/bad tool!/name: Tool names may contain only letters, digits, underscores and hyphens, under 64 characters.',
    );
    expect(h.records.current().agents).toEqual({});
  });
});
