import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AgentDoc, DynamicVariableDoc } from '../../src/cekura/agent-doc.js';
import { CekuraformError } from '../../src/errors.js';
import type { ManifestAgent } from '../../src/manifest/types.js';
import { plan } from '../../src/plan/plan.js';
import type { ManifestScope, Plan, PlanOptions, ResourceChange } from '../../src/plan/types.js';
import { buildLiveState } from '../../src/state/fetch.js';
import { fingerprintSecret } from '../../src/state/fingerprint.js';
import type { StateRecord } from '../../src/state/types.js';
import {
  agent,
  FINGERPRINT_KEYS,
  live,
  manifest,
  record,
  recordAfter,
  secret,
  tool,
  tools,
  variables,
  wireAgent,
  wireTool,
} from './builders.js';

const keepAll: PlanOptions = { prune: false, delete_related: false, mock_mode_via: 'toggle' };

function planOf(
  agents: ManifestAgent[],
  liveState = live(),
  state: StateRecord = record(),
  options = keepAll,
  scope?: ManifestScope,
): Plan {
  return plan(manifest(agents), liveState, state, options, undefined, FINGERPRINT_KEYS, scope);
}

function only(result: Plan): ResourceChange {
  expect(result.resource_changes).toHaveLength(1);
  return result.resource_changes[0]!;
}

describe('plan: create', () => {
  it('creates an agent that has no live counterpart, with every field, item and secret named', () => {
    const desired = agent(
      'support',
      {
        name: 'Support Bot',
        description: 'Handles {{customer_name}}',
        telephony: { phone_number: '+14155551234' },
        provider: { type: 'vapi', agent_id: 'asst_1', credentials: {} },
        mock_tools: tools(
          tool('get_order', { description: 'Look up', mock_data: [{ input: { id: 'A1' }, output: { s: 'shipped' } }] }),
        ),
        dynamic_variables: variables(['customer_name', 'Caller name']),
      },
      {
        secrets: [secret('/provider/credentials/api_key', 'VAPI_API_KEY', 'sk_live_distinctive')],
        mock_tools_enabled: true,
      },
    );
    const result = planOf([desired]);
    const change = only(result);

    expect(change).toMatchObject({
      address: 'agent.support',
      action: 'create',
      id: null,
      name: 'Support Bot',
      project: 42,
    });
    expect(change.changes.map((c) => [c.op, c.path])).toEqual([
      ['add', '/description'],
      ['add', '/dynamic_variables/customer_name'],
      ['add', '/mock_tools/get_order'],
      ['add', '/name'],
      ['add', '/provider/agent_id'],
      ['add', '/provider/credentials/api_key'],
      ['add', '/provider/type'],
      ['add', '/telephony/phone_number'],
    ]);
    expect(change.changes.find((c) => c.sensitive)).toEqual({
      op: 'add',
      path: '/provider/credentials/api_key',
      value: '(sensitive value)',
      sensitive: true,
    });
    expect(change.items).toEqual([
      {
        set: 'dynamic_variables',
        name: 'customer_name',
        action: 'create',
        id: null,
        fields: [{ op: 'add', path: '/description', value: 'Caller name' }],
        rows: [],
      },
      {
        set: 'mock_tools',
        name: 'get_order',
        action: 'create',
        id: null,
        fields: [
          { op: 'add', path: '/description', value: 'Look up' },
          { op: 'add', path: '/served_via', value: { type: 'direct' } },
        ],
        rows: [
          { input: { id: 'A1' }, action: 'create', fields: [{ op: 'add', path: '/output', value: { s: 'shipped' } }] },
        ],
      },
    ]);
    expect(change.fields.map((c) => c.path)).toEqual([
      '/description',
      '/name',
      '/provider/agent_id',
      '/provider/credentials/api_key',
      '/provider/type',
      '/telephony/phone_number',
    ]);
    if (change.action !== 'create') throw new Error('expected a create');
    expect(change.request).toEqual({
      method: 'POST',
      body: {
        project: 42,
        name: 'Support Bot',
        description: 'Handles {{customer_name}}',
        telephony: { inbound: false, phone_number: '+14155551234' },
        provider: { type: 'vapi', agent_id: 'asst_1', credentials: {} },
        mock_tools: [
          {
            name: 'get_order',
            description: 'Look up',
            mock_data: [{ input: { id: 'A1' }, output: { s: 'shipped' } }],
            served_via: { type: 'direct' },
          },
        ],
        dynamic_variables: [{ name: 'customer_name', description: 'Caller name' }],
      },
      inserts: [
        {
          path: '/provider/credentials/api_key',
          source: 'env',
          env: 'VAPI_API_KEY',
          fingerprint: fingerprintSecret(FINGERPRINT_KEYS, 'sk_live_distinctive'),
        },
      ],
    });
    expect(result.mock_mode_changes).toEqual([
      { address: 'agent.support', id: null, from: false, to: true, via: 'toggle' },
    ]);
    expect(result.summary).toEqual({
      add: 1,
      change: 0,
      destroy: 0,
      mock_mode_toggles: 1,
      items: {
        mock_tools: { add: 0, change: 0, destroy: 0 },
        dynamic_variables: { add: 0, change: 0, destroy: 0 },
        knowledge_base_files: { add: 0, change: 0, destroy: 0 },
      },
    });
  });

  it('never puts a secret value in the plan', () => {
    const desired = agent(
      'support',
      { description: 'd' },
      { secrets: [secret('/webhook_secret', 'HOOK', 'whsec_distinctive_value')] },
    );
    expect(JSON.stringify(planOf([desired]))).not.toContain('whsec_distinctive_value');
  });

  it('refuses to create an agent without a description', () => {
    expect(() => planOf([agent('support', {})])).toThrow(/needs a description/);
  });

  it('creates again when the recorded agent is gone from Cekura', () => {
    const change = only(
      planOf([agent('support', { description: 'd' })], live(), record({ 'agent.support': { id: 99 } })),
    );
    expect(change).toMatchObject({ action: 'create', reason: 'bound_agent_missing' });
  });

  it('marks a variable derived from a description placeholder, leaving it and its description to Cekura', () => {
    const change = only(planOf([agent('support', { description: 'Hi {{first_name}}', dynamic_variables: {} })]));
    expect(change.items).toEqual([
      {
        set: 'dynamic_variables',
        name: 'first_name',
        action: 'create',
        id: null,
        reason: 'description_placeholder',
        fields: [],
        rows: [],
      },
    ]);
    if (change.action !== 'create') throw new Error('expected a create');
    expect(change.request.body.dynamic_variables).toEqual([]);
  });
});

