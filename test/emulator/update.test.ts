import { describe, expect, it } from 'vitest';
import { AGENTS, call, createAgent, getAgent, manualClock, patchAgent, useEmulator } from './helpers.js';

const clock = manualClock();
const emulator = useEmulator({ clock });

const vapiProvider = {
  type: 'vapi',
  agent_id: 'asst_1',
  credentials: { api_key: 'vapi_sk', config: { public_key: 'pk_1', trigger_url: 'https://vapi.example/call' } },
  auto_import_calls: true,
};

describe('PATCH', () => {
  it('leaves every field the body omits alone', async () => {
    const agent = await createAgent(emulator.current, {
      language: 'fr',
      provider: vapiProvider,
      webhook_url: 'https://h.example/x',
    });
    clock.advance(1000);

    const response = await patchAgent(emulator.current, agent.id, { name: 'Renamed' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...agent, name: 'Renamed', updated_at: new Date(clock.now()).toISOString() });
  });

  it('merges telephony key by key (RFC 7386), null clearing a key', async () => {
    const agent = await createAgent(emulator.current, {
      phone_number: '+1000',
      telephony: { inbound: true, sip_uri: 'sip:a@b', outbound_numbers: ['+1', '+2'] },
    });

    const response = await patchAgent(emulator.current, agent.id, {
      telephony: { sip_uri: null, outbound_numbers: ['+3'] },
    });

    expect(response.body.telephony).toEqual({
      inbound: true,
      phone_number: '+1000',
      sip_uri: null,
      outbound_numbers: ['+3'],
    });
  });

  it('merges provider at every depth and clears a nested object with null', async () => {
    const agent = await createAgent(emulator.current, {
      provider: { ...vapiProvider, chat_agent_details: { type: 'vapi', config: { agent_id: 'chat_1' } } },
    });

    const merged = await patchAgent(emulator.current, agent.id, {
      provider: { agent_id: 'asst_2', credentials: { config: { public_key: 'pk_2' } }, auto_import_calls: null },
    });
    expect(merged.body.provider).toEqual({
      type: 'vapi',
      agent_id: 'asst_2',
      credentials: { config: { public_key: 'pk_2', trigger_url: 'https://vapi.example/call' } },
      chat_agent_details: { type: 'vapi', config: { agent_id: 'chat_1' } },
    });

    const cleared = await patchAgent(emulator.current, agent.id, { provider: { chat_agent_details: null } });
    expect(cleared.body.provider).not.toHaveProperty('chat_agent_details');
  });

  it('clears the chat overlay when its type is ""', async () => {
    const agent = await createAgent(emulator.current, {
      provider: { type: 'retell', chat_agent_details: { type: 'retell', config: { agent_id: 'c' } } },
    });
    const response = await patchAgent(emulator.current, agent.id, { provider: { chat_agent_details: { type: '' } } });
    expect(response.body.provider).toEqual({ type: 'retell' });
  });

  it('empties an object field sent as null', async () => {
    const agent = await createAgent(emulator.current, {
      provider: vapiProvider,
      telephony: { inbound: true, sip_uri: 'sip:x@y' },
    });
    const response = await patchAgent(emulator.current, agent.id, { provider: null, telephony: null });
    expect(response.body.provider).toEqual({});
    expect(response.body.telephony).toEqual({ inbound: false, phone_number: null, sip_uri: null });
    expect(emulator.current.storedWriteOnly(agent.id)).toEqual({});
  });

  it('ignores mock_tools_enabled: only a toggle changes it', async () => {
    const agent = await createAgent(emulator.current);
    const response = await patchAgent(emulator.current, agent.id, { mock_tools_enabled: true });
    expect(response.status).toBe(200);
    expect(response.body.mock_tools_enabled).toBe(false);
  });

  it('changes nothing when it rejects a body', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [{ name: 'keep_me' }] });
    clock.advance(1000);

    const response = await patchAgent(emulator.current, agent.id, {
      name: 'Changed',
      telephony: { phone_number: '+9' },
      mock_tools: [{ name: 'new_tool' }, { name: 'bad name!' }],
    });

    expect(response.status).toBe(400);
    expect((await getAgent(emulator.current, agent.id)).body).toEqual(agent);
  });
});

describe('PUT', () => {
  it('requires name and description and otherwise updates like PATCH', async () => {
    const agent = await createAgent(emulator.current, { provider: vapiProvider });

    const refused = await call(emulator.current, 'PUT', `${AGENTS}${agent.id}/`, { language: 'es' });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ name: ['This field is required.'], description: ['This field is required.'] });

    const response = await call(emulator.current, 'PUT', `${AGENTS}${agent.id}/`, {
      name: 'N',
      description: 'D',
      language: 'es',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'N',
      description: 'D',
      language: 'es',
      provider: { type: 'vapi', agent_id: 'asst_1' },
    });
  });
});

describe('variables from description placeholders', () => {
  it('adds one when the description is saved, keeping existing ones and their descriptions', async () => {
    const agent = await createAgent(emulator.current, {
      dynamic_variables: [{ name: 'customer_name', description: 'Caller' }],
    });

    const response = await patchAgent(emulator.current, agent.id, {
      description: 'Hi {{customer_name}}, about {{order_id}}',
    });

    expect(response.body.dynamic_variables).toEqual([
      { id: agent.dynamic_variables[0].id, name: 'customer_name', description: 'Caller' },
      { id: expect.any(Number), name: 'order_id', description: '' },
    ]);
  });

  it('adds none when the description is not in the body', async () => {
    const agent = await createAgent(emulator.current, { description: 'Hi {{customer_name}}' });

    const response = await patchAgent(emulator.current, agent.id, { dynamic_variables: [] });

    expect(response.body.dynamic_variables).toEqual([]);
  });

  it('re-adds a placeholder variable that the same write’s set omitted', async () => {
    const agent = await createAgent(emulator.current, { description: 'Hi {{customer_name}}' });

    const response = await patchAgent(emulator.current, agent.id, {
      description: 'Hi {{customer_name}}',
      dynamic_variables: [],
    });

    expect(response.body.dynamic_variables).toEqual([
      { id: expect.any(Number), name: 'customer_name', description: '' },
    ]);
    expect(response.body.dynamic_variables[0].id).not.toBe(agent.dynamic_variables[0].id);
  });
});
