import type { Plan } from '../../src/plan/types.js';
import { withMockModeVia } from '../../src/plan/mock-mode.js';
import {
  add,
  created,
  item,
  mockMode,
  plan,
  pruned,
  row,
  replace,
  secret,
  unchanged,
  unmanaged,
  updated,
} from './builders.js';

// Fixed plans, one per rendering scenario; each has golden files under golden/.

const getOrder = {
  name: 'get_order',
  description: 'Look up an order',
  mock_data: [{ input: { order_id: 'A1' }, output: { status: 'shipped' } }],
  served_via: { type: 'direct' as const },
};
const crmLookup = {
  name: 'crm_lookup',
  description: 'CRM read',
  mock_data: [],
  served_via: { type: 'mcp' as const, mock_index: 1 },
};

/** A new agent with its provider secret, two tools, a variable and mock mode on. */
export const createWithTools: Plan = plan({
  resource_changes: [
    created('support-bot', {
      name: 'Support Bot',
      fields: [
        add('/description', 'Handles inbound support calls'),
        add('/language', 'en'),
        add('/name', 'Support Bot'),
        add('/provider/agent_id', 'asst_abc123'),
        secret('/provider/credentials/api_key', 'add'),
        add('/provider/type', 'vapi'),
        add('/telephony/inbound', true),
        add('/telephony/phone_number', '+14155551234'),
      ],
      items: [
        item('dynamic_variables', 'customer_name', 'create', { fields: [add('/description', 'Caller name')] }),
        item('mock_tools', 'crm_lookup', 'create', {
          fields: [add('/description', 'CRM read'), add('/served_via', { type: 'mcp', mock_index: 1 })],
        }),
        item('mock_tools', 'get_order', 'create', {
          fields: [add('/description', 'Look up an order'), add('/served_via', { type: 'direct' })],
          rows: [row({ order_id: 'A1' }, 'create', { output: { status: 'shipped' } })],
        }),
      ],
      desired: {
        dynamic_variables: { customer_name: { name: 'customer_name', description: 'Caller name' } },
        mock_tools: { crm_lookup: crmLookup, get_order: getOrder },
      },
    }),
  ],
  mock_mode_changes: [mockMode('agent.support-bot', null, false, true)],
});

/** Field changes and every kind of item and mock data row change on one agent. */
export const updateWithItems: Plan = plan({
  resource_changes: [
    updated('support-bot', 101, {
      name: 'Support Bot',
      fields: [
        replace(
          '/description',
          'Handles inbound support calls',
          'Handles inbound support calls for order {{order_id}}',
          { origin: 'manifest' },
        ),
        replace('/telephony/phone_number', '+14155551234', '+14155559876', { origin: 'manifest' }),
      ],
      items: [
        item('dynamic_variables', 'caller_tier', 'delete', { id: 31, reason: 'not_in_manifest', origin: 'manifest' }),
        item('dynamic_variables', 'order_id', 'create', {
          reason: 'description_placeholder',
          origin: 'manifest',
          fields: [add('/description', '')],
        }),
        item('knowledge_base_files', 'faq.pdf', 'update', {
          id: 51,
          reason: 'content_changed',
          origin: 'manifest',
          fields: [replace('/content_sha256', undefined, '9f2c41d0aa6b1e3c', { origin: 'manifest' })],
        }),
        item('mock_tools', 'get_order', 'update', {
          id: 11,
          origin: 'manifest',
          fields: [replace('/description', 'Look up an order', 'Look up an order by id', { origin: 'manifest' })],
          rows: [
            row({ order_id: 'A1' }, 'update', {
              fields: [replace('/output/status', 'shipped', 'delivered', { origin: 'manifest' })],
            }),
            row({ order_id: 'B2' }, 'create', { output: { status: 'pending' } }),
            row({ order_id: 'Z9' }, 'delete', { output: { status: 'lost' } }),
          ],
        }),
        item('mock_tools', 'legacy_lookup', 'delete', { id: 12, reason: 'not_in_manifest', origin: 'manifest' }),
        item('mock_tools', 'refund', 'create', {
          origin: 'manifest',
          fields: [add('/description', 'Start a refund'), add('/served_via', { type: 'direct' })],
        }),
      ],
    }),
  ],
});