describe('plan: update of each field kind', () => {
  const base = wireAgent(7, {
    name: 'Support',
    description: 'old',
    telephony: { inbound: true, phone_number: '+100', sip_uri: null, outbound_numbers: ['+1', '+2'] },
    provider: { type: 'vapi', agent_id: 'asst_1', credentials: { config: { public_key: 'pk_1' } } },
  });
  const bound = record({ 'agent.support': { id: 7 } });

  it.each<{ name: string; doc: AgentDoc; expected: ResourceChange['changes']; body: Record<string, unknown> }>([
    {
      name: 'scalar',
      doc: { description: 'new' },
      expected: [{ op: 'replace', path: '/description', value: 'new', before: 'old', origin: 'manifest' }],
      body: { description: 'new' },
    },
    {
      name: 'leaf of a merged object',
      doc: { telephony: { phone_number: '+200' } },
      expected: [{ op: 'replace', path: '/telephony/phone_number', value: '+200', before: '+100', origin: 'manifest' }],
      body: { telephony: { phone_number: '+200' } },
    },
    {
      name: 'null clears a leaf',
      doc: { telephony: { phone_number: null } },
      expected: [{ op: 'replace', path: '/telephony/phone_number', value: null, before: '+100', origin: 'manifest' }],
      body: { telephony: { phone_number: null } },
    },
    {
      name: 'new leaf',
      doc: { provider: { auto_import_calls: true } },
      expected: [{ op: 'add', path: '/provider/auto_import_calls', value: true, origin: 'manifest' }],
      body: { provider: { auto_import_calls: true } },
    },
    {
      name: 'nested config leaf',
      doc: { provider: { credentials: { config: { public_key: 'pk_2' } } } },
      expected: [
        {
          op: 'replace',
          path: '/provider/credentials/config/public_key',
          value: 'pk_2',
          before: 'pk_1',
          origin: 'manifest',
        },
      ],
      body: { provider: { credentials: { config: { public_key: 'pk_2' } } } },
    },
    {
      name: 'list as a whole',
      doc: { telephony: { outbound_numbers: ['+2', '+1'] } },
      expected: [
        {
          op: 'replace',
          path: '/telephony/outbound_numbers',
          value: ['+2', '+1'],
          before: ['+1', '+2'],
          origin: 'manifest',
        },
      ],
      body: { telephony: { outbound_numbers: ['+2', '+1'] } },
    },
    {
      name: 'rename of name is an update, not delete and create',
      doc: { name: 'Support v2' },
      expected: [{ op: 'replace', path: '/name', value: 'Support v2', before: 'Support', origin: 'manifest' }],
      body: { name: 'Support v2' },
    },
  ])('$name', ({ doc, expected, body }) => {
    const change = only(planOf([agent('support', { name: 'Support', ...doc })], live(base), bound));
    expect(change.action).toBe('update');
    expect(change.changes).toEqual(expected);
    if (change.action !== 'update') throw new Error('expected an update');
    expect(change.request).toEqual({ method: 'PATCH', body, inserts: [] });
  });

  it.each<{ name: string; doc: AgentDoc }>([
    { name: 'absent fields are not managed', doc: {} },
    { name: 'server default language', doc: { language: 'en' } },
    { name: 'server default inbound', doc: { telephony: { inbound: true } } },
    { name: 'null equals unset', doc: { agent_speaks_first: null, webhook_url: null, telephony: { sip_uri: null } } },
    { name: 'empty object manages nothing', doc: { provider: { credentials: {} } } },
  ])('no change: $name', ({ doc }) => {
    const change = only(planOf([agent('support', { name: 'Support', ...doc })], live(base), bound));
    expect(change).toMatchObject({ action: 'no-op', id: 7, changes: [], items: [] });
  });
});

