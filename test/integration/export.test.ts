import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { WireAgent } from '../../src/api/types.js';
import { AGENTS_PATH, startScenario, type Scenario } from './harness.js';

// `cekuraform export` against agents made "in the UI": the manifest it writes, planned right after,
// asks only for the secrets; applied, it converges.

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

/** Agents of project 42 with everything export must carry over, plus an agent of another project. */
async function createAgents(): Promise<Record<'support' | 'booking' | 'onprem' | 'twinA' | 'twinB', WireAgent>> {
  const support = await scenario.createDirectly({
    name: 'Support Bot',
    description: 'Helps {{customer_name}} with orders; prices in ${currency}',
    telephony: { inbound: true, phone_number: '+14155551234' },
    provider: {
      type: 'vapi',
      agent_id: 'asst_abc123',
      credentials: { api_key: 'ui-vapi-key', config: { public_key: 'pk_1', trigger_url: 'https://api.vapi.ai/call' } },
      auto_import_calls: true,
    },
    webhook_url: 'https://hooks.example.com/cekura',
    webhook_secret: 'ui-webhook-secret',
    mock_tools: [
      {
        name: 'get_order',
        description: 'Look up an order',
        mock_data: [
          { input: { order_id: 'B2' }, output: { status: 'processing' } },
          { input: { order_id: 'A1' }, output: { status: 'shipped', eta: '2026-02-01' } },
        ],
      },
      { name: 'crm_lookup', description: 'CRM read', mock_data: [], served_via: { type: 'mcp', mock_index: 1 } },
      { name: 'crm_update', served_via: { type: 'mcp', mock_index: 1 } },
    ],
    dynamic_variables: [
      { name: 'order_id', description: 'The order asked about' },
      { name: 'zip', description: '' },
    ],
  });
  await enableMockMode(support.id);
  const booking = await scenario.createDirectly({
    name: 'Retell Booking Agent',
    description: 'Schedules appointments',
    language: 'es',
    agent_speaks_first: true,
    provider: {
      type: 'retell',
      agent_id: 'retell_voice_1',
      credentials: { api_key: 'ui-retell-key' },
      chat_agent_details: { type: 'retell', config: { agent_id: 'retell_chat_1' } },
    },
    dynamic_variables: [{ name: 'preferred_date', description: 'ISO 8601' }],
  });
  const onprem = await scenario.createDirectly({
    name: 'On-prem Concierge',
    description: 'Self-hosted',
    provider: {
      type: 'custom',
      chat_agent_details: { type: 'self_hosted' },
      credentials: { config: { url: 'wss://concierge.example/voice' } },
    },
    mock_tools: [
      { name: 'check_availability', mock_data: [{ input: { date: '2026-03-01' }, output: { rooms: [101, 204] } }] },
    ],
  });
  const twinA = await scenario.createDirectly({
    name: 'Twin',
    provider: { type: 'custom', chat_agent_details: { type: 'self_hosted' } },
  });
  const twinB = await scenario.createDirectly({
    name: 'Twin',
    description: 'the other one',
    provider: { type: 'custom', chat_agent_details: { type: 'self_hosted' } },
  });
  await scenario.createDirectly({ name: 'Elsewhere', project: 7 });
  scenario.emulator.clearRequests();
  return { support, booking, onprem, twinA, twinB };
}

async function enableMockMode(id: number): Promise<void> {
  const started = await scenario.call('POST', `${AGENTS_PATH}${id}/toggle-mock-tools/`, { enabled: true });
  expect(started.status).toBe(202);
  const progress = await scenario.call(
    'GET',
    `${AGENTS_PATH}${id}/toggle-mock-tools-progress/?progress_id=${started.body.progress_id}`,
  );
  expect(progress.body.status).toBe('completed');
}

const SECRET_ENV = {
  SUPPORT_BOT_VAPI_API_KEY: 'vapi-from-ci',
  SUPPORT_BOT_WEBHOOK_SECRET: 'webhook-from-ci',
  RETELL_BOOKING_AGENT_RETELL_API_KEY: 'retell-from-ci',
};

