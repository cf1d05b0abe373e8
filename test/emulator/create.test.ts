import { describe, expect, it } from 'vitest';
import { AGENTS, agentBody, call, createAgent, manualClock, useEmulator } from './helpers.js';

const clock = manualClock(Date.UTC(2026, 0, 1));
const emulator = useEmulator({ clock });

describe('create', () => {
  it('answers 201 with the agent in the documented shape, defaults filled', async () => {
    const response = await call(emulator.current, 'POST', AGENTS, agentBody({ provider: { type: 'self_hosted' } }));

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: 1,
      name: 'Support Bot',
      description: 'Handles inbound support calls',
      project: 42,
      language: 'en',
      telephony: { inbound: true, phone_number: null, sip_uri: null },
      provider: { type: 'self_hosted' },
      agent_speaks_first: null,
      knowledge_base_files: [],
      mock_tools: [],
      mock_tools_enabled: false,
      mock_tools_provider: null,
      dynamic_variables: [],
      webhook_url: null,
      webhook_secret_configured: false,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    expect(emulator.current.agents()).toEqual([response.body]);
  });

  it('folds flat inbound and phone_number into telephony', async () => {
    const agent = await createAgent(emulator.current, { inbound: false, phone_number: '+14155551234' });
    expect(agent.telephony).toEqual({ inbound: false, phone_number: '+14155551234', sip_uri: null });
  });

  it('accepts inbound inside telephony, whose keys win over flat ones', async () => {
    const body = agentBody({
      inbound: undefined,
      phone_number: '+1000',
      telephony: { inbound: true, phone_number: '+2000', sip_uri: 'sip:a@b' },
    });
    const response = await call(emulator.current, 'POST', AGENTS, body);
    expect(response.status).toBe(201);
    expect(response.body.telephony).toEqual({ inbound: true, phone_number: '+2000', sip_uri: 'sip:a@b' });
  });

  it('gives each agent the next id and ignores read-only fields', async () => {
    const first = await createAgent(emulator.current, { id: 500, mock_tools_enabled: true, created_at: 'yesterday' });
    const second = await createAgent(emulator.current, { name: 'Other' });
    expect([first.id, second.id]).toEqual([1, 2]);
    expect(first.mock_tools_enabled).toBe(false);
    expect(first.created_at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('stores the optional top-level fields it is given', async () => {
    const agent = await createAgent(emulator.current, {
      language: 'de',
      agent_speaks_first: true,
      webhook_url: 'https://hooks.example.com/cekura',
    });
    expect(agent).toMatchObject({
      language: 'de',
      agent_speaks_first: true,
      webhook_url: 'https://hooks.example.com/cekura',
    });
  });
});

describe('create validation', () => {
  it('names every missing required field', async () => {
    const response = await call(emulator.current, 'POST', AGENTS, {});
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      name: ['This field is required.'],
      description: ['This field is required.'],
      project: ['This field is required.'],
      inbound: ['This field is required.'],
    });
  });

  it.each([
    { field: 'name', value: 'x'.repeat(256), errors: { name: ['Ensure this field has no more than 255 characters.'] } },
    { field: 'name', value: '  ', errors: { name: ['This field may not be blank.'] } },
    { field: 'name', value: null, errors: { name: ['This field may not be null.'] } },
    { field: 'description', value: 7, errors: { description: ['Not a valid string.'] } },
    { field: 'project', value: 'forty-two', errors: { project: ['A valid integer is required.'] } },
    { field: 'language', value: 'xx', errors: { language: ['"xx" is not a valid choice.'] } },
    { field: 'inbound', value: 'yes', errors: { inbound: ['Must be a valid boolean.'] } },
    { field: 'agent_speaks_first', value: 'sometimes', errors: { agent_speaks_first: ['Must be a valid boolean.'] } },
    { field: 'webhook_url', value: 'not a url', errors: { webhook_url: ['Enter a valid URL.'] } },
    { field: 'provider', value: 'vapi', errors: { provider: ['Invalid data. Expected a dictionary, but got str.'] } },
    { field: 'provider', value: { type: 'acme' }, errors: { provider: { type: ['"acme" is not a valid choice.'] } } },
    {
      field: 'provider',
      value: { type: 'retell', chat_agent_details: { type: 'fax' } },
      errors: { provider: { chat_agent_details: { type: ['"fax" is not a valid choice.'] } } },
    },
    {
      field: 'provider',
      value: { type: 'vapi', credentials: { api_key: 12 } },
      errors: { provider: { credentials: { api_key: ['Not a valid string.'] } } },
    },
    {
      field: 'provider',
      value: { type: 'vapi', configure_from_provider: true },
      errors: {
        provider: {
          configure_from_provider: ['The emulator cannot import an agent from its provider; send its fields instead.'],
        },
      },
    },
    {
      field: 'telephony',
      value: { inbound: true, sip_auth: 'x' },
      errors: { telephony: { sip_auth: ['Invalid data. Expected a dictionary, but got str.'] } },
    },
    {
      field: 'mock_tools',
      value: { name: 'x' },
      errors: { mock_tools: ['Expected a list of items but got type "dict".'] },
    },
  ])('rejects $field = $value', async ({ field, value, errors }) => {
    const response = await call(emulator.current, 'POST', AGENTS, agentBody({ [field]: value }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errors);
  });

  it('nests errors of list items, {} for the valid ones', async () => {
    const response = await call(
      emulator.current,
      'POST',
      AGENTS,
      agentBody({
        mock_tools: [{ name: 'ok' }, { name: 'bad name' }, 'text', { description: 'no name' }, { name: 'ok' }],
        dynamic_variables: [{ name: 'a', description: 'A' }, { name: 'b' }],
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      mock_tools: [
        {},
        { name: ['Use only letters, digits, underscores and hyphens, 1 to 63 characters.'] },
        { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] },
        { name: ['This field is required.'] },
        { name: ['Mock tool name "ok" appears more than once.'] },
      ],
      dynamic_variables: [{}, { description: ['This field is required.'] }],
    });
  });

  it('creates nothing and uses no id when it rejects a body', async () => {
    await call(emulator.current, 'POST', AGENTS, agentBody({ language: 'xx', mock_tools: [{ name: 'a' }] }));
    expect(emulator.current.agents()).toEqual([]);
    expect((await createAgent(emulator.current)).id).toBe(1);
  });

  it('rejects a mock tool id on create: the agent has no tools yet', async () => {
    const response = await call(emulator.current, 'POST', AGENTS, agentBody({ mock_tools: [{ id: 1, name: 'a' }] }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ mock_tools: [{ id: ['Mock tool 1 does not belong to this agent.'] }] });
  });
});

describe('variables from description placeholders', () => {
  it('creates one per {{name}} after the body’s own set, keeping an existing one', async () => {
    const agent = await createAgent(emulator.current, {
      description: 'Greet {{customer_name}}, confirm {{ order_id }} and {{customer_name}} again',
      dynamic_variables: [
        { name: 'customer_name', description: 'Caller name' },
        { name: 'zip', description: 'Postcode' },
      ],
    });
    expect(
      agent.dynamic_variables.map(({ name, description }: { name: string; description: string }) => ({
        name,
        description,
      })),
    ).toEqual([
      { name: 'customer_name', description: 'Caller name' },
      { name: 'order_id', description: '' },
      { name: 'zip', description: 'Postcode' },
    ]);
  });
});
