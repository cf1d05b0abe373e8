import { describe, expect, it } from 'vitest';
import type { WireAgent } from '../../src/api/types.js';
import { exportManifest } from '../../src/export/export.js';
import { agentKeys, slugOf } from '../../src/export/keys.js';
import { renderExport } from '../../src/export/render.js';
import type { JsonObject } from '../../src/json.js';
import { envName, isWebhookSecretConfigured } from '../../src/export/secrets.js';
import { plan } from '../../src/plan/plan.js';
import { newStateRecord } from '../../src/state/record.js';
import { loadText } from '../manifest/helpers.js';
import { live, PROJECT, wireAgent, wireTool } from '../plan/builders.js';

/** The body exported for one live agent alone in its project. */
function bodyOf(agent: WireAgent): unknown {
  return exportManifest(PROJECT, [agent]).agents[0]!.body;
}

const SELF_HOSTED = { type: 'self_hosted' };

describe('exportManifest: one agent', () => {
  it.each([
    {
      name: 'leaves server defaults and nulls out, keeps the description and the live mock mode',
      agent: wireAgent(1, { name: 'Bot', provider: SELF_HOSTED }),
      expect: { name: 'Bot', description: '', provider: { type: 'self_hosted' }, mock_tools_enabled: false },
    },
    {
      name: 'keeps what differs from the defaults',
      agent: wireAgent(1, {
        name: 'Bot',
        description: 'Books rooms',
        language: 'de',
        agent_speaks_first: false,
        telephony: { inbound: true, phone_number: '+14155551234', sip_uri: null, outbound_numbers: ['+1', '+2'] },
        provider: {
          ...SELF_HOSTED,
          credentials: { config: { url: 'wss://bot', headers: { a: null } } },
          auto_sync_prompt: null,
        },
        webhook_url: 'https://hooks.example/cekura',
        mock_tools_enabled: true,
      }),
      expect: {
        name: 'Bot',
        description: 'Books rooms',
        language: 'de',
        agent_speaks_first: false,
        telephony: { inbound: true, phone_number: '+14155551234', outbound_numbers: ['+1', '+2'] },
        provider: { type: 'self_hosted', credentials: { config: { url: 'wss://bot' } } },
        webhook_url: 'https://hooks.example/cekura',
        mock_tools_enabled: true,
      },
    },
    {
      name: 'writes tools sorted by name, without empty descriptions, empty mock data or direct routing',
      agent: wireAgent(1, {
        name: 'Bot',
        provider: SELF_HOSTED,
        mock_tools: [
          wireTool(7, 'lookup', {
            description: 'Look up',
            mock_data: [
              { input: { id: 'B' }, output: 2 },
              { input: { id: 'A' }, output: 1 },
            ],
            served_via: { type: 'mcp', mock_index: 2, url: 'https://x/mcp/2/' },
          }),
          wireTool(3, 'crm'),
        ],
      }),
      expect: {
        name: 'Bot',
        description: '',
        provider: { type: 'self_hosted' },
        mock_tools: [
          { name: 'crm' },
          {
            name: 'lookup',
            description: 'Look up',
            mock_data: [
              { input: { id: 'A' }, output: 1 },
              { input: { id: 'B' }, output: 2 },
            ],
            served_via: { type: 'mcp', mock_index: 2 },
          },
        ],
        mock_tools_enabled: false,
      },
    },
    {
      name: 'leaves out variables Cekura derives from placeholders, unless they were given a description',
      agent: wireAgent(1, {
        name: 'Bot',
        description: 'Hello {{customer_name}}, about {{order_id}}',
        provider: SELF_HOSTED,
        dynamic_variables: [
          { id: 1, name: 'customer_name', description: '' },
          { id: 2, name: 'order_id', description: 'The order' },
          { id: 3, name: 'zip', description: '' },
        ],
      }),
      expect: {
        name: 'Bot',
        description: 'Hello {{customer_name}}, about {{order_id}}',
        provider: { type: 'self_hosted' },
        dynamic_variables: [{ name: 'order_id', description: 'The order' }, { name: 'zip' }],
        mock_tools_enabled: false,
      },
    },
    {
      name: 'leaves dynamic_variables out when Cekura derives all of them',
      agent: wireAgent(1, {
        name: 'Bot',
        description: 'Hi {{name}}',
        provider: SELF_HOSTED,
        dynamic_variables: [{ id: 1, name: 'name', description: '' }],
      }),
      expect: { name: 'Bot', description: 'Hi {{name}}', provider: { type: 'self_hosted' }, mock_tools_enabled: false },
    },
    {
      name: 'escapes `${` so the loader does not read it as a reference',
      agent: wireAgent(1, {
        name: 'Costs ${price}',
        description: 'Say $${x} and ${env:HOME}',
        provider: SELF_HOSTED,
        mock_tools: [wireTool(1, 'quote', { mock_data: [{ input: { q: '${a}' }, output: '${b}' }] })],
      }),
      expect: {
        name: 'Costs $${price}',
        description: 'Say $$${x} and $${env:HOME}',
        provider: { type: 'self_hosted' },
        mock_tools: [{ name: 'quote', mock_data: [{ input: { q: '$${a}' }, output: '$${b}' }] }],
        mock_tools_enabled: false,
      },
    },
    {
      name: 'leaves out provider and telephony keys a manifest cannot hold',
      agent: wireAgent(1, {
        name: 'Bot',
        telephony: { inbound: false, carrier: 'x' },
        provider: { type: 'self_hosted', credential_status: 'valid', auto_dial_outbound: 'yes' },
      }),
      expect: { name: 'Bot', description: '', provider: { type: 'self_hosted' }, mock_tools_enabled: false },
    },
  ])('$name', ({ agent, expect: body }) => {
    expect(bodyOf(agent)).toEqual(body);
  });

  it('names what it left out: knowledge-base files and unsupported fields', () => {
    const [exported] = exportManifest(PROJECT, [
      wireAgent(1, {
        name: 'Bot',
        telephony: { carrier: 'x' },
        provider: { ...SELF_HOSTED, credential_status: 'valid' },
        knowledge_base_files: [
          { id: 2, file_name: 'terms.pdf' },
          { id: 1, file_name: 'faq.md', file_size: 10 },
        ],
      }),
    ]).agents;
    expect(exported).toMatchObject({
      knowledge_base_files: ['faq.md', 'terms.pdf'],
      unsupported_fields: ['provider.credential_status', 'telephony.carrier'],
    });
    expect(exported!.body).not.toHaveProperty('knowledge_base_files');
  });
});