/** Changes made in Cekura since the last apply (drift), and on both sides (conflict). */
export const driftAndConflict: Plan = plan({
  resource_changes: [
    updated('billing-bot', 102, {
      name: 'Billing Bot',
      fields: [
        replace('/description', 'Answers billing questions', 'Answers billing and invoice questions', {
          origin: 'conflict',
        }),
        replace('/language', 'en', 'es', { origin: 'manifest' }),
        replace('/telephony/phone_number', '+14155550000', '+14155551111', { origin: 'drift' }),
      ],
      items: [
        item('mock_tools', 'get_invoice', 'update', {
          id: 21,
          origin: 'drift',
          fields: [replace('/description', 'Edited in the Cekura UI', 'Fetch an invoice', { origin: 'drift' })],
          rows: [
            row({ invoice: 'I-1' }, 'update', {
              fields: [replace('/output/total', 10, 12, { origin: 'conflict' })],
            }),
          ],
        }),
        item('mock_tools', 'lookup_account', 'create', {
          origin: 'drift',
          fields: [add('/description', ''), add('/served_via', { type: 'direct' })],
        }),
      ],
    }),
  ],
});

/** A rotated provider key and a first webhook secret: no value is ever shown. */
export const secretRotation: Plan = plan({
  resource_changes: [
    updated('support-bot', 101, {
      name: 'Support Bot',
      fields: [
        secret('/provider/credentials/api_key', 'replace', { origin: 'manifest' }),
        secret('/webhook_secret', 'add', { origin: 'manifest' }),
      ],
    }),
  ],
});

/** Changing and deleting tools that other agents use too. */
export const sharedTool: Plan = plan({
  resource_changes: [
    updated('support-bot', 101, {
      name: 'Support Bot',
      items: [
        item('mock_tools', 'crm_lookup', 'update', {
          id: 13,
          subscriber_count: 3,
          origin: 'manifest',
          fields: [replace('/description', 'CRM read', 'CRM read (v2)', { origin: 'manifest' })],
        }),
        item('mock_tools', 'old_crm', 'delete', {
          id: 14,
          subscriber_count: 5,
          reason: 'not_in_manifest',
          origin: 'manifest',
        }),
      ],
    }),
  ],
  warnings: [
    { code: 'shared_mock_tool', address: 'agent.support-bot', tool: 'crm_lookup', subscriber_count: 3 },
    { code: 'shared_mock_tool', address: 'agent.support-bot', tool: 'old_crm', subscriber_count: 5 },
  ],
});

/** Mock mode switched on after a write, and off with no write at all. */
export const mockModeOnOff: Plan = plan({
  resource_changes: [
    unchanged('billing-bot', 102, { name: 'Billing Bot' }),
    updated('support-bot', 101, {
      name: 'Support Bot',
      fields: [replace('/language', 'en', 'de', { origin: 'manifest' })],
    }),
  ],
  mock_mode_changes: [mockMode('agent.billing-bot', 102, true, false), mockMode('agent.support-bot', 101, false, true)],
});

/** The same on Cekura's newer API: mock_tools_enabled goes in the write, or alone in a PATCH. */
export const mockModeByPatch: Plan = withMockModeVia(mockModeOnOff, 'patch');

/** Mock mode asked for on a provider that runs its own MCP client. */
export const selfManagedWarning: Plan = plan({
  resource_changes: [unchanged('custom-bot', 104, { name: 'Custom Bot' })],
  mock_mode_changes: [mockMode('agent.custom-bot', 104, false, true)],
  warnings: [{ code: 'self_managed_mock_mode', address: 'agent.custom-bot', provider: 'custom' }],
});

/** A description the provider will overwrite on its next prompt sync. */
export const autoSyncWarning: Plan = plan({
  resource_changes: [
    updated('retell-bot', 105, {
      name: 'Retell Bot',
      fields: [replace('/description', 'Old prompt summary', 'New prompt summary', { origin: 'manifest' })],
    }),
  ],
  warnings: [{ code: 'description_auto_sync', address: 'agent.retell-bot' }],
});

