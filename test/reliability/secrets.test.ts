import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AGENTS_PATH, startScenario, type RunResult, type Scenario } from '../integration/harness.js';

// Secret leak: a distinctive value in every secret position the manifest allows, driven through
// every output (plan as text, JSON, Markdown and a saved file; apply as text, JSON and progress
// lines; failures; the debug trace) and every file the runs leave. None may hold a value, in any
// common encoding, while the emulator did receive each one.

/** By environment variable: the first values, then rotated ones. One holds characters that JSON and Python escape. */
const FIRST = {
  VAPI_API_KEY: 'LEAK-vapi-api-key-91c2',
  WEBHOOK_SECRET: 'LEAK-webhook-secret-5d7e',
  SIP_PASSWORD: 'LEAK-sip-password-0f3a',
  WS_PASSWORD: 'LEAK-ws-"pass\\word"-é-8b41',
  CHAT_CLIENT_SECRET: 'LEAK-chat-client-secret-c6d0',
  CHAT_WEBSOCKET_SECRET: 'LEAK-chat-websocket-secret-2e9f',
  LIVEKIT_API_KEY: 'LEAK-livekit-api-key-7a15',
  LIVEKIT_API_SECRET: 'LEAK-livekit-api-secret-4c88',
  LIVEKIT_ENCRYPTED_KEY: 'LEAK-livekit-encrypted-key-b3d2',
} as const;
type SecretEnv = keyof typeof FIRST;
const rotated = (round: number): Record<SecretEnv, string> =>
  Object.fromEntries(Object.entries(FIRST).map(([name, value]) => [name, `${value}-r${round}`])) as Record<
    SecretEnv,
    string
  >;

/** Where each variable goes, by agent name and secret path. */
const POSITIONS: { agent: string; path: string; env: SecretEnv }[] = [
  { agent: 'Voice Bot', path: '/provider/credentials/api_key', env: 'VAPI_API_KEY' },
  { agent: 'Voice Bot', path: '/webhook_secret', env: 'WEBHOOK_SECRET' },
  { agent: 'Voice Bot', path: '/telephony/sip_auth/password', env: 'SIP_PASSWORD' },
  { agent: 'Voice Bot', path: '/telephony/websocket_auth/password', env: 'WS_PASSWORD' },
  { agent: 'Voice Bot', path: '/provider/chat_agent_details/config/client_secret', env: 'CHAT_CLIENT_SECRET' },
  { agent: 'Voice Bot', path: '/provider/chat_agent_details/config/websocket_secret', env: 'CHAT_WEBSOCKET_SECRET' },
  { agent: 'LiveKit Bot', path: '/provider/credentials/api_key', env: 'LIVEKIT_API_KEY' },
  { agent: 'LiveKit Bot', path: '/provider/credentials/config/api_secret', env: 'LIVEKIT_API_SECRET' },
  { agent: 'LiveKit Bot', path: '/provider/credentials/config/encrypted_key', env: 'LIVEKIT_ENCRYPTED_KEY' },
];

const MANIFEST = `project: 42
agents:
  voice:
    name: Voice Bot
    description: Every secret position of a voice agent
    webhook_url: https://hooks.example.com/cekura
    webhook_secret: \${env:WEBHOOK_SECRET}
    telephony:
      inbound: true
      phone_number: "+14155551234"
      sip_auth: { username: cekura, password: "\${env:SIP_PASSWORD}" }
      websocket_auth:
        username: cekura
        password: \${env:WS_PASSWORD}
    provider:
      type: vapi
      agent_id: asst_voice
      credentials:
        api_key: \${env:VAPI_API_KEY}
      chat_agent_details:
        type: agentforce
        config:
          client_id: chat-client
          client_secret: \${env:CHAT_CLIENT_SECRET}
          websocket_secret: \${env:CHAT_WEBSOCKET_SECRET}
    mock_tools:
      - name: lookup
        description: Lookup
        mock_data: [{ input: { id: 1 }, output: { ok: true } }]
  livekit:
    name: LiveKit Bot
    description: LiveKit credentials
    provider:
      type: livekit
      agent_id: lk_agent
      credentials:
        api_key: \${env:LIVEKIT_API_KEY}
        config:
          url: wss://livekit.example.com
          api_secret: \${env:LIVEKIT_API_SECRET}
          encrypted_key: \${env:LIVEKIT_ENCRYPTED_KEY}
    mock_tools_enabled: true
`;

