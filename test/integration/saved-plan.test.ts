import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseSavedPlan } from '../../src/plan/saved.js';
import { AGENTS_PATH, EXAMPLES_MANIFEST, startScenario, type Scenario } from './harness.js';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
});
afterEach(() => scenario.close());

async function savePlan(): Promise<void> {
  const saved = await scenario.plan('--out', 'reviewed.plan');
  expect(saved.code).toBe(0);
  expect(saved.stderr).toBe('Saved the plan to reviewed.plan; apply it with `cekuraform apply reviewed.plan`.\n');
}

function applySaved(env?: Record<string, string | undefined>) {
  // No --auto-approve and no terminal: a saved plan was reviewed when it was made.
  return scenario.run(['apply', '--no-color', 'reviewed.plan'], env === undefined ? {} : { env });
}

it('applies a saved plan exactly, and the next plan is empty', async () => {
  await savePlan();
  const saved = JSON.parse(await readFile(join(scenario.dir, 'reviewed.plan'), 'utf8'));
  expect(saved.summary).toMatchObject({ add: 3, change: 0, destroy: 0, mock_mode_toggles: 1 });
  expect(scenario.emulator.requests().map((request) => request.kind)).toEqual(['list', 'toggle_progress']);

  const result = await applySaved();

  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toContain('Apply complete: 3 added, 0 changed, 0 destroyed; 1 mock-mode change.');
  expect(scenario.emulator.agents()).toHaveLength(3);
  await scenario.expectNoChanges();
});

it('refuses a saved plan when an agent it writes changed in Cekura since, naming the agent and field', async () => {
  expect((await scenario.apply()).code).toBe(0);
  await scenario.expectNoChanges();
  await scenario.write(
    'agents.yaml',
    (await readFile(EXAMPLES_MANIFEST, 'utf8')).replace('Schedules appointments', 'Books appointments'),
  );
  await savePlan();
  const booking = scenario.agentNamed('Retell Booking Agent');
  await scenario.call('PATCH', `${AGENTS_PATH}${booking.id}/`, { agent_speaks_first: false });
  scenario.emulator.clearRequests();

  const result = await applySaved();

  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(
    `error: agent.booking-agent (agent ${booking.id}) changed in Cekura since the plan was made: agent_speaks_first\n` +
      'hint: run `cekuraform plan` again and apply the new plan\n',
  );
  expect(scenario.writes()).toEqual([]);
  expect(scenario.agentNamed('Retell Booking Agent').description).toBe('Schedules appointments');
});

it('applies a saved plan when only agents it does not touch changed since', async () => {
  expect((await scenario.apply()).code).toBe(0);
  await scenario.write(
    'agents.yaml',
    (await readFile(EXAMPLES_MANIFEST, 'utf8')).replace('Schedules appointments', 'Books appointments'),
  );
  await savePlan();
  const untouched = scenario.emulator.agents().find((agent) => agent.name !== 'Retell Booking Agent')!;
  await scenario.call('PATCH', `${AGENTS_PATH}${untouched.id}/`, { description: 'Edited in the UI' });
  await scenario.createDirectly({ name: 'Made in the UI' });
  scenario.emulator.clearRequests();

  const result = await applySaved();

  expect(result.code, result.stderr).toBe(0);
  expect(scenario.writes().map((request) => request.agent_id)).toEqual([
    scenario.agentNamed('Retell Booking Agent').id,
  ]);
  expect(scenario.agentNamed('Retell Booking Agent').description).toBe('Books appointments');
  expect(scenario.emulator.agents().find((agent) => agent.id === untouched.id)!.description).toBe('Edited in the UI');
});

it('refuses a saved plan whose new agent would share a name another agent took since', async () => {
  await savePlan();
  const taken = await scenario.createDirectly({ name: 'Retell Booking Agent' });
  scenario.emulator.clearRequests();

  const result = await applySaved();

  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    `error: agent ${taken.id} in project 42 is now named "Retell Booking Agent", the name the plan gives agent.booking-agent`,
  );
  expect(scenario.writes()).toEqual([]);
});

it('refuses a saved plan when another apply ran since, sending nothing', async () => {
  await savePlan();
  expect((await scenario.apply()).code).toBe(0);
  scenario.emulator.clearRequests();

  const result = await applySaved();

  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /^error: the state record changed since the plan was made \(serial \d+ → \d+\); another apply ran\n/,
  );
  expect(scenario.writes()).toEqual([]);
  expect(scenario.emulator.agents()).toHaveLength(3);
  await scenario.expectNoChanges();
});

it("refuses a saved plan when a secret's environment value changed since, sending nothing", async () => {
  await savePlan();

  const result = await applySaved({ VAPI_API_KEY: 'vapi-another-value-LEAKCHECK' });

  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    'error: environment variable VAPI_API_KEY changed since the plan was made (sent as /provider/credentials/api_key)\n' +
      'hint: run `cekuraform plan` again and apply the new plan\n',
  );
  expect(result.stderr).not.toContain('vapi-another-value-LEAKCHECK');
  expect(scenario.writes()).toEqual([]);
  expect(scenario.emulator.agents()).toEqual([]);
});

it("refuses a saved plan when a secret's environment variable is unset, sending nothing", async () => {
  await savePlan();

  const result = await applySaved({ RETELL_API_KEY: undefined });

  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'error: environment variable RETELL_API_KEY is not set; the plan sends it as /provider/credentials/api_key\n',
  );
  expect(scenario.writes()).toEqual([]);
});

it('refuses a saved plan made against another API before sending any request', async () => {
  await savePlan();
  scenario.emulator.clearRequests();

  const result = await applySaved({ CEKURA_API_URL: 'http://127.0.0.1:9' });

  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    `error: the plan was made against ${scenario.emulator.url}, and this apply would act on http://127.0.0.1:9\n` +
      `hint: apply it with the API it was made for (--api-url or CEKURA_API_URL ${scenario.emulator.url}), or plan again against http://127.0.0.1:9\n`,
  );
  expect(scenario.emulator.requests()).toEqual([]);
});

it('refuses a plan saved in format 1 by an older cekuraform, asking to plan again', async () => {
  await savePlan();
  const saved = JSON.parse(await readFile(join(scenario.dir, 'reviewed.plan'), 'utf8'));
  await scenario.write('reviewed.plan', JSON.stringify({ ...saved, format_version: '1' }));
  scenario.emulator.clearRequests();

  const result = await applySaved();

  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    'error: reviewed.plan is a plan of format "1", saved by an older cekuraform; this cekuraform reads only format "2", so nothing was applied\n' +
      'hint: plan again with this cekuraform (`cekuraform plan --out reviewed.plan`), review it, and apply that plan\n',
  );
  expect(scenario.emulator.requests()).toEqual([]);
});

it('a saved plan round-trips: apply reads back exactly what plan wrote', async () => {
  await savePlan();
  const text = await readFile(join(scenario.dir, 'reviewed.plan'), 'utf8');
  const { plan_digest: digest, ...content } = JSON.parse(text) as Record<string, unknown>;
  expect(parseSavedPlan(text, 'reviewed.plan')).toEqual({ plan: content, digest });
});
