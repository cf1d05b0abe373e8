import { copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXAMPLES_MANIFEST, SECRETS, STATE_FILE, startScenario, type Scenario } from './harness.js';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
});
afterEach(() => scenario.close());

const ROTATED_VAPI_KEY = 'vapi-rotated-5e6f7a8b-LEAKCHECK';

/** Every text a user or a log could see: each run's stdout and stderr, and every file apply and plan wrote. */
async function everythingVisible(): Promise<string> {
  return scenario.outputs.join('\n') + (await scenario.filesText());
}

it('never shows a secret value in output, plan files, the state record or backups, and sends it to Cekura', async () => {
  expect((await scenario.plan('--out', 'create.plan')).code).toBe(0);
  expect((await scenario.plan('--json')).code).toBe(0);
  expect((await scenario.run(['apply', '--auto-approve', 'create.plan', '--no-color'])).code).toBe(0);
  expect(scenario.emulator.storedWriteOnly(scenario.agentNamed('Support Bot').id)).toMatchObject({
    '/provider/credentials/api_key': SECRETS.VAPI_API_KEY,
  });
  expect(scenario.emulator.storedWriteOnly(scenario.agentNamed('Retell Booking Agent').id)).toMatchObject({
    '/provider/credentials/api_key': SECRETS.RETELL_API_KEY,
  });
  await scenario.expectNoChanges();

  // Rotation: the new value is sent as an update, shown only as a sensitive change.
  scenario.env.VAPI_API_KEY = ROTATED_VAPI_KEY;
  const plan = await scenario.plan('--out', 'rotate.plan', '--detailed-exitcode');
  expect(plan.code).toBe(2);
  expect(plan.stdout).toContain('~ provider.credentials.api_key: (sensitive value)');
  expect((await scenario.run(['plan', '--markdown'])).code).toBe(0);
  const rotated = await scenario.run(['apply', '--auto-approve', 'rotate.plan', '--json']);
  expect(rotated.code).toBe(0);
  expect(JSON.parse(rotated.stdout).backup_file).toEqual(expect.any(String));
  expect(
    scenario.emulator.storedWriteOnly(scenario.agentNamed('Support Bot').id)['/provider/credentials/api_key'],
  ).toBe(ROTATED_VAPI_KEY);
  await scenario.expectNoChanges();

  // The state record and backups are readable by their owner only.
  const backupFile = JSON.parse(rotated.stdout).backup_file as string;
  for (const file of [join(scenario.dir, STATE_FILE), backupFile]) expect((await stat(file)).mode & 0o777).toBe(0o600);

  const visible = await everythingVisible();
  expect(visible).toContain('(sensitive value)');
  for (const secret of [SECRETS.VAPI_API_KEY, SECRETS.RETELL_API_KEY, ROTATED_VAPI_KEY, scenario.env.CEKURA_API_KEY!]) {
    expect(visible).not.toContain(secret);
  }
});

it("keeps secrets out of the debug trace and of a failed write's error", async () => {
  // Every create fails with a 400 the server words from the body; the debug trace logs each request.
  await scenario.write(
    'agents.yaml',
    [
      'project: 42',
      'agents:',
      '  bot:',
      '    name: Bot',
      '    description: A bot',
      '    language: tlh',
      '    telephony: { inbound: false }',
      '    provider:',
      '      type: vapi',
      '      credentials:',
      '        api_key: ${env:VAPI_API_KEY}',
      '',
    ].join('\n'),
  );
  const result = await scenario.run(['apply', '--auto-approve', '--no-color'], { env: { CEKURAFORM_DEBUG: '1' } });

  expect(result.code).toBe(1);
  expect(result.stderr).toContain('debug: POST /test_framework/v2/aiagents/ 400');
  const visible = await everythingVisible();
  expect(visible).not.toContain(SECRETS.VAPI_API_KEY);
  expect(visible).not.toContain(scenario.env.CEKURA_API_KEY!);
});