describe('plan: sets', () => {
  const liveWithTools = wireAgent(7, {
    name: 'support',
    mock_tools: [
      wireTool(11, 'get_order', {
        description: 'Look up',
        mock_data: [
          { input: { id: 'B' }, output: 2 },
          { input: { id: 'A' }, output: 1 },
        ],
      }),
      wireTool(12, 'legacy_lookup'),
      wireTool(13, 'crm', { served_via: { type: 'mcp', mock_index: 1, url: 'https://x/mcp/1/' } }),
    ],
    dynamic_variables: [
      { id: 21, name: 'customer_name', description: 'Caller' },
      { id: 22, name: 'old_var', description: '' },
    ],
  });
  const bound = record({ 'agent.support': { id: 7 } });
  const keptTools = [
    tool('get_order', {
      description: 'Look up',
      mock_data: [
        { input: { id: 'A' }, output: 1 },
        { input: { id: 'B' }, output: 2 },
      ],
    }),
    tool('crm', { served_via: { type: 'mcp', mock_index: 1 } }),
  ];

  it('reordered tools and mock data rows are no change', () => {
    const desired = agent('support', {
      mock_tools: tools(
        tool('crm', { served_via: { type: 'mcp', mock_index: 1 } }),
        keptTools[0]!,
        tool('legacy_lookup'),
      ),
    });
    expect(only(planOf([desired], live(liveWithTools), bound)).action).toBe('no-op');
  });

  it('names each tool created, changed and deleted, and writes the full set with the ids it keeps', () => {
    const desired = agent('support', {
      mock_tools: tools(
        tool('get_order', {
          description: 'Look up v2',
          mock_data: [
            { input: { id: 'A' }, output: 1 },
            { input: { id: 'B' }, output: 2 },
          ],
        }),
        keptTools[1]!,
        tool('new_tool', { description: 'brand new' }),
      ),
    });
    const result = planOf([desired], live(liveWithTools), bound);
    const change = only(result);
    expect(change.items).toEqual([
      {
        set: 'mock_tools',
        name: 'get_order',
        action: 'update',
        id: 11,
        origin: 'manifest',
        fields: [{ op: 'replace', path: '/description', value: 'Look up v2', before: 'Look up', origin: 'manifest' }],
        rows: [],
      },
      {
        set: 'mock_tools',
        name: 'legacy_lookup',
        action: 'delete',
        id: 12,
        reason: 'not_in_manifest',
        origin: 'manifest',
        fields: [],
        rows: [],
      },
      {
        set: 'mock_tools',
        name: 'new_tool',
        action: 'create',
        id: null,
        origin: 'manifest',
        fields: [
          { op: 'add', path: '/description', value: 'brand new', origin: 'manifest' },
          { op: 'add', path: '/served_via', value: { type: 'direct' }, origin: 'manifest' },
        ],
        rows: [],
      },
    ]);
    expect(result.summary.items.mock_tools).toEqual({ add: 1, change: 1, destroy: 1 });
    expect(change.changes).toEqual([
      {
        op: 'replace',
        path: '/mock_tools/get_order/description',
        value: 'Look up v2',
        before: 'Look up',
        origin: 'manifest',
      },
      {
        op: 'remove',
        path: '/mock_tools/legacy_lookup',
        before: { name: 'legacy_lookup', description: '', mock_data: [], served_via: { type: 'direct' } },
        origin: 'manifest',
      },
      {
        op: 'add',
        path: '/mock_tools/new_tool',
        value: { name: 'new_tool', description: 'brand new', mock_data: [], served_via: { type: 'direct' } },
        origin: 'manifest',
      },
    ]);
    if (change.action !== 'update') throw new Error('expected an update');
    expect(change.request.body).toEqual({
      mock_tools: [
        { id: 13, name: 'crm', description: '', mock_data: [], served_via: { type: 'mcp', mock_index: 1 } },
        {
          id: 11,
          name: 'get_order',
          description: 'Look up v2',
          mock_data: [
            { input: { id: 'A' }, output: 1 },
            { input: { id: 'B' }, output: 2 },
          ],
          served_via: { type: 'direct' },
        },
        { name: 'new_tool', description: 'brand new', mock_data: [], served_via: { type: 'direct' } },
      ],
    });
  });

  it('changes a mock data row by its input', () => {
    const desired = agent('support', {
      mock_tools: tools(
        tool('get_order', {
          description: 'Look up',
          mock_data: [
            { input: { id: 'A' }, output: 1 },
            { input: { id: 'B' }, output: 3 },
          ],
        }),
        keptTools[1]!,
        tool('legacy_lookup'),
      ),
    });
    const change = only(planOf([desired], live(liveWithTools), bound));
    expect(change.items[0]!.rows).toEqual([
      {
        input: { id: 'B' },
        action: 'update',
        fields: [{ op: 'replace', path: '/output', value: 3, before: 2, origin: 'manifest' }],
      },
    ]);
    expect(change.changes).toEqual([
      {
        op: 'replace',
        path: '/mock_tools/get_order/mock_data/{"id":"B"}/output',
        value: 3,
        before: 2,
        origin: 'manifest',
      },
    ]);
  });

  it('adding one mock data row among six is one row created, not six replaced and one added', () => {
    const rows = (inputs: string[]) => inputs.map((id) => ({ input: { id }, output: { status: `status of ${id}` } }));
    const liveRows = ['B', 'C', 'D', 'E', 'F', 'G'];
    const wire = wireAgent(7, {
      name: 'support',
      mock_tools: [wireTool(11, 'get_order', { mock_data: rows(liveRows) })],
    });
    const desired = agent('support', { mock_tools: tools(tool('get_order', { mock_data: rows(['A', ...liveRows]) })) });
    const change = only(planOf([desired], live(wire), bound));
    expect(change.items).toHaveLength(1);
    expect(change.items[0]!.fields).toEqual([]);
    expect(change.items[0]!.rows).toEqual([
      {
        input: { id: 'A' },
        action: 'create',
        fields: [{ op: 'add', path: '/output', value: { status: 'status of A' }, origin: 'manifest' }],
      },
    ]);
    expect(change.changes).toEqual([
      {
        op: 'add',
        path: '/mock_tools/get_order/mock_data/{"id":"A"}',
        value: { input: { id: 'A' }, output: { status: 'status of A' } },
        origin: 'manifest',
      },
    ]);
  });

  it('shows a change inside a row at its leaf paths, and deletes a row the manifest drops', () => {
    const wire = wireAgent(7, {
      name: 'support',
      mock_tools: [
        wireTool(11, 'get_order', {
          mock_data: [
            { input: { id: 'A' }, output: { status: 'shipped', items: [{ sku: 'X', quantity: 1 }] } },
            { input: { id: 'B' }, output: 'gone' },
          ],
        }),
      ],
    });
    const desired = agent('support', {
      mock_tools: tools(
        tool('get_order', {
          mock_data: [{ input: { id: 'A' }, output: { status: 'shipped', items: [{ sku: 'X', quantity: 2 }] } }],
        }),
      ),
    });
    const change = only(planOf([desired], live(wire), bound));
    expect(change.items[0]!.rows).toEqual([
      {
        input: { id: 'A' },
        action: 'update',
        fields: [{ op: 'replace', path: '/output/items/0/quantity', value: 2, before: 1, origin: 'manifest' }],
      },
      {
        input: { id: 'B' },
        action: 'delete',
        fields: [{ op: 'remove', path: '/output', before: 'gone', origin: 'manifest' }],
      },
    ]);
    if (change.action !== 'update') throw new Error('expected an update');
    expect(change.request.body).toEqual({
      mock_tools: [
        {
          id: 11,
          name: 'get_order',
          description: '',
          mock_data: [{ input: { id: 'A' }, output: { status: 'shipped', items: [{ sku: 'X', quantity: 2 }] } }],
          served_via: { type: 'direct' },
        },
      ],
    });
  });

  it('adds and removes variables, writing the set by name', () => {
    const desired = agent('support', {
      dynamic_variables: variables(['customer_name', 'Caller'], ['order_id', 'Order']),
    });
    const change = only(planOf([desired], live(liveWithTools), bound));
    expect(change.items).toEqual([
      {
        set: 'dynamic_variables',
        name: 'old_var',
        action: 'delete',
        id: 22,
        reason: 'not_in_manifest',
        origin: 'manifest',
        fields: [],
        rows: [],
      },
      {
        set: 'dynamic_variables',
        name: 'order_id',
        action: 'create',
        id: null,
        origin: 'manifest',
        fields: [{ op: 'add', path: '/description', value: 'Order', origin: 'manifest' }],
        rows: [],
      },
    ]);
    if (change.action !== 'update') throw new Error('expected an update');
    expect(change.request.body).toEqual({
      dynamic_variables: [
        { name: 'customer_name', description: 'Caller' },
        { name: 'order_id', description: 'Order' },
      ],
    });
  });

  it('an explicit empty list deletes every item, and the plan names each', () => {
    const change = only(planOf([agent('support', { mock_tools: {} })], live(liveWithTools), bound));
    expect(change.items.map((item) => [item.name, item.action])).toEqual([
      ['crm', 'delete'],
      ['get_order', 'delete'],
      ['legacy_lookup', 'delete'],
    ]);
    if (change.action !== 'update') throw new Error('expected an update');
    expect(change.request.body).toEqual({ mock_tools: [] });
  });

  it('an absent set is not managed', () => {
    expect(only(planOf([agent('support', {})], live(liveWithTools), bound)).action).toBe('no-op');
  });

  it('keeps variables that description placeholders derive, though the manifest does not list them', () => {
    const wire = wireAgent(7, {
      name: 'support',
      description: 'Hello {{customer_name}}',
      dynamic_variables: [{ id: 21, name: 'customer_name', description: '' }],
    });
    const change = only(
      planOf([agent('support', { description: 'Hello {{customer_name}}', dynamic_variables: {} })], live(wire), bound),
    );
    expect(change.action).toBe('no-op');
  });

  describe('placeholder variables (Cekura describes them itself)', () => {
    const generated = 'What the prompt fills in for {{customer_name}}.';
    const liveWith = (
      variablesLive: { id: number; name: string; description: string }[],
      description = 'Hi {{customer_name}}',
    ) => live(wireAgent(7, { name: 'support', description, dynamic_variables: variablesLive }));

    it.each([
      { name: 'not listed', listed: {} as Record<string, DynamicVariableDoc> },
      { name: 'listed without a description', listed: { customer_name: { name: 'customer_name' } } },
    ])('compares only the name of one $name, whatever description Cekura gave it', ({ listed }) => {
      const change = only(
        planOf(
          [agent('support', { description: 'Hi {{customer_name}}', dynamic_variables: listed })],
          liveWith([{ id: 21, name: 'customer_name', description: generated }]),
          bound,
        ),
      );
      expect(change.action).toBe('no-op');
    });

    it('compares the description the manifest gives', () => {
      const change = only(
        planOf(
          [
            agent('support', {
              description: 'Hi {{customer_name}}',
              dynamic_variables: variables(['customer_name', 'Caller']),
            }),
          ],
          liveWith([{ id: 21, name: 'customer_name', description: generated }]),
          bound,
        ),
      );
      expect(change.changes).toEqual([
        {
          op: 'replace',
          path: '/dynamic_variables/customer_name/description',
          value: 'Caller',
          before: generated,
          origin: 'manifest',
        },
      ]);
    });

    it('never sends an empty description it was not given: keeps live one, leaves a new one for Cekura to derive', () => {
      const change = only(
        planOf(
          [
            agent('support', {
              description: 'Hi {{customer_name}} about {{order_id}}',
              dynamic_variables: { ...variables(['ticket', 'A ticket']), customer_name: { name: 'customer_name' } },
            }),
          ],
          liveWith(
            [{ id: 21, name: 'customer_name', description: generated }],
            'Hi {{customer_name}} about {{order_id}}',
          ),
          bound,
        ),
      );
      if (change.action !== 'update') throw new Error('expected an update');
      expect(change.items.map((item) => [item.name, item.action, item.reason])).toEqual([
        ['order_id', 'create', 'description_placeholder'],
        ['ticket', 'create', undefined],
      ]);
      // order_id is left out, and the unchanged description is saved so that Cekura derives it.
      expect(change.request.body).toEqual({
        description: 'Hi {{customer_name}} about {{order_id}}',
        dynamic_variables: [
          { name: 'customer_name', description: generated },
          { name: 'ticket', description: 'A ticket' },
        ],
      });
    });

    it('gives a listed variable that no placeholder names the server default', () => {
      const change = only(
        planOf(
          [agent('support', { dynamic_variables: { ticket: { name: 'ticket' } } })],
          liveWith([{ id: 22, name: 'ticket', description: 'Something' }], 'No placeholders'),
          bound,
        ),
      );
      expect(change.changes).toMatchObject([{ path: '/dynamic_variables/ticket/description', value: '' }]);
    });
  });

  it('flags a change to a shared tool with how many agents use it', () => {
    const wire = wireAgent(7, {
      name: 'support',
      mock_tools: [wireTool(11, 'shared_tool', { is_shared: true, subscriber_count: 3 })],
    });
    const result = planOf(
      [agent('support', { mock_tools: tools(tool('shared_tool', { description: 'changed' })) })],
      live(wire),
      bound,
    );
    expect(only(result).items).toEqual([
      {
        set: 'mock_tools',
        name: 'shared_tool',
        action: 'update',
        id: 11,
        subscriber_count: 3,
        origin: 'manifest',
        fields: [{ op: 'replace', path: '/description', value: 'changed', before: '', origin: 'manifest' }],
        rows: [],
      },
    ]);
    expect(result.warnings).toEqual([
      { code: 'shared_mock_tool', address: 'agent.support', tool: 'shared_tool', subscriber_count: 3 },
    ]);
  });
});