/** Prune: one delete keeps the agent's history, one takes it along. */
export const pruneDeletes: Plan = plan({
  resource_changes: [pruned(205, 'Legacy Bot'), pruned(206, 'Scratch Bot', true)],
});

/** Why agents bound as they did: adopted by name, pinned id, recorded agent gone. */
export const adoption: Plan = plan({
  resource_changes: [
    updated('billing-bot', 102, {
      name: 'Billing Bot',
      reason: 'adopted_by_name',
      fields: [replace('/description', 'Billing', 'Answers billing questions', { origin: 'manifest' })],
    }),
    created('returns-bot', {
      name: 'Returns Bot',
      reason: 'bound_agent_missing',
      fields: [add('/description', 'Handles returns'), add('/name', 'Returns Bot')],
    }),
    updated('support-bot', 101, {
      name: 'Support Bot',
      reason: 'pinned_id',
      fields: [replace('/telephony/inbound', false, true, { origin: 'manifest' })],
    }),
  ],
});

/** One change, and agents of the managed project that no manifest names. */
export const unmanagedAgents: Plan = plan({
  resource_changes: [
    updated('support-bot', 101, {
      name: 'Support Bot',
      fields: [replace('/language', 'en', 'fr', { origin: 'manifest' })],
    }),
  ],
  unmanaged: [unmanaged(205, 'Legacy Bot'), unmanaged(311, 'Sales "Night" Bot', 43)],
});

/** Nothing to do; unmanaged agents and warnings are still listed. */
export const noChanges: Plan = plan({
  resource_changes: [
    unchanged('retell-bot', 105, { name: 'Retell Bot' }),
    unchanged('support-bot', 101, { name: 'Support Bot' }),
  ],
  unmanaged: [unmanaged(205, 'Legacy Bot')],
  warnings: [{ code: 'description_auto_sync', address: 'agent.retell-bot' }],
});

const billingPrompt = (limit: string): string =>
  'You are the billing assistant for Acme. Always confirm the account holder before discussing charges, ' +
  `and never approve a refund above ${limit} without a supervisor. Keep answers short and explain each fee in plain words.`;

const longDescription =
  'You are the support agent for Acme Outdoor Gear. Greet the caller, ask for their order number, look the order up, and explain its status. ' +
  'Never promise a delivery date the order system does not show. Escalate to a human when the caller asks twice.';

const scriptLines = (closing: string): string =>
  [
    'Step 1: greet the caller by name.',
    'Step 2: ask for the order number.',
    'Step 3: read the order status back.',
    'Step 4: offer to send a tracking link.',
    'Step 5: ask whether anything else is needed.',
    'Step 6: confirm the callback number.',
    closing,
    'Step 8: log the call outcome.',
  ].join('\n');

const orderItems = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ sku: `SKU-${index}`, quantity: index + 1 }));

/** Long strings, multi-line strings and big objects: shown whole or as word and line diffs, never cut. */
export const longValues: Plan = plan({
  resource_changes: [
    updated('support-bot', 101, {
      name: 'Support Bot — “EU”',
      fields: [
        replace('/description', billingPrompt('100 USD'), billingPrompt('500 USD'), { origin: 'manifest' }),
        replace(
          '/provider/chat_agent_details/config/closing_script',
          scriptLines('Step 7: thank the caller.'),
          scriptLines('Step 7: thank the caller and say goodbye.'),
          {
            origin: 'manifest',
          },
        ),
        replace('/provider/chat_agent_details/config/greeting', 'Hi', 'Hello!\nHow can I help?\u001b[31m', {
          origin: 'manifest',
        }),
        add('/provider/config/x-api-version', '2024-06'),
        replace('/provider/config/summary', 'Short', longDescription, { origin: 'manifest' }),
      ],
      items: [
        item('mock_tools', 'get_order', 'update', {
          id: 11,
          origin: 'manifest',
          rows: [
            row({ order_id: 'A1' }, 'update', {
              fields: [replace('/output/items', orderItems(12), orderItems(13), { origin: 'manifest' })],
            }),
            row({ order_id: 'B2' }, 'create', { output: { status: 'shipped', items: orderItems(4) } }),
          ],
        }),
      ],
    }),
  ],
});

