import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// Issue 11, item 4: two live items of one name. The full-set write keeps one id, so the other is
// deleted by the write: the plan must name that delete (with its id) and count it against --max-deletes.

const MANIFEST = [
  'project: 42',
  'agents:',
  '  bot:',
  '    name: Bot',
  '    description: A bot',
  '    mock_tools:',
  '      - { name: get_order, description: Look up }',
  '      - { name: crm_lookup }',
  '    dynamic_variables:',
  '      - { name: caller }',
  '',
].join('\n');

let scenario: Scenario;
let keptToolId: number;
let extraToolId: number;
let extraVariableId: number;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
  expect((await scenario.apply()).code).toBe(0);
  const bot = scenario.agentNamed('Bot');
  keptToolId = bot.mock_tools!.find((tool) => tool.name === 'get_order')!.id;
  extraToolId = scenario.emulator.duplicateItem(bot.id, 'mock_tools', keptToolId);
  extraVariableId = scenario.emulator.duplicateItem(bot.id, 'dynamic_variables', bot.dynamic_variables![0]!.id);
  scenario.emulator.clearRequests();
});
afterEach(() => scenario.close());

it('plans the extra item of a duplicated name as a named delete, with its id', async () => {
  const plan = await scenario.plan('--detailed-exitcode');
  expect(plan.code, plan.stderr).toBe(2);
  expect(plan.stdout).toContain(`mock tool "get_order" (id ${extraToolId})`);
  expect(plan.stdout).toContain(`dynamic variable "caller" (id ${extraVariableId})`);

  const json = JSON.parse((await scenario.plan('--json')).stdout);
  const [change] = json.resource_changes;
  expect(change.action).toBe('update');
  expect(change.items.filter((item: { action: string }) => item.action === 'delete')).toEqual([
    expect.objectContaining({ set: 'dynamic_variables', name: 'caller', id: extraVariableId }),
    expect.objectContaining({ set: 'mock_tools', name: 'get_order', id: extraToolId }),
  ]);
});

it('counts those deletes against --max-deletes', async () => {
  const refused = await scenario.apply('--max-deletes', '1');

  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('the plan deletes 2 agents and items, more than the 1 allowed');
  expect(scenario.writes()).toEqual([]);
});

it('keeps the older item and converges', async () => {
  const result = await scenario.apply();

  expect(result.code, result.stdout).toBe(0);
  const bot = scenario.agentNamed('Bot');
  expect(bot.mock_tools!.filter((tool) => tool.name === 'get_order').map((tool) => tool.id)).toEqual([keptToolId]);
  expect(bot.dynamic_variables!.map((variable) => variable.name)).toEqual(['caller']);
  await scenario.expectNoChanges();
});
