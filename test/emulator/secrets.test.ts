import { SECRET_PATHS } from '../../src/cekura/fields.js';
import { describe, expect, it } from 'vitest';
import { AGENTS, call, createAgent, getAgent, patchAgent, useEmulator } from './helpers.js';

const emulator = useEmulator();

/** One value for every write-only path, each distinct so a leak is easy to spot. */
const secretBody = {
  webhook_url: 'https://hooks.example.com/x',
  webhook_secret: 'SECRET-webhook',
  telephony: {
    inbound: true,
    sip_auth: { username: 'sip-user', password: 'SECRET-sip' },
    websocket_auth: { username: 'ws-user', password: 'SECRET-ws' },
  },
  provider: {
    type: 'livekit',
    credentials: {
      api_key: 'SECRET-api-key',
      config: { api_secret: 'SECRET-api-secret', encrypted_key: 'SECRET-encrypted', url: 'wss://lk' },
    },
    chat_agent_details: {
      type: 'agentforce',
      config: { client_id: 'cid', client_secret: 'SECRET-client', websocket_secret: 'SECRET-websocket' },
    },
  },
};

describe('write-only fields', () => {
  it('are stored for every SECRET_PATHS entry and never returned by create, get, list or update', async () => {
    const created = await call(emulator.current, 'POST', AGENTS, {
      name: 'S',
      description: 'd',
      project: 1,
      ...secretBody,
    });
    const id = created.body.id;
    const read = await getAgent(emulator.current, id);
    const listed = await call(emulator.current, 'GET', AGENTS);
    const updated = await patchAgent(emulator.current, id, { name: 'T' });

    for (const response of [created, read, listed, updated])
      expect(JSON.stringify(response.body)).not.toContain('SECRET');
    expect(JSON.stringify(emulator.current.agents())).not.toContain('SECRET');
    expect(read.body.telephony.sip_auth).toEqual({ username: 'sip-user' });
    expect(read.body.provider.credentials).toEqual({ config: { url: 'wss://lk' } });
    expect(read.body.webhook_secret_configured).toBe(true);
    expect(emulator.current.storedWriteOnly(id)).toEqual({
      '/webhook_secret': 'SECRET-webhook',
      '/provider/credentials/api_key': 'SECRET-api-key',
      '/provider/credentials/config/api_secret': 'SECRET-api-secret',
      '/provider/credentials/config/encrypted_key': 'SECRET-encrypted',
      '/provider/chat_agent_details/config/client_secret': 'SECRET-client',
      '/provider/chat_agent_details/config/websocket_secret': 'SECRET-websocket',
      '/telephony/sip_auth/password': 'SECRET-sip',
      '/telephony/websocket_auth/password': 'SECRET-ws',
    });
    expect(Object.keys(emulator.current.storedWriteOnly(id)).sort()).toEqual([...SECRET_PATHS].sort());
  });

  it('survive a merge that does not name them, change when sent, and clear with null', async () => {
    const agent = await createAgent(emulator.current, secretBody);

    await patchAgent(emulator.current, agent.id, { provider: { credentials: { config: { url: 'wss://other' } } } });
    expect(emulator.current.storedWriteOnly(agent.id)['/provider/credentials/api_key']).toBe('SECRET-api-key');

    await patchAgent(emulator.current, agent.id, { provider: { credentials: { api_key: 'SECRET-rotated' } } });
    expect(emulator.current.storedWriteOnly(agent.id)['/provider/credentials/api_key']).toBe('SECRET-rotated');

    await patchAgent(emulator.current, agent.id, {
      provider: { credentials: { api_key: null } },
      telephony: { sip_auth: null },
    });
    const stored = emulator.current.storedWriteOnly(agent.id);
    expect(stored).not.toHaveProperty('/provider/credentials/api_key');
    expect(stored).not.toHaveProperty('/telephony/sip_auth/password');
  });

  it('report webhook_secret_configured, cleared by null or ""', async () => {
    const agent = await createAgent(emulator.current);
    expect(agent.webhook_secret_configured).toBe(false);
    expect(
      (await patchAgent(emulator.current, agent.id, { webhook_secret: 'SECRET-w' })).body.webhook_secret_configured,
    ).toBe(true);
    expect((await patchAgent(emulator.current, agent.id, { name: 'x' })).body.webhook_secret_configured).toBe(true);
    expect((await patchAgent(emulator.current, agent.id, { webhook_secret: '' })).body.webhook_secret_configured).toBe(
      false,
    );
    await patchAgent(emulator.current, agent.id, { webhook_secret: 'SECRET-w' });
    expect(
      (await patchAgent(emulator.current, agent.id, { webhook_secret: null })).body.webhook_secret_configured,
    ).toBe(false);
  });
});