/** Items deleted and added inside agents: the summary counts them. */
export const itemDeletions: Plan = plan({
  resource_changes: [
    updated('billing-bot', 102, {
      name: 'Billing Bot',
      items: [
        item('dynamic_variables', 'account_tier', 'delete', { id: 32, reason: 'not_in_manifest', origin: 'manifest' }),
        item('mock_tools', 'legacy_invoice', 'delete', { id: 22, reason: 'not_in_manifest', origin: 'manifest' }),
      ],
    }),
    updated('returns-bot', 103, {
      name: 'Returns Bot',
      items: [
        item('mock_tools', 'lookup_return', 'create', {
          origin: 'manifest',
          fields: [add('/description', 'Find a return'), add('/served_via', { type: 'direct' })],
        }),
        item('mock_tools', 'old_lookup', 'delete', { id: 23, reason: 'not_in_manifest', origin: 'manifest' }),
      ],
    }),
    updated('support-bot', 101, {
      name: 'Support Bot',
      fields: [replace('/language', 'en', 'fr', { origin: 'manifest' })],
    }),
  ],
});

/** More unmanaged agents than a plan lists unless asked. */
export const manyUnmanaged: Plan = plan({
  resource_changes: [unchanged('support-bot', 101, { name: 'Support Bot' })],
  unmanaged: Array.from({ length: 8 }, (_, index) => unmanaged(300 + index, `Old Bot ${index}`)),
});

/** User strings with Markdown and HTML in them. */
export const markdownEscaping: Plan = plan({
  resource_changes: [
    updated('support-bot', 101, {
      name: 'Support | *Bot* <b>`x`</b>',
      fields: [replace('/description', 'a', 'Use ``` fences and | pipes', { origin: 'manifest' })],
    }),
  ],
  unmanaged: [unmanaged(205, 'Legacy_Bot [old]')],
  warnings: [{ code: 'shared_mock_tool', address: 'agent.support-bot', tool: 'crm_*lookup*', subscriber_count: 2 }],
});

/** A plan made for an environment (`plan --env production`): its heading names the environment. */
export const environmentProduction: Plan = {
  ...createWithTools,
  created_from: { environment: 'production', ...createWithTools.created_from },
};

/** Every plan scenario by golden file name. */
export const planScenarios: Record<string, Plan> = {
  'create-with-tools': createWithTools,
  'update-with-items': updateWithItems,
  'drift-and-conflict': driftAndConflict,
  'secret-rotation': secretRotation,
  'shared-tool': sharedTool,
  'mock-mode-on-off': mockModeOnOff,
  'mock-mode-by-patch': mockModeByPatch,
  'self-managed-warning': selfManagedWarning,
  'auto-sync-warning': autoSyncWarning,
  'prune-deletes': pruneDeletes,
  adoption,
  'unmanaged-agents': unmanagedAgents,
  'no-changes': noChanges,
  'long-values': longValues,
  'item-deletions': itemDeletions,
  'many-unmanaged': manyUnmanaged,
  'markdown-escaping': markdownEscaping,
  'environment-production': environmentProduction,
};

/** Many agents with many changes each: far over a comment's size limit. */
export function largePlan(agentCount: number, changesPerAgent: number): Plan {
  return plan({
    resource_changes: Array.from({ length: agentCount }, (_, agentIndex) =>
      updated(`bot-${String(agentIndex).padStart(3, '0')}`, 1000 + agentIndex, {
        name: `Bot ${agentIndex}`,
        fields: Array.from({ length: changesPerAgent * (1 + (agentIndex % 3)) }, (_, changeIndex) =>
          replace(
            `/provider/config/setting_${String(changeIndex).padStart(3, '0')}`,
            `old value ${changeIndex}`,
            `new value ${changeIndex}`,
            {
              origin: 'manifest',
            },
          ),
        ),
      }),
    ),
  });
}