describe('plan: write-only fields', () => {
  const wire = wireAgent(7, { name: 'support', mock_tools: [wireTool(11, 'get_order')] });
  const withFreetext = (params: string[]) =>
    agent('support', { mock_tools: tools(tool('get_order', { freetext_params: params })) });

  it('sends freetext_params the record has not seen, then compares them through the record', () => {
    const first = planOf([withFreetext(['notes'])], live(wire), record({ 'agent.support': { id: 7 } }));
    expect(only(first).changes).toEqual([
      { op: 'add', path: '/mock_tools/get_order/freetext_params', value: ['notes'], origin: 'manifest' },
    ]);
    const applied = recordAfter(first);
    expect(only(planOf([withFreetext(['notes'])], live(wire), applied)).action).toBe('no-op');
    expect(only(planOf([withFreetext(['reason'])], live(wire), applied)).changes).toEqual([
      { op: 'replace', path: '/mock_tools/get_order/freetext_params', value: ['reason'], origin: 'manifest' },
    ]);
  });

  it('uploads a knowledge-base file again when its local content changed', () => {
    const liveFiles = wireAgent(7, {
      name: 'support',
      knowledge_base_files: [{ id: 31, file_name: 'faq.md', file_size: 10 }],
    });
    const desiredWith = (sha: string) =>
      agent(
        'support',
        { knowledge_base_files: { 'faq.md': { file_name: 'faq.md', file_size: 10 } } },
        { knowledge_base_sources: { 'faq.md': { path: '/repo/faq.md', sha256: sha, size: 10 } } },
      );
    const adopted = planOf([desiredWith('aaa')], live(liveFiles), record({ 'agent.support': { id: 7 } }));
    expect(only(adopted).action).toBe('no-op');

    const change = only(planOf([desiredWith('bbb')], live(liveFiles), recordAfter(adopted)));
    expect(change.items).toEqual([
      {
        set: 'knowledge_base_files',
        name: 'faq.md',
        action: 'update',
        id: 31,
        reason: 'content_changed',
        origin: 'manifest',
        fields: [{ op: 'replace', path: '/content_sha256', value: 'bbb', origin: 'manifest' }],
        rows: [],
      },
    ]);
    if (change.action !== 'update') throw new Error('expected an update');
    expect(change.request).toEqual({
      method: 'PATCH',
      body: { knowledge_base_files: [{ file_name: 'faq.md' }] },
      inserts: [
        { path: '/knowledge_base_files/0/content_base64', source: 'file', file: '/repo/faq.md', sha256: 'bbb' },
      ],
    });
  });
});