interface SecretCase {
  name: string;
  fields: Partial<WireAgent>;
  secrets: string[][];
  provider: JsonObject;
}

describe('exportManifest: secrets', () => {
  it.each<SecretCase>([
    {
      name: 'a provider that requires an api key',
      fields: { provider: { type: 'vapi', agent_id: 'asst_1', credentials: { config: { public_key: 'pk' } } } },
      secrets: [['/provider/credentials/api_key', 'SUPPORT_BOT_VAPI_API_KEY']],
      provider: {
        type: 'vapi',
        agent_id: 'asst_1',
        credentials: { config: { public_key: 'pk' } },
      },
    },
    {
      name: 'livekit: the api key and the api secret',
      fields: { provider: { type: 'livekit', credentials: { config: { url: 'wss://lk' } } } },
      secrets: [
        ['/provider/credentials/api_key', 'SUPPORT_BOT_LIVEKIT_API_KEY'],
        ['/provider/credentials/config/api_secret', 'SUPPORT_BOT_LIVEKIT_API_SECRET'],
      ],
      provider: {
        type: 'livekit',
        credentials: { config: { url: 'wss://lk' } },
      },
    },
    {
      name: 'a self-hosted agent needs none',
      fields: { provider: SELF_HOSTED },
      secrets: [],
      provider: SELF_HOSTED,
    },
    {
      name: 'an agentforce chat needs its client secret',
      fields: {
        provider: {
          ...SELF_HOSTED,
          chat_agent_details: { type: 'agentforce', config: { agent_id: '0Xx', client_id: 'c', domain: 'd' } },
        },
      },
      secrets: [['/provider/chat_agent_details/config/client_secret', 'SUPPORT_BOT_AGENTFORCE_CLIENT_SECRET']],
      provider: {
        ...SELF_HOSTED,
        chat_agent_details: {
          type: 'agentforce',
          config: {
            agent_id: '0Xx',
            client_id: 'c',
            domain: 'd',
          },
        },
      },
    },
    // Secrets are asked for, but not written into the body: the YAML has them as comments (renderExport).
  ])('$name', ({ fields, secrets, provider }) => {
    const [exported] = exportManifest(PROJECT, [wireAgent(1, { name: 'Support Bot', ...fields })]).agents;
    expect(exported!.secrets.map((secret) => [secret.path, secret.env])).toEqual(secrets);
    expect(exported!.body.provider).toEqual(provider);
  });

  it('asks for the webhook secret and auth passwords only where Cekura says one is set', () => {
    const [exported] = exportManifest(PROJECT, [
      wireAgent(1, {
        name: 'Bot',
        provider: SELF_HOSTED,
        webhook_url: 'https://hooks.example',
        webhook_secret_configured: true,
        telephony: { inbound: false, sip_auth: { username: 'u' }, websocket_auth: null },
      }),
    ]).agents;
    expect(exported!.secrets).toEqual([
      { path: '/webhook_secret', env: 'BOT_WEBHOOK_SECRET' },
      { path: '/telephony/sip_auth/password', env: 'BOT_SIP_PASSWORD' },
    ]);
    expect(exported!.body).toMatchObject({
      telephony: { sip_auth: { username: 'u' } },
      webhook_url: 'https://hooks.example',
    });
    expect(Object.keys(exported!.body)).toEqual([
      'name',
      'description',
      'telephony',
      'provider',
      'webhook_url',
      'mock_tools_enabled',
    ]);
  });

  it.each([
    [true, true],
    [false, false],
    ['True', true],
    ['false', false],
    ['', false],
    [null, false],
    [undefined, false],
  ])('webhook_secret_configured %j is %s', (value, configured) => {
    expect(isWebhookSecretConfigured(value)).toBe(configured);
  });

  it('keeps suggested variable names unique across agents', () => {
    const exported = exportManifest(PROJECT, [
      wireAgent(1, { name: 'A self', provider: { type: 'hosted', credentials: {} }, webhook_secret_configured: true }),
      wireAgent(2, { name: 'A', provider: { type: 'self_hosted' }, webhook_secret_configured: true }),
    ]);
    expect(exported.agents.flatMap((agent) => agent.secrets.map((secret) => secret.env))).toEqual([
      'A_WEBHOOK_SECRET',
      'A_SELF_WEBHOOK_SECRET',
    ]);
    expect(envName(['2nd-bot', 'vapi', 'api_key'])).toBe('_2ND_BOT_VAPI_API_KEY');
  });
});