let scenario: Scenario;
let proxy: EchoProxy | undefined;
beforeEach(async () => {
  scenario = await startScenario({ env: { ...FIRST } });
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await scenario.close();
});

it('keeps every secret out of every output, file and log, across create, rotation and failures, while Cekura receives each', async () => {
  const debug = { CEKURAFORM_DEBUG: '1', CEKURAFORM_TRACE: 'requests.trace.jsonl' };
  const runs: RunResult[] = [];
  const run = async (argv: string[], env: Record<string, string> = {}, expectedCode = 0) => {
    const result = await scenario.run(argv, { env });
    runs.push(result);
    expect(result.code, `${argv.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(expectedCode);
    return result;
  };
  const planAllWays = async (file: string) => {
    await run(['plan', '--no-color']);
    await run(['plan', '--json']);
    await run(['plan', '--markdown']);
    await run(['plan', '--no-color', '--out', file], debug);
  };

  // Create: every secret is sent, from a saved plan, with the debug trace and progress lines.
  await planAllWays('create.plan');
  expect(runs[0]!.stdout).toContain('(sensitive value)');
  await run(['apply', '--auto-approve', '--no-color', 'create.plan'], debug);
  expectStored(FIRST);
  await scenario.expectNoChanges();

  // Rotation: each new value is sent as an update; apply as text and as JSON.
  const second = rotated(2);
  Object.assign(scenario.env, second);
  await planAllWays('rotate.plan');
  await run(['apply', '--auto-approve', '--json', 'rotate.plan']);
  expectStored(second);
  const third = rotated(3);
  Object.assign(scenario.env, third);
  await run(['apply', '--auto-approve', '--no-color'], debug);
  expectStored(third);

  // A failed write: a server that echoes the whole body back in a 400, as field errors and as `detail`.
  const fourth = rotated(4);
  Object.assign(scenario.env, fourth);
  proxy = await startEchoProxy(scenario.emulator.url);
  const viaProxy = { CEKURA_API_URL: proxy.url, ...debug };
  const echoed = await run(['apply', '--auto-approve', '--no-color'], viaProxy, 1);
  expect(echoed.stdout).toContain('Failed:');
  expect(proxy.echoed).toBeGreaterThanOrEqual(2);
  await run(['apply', '--auto-approve', '--json'], viaProxy, 1);
  await proxy.close();
  proxy = undefined;

  // A failed toggle in the same apply as a rotation.
  const liveKit = scenario.agentNamed('LiveKit Bot');
  expect(
    (await scenario.call('POST', `${AGENTS_PATH}${liveKit.id}/toggle-mock-tools/`, { enabled: false })).status,
  ).toBe(202);
  expect(scenario.agentNamed('LiveKit Bot').mock_tools_enabled).toBe(false);
  scenario.emulator.setFaults({
    toggles: { [String(liveKit.id)]: { outcome: 'fail', error: 'Provider refused the switch.' } },
  });
  const toggled = await run(['apply', '--auto-approve', '--no-color'], debug, 1);
  expect(toggled.stdout).toMatch(/agent\.livekit: .*failed: Provider refused the switch\./);
  scenario.emulator.clearFaults();
  await run(['apply', '--auto-approve', '--no-color']);
  expectStored(fourth);
  await scenario.expectNoChanges();

  // Nothing anywhere holds any of the values, in any common encoding.
  const values = [FIRST, second, third, fourth].flatMap((set) => Object.values(set));
  const forbidden = [...values, scenario.env.CEKURA_API_KEY!].flatMap(encodings);
  const texts = [
    ...runs.flatMap((result) => [result.stdout, result.stderr]),
    ...scenario.outputs,
    JSON.stringify(scenario.emulator.requests()),
  ];
  for (const text of texts)
    for (const value of forbidden) expect(text.includes(value), `output holds ${value}`).toBe(false);
  const files = await listFiles(scenario.dir);
  expect(files.some((file) => file.includes('backups'))).toBe(true);
  expect(files).toEqual(
    expect.arrayContaining([
      'create.plan',
      'rotate.plan',
      'requests.trace.jsonl',
      join('.cekuraform', 'default.state.json'),
    ]),
  );
  // The trace did record the writes that carried the secrets, and the echoed failures.
  const trace = (await readFile(join(scenario.dir, 'requests.trace.jsonl'), 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; method?: string; status?: number; body: unknown });
  expect(trace.filter((entry) => entry.type === 'request' && entry.method === 'POST').length).toBeGreaterThan(0);
  expect(trace.filter((entry) => entry.type === 'response' && entry.status === 400).length).toBeGreaterThan(0);
  expect(JSON.stringify(trace)).toContain('(sensitive value)');
  for (const file of files) {
    const bytes = await readFile(join(scenario.dir, file));
    for (const value of forbidden) expect(bytes.includes(Buffer.from(value)), `${file} holds ${value}`).toBe(false);
  }
});

function expectStored(values: Record<SecretEnv, string>): void {
  for (const { agent, path, env } of POSITIONS) {
    expect(scenario.emulator.storedWriteOnly(scenario.agentNamed(agent).id)[path], `${agent} ${path}`).toBe(
      values[env],
    );
  }
}

/** The value as it is, escaped inside a JSON string (as JSON.stringify and Python's json.dumps write it), base64, hex and URL-encoded. */
function encodings(value: string): string[] {
  const base64 = Buffer.from(value).toString('base64');
  const json = JSON.stringify(value).slice(1, -1);
  const asciiJson = json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [
    ...new Set([
      value,
      json,
      asciiJson,
      base64,
      base64.replace(/=+$/, ''),
      Buffer.from(value).toString('hex'),
      encodeURIComponent(value),
    ]),
  ];
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(root, join(prefix, entry.name)) : Promise.resolve([join(prefix, entry.name)]),
    ),
  );
  return nested.flat();
}

interface EchoProxy {
  url: string;
  /** Writes answered with the echo. */
  echoed: number;
  close(): Promise<void>;
}

/**
 * A server in front of the emulator that answers every agent write (POST or PATCH of an agent) with a
 * 400 quoting the whole body it was sent: in field errors for the first, in `detail` for the next,
 * alternately. Everything else is passed through.
 */
async function startEchoProxy(target: string): Promise<EchoProxy> {
  const state = { echoed: 0 };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const isAgentWrite =
      (request.method === 'POST' || request.method === 'PATCH') &&
      /\/aiagents\/(\d+\/)?$/.test(new URL(request.url ?? '/', 'http://proxy').pathname);
    if (isAgentWrite) {
      const reply =
        state.echoed++ % 2 === 0
          ? {
              provider: { credentials: { api_key: [`Invalid key in ${body}`] } },
              webhook_secret: [`Rejected: ${body}`],
              non_field_errors: [`Could not process ${body}`],
            }
          : { detail: `Bad request body: ${body}` };
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      return;
    }
    const forwarded = await fetch(target + (request.url ?? '/'), {
      method: request.method ?? 'GET',
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => ['x-cekura-api-key', 'content-type'].includes(name)),
      ) as Record<string, string>,
      ...(body === '' ? {} : { body }),
    });
    response
      .writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' })
      .end(await forwarded.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get echoed() {
      return state.echoed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