describe('plan: secrets', () => {
  const wire = wireAgent(7, { name: 'support' });
  const withKey = (value: string) =>
    agent('support', {}, { secrets: [secret('/provider/credentials/api_key', 'VAPI_API_KEY', value)] });

  describe('a record written before version 2, with its fingerprint key in the file', () => {
    const legacyKey = Buffer.from('legacy-key-kept-in-the-record-01').toString('base64');
    const legacyRecord = (value: string): StateRecord => ({
      ...record({
        'agent.support': {
          id: 7,
          secrets: {
            '/provider/credentials/api_key': createHmac('sha256', Buffer.from(legacyKey, 'base64'))
              .update(value)
              .digest('hex')
              .slice(0, 32),
          },
        },
      }),
      fingerprint_key: legacyKey,
    });
    const keys = { ...FINGERPRINT_KEYS, legacy: legacyKey };

    it('an unchanged secret is no change, and the record update re-keys it with the derived key', () => {
      const change = only(plan(manifest([withKey('k1')]), live(wire), legacyRecord('k1'), keepAll, undefined, keys));

      expect(change.action).toBe('no-op');
      if (change.action !== 'no-op') throw new Error('expected a no-op');
      expect(change.record.secrets).toEqual({
        '/provider/credentials/api_key': fingerprintSecret(FINGERPRINT_KEYS, 'k1'),
      });
      expect(change.record.secrets['/provider/credentials/api_key']).toMatch(/^k2:[0-9a-f]{32}$/);
    });

    it('a rotated secret is an update', () => {
      expect(
        only(plan(manifest([withKey('k2')]), live(wire), legacyRecord('k1'), keepAll, undefined, keys)).action,
      ).toBe('update');
    });
  });

  it('a fingerprint made with another key (CEKURA_API_KEY rotated) sends the secret again, never a false "no change"', () => {
    const applied = recordAfter(planOf([withKey('k1')], live(wire), record({ 'agent.support': { id: 7 } })));
    const otherKey = { current: Buffer.from('another-api-key-derived-key-0123').toString('base64') };

    const change = only(plan(manifest([withKey('k1')]), live(wire), applied, keepAll, undefined, otherKey));

    expect(change.action).toBe('update');
    expect(change.changes.map((fieldChange) => fieldChange.path)).toEqual(['/provider/credentials/api_key']);
  });

  it('sends a secret the record has no fingerprint for', () => {
    const change = only(planOf([withKey('k1')], live(wire), record({ 'agent.support': { id: 7 } })));
    expect(change.changes).toEqual([
      {
        op: 'add',
        path: '/provider/credentials/api_key',
        value: '(sensitive value)',
        sensitive: true,
        origin: 'manifest',
      },
    ]);
    if (change.action !== 'update') throw new Error('expected an update');
    expect(change.request).toEqual({
      method: 'PATCH',
      body: {},
      inserts: [
        {
          path: '/provider/credentials/api_key',
          source: 'env',
          env: 'VAPI_API_KEY',
          fingerprint: fingerprintSecret(FINGERPRINT_KEYS, 'k1'),
        },
      ],
    });
  });

  it('an unchanged secret is no change, a rotated one an update that shows no value', () => {
    const applied = recordAfter(planOf([withKey('k1')], live(wire), record({ 'agent.support': { id: 7 } })));
    expect(only(planOf([withKey('k1')], live(wire), applied)).action).toBe('no-op');
    const rotated = planOf([withKey('k2')], live(wire), applied);
    expect(only(rotated).changes).toEqual([
      {
        op: 'replace',
        path: '/provider/credentials/api_key',
        value: '(sensitive value)',
        before: '(sensitive value)',
        sensitive: true,
        origin: 'manifest',
      },
    ]);
    expect(JSON.stringify(rotated)).not.toMatch(/"k[12]"/);
  });
});