describe('agent keys', () => {
  it.each([
    ['Support Bot', 'support-bot'],
    ['  Café Ünïcode!! v2 ', 'cafe-unicode-v2'],
    ['already-a_key', 'already-a-key'],
    ['!!!', 'agent'],
    ['日本語', 'agent'],
  ])('%j → %s', (name, key) => {
    expect(slugOf(name)).toBe(key);
  });

  it('makes keys unique by id order, and a plain slug wins over a suffix', () => {
    const keys = agentKeys([
      { id: 9, name: 'Bot' },
      { id: 3, name: 'Bot' },
      { id: 5, name: 'Bot 2' },
      { id: 7, name: 'bot' },
    ]);
    expect(Object.fromEntries(keys)).toEqual({ 3: 'bot', 5: 'bot-2', 7: 'bot-3', 9: 'bot-4' });
  });

  it('pins with `id:` only the agents whose name is not unique in the project, and sorts by key', () => {
    const exported = exportManifest(PROJECT, [
      wireAgent(4, { name: 'Twin', provider: SELF_HOSTED }),
      wireAgent(2, { name: 'Twin', provider: SELF_HOSTED }),
      wireAgent(3, { name: 'Alone', provider: SELF_HOSTED }),
    ]);
    expect(exported.agents.map((agent) => [agent.key, agent.id, agent.pinned, agent.body.id])).toEqual([
      ['alone', 3, false, undefined],
      ['twin', 2, true, 2],
      ['twin-2', 4, true, 4],
    ]);
  });

  it('gives a selection the keys of a whole export and refuses ids outside the project', () => {
    const agents = [
      wireAgent(1, { name: 'Bot', provider: SELF_HOSTED }),
      wireAgent(2, { name: 'Bot', provider: SELF_HOSTED }),
      wireAgent(3, { name: 'Other', provider: SELF_HOSTED, project: 7 }),
    ];
    expect(exportManifest(PROJECT, agents, [2]).agents.map((agent) => agent.key)).toEqual(['bot-2']);
    expect(() => exportManifest(PROJECT, agents, [2, 3, 99])).toThrow('no agent 3, 99 in project 42');
    expect(() => exportManifest(5, agents)).toThrow('project 5 has no agents');
  });
});

