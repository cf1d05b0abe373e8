import { createHmac } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintKeysOf, fingerprintSecret } from '../../src/state/fingerprint.js';
import { startScenario, STATE_FILE, type Scenario } from './harness.js';

// Secret fingerprints must not be checkable offline from what is committed: the state record (and a
// saved plan) hold fingerprints, so the key comes from the environment, never from the record.

const MANIFEST = `project: 42
agents:
  bot:
    name: Keyed Bot
    description: An agent with a secret
    provider:
      type: vapi
      agent_id: asst_1
      credentials:
        api_key: \${env:VAPI_API_KEY}
`;
const SECRET_PATH = '/provider/credentials/api_key';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario({ env: { VAPI_API_KEY: 'hunter2' } });
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(() => scenario.close());

/** HMAC-SHA256 as the record's fingerprints are made, truncated to 32 hex. */
const hmac = (key: Buffer, value: string) => createHmac('sha256', key).update(value).digest('hex').slice(0, 32);

describe('fingerprint keys', () => {
  it('the record alone does not let a guess be checked: no key in it, and the fingerprint needs CEKURA_API_KEY', async () => {
    expect((await scenario.apply()).code).toBe(0);
    const record = (await scenario.state())!;
    const fingerprint = record.agents['agent.bot']!.secrets[SECRET_PATH]!;

    expect(record).not.toHaveProperty('fingerprint_key');
    // Every string the file holds, tried as a key, as the attack on a committed record did.
    const text = await readFile(join(scenario.dir, STATE_FILE), 'utf8');
    const candidates = [...text.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
    for (const candidate of candidates) {
      for (const key of [Buffer.from(candidate, 'base64'), Buffer.from(candidate)])
        expect(fingerprint).not.toContain(hmac(key, 'hunter2'));
    }
    expect(fingerprint).toBe(fingerprintSecret(fingerprintKeysOf(scenario.env, record), 'hunter2'));
  });

  it('saves plans with mode 0600', async () => {
    expect((await scenario.plan('--out', 'change.plan')).code).toBe(0);

    expect((await stat(join(scenario.dir, 'change.plan'))).mode & 0o777).toBe(0o600);
  });

  it('a new CEKURAFORM_FINGERPRINT_KEY (or API key) sends the secrets once, then the plan is empty again', async () => {
    expect((await scenario.apply()).code).toBe(0);
    scenario.env.CEKURAFORM_FINGERPRINT_KEY = 'a-new-long-random-fingerprint-key';

    const rotated = await scenario.plan('--json');
    expect(JSON.parse(rotated.stdout).resource_changes[0]).toMatchObject({
      action: 'update',
      changes: [{ path: SECRET_PATH, sensitive: true }],
    });
    expect((await scenario.apply()).code).toBe(0);
    await scenario.expectNoChanges();
  });

  describe('a record written by an earlier version, with its key in the file', () => {
    async function makeLegacy(): Promise<Record<string, unknown>> {
      expect((await scenario.apply()).code).toBe(0);
      const record = (await scenario.state())! as unknown as Record<string, any>;
      const legacyKey = Buffer.alloc(32, 9);
      record.version = 1;
      record.fingerprint_key = legacyKey.toString('base64');
      record.agents['agent.bot'].secrets[SECRET_PATH] = hmac(legacyKey, 'hunter2');
      await writeFile(join(scenario.dir, STATE_FILE), JSON.stringify(record, null, 2));
      return record;
    }

    it('plans no change for an unchanged secret; the next apply re-keys it and removes the key', async () => {
      await makeLegacy();
      await scenario.expectNoChanges();

      const applied = await scenario.apply();
      expect(applied.code, applied.stderr).toBe(0);
      expect(scenario.writes()).toEqual([]);

      const record = (await scenario.state())!;
      expect(record.version).toBe(2);
      expect(record).not.toHaveProperty('fingerprint_key');
      expect(record.agents['agent.bot']!.secrets[SECRET_PATH]).toBe(
        fingerprintSecret(fingerprintKeysOf(scenario.env, record), 'hunter2'),
      );
      await scenario.expectNoChanges();
    });

    it('plans an update for a secret rotated since, and converges', async () => {
      await makeLegacy();
      scenario.env.VAPI_API_KEY = 'hunter3';

      const rotated = await scenario.plan('--json');
      expect(JSON.parse(rotated.stdout).summary).toMatchObject({ change: 1 });
      expect((await scenario.apply()).code).toBe(0);
      expect(scenario.emulator.storedWriteOnly(scenario.agentNamed('Keyed Bot').id)[SECRET_PATH]).toBe('hunter3');
      await scenario.expectNoChanges();
    });
  });
});