describe('plan: drift', () => {
  const desired = agent('support', { description: 'ours', mock_tools: tools(tool('get_order')) });
  const applied = (
    wire = wireAgent(7, { name: 'support', description: 'ours', mock_tools: [wireTool(11, 'get_order')] }),
  ) => recordAfter(planOf([desired], live(wire), record({ 'agent.support': { id: 7 } })));

  it('tells drift made in Cekura from a manifest change', () => {
    const drifted = wireAgent(7, {
      name: 'support',
      description: 'edited in the UI',
      mock_tools: [wireTool(11, 'get_order'), wireTool(12, 'ui_tool')],
    });
    const change = only(planOf([desired], live(drifted), applied()));
    expect(change.changes.map((c) => [c.path, c.origin])).toEqual([
      ['/description', 'drift'],
      ['/mock_tools/ui_tool', 'drift'],
    ]);
    expect(change.items).toEqual([
      {
        set: 'mock_tools',
        name: 'ui_tool',
        action: 'delete',
        id: 12,
        reason: 'not_in_manifest',
        origin: 'drift',
        fields: [],
        rows: [],
      },
    ]);
  });

  it('flags a field changed on both sides as a conflict', () => {
    const drifted = wireAgent(7, {
      name: 'support',
      description: 'edited in the UI',
      mock_tools: [wireTool(11, 'get_order')],
    });
    const change = only(
      planOf(
        [agent('support', { description: 'ours v2', mock_tools: tools(tool('get_order')) })],
        live(drifted),
        applied(),
      ),
    );
    expect(change.changes).toEqual([
      { op: 'replace', path: '/description', value: 'ours v2', before: 'edited in the UI', origin: 'conflict' },
    ]);
  });

  it('reverts drift in mock mode', () => {
    const wire = wireAgent(7, { name: 'support', mock_tools_enabled: true });
    const result = planOf(
      [agent('support', {}, { mock_tools_enabled: false })],
      live(wire),
      record({ 'agent.support': { id: 7 } }),
    );
    expect(result.mock_mode_changes).toEqual([
      { address: 'agent.support', id: 7, from: true, to: false, via: 'toggle' },
    ]);
    expect(result.summary.mock_mode_toggles).toBe(1);
  });
});

