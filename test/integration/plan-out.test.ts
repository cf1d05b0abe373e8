import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { STATE_FILE, startScenario, type Scenario } from './harness.js';

// Issue 11, item 7: `plan --out` onto the state record, or onto any file that is not a saved plan, is refused.

const MANIFEST = 'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
  expect((await scenario.apply()).code).toBe(0);
  await scenario.write('agents.yaml', MANIFEST.replace('A bot', 'A changed bot'));
  scenario.emulator.clearRequests();
});
afterEach(() => scenario.close());

it.each([
  { target: STATE_FILE, says: 'is the state record' },
  { target: './.cekuraform/../.cekuraform/default.state.json', says: 'is the state record' },
  { target: 'agents.yaml', says: 'is not a saved plan' },
])('refuses --out $target, changing nothing and sending nothing', async ({ target, says }) => {
  const before = await readFile(join(scenario.dir, target), 'utf8');

  const result = await scenario.plan('--out', target);

  expect(result.code).toBe(1);
  expect(result.stderr).toContain(says);
  expect(result.stderr).not.toContain('bug');
  expect(await readFile(join(scenario.dir, target), 'utf8')).toBe(before);
  expect(scenario.emulator.requests()).toEqual([]);
});

it('overwrites a saved plan', async () => {
  expect((await scenario.plan('--out', 'plan.json')).code).toBe(0);
  const result = await scenario.plan('--out', 'plan.json');

  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(await readFile(join(scenario.dir, 'plan.json'), 'utf8')).summary.change).toBe(1);
  expect((await scenario.apply('plan.json')).code).toBe(0);
  await scenario.expectNoChanges();
});