describe('export of a whole project', () => {
  it('writes a manifest that plans as no change without any variable set; uncommented secrets apply and converge', async () => {
    const agents = await createAgents();

    const exported = await scenario.run(['export', '--project', '42', '-o', 'agents.yaml']);

    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toBe(
      'Exported 5 agents of project 42 to agents.yaml.\n' +
        'Secrets are written as comments, not managed: to manage one, uncomment it and set its variable (RETELL_BOOKING_AGENT_RETELL_API_KEY, SUPPORT_BOT_WEBHOOK_SECRET, SUPPORT_BOT_VAPI_API_KEY).\n',
    );
    expect(scenario.requestsOf('list').length).toBeGreaterThan(0);
    expect(scenario.writes()).toEqual([]);
    const text = await readFile(join(scenario.dir, 'agents.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=manifest.schema.json');
    const manifest = parse(text);
    expect(Object.keys(manifest.agents)).toEqual([
      'on-prem-concierge',
      'retell-booking-agent',
      'support-bot',
      'twin',
      'twin-2',
    ]);
    expect(manifest.agents['support-bot']).toEqual({
      name: 'Support Bot',
      description: 'Helps {{customer_name}} with orders; prices in $${currency}',
      telephony: { inbound: true, phone_number: '+14155551234' },
      provider: { type: 'vapi', agent_id: 'asst_abc123', auto_import_calls: true },
      webhook_url: 'https://hooks.example.com/cekura',
      mock_tools: [
        { name: 'crm_lookup', description: 'CRM read', served_via: { type: 'mcp', mock_index: 1 } },
        { name: 'crm_update', served_via: { type: 'mcp', mock_index: 1 } },
        {
          name: 'get_order',
          description: 'Look up an order',
          mock_data: [
            { input: { order_id: 'A1' }, output: { status: 'shipped', eta: '2026-02-01' } },
            { input: { order_id: 'B2' }, output: { status: 'processing' } },
          ],
        },
      ],
      dynamic_variables: [{ name: 'order_id', description: 'The order asked about' }, { name: 'zip' }],
      mock_tools_enabled: true,
    });
    expect(manifest.agents['retell-booking-agent']).toMatchObject({
      language: 'es',
      agent_speaks_first: true,
      provider: { chat_agent_details: { type: 'retell', config: { agent_id: 'retell_chat_1' } } },
    });
    expect(manifest.agents['on-prem-concierge'].provider).toEqual({
      type: 'custom',
      chat_agent_details: { type: 'self_hosted' },
      credentials: { config: { url: 'wss://concierge.example/voice' } },
    });
    expect([manifest.agents.twin.id, manifest.agents['twin-2'].id]).toEqual([agents.twinA.id, agents.twinB.id]);
    expect(manifest.agents['support-bot']).not.toHaveProperty('id');

    expect(text).toContain(
      '      # credentials:\n      #   config:\n      #     public_key: pk_1\n      #     trigger_url: https://api.vapi.ai/call\n      #   api_key: ${env:SUPPORT_BOT_VAPI_API_KEY}\n',
    );
    expect(text).toContain('    # webhook_secret: ${env:SUPPORT_BOT_WEBHOOK_SECRET}\n');

    // Without any variable set, a fresh export plans as no change.
    const fresh = await scenario.plan('--detailed-exitcode');
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain('No changes.');
    // The twins are pinned by `id:` and there is no record yet: the plan says so.
    expect(fresh.stderr).toContain('agent.twin, agent.twin-2 are pinned with `id:`');

    // Uncommented, the secrets are the only change: sent once, as adds.
    await scenario.write('agents.yaml', text.replace(/^( +)# (?!.*left out)(.*)$/gm, '$1$2'));
    Object.assign(scenario.env, SECRET_ENV);
    const plan = JSON.parse((await scenario.plan('--json')).stdout);
    expect(plan.summary).toMatchObject({ add: 0, change: 2, destroy: 0, mock_mode_toggles: 0 });
    expect(plan.unmanaged).toEqual([]);
    expect(
      plan.resource_changes.map((change: any) => [change.address, change.action, change.id, change.items]),
    ).toEqual([
      ['agent.on-prem-concierge', 'no-op', agents.onprem.id, []],
      ['agent.retell-booking-agent', 'update', agents.booking.id, []],
      ['agent.support-bot', 'update', agents.support.id, []],
      ['agent.twin', 'no-op', agents.twinA.id, []],
      ['agent.twin-2', 'no-op', agents.twinB.id, []],
    ]);
    expect(
      plan.resource_changes.flatMap((change: any) =>
        change.changes.map((field: any) => [change.address, field.op, field.path, field.value]),
      ),
    ).toEqual([
      ['agent.retell-booking-agent', 'add', '/provider/credentials/api_key', '(sensitive value)'],
      ['agent.support-bot', 'add', '/provider/credentials/api_key', '(sensitive value)'],
      ['agent.support-bot', 'add', '/webhook_secret', '(sensitive value)'],
    ]);

    const applied = await scenario.apply();
    expect(applied.code, applied.stdout).toBe(0);
    expect(scenario.emulator.storedWriteOnly(agents.support.id)).toMatchObject({
      '/provider/credentials/api_key': 'vapi-from-ci',
      '/webhook_secret': 'webhook-from-ci',
    });
    expect(
      scenario
        .agentNamed('Support Bot')
        .mock_tools!.map((tool) => tool.id)
        .sort(),
    ).toEqual(agents.support.mock_tools!.map((tool) => tool.id).sort());
    await scenario.expectNoChanges();
  });

  it('prints the manifest on stdout, or in --json with what it asks for', async () => {
    await createAgents();

    const yaml = await scenario.run(['export', '--project', '42']);
    const json = await scenario.run(['export', '--project', '42', '--json']);

    expect(yaml.code).toBe(0);
    expect(yaml.stdout.startsWith('# yaml-language-server: $schema=manifest.schema.json\n')).toBe(true);
    expect(yaml.stdout).toContain(
      '#   SUPPORT_BOT_VAPI_API_KEY             agent.support-bot provider.credentials.api_key\n',
    );
    const result = JSON.parse(json.stdout);
    expect(result.manifest).toBe(yaml.stdout);
    expect(result).toMatchObject({ status: 'ok', project: 42, file: null });
    expect(result.agents.map((agent: any) => [agent.address, agent.pinned])).toEqual([
      ['agent.on-prem-concierge', false],
      ['agent.retell-booking-agent', false],
      ['agent.support-bot', false],
      ['agent.twin', true],
      ['agent.twin-2', true],
    ]);
    expect(result.secrets).toEqual([
      {
        env: 'RETELL_BOOKING_AGENT_RETELL_API_KEY',
        address: 'agent.retell-booking-agent',
        path: '/provider/credentials/api_key',
      },
      { env: 'SUPPORT_BOT_WEBHOOK_SECRET', address: 'agent.support-bot', path: '/webhook_secret' },
      { env: 'SUPPORT_BOT_VAPI_API_KEY', address: 'agent.support-bot', path: '/provider/credentials/api_key' },
    ]);
  });
});

describe('export of selected agents', () => {
  it('writes only those, keeps the keys of a whole export, and plans the rest as unmanaged', async () => {
    const agents = await createAgents();

    const exported = await scenario.run([
      'export',
      '--project',
      '42',
      '--agent',
      String(agents.twinB.id),
      '--agent',
      String(agents.booking.id),
      '-o',
      'agents.yaml',
    ]);

    expect(exported.code, exported.stderr).toBe(0);
    const manifest = parse(await readFile(join(scenario.dir, 'agents.yaml'), 'utf8'));
    expect(manifest.agents).toEqual({
      'retell-booking-agent': expect.objectContaining({ name: 'Retell Booking Agent' }),
      'twin-2': {
        id: agents.twinB.id,
        name: 'Twin',
        description: 'the other one',
        provider: { type: 'custom', chat_agent_details: { type: 'self_hosted' } },
        mock_tools_enabled: false,
      },
    });

    const plan = JSON.parse((await scenario.plan('--json')).stdout);
    expect(
      plan.resource_changes.map((change: any) => [
        change.address,
        change.action,
        change.changes.map((field: any) => field.path),
      ]),
    ).toEqual([
      ['agent.retell-booking-agent', 'no-op', []],
      ['agent.twin-2', 'no-op', []],
    ]);
    expect(plan.unmanaged.map((agent: any) => agent.id)).toEqual([
      agents.support.id,
      agents.onprem.id,
      agents.twinA.id,
    ]);
  });

  it('refuses an id that is not in the project, sending no write', async () => {
    await createAgents();
    const other = scenario.agentNamed('Elsewhere');

    const result = await scenario.run(['export', '--project', '42', '--agent', String(other.id), '--no-color']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: no agent ${other.id} in project 42\nhint: check the ids given with --agent and the --project they belong to\n`,
    );
    expect(result.stdout).toBe('');
  });
});

describe('export -o', () => {
  it('refuses to overwrite a file before any request, unless --force', async () => {
    await createAgents();
    await scenario.write('agents.yaml', 'project: 1\n');

    const refused = await scenario.run(['export', '--project', '42', '-o', 'agents.yaml', '--no-color']);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'error: agents.yaml already exists\nhint: pass --force to overwrite it, or give another file with -o\n',
    );
    expect(await readFile(join(scenario.dir, 'agents.yaml'), 'utf8')).toBe('project: 1\n');
    expect(scenario.emulator.requests()).toEqual([]);
    const json = await scenario.run(['export', '--project', '42', '-o', 'agents.yaml', '--json']);
    expect(JSON.parse(json.stdout).error.code).toBe('output_exists');

    const forced = await scenario.run(['export', '--project', '42', '-o', 'agents.yaml', '--force']);

    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(scenario.dir, 'agents.yaml'), 'utf8')).toContain('support-bot:');
  });
});