describe('plan: mock mode warnings', () => {
  it.each([
    { provider: 'self_hosted', warned: true },
    { provider: 'custom', warned: true },
    { provider: 'vapi', warned: false },
  ])('enabling mock mode on $provider warns: $warned', ({ provider, warned }) => {
    const wire = wireAgent(7, { name: 'support', provider: { type: provider } });
    const result = planOf(
      [agent('support', {}, { mock_tools_enabled: true })],
      live(wire),
      record({ 'agent.support': { id: 7 } }),
    );
    expect(result.warnings).toEqual(
      warned ? [{ code: 'self_managed_mock_mode', address: 'agent.support', provider }] : [],
    );
  });

  it('warns when a managed description would be rewritten by auto_sync_prompt', () => {
    const wire = wireAgent(7, {
      name: 'support',
      description: 'd',
      provider: { type: 'vapi', auto_sync_prompt: true },
    });
    const result = planOf([agent('support', { description: 'd' })], live(wire), record({ 'agent.support': { id: 7 } }));
    expect(result.warnings).toEqual([{ code: 'description_auto_sync', address: 'agent.support' }]);
  });
});

describe('plan: binding and ownership', () => {
  it('adopts the only live agent of the same name', () => {
    const change = only(
      planOf([agent('support', { name: 'Support Bot' })], live(wireAgent(5, { name: 'Support Bot' }))),
    );
    expect(change).toMatchObject({ action: 'no-op', id: 5, reason: 'adopted_by_name' });
  });

  it('refuses two live agents of the same name, naming both ids', () => {
    const run = () =>
      planOf(
        [agent('support', { name: 'Twin' })],
        live(wireAgent(5, { name: 'Twin' }), wireAgent(6, { name: 'Twin' })),
      );
    expect(run).toThrow(CekuraformError);
    expect(run).toThrow(/ids 5, 6/);
  });

  it('binds a pinned id, and refuses a pin that is not there', () => {
    const wire = wireAgent(5, { name: 'Other name' });
    expect(only(planOf([agent('support', { name: 'Support' }, { id: 5 })], live(wire)))).toMatchObject({
      action: 'update',
      id: 5,
      reason: 'pinned_id',
    });
    expect(() => planOf([agent('support', { name: 'Support' }, { id: 8 })], live(wire))).toThrow(/pinned to agent 8/);
  });

  it('the state record wins over a name match, so a renamed agent stays bound', () => {
    const result = planOf(
      [agent('support', { name: 'Renamed' })],
      live(wireAgent(5, { name: 'Original' }), wireAgent(6, { name: 'Renamed' })),
      record({ 'agent.support': { id: 5 } }),
      { ...keepAll, prune: true },
    );
    expect(result.resource_changes.map((c) => [c.address, c.action, c.id])).toEqual([
      ['agent.support', 'update', 5],
      ['agent[6]', 'delete', 6],
    ]);
  });

  it('refuses a rename to the name of a live agent that stays unmanaged, naming it', () => {
    const run = () =>
      planOf(
        [agent('support', { name: 'Renamed' })],
        live(wireAgent(5, { name: 'Original' }), wireAgent(6, { name: 'Renamed' })),
        record({ 'agent.support': { id: 5 } }),
      );
    expect(run).toThrow(/agent\.support would be renamed to "Renamed", which agent 6 in project 42 already has/);
  });

  it('lists live agents no manifest names as unmanaged and leaves them alone', () => {
    const result = planOf([agent('support', { description: 'd' })], live(wireAgent(9, { name: 'Someone else' })));
    expect(result.resource_changes.map((c) => c.action)).toEqual(['create']);
    expect(result.unmanaged).toEqual([{ id: 9, name: 'Someone else', project: 42 }]);
  });

  it.each([false, true])('prune deletes them, with delete_related %s', (deleteRelated) => {
    const result = planOf([], live(wireAgent(9, { name: 'Someone else' })), record(), {
      ...keepAll,
      prune: true,
      delete_related: deleteRelated,
    });
    expect(result.resource_changes).toEqual([
      {
        address: 'agent[9]',
        action: 'delete',
        id: 9,
        name: 'Someone else',
        project: 42,
        fields: [],
        items: [],
        changes: [],
        reason: 'not_in_manifest',
        request: { method: 'DELETE', delete_related: deleteRelated },
      },
    ]);
    expect(result.unmanaged).toEqual([]);
    expect(result.summary.destroy).toBe(1);
  });
});

