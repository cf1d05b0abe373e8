import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXAMPLES_MANIFEST, startScenario, ttyStdin, type Scenario } from './harness.js';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
});
afterEach(() => scenario.close());

it('refuses to apply without a terminal and without --auto-approve, sending nothing', async () => {
  const result = await scenario.run(['apply', '--no-color']);

  expect(result.code).toBe(1);
  expect(result.stdout).toContain('Plan: 3 to add, 0 to change, 0 to destroy; 1 mock-mode change.');
  expect(result.stderr).toBe(
    'error: apply needs confirmation, and there is no terminal to ask on\nhint: run with --auto-approve to apply without asking (as in CI)\n',
  );
  expect(scenario.writes()).toEqual([]);
  expect(scenario.emulator.agents()).toEqual([]);
});

it('asks on a terminal and applies on "yes"', async () => {
  const result = await scenario.run(['apply', '--no-color'], { stdin: ttyStdin('yes') });

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    `Do you want to apply these changes to ${scenario.emulator.url} (from CEKURA_API_URL); project 42? Only 'yes' is accepted: `,
  );
  expect(scenario.emulator.agents()).toHaveLength(3);
  await scenario.expectNoChanges();
});

it('cancels on any other answer, sending nothing', async () => {
  const result = await scenario.run(['apply', '--no-color'], { stdin: ttyStdin('y') });

  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/Apply cancelled\.\n$/);
  expect(scenario.writes()).toEqual([]);
});

it('needs no confirmation when there is nothing to change', async () => {
  expect((await scenario.apply()).code).toBe(0);
  await scenario.expectNoChanges();
  scenario.emulator.clearRequests();

  const result = await scenario.run(['apply', '--no-color']);

  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^Target: .* \(from CEKURA_API_URL\); project 42\n\nNo changes\.\n/);
  expect(scenario.writes()).toEqual([]);
});
