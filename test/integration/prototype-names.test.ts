import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// Names that are members of Object.prototype are ordinary names to Cekura: issue 11, item 1.
const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

function manifest(toolNames: string[], variableNames: string[]): string {
  const tools = toolNames
    .map((name) => `      - { name: ${JSON.stringify(name)}, description: tool ${name} }`)
    .join('\n');
  const variables = variableNames.map((name) => `      - { name: ${JSON.stringify(name)} }`).join('\n');
  return [
    'project: 42',
    'agents:',
    '  bot:',
    '    name: Bot',
    '    description: A bot',
    `    mock_tools:${toolNames.length === 0 ? ' []' : '\n' + tools}`,
    `    dynamic_variables:${variableNames.length === 0 ? ' []' : '\n' + variables}`,
    '',
  ].join('\n');
}

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

it('adds tools and variables named like Object.prototype members, and then plans no change', async () => {
  await scenario.write('agents.yaml', manifest([], []));
  expect((await scenario.apply()).code).toBe(0);
  await scenario.write('agents.yaml', manifest(PROTOTYPE_NAMES, PROTOTYPE_NAMES));

  const result = await scenario.apply();

  expect(result.code, result.stderr).toBe(0);
  const bot = scenario.agentNamed('Bot');
  expect(bot.mock_tools!.map((tool) => tool.name).sort()).toEqual([...PROTOTYPE_NAMES].sort());
  expect(bot.dynamic_variables!.map((variable) => variable.name).sort()).toEqual([...PROTOTYPE_NAMES].sort());
  await scenario.expectNoChanges();
});

it('names the delete of such a tool or variable in the plan and counts it against --max-deletes', async () => {
  await scenario.write('agents.yaml', manifest(PROTOTYPE_NAMES, PROTOTYPE_NAMES));
  expect((await scenario.apply()).code).toBe(0);
  const kept = ['toString', 'valueOf'];
  await scenario.write('agents.yaml', manifest(kept, kept));

  const plan = JSON.parse((await scenario.plan('--json')).stdout);
  const deleted = plan.resource_changes[0].items.filter((item: { action: string }) => item.action === 'delete');
  expect(deleted.map((item: { set: string; name: string }) => `${item.set}/${item.name}`).sort()).toEqual(
    ['__proto__', 'constructor', 'hasOwnProperty']
      .flatMap((name) => [`dynamic_variables/${name}`, `mock_tools/${name}`])
      .sort(),
  );
  scenario.emulator.clearRequests();
  const refused = await scenario.apply('--max-deletes', '5');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('the plan deletes 6 agents and items, more than the 5 allowed');
  expect(scenario.writes()).toEqual([]);

  expect((await scenario.apply()).code).toBe(0);
  const bot = scenario.agentNamed('Bot');
  expect(bot.mock_tools!.map((tool) => tool.name).sort()).toEqual(kept);
  expect(bot.dynamic_variables!.map((variable) => variable.name).sort()).toEqual(kept);
  await scenario.expectNoChanges();
});

it('manages agents whose keys are such names, and prunes one the manifest drops under its address', async () => {
  const agentsYaml = (keys: string[]) =>
    ['project: 42', 'agents:', ...keys.map((key) => `  ${key}: { name: Agent ${key}, description: A bot }`), ''].join(
      '\n',
    );
  await scenario.write('agents.yaml', agentsYaml(['constructor', '__proto__', 'toString']));
  expect((await scenario.apply()).code).toBe(0);
  await scenario.expectNoChanges();

  await scenario.write('agents.yaml', agentsYaml(['constructor', 'toString']));
  const plan = JSON.parse((await scenario.plan('--json', '--prune')).stdout);
  expect(plan.resource_changes.filter((change: { action: string }) => change.action !== 'no-op')).toMatchObject([
    { address: 'agent.__proto__', action: 'delete', name: 'Agent __proto__' },
  ]);
  expect((await scenario.apply('--prune')).code).toBe(0);
  expect(scenario.emulator.deletions().map((deletion) => deletion.name)).toEqual(['Agent __proto__']);
  expect((await scenario.state())!.agents).not.toHaveProperty(['agent.__proto__']);
  await scenario.expectNoChanges('--prune');
});
