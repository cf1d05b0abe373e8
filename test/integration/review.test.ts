import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// What a reviewer sees of the plan's frame: which API, environment and projects it acts on, and the
// unmanaged agents (a count and the first few in text, all in JSON or with --show-unmanaged).

const MANIFEST =
  'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n    telephony: { inbound: false }\n';

let scenario: Scenario;
let strays: { id: number; name: string }[];
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
  expect((await scenario.apply()).code).toBe(0);
  strays = [];
  for (let index = 0; index < 7; index++)
    strays.push(await scenario.createDirectly({ name: `Made in the UI ${index}` }));
  scenario.emulator.clearRequests();
});
afterEach(() => scenario.close());

it('lists the first 5 unmanaged agents with their count, and every one under --show-unmanaged and in JSON', async () => {
  const plan = await scenario.plan('--no-color');
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('7 unmanaged agents, left alone (--prune deletes them):\n');
  for (const stray of strays.slice(0, 5)) expect(plan.stdout).toContain(`  agent[${stray.id}] "${stray.name}"`);
  for (const stray of strays.slice(5)) expect(plan.stdout).not.toContain(`"${stray.name}"`);
  expect(plan.stdout).toContain('  … and 2 more, 7 in all (--show-unmanaged lists them all)\n');

  const all = await scenario.plan('--no-color', '--show-unmanaged');
  for (const stray of strays) expect(all.stdout).toContain(`  agent[${stray.id}] "${stray.name}"`);
  expect(all.stdout).not.toContain('more, 7 in all');

  const markdown = await scenario.plan('--markdown');
  expect(markdown.stdout).toContain('#### 7 unmanaged agents, left alone (--prune deletes them)');
  expect(markdown.stdout).toContain('… and 2 more, 7 in all (--show-unmanaged lists them all)');

  const json = JSON.parse((await scenario.plan('--json')).stdout);
  expect(json.unmanaged.map((agent: { id: number }) => agent.id)).toEqual(strays.map((stray) => stray.id));
});

it('names the API, how it was chosen, and the projects, in the plan, the JSON and the apply prompt', async () => {
  const fromFlag = await scenario.run(['plan', '--no-color', '--api-url', scenario.emulator.url]);
  expect(fromFlag.code, fromFlag.stderr).toBe(0);
  expect(fromFlag.stdout.split('\n')[0]).toBe(`Target: ${scenario.emulator.url} (from --api-url); project 42`);

  const json = JSON.parse((await scenario.plan('--json')).stdout);
  expect(json.created_from).toMatchObject({ api: { url: scenario.emulator.url, source: 'env' }, projects: [42] });
});
