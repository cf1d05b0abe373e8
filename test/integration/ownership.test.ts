import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// DESIGN.md, Ownership: an agent the state record owns and the manifest no longer names is deleted,
// as Terraform does; one written in a file the plan did not read is not.

const agentYaml = (key: string, name: string) =>
  `  ${key}:\n    name: ${name}\n    description: ${name} agent\n    telephony: { inbound: false }\n`;
const BOT = agentYaml('bot', 'Bot');
const HELPER = agentYaml('helper', 'Helper');

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

it('deletes an agent removed from the manifest, keeping its calls and runs, and counts it against --max-deletes', async () => {
  await scenario.write('agents.yaml', `project: 42\nagents:\n${BOT}${HELPER}`);
  expect((await scenario.apply()).code).toBe(0);
  const helper = scenario.agentNamed('Helper');
  const stray = await scenario.createDirectly({ name: 'Made in the UI' });
  await scenario.write('agents.yaml', `project: 42\nagents:\n${BOT}`);

  const plan = await scenario.plan('--detailed-exitcode');
  expect(plan.code).toBe(2);
  expect(plan.stdout).toContain(`- agent.helper "Helper" (id ${helper.id}, project 42)`);
  expect(plan.stdout).toContain('the manifest no longer names it');
  expect(plan.stdout).toContain('Plan: 0 to add, 0 to change, 1 to destroy');
  // Agents no record owns keep their meaning: unmanaged, deleted only under --prune.
  expect(plan.stdout).toContain(`agent[${stray.id}] "Made in the UI"`);

  scenario.emulator.clearRequests();
  const refused = await scenario.apply('--max-deletes', '0');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('the plan deletes 1 agents and items, more than the 0 allowed by max-deletes');
  expect(scenario.writes()).toEqual([]);

  const result = await scenario.apply();
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(scenario.emulator.deletions()).toEqual([
    { agent_id: helper.id, name: 'Helper', project: 42, delete_related: false },
  ]);
  expect(Object.keys((await scenario.state())!.agents)).toEqual(['agent.bot']);
  await scenario.expectNoChanges();
});

it('`state rm` lets go of an agent without deleting it: it becomes unmanaged', async () => {
  await scenario.write('agents.yaml', `project: 42\nagents:\n${BOT}${HELPER}`);
  expect((await scenario.apply()).code).toBe(0);
  expect((await scenario.run(['state', 'rm', 'agent.helper'])).code).toBe(0);
  await scenario.write('agents.yaml', `project: 42\nagents:\n${BOT}`);

  const result = await scenario.apply();
  expect(result.code).toBe(0);
  expect(scenario.emulator.deletions()).toEqual([]);
  expect(result.stdout).toContain(`agent[${scenario.agentNamed('Helper').id}] "Helper"`);
});

it('deletes an owned agent of a project the manifest no longer names', async () => {
  await scenario.write('agents.yaml', `project: 42\nagents:\n${BOT}${HELPER}    project: 7\n`);
  expect((await scenario.apply()).code).toBe(0);
  const helper = scenario.agentNamed('Helper');
  await scenario.createDirectly({ name: 'Elsewhere', project: 7 });
  await scenario.write('agents.yaml', `project: 42\nagents:\n${BOT}`);

  const result = await scenario.apply();
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(scenario.emulator.deletions().map((deletion) => deletion.agent_id)).toEqual([helper.id]);
  expect(result.stdout).not.toContain('Elsewhere');
  await scenario.expectNoChanges();
});

it('a plan of some of the files does not delete the agents of the others; deleting the file does', async () => {
  await scenario.write('bot.yaml', `project: 42\nagents:\n${BOT}`);
  await scenario.write('billing/helper.yaml', `project: 42\nagents:\n${HELPER}`);
  expect((await scenario.apply('-f', 'bot.yaml', '-f', 'billing')).code).toBe(0);
  expect((await scenario.state())!.agents['agent.helper']!.file).toBe('billing/helper.yaml');

  const subset = await scenario.plan('-f', 'bot.yaml', '--detailed-exitcode');
  expect(subset.code).toBe(0);
  expect(subset.stdout).toContain('agent.helper');
  expect(subset.stdout).toContain('billing/helper.yaml, which this plan did not read');
  const json = JSON.parse((await scenario.plan('-f', 'bot.yaml', '--json')).stdout);
  expect(json.warnings).toEqual([
    {
      code: 'owned_agent_not_read',
      address: 'agent.helper',
      id: scenario.agentNamed('Helper').id,
      file: 'billing/helper.yaml',
    },
  ]);
  expect(json.unmanaged).toEqual([]);
  expect((await scenario.apply('-f', 'bot.yaml')).code).toBe(0);
  expect(scenario.emulator.deletions()).toEqual([]);

  await rm(join(scenario.dir, 'billing', 'helper.yaml'));
  const result = await scenario.apply('-f', 'bot.yaml');
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(scenario.emulator.deletions().map((deletion) => deletion.name)).toEqual(['Helper']);
  await scenario.expectNoChanges('-f', 'bot.yaml');
});