describe('plan: agents the state record owns and the manifest no longer names', () => {
  const liveAgents = () => live(wireAgent(9, { name: 'Someone else' }), wireAgent(10, { name: 'Retired' }));
  const retiredDelete = (deleteRelated: boolean): ResourceChange => ({
    address: 'agent.retired',
    action: 'delete',
    id: 10,
    name: 'Retired',
    project: 42,
    fields: [],
    items: [],
    changes: [],
    reason: 'removed_from_manifest',
    request: { method: 'DELETE', delete_related: deleteRelated },
  });
  const readAll: ManifestScope = { files: { 'agents.yaml': 'agents.yaml' }, unread: [], isWhole: false };

  it.each([false, true])(
    'deletes an owned agent without prune, delete_related %s, leaving unowned ones alone',
    (deleteRelated) => {
      const state = record({ 'agent.retired': { id: 10, file: 'agents.yaml' } });
      const result = planOf([], liveAgents(), state, { ...keepAll, delete_related: deleteRelated }, readAll);
      expect(result.resource_changes).toEqual([retiredDelete(deleteRelated)]);
      expect(result.unmanaged).toEqual([{ id: 9, name: 'Someone else', project: 42 }]);
      expect(result.summary.destroy).toBe(1);
      expect(result.warnings).toEqual([]);
    },
  );

  it('keeps an owned agent written in a file this plan did not read, and says so', () => {
    const state = record({ 'agent.retired': { id: 10, file: 'billing.yaml' } });
    const scope: ManifestScope = { files: { 'agents.yaml': 'agents.yaml' }, unread: ['billing.yaml'], isWhole: false };
    const result = planOf([], liveAgents(), state, { ...keepAll, prune: true }, scope);
    expect(result.resource_changes.map((change) => change.address)).toEqual(['agent[9]']);
    expect(result.warnings).toEqual([
      { code: 'owned_agent_not_read', address: 'agent.retired', id: 10, file: 'billing.yaml' },
    ]);
  });

  it('keeps an owned agent whose entry predates remembered files', () => {
    const result = planOf([], liveAgents(), record({ 'agent.retired': { id: 10 } }), keepAll, readAll);
    expect(result.resource_changes).toEqual([]);
    expect(result.warnings).toEqual([{ code: 'owned_agent_not_read', address: 'agent.retired', id: 10, file: null }]);
  });

  it('records the file that writes each address', () => {
    const result = planOf([agent('support', { description: 'd' })], live(), record(), keepAll, readAll);
    expect(result.resource_changes[0]).toMatchObject({ action: 'create', record: { file: 'agents.yaml' } });
  });

  it('deletes an owned agent of a project the manifest no longer names, and lists no unmanaged agent there', () => {
    const state = record({ 'agent.retired': { id: 10, project: 7, file: 'agents.yaml' } });
    const liveState = buildLiveState(
      [7, 42],
      [wireAgent(10, { name: 'Retired', project: 7 }), wireAgent(11, { name: 'Other', project: 7 })],
    );
    const result = planOf([], liveState, state, { ...keepAll, prune: true }, readAll);
    expect(result.resource_changes.map((change) => [change.address, change.action])).toEqual([
      ['agent.retired', 'delete'],
    ]);
    expect(result.unmanaged).toEqual([]);
  });
});

describe('plan: determinism and provenance', () => {
  it('equal inputs give byte-identical plans, and the plan records what it came from', () => {
    const inputs = () => [agent('b', { description: 'x' }), agent('a', { description: 'y' })];
    const first = planOf(inputs());
    expect(JSON.stringify(planOf(inputs()))).toBe(JSON.stringify(first));
    expect(first.resource_changes.map((c) => c.address)).toEqual(['agent.a', 'agent.b']);
    expect(first.created_from).toEqual({
      projects: [42],
      manifest_hash: expect.any(String),
      live_fingerprint: live().fingerprint,
      state_lineage: 'lineage-1',
      state_serial: 3,
      touched: {},
      claimed_names: [
        { project: 42, name: 'a' },
        { project: 42, name: 'b' },
      ],
    });
  });
});
