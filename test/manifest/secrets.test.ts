import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadError, loadText } from './helpers.js';

const SECRET = 'sk-live-DISTINCTIVE-4242';

const MANIFEST = `project: 42
agents:
  support:
    name: Support
    webhook_url: https://hooks.example.com/cekura
    webhook_secret: \${env:WEBHOOK_SECRET}
    telephony:
      sip_auth: { password: "\${env:SIP_PASSWORD}" }
      inbound: true
    provider:
      type: livekit
      credentials:
        api_key: \${env:LIVEKIT_API_KEY}
        config:
          api_secret: \${env:LIVEKIT_API_SECRET}
          url: wss://acme.livekit.cloud
`;

const ENV = { WEBHOOK_SECRET: SECRET, SIP_PASSWORD: SECRET, LIVEKIT_API_KEY: SECRET, LIVEKIT_API_SECRET: SECRET };

describe('secrets', () => {
  it('go to `secrets`, sorted by path, and leave the document with the objects they emptied', async () => {
    const [agent] = (await loadText(MANIFEST, ENV)).agents;
    expect(agent!.secrets.map(({ path, env }) => ({ path, env }))).toEqual([
      { path: '/provider/credentials/api_key', env: 'LIVEKIT_API_KEY' },
      { path: '/provider/credentials/config/api_secret', env: 'LIVEKIT_API_SECRET' },
      { path: '/telephony/sip_auth/password', env: 'SIP_PASSWORD' },
      { path: '/webhook_secret', env: 'WEBHOOK_SECRET' },
    ]);
    expect(agent!.secrets[0]!.value.reveal()).toBe(SECRET);
    expect(agent!.doc).toEqual({
      name: 'Support',
      webhook_url: 'https://hooks.example.com/cekura',
      telephony: { inbound: true },
      provider: { type: 'livekit', credentials: { config: { url: 'wss://acme.livekit.cloud' } } },
    });
    expect(agent!.locateField('/provider/credentials/api_key')).toEqual({ file: 'cekura.yaml', line: 13, col: 18 });
  });

  it('never show their value in the manifest, its hash or its printed form', async () => {
    const manifest = await loadText(MANIFEST, ENV);
    expect(JSON.stringify(manifest)).not.toContain(SECRET);
    expect(inspect(manifest, { depth: Infinity })).not.toContain(SECRET);
    expect(manifest.hash).toBe((await loadText(MANIFEST, { ...ENV, LIVEKIT_API_KEY: 'another value' })).hash);
    expect(manifest.hash).not.toBe(
      (await loadText(MANIFEST.replace('${env:LIVEKIT_API_KEY}', '${env:OTHER_KEY}'), { ...ENV, OTHER_KEY: SECRET }))
        .hash,
    );
  });

  it('never show their value in issues, warnings or the thrown error', async () => {
    const broken = `${MANIFEST}    language: english
    mock_tool: []
    description: \${env:MISSING}
`;
    const error = await loadError(loadText(broken.replace('type: livekit', 'type: livekat'), ENV));
    expect(error.issues.length).toBeGreaterThan(1);
    for (const text of [
      JSON.stringify(error.issues),
      JSON.stringify(error.meta),
      error.message,
      inspect(error, { depth: Infinity }),
    ]) {
      expect(text).not.toContain(SECRET);
    }
    const manifest = await loadText(MANIFEST.replace('type: livekit', 'type: livekat'), ENV);
    expect(manifest.warnings).toHaveLength(1);
    expect(JSON.stringify(manifest.warnings)).not.toContain(SECRET);
  });

  it('must be set and not empty in the environment', async () => {
    const error = await loadError(loadText(MANIFEST, { ...ENV, WEBHOOK_SECRET: undefined, SIP_PASSWORD: '' }));
    expect(error.issues).toMatchInlineSnapshot(`
      [
        {
          "col": 21,
          "file": "cekura.yaml",
          "hint": "set WEBHOOK_SECRET before running cekuraform",
          "line": 6,
          "message": "environment variable WEBHOOK_SECRET is not set",
          "path": "agents.support.webhook_secret",
        },
        {
          "col": 29,
          "file": "cekura.yaml",
          "hint": "set SIP_PASSWORD before running cekuraform",
          "line": 8,
          "message": "environment variable SIP_PASSWORD is empty",
          "path": "agents.support.telephony.sip_auth.password",
        },
      ]
    `);
  });
});

describe('environment variables named like Object.prototype members (issue 11, item 1)', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty'])(
    'reports ${env:%s} as unset, not as a function',
    async (name) => {
      const yaml = [
        'project: 1',
        'agents:',
        '  bot:',
        `    name: Bot \${env:${name}}`,
        '    provider:',
        '      type: vapi',
        `      credentials: { api_key: "\${env:${name}}" }`,
        '',
      ].join('\n');
      const error = await loadError(loadText(yaml, {}));
      expect(error.issues.map((issue) => issue.message)).toEqual([
        `environment variable ${name} is not set`,
        `environment variable ${name} is not set`,
      ]);
    },
  );
});
