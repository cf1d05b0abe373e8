import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXAMPLES_MANIFEST, startScenario, type Scenario } from './harness.js';

let scenario: Scenario;
beforeEach(async () => {
  // A toggle takes 10 s of the fake clock, so apply is waiting on it when Ctrl-C comes.
  scenario = await startScenario({ toggleDurationMs: 10_000 });
  await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
});
afterEach(() => scenario.close());

it('Ctrl-C while a toggle runs exits 130 with the toggle recorded, and the next apply finishes it without toggling again', async () => {
  const ctrlC = new AbortController();
  const sleep = scenario.clock.sleep.bind(scenario.clock);
  scenario.clock.sleep = async (ms, signal) => {
    ctrlC.abort(new Error('interrupted'));
    return sleep(ms, signal);
  };

  const interrupted = await scenario.run(['apply', '--auto-approve', '--no-color'], { signal: ctrlC.signal });

  expect(interrupted.code).toBe(130);
  expect(interrupted.stdout).toContain('Interrupted: agents not yet started were left as they are.');
  expect(interrupted.stdout).toMatch(/^Apply failed: .*\(interrupted\)\.$/m);
  expect(interrupted.stdout).not.toContain('Apply complete');
  expect(scenario.emulator.agents()).toHaveLength(3);
  const pending = (await scenario.state())!.agents['agent.support-bot']!.pending_toggle;
  expect(pending).toMatchObject({ enabled: true });

  scenario.clock.sleep = sleep;
  scenario.emulator.clearRequests();
  const resumed = await scenario.apply();

  expect(resumed.code, resumed.stdout).toBe(0);
  expect(resumed.stdout).toContain(
    `agent.support-bot: toggle mock mode on — resumed (progress ${pending!.progress_id})`,
  );
  expect(scenario.writes()).toEqual([]);
  expect(scenario.agentNamed('Support Bot').mock_tools_enabled).toBe(true);
  await scenario.expectNoChanges();
});