describe('renderExport', () => {
  it('writes YAML that quotes only what needs it (YAML 1.1 lookalikes too), with the schema hint first and the secrets as comments', () => {
    const text = renderExport(
      exportManifest(PROJECT, [
        wireAgent(1, {
          name: 'Support Bot',
          description: 'Costs ${price}: ask {{customer_name}}',
          telephony: { inbound: true, phone_number: '+14155551234' },
          provider: { type: 'vapi', agent_id: 'asst_1' },
          mock_tools: [
            wireTool(1, 'get_order', {
              description: 'yes',
              mock_data: [{ input: { order_id: 'A1' }, output: { status: 'shipped', eta: '2026-02-01' } }],
            }),
            wireTool(2, 'crm', { served_via: { type: 'mcp', mock_index: 1 } }),
          ],
          knowledge_base_files: [{ id: 1, file_name: 'faq.md' }],
          mock_tools_enabled: true,
        }),
      ]),
    );
    expect(text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=manifest.schema.json

      project: 42
      agents:
        support-bot:
          name: Support Bot
          description: "Costs $\${price}: ask {{customer_name}}"
          telephony:
            inbound: true
            phone_number: "+14155551234"
          provider:
            type: vapi
            agent_id: asst_1
            # credentials:
            #   api_key: \${env:SUPPORT_BOT_VAPI_API_KEY}
          mock_tools:
            - name: crm
              served_via: { type: mcp, mock_index: 1 }
            - name: get_order
              description: "yes"
              mock_data:
                - input: { order_id: A1 }
                  output: { status: shipped, eta: "2026-02-01" }
          mock_tools_enabled: true
          # knowledge_base_files left out: file contents cannot be read back from Cekura (faq.md)

      # Secrets cannot be read from Cekura, so they are written above as comments and not managed. To
      # manage one, uncomment it and set its environment variable; the next apply sends its value:
      #   SUPPORT_BOT_VAPI_API_KEY  agent.support-bot provider.credentials.api_key
      "
    `);
  });
});

describe('export → manifest → plan', () => {
  it('plans no change without any environment variable set; uncommented secrets are the only change', async () => {
    const agents = [
      wireAgent(1, {
        name: 'Support Bot',
        description: 'Hello {{customer_name}}; costs ${price}',
        language: 'fr',
        telephony: { inbound: true, phone_number: '+14155551234', sip_uri: null, sip_auth: { username: 'u' } },
        provider: {
          type: 'vapi',
          agent_id: 'asst_1',
          credentials: { config: { public_key: 'pk' } },
          auto_import_calls: true,
        },
        webhook_url: 'https://hooks.example',
        webhook_secret_configured: 'true',
        mock_tools: [
          wireTool(1, 'get_order', {
            description: 'Look up',
            mock_data: [{ input: { id: 'A' }, output: { ok: true } }],
          }),
          wireTool(2, 'crm', { served_via: { type: 'mcp', mock_index: 1 } }),
        ],
        dynamic_variables: [
          { id: 1, name: 'customer_name', description: '' },
          { id: 2, name: 'tier', description: 'Loyalty tier' },
        ],
        mock_tools_enabled: true,
      }),
      wireAgent(2, {
        name: 'Twin',
        provider: {
          type: 'retell',
          agent_id: 'r1',
          chat_agent_details: { type: 'retell', config: { agent_id: 'c1' } },
        },
      }),
      wireAgent(3, {
        name: 'Twin',
        provider: { type: 'self_hosted' },
        knowledge_base_files: [{ id: 1, file_name: 'faq.md', file_size: 3 }],
      }),
    ];
    const exported = exportManifest(PROJECT, agents);
    const text = renderExport(exported);
    const fresh = plan(await loadText(text, {}), live(...agents), newStateRecord(), {
      prune: false,
      delete_related: false,
      mock_mode_via: 'toggle',
    });
    expect(fresh.resource_changes.map((change) => [change.address, change.action])).toEqual([
      ['agent.support-bot', 'no-op'],
      ['agent.twin', 'no-op'],
      ['agent.twin-2', 'no-op'],
    ]);

    const env = Object.fromEntries(
      exported.agents.flatMap((agent) => agent.secrets.map((secret) => [secret.env, `value-of-${secret.env}`])),
    );
    // Uncommenting each secret: `# api_key: ${env:…}` → `api_key: ${env:…}`, its parents included.
    const uncommented = text.replace(/^( +)# (?!.*left out)(.*)$/gm, '$1$2');
    const manifest = await loadText(uncommented, env);

    const result = plan(
      manifest,
      live(...agents),
      newStateRecord(),
      { prune: false, delete_related: false, mock_mode_via: 'toggle' },
      undefined,
      { current: Buffer.alloc(32).toString('base64') },
    );

    expect(result.mock_mode_changes).toEqual([]);
    expect(result.unmanaged).toEqual([]);
    expect(result.resource_changes.map((change) => [change.address, change.action, change.id, change.items])).toEqual([
      ['agent.support-bot', 'update', 1, []],
      ['agent.twin', 'update', 2, []],
      ['agent.twin-2', 'no-op', 3, []],
    ]);
    expect(
      result.resource_changes.flatMap((change) =>
        change.changes.map((field) => [change.address, field.op, field.path, field.sensitive]),
      ),
    ).toEqual([
      ['agent.support-bot', 'add', '/provider/credentials/api_key', true],
      ['agent.support-bot', 'add', '/telephony/sip_auth/password', true],
      ['agent.support-bot', 'add', '/webhook_secret', true],
      ['agent.twin', 'add', '/provider/credentials/api_key', true],
    ]);
  });
});
