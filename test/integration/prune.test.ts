import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

const MANIFEST =
  'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n    telephony: { inbound: false }\n';

let scenario: Scenario;
let strays: { id: number; name: string }[];
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
  expect((await scenario.apply()).code).toBe(0);
  await scenario.expectNoChanges();
  strays = [
    await scenario.createDirectly({ name: 'Made in the UI' }),
    await scenario.createDirectly({ name: 'Experiment' }),
  ];
  // Another project is not managed by this manifest at all.
  await scenario.createDirectly({ name: 'Elsewhere', project: 7 });
  scenario.emulator.clearRequests();
});
afterEach(() => scenario.close());

it('lists unmanaged agents without deleting them', async () => {
  const plan = await scenario.plan('--detailed-exitcode');

  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('No changes.');
  for (const stray of strays) expect(plan.stdout).toContain(`"${stray.name}"`);
  expect(plan.stdout).not.toContain('Elsewhere');
  const json = JSON.parse((await scenario.plan('--json')).stdout);
  expect(json.unmanaged).toEqual(strays.map((stray) => ({ id: stray.id, name: stray.name, project: 42 })));

  expect((await scenario.apply()).code).toBe(0);
  expect(scenario.emulator.deletions()).toEqual([]);
  expect(scenario.writes()).toEqual([]);
  await scenario.expectNoChanges();
});

it('deletes them under --prune, keeping their calls and runs (delete_related=false)', async () => {
  const plan = await scenario.plan('--prune', '--detailed-exitcode');
  expect(plan.code).toBe(2);
  for (const stray of strays) expect(plan.stdout).toContain(`- agent[${stray.id}] "${stray.name}"`);
  expect(plan.stdout).toContain('Plan: 0 to add, 0 to change, 2 to destroy; 0 mock-mode changes.');

  const result = await scenario.apply('--prune');

  expect(result.code, result.stdout).toBe(0);
  expect(result.stdout).toContain('Apply complete: 0 added, 0 changed, 2 destroyed');
  const deletions = scenario.emulator.deletions().sort((a, b) => a.agent_id - b.agent_id);
  expect(deletions).toEqual(
    strays.map((stray) => ({ agent_id: stray.id, name: stray.name, project: 42, delete_related: false })),
  );
  expect(scenario.requestsOf('delete').map((request) => request.query)).toEqual([
    { delete_related: 'false' },
    { delete_related: 'false' },
  ]);
  expect(
    scenario.emulator
      .agents()
      .map((agent) => agent.name)
      .sort(),
  ).toEqual(['Bot', 'Elsewhere']);
  await scenario.expectNoChanges('--prune');
});

it('lets the deletes take related data under --prune --delete-related', async () => {
  const result = await scenario.apply('--prune', '--delete-related');

  expect(result.code, result.stdout).toBe(0);
  expect(scenario.emulator.deletions().map((deletion) => deletion.delete_related)).toEqual([true, true]);
  await scenario.expectNoChanges('--prune');
});

it('refuses deletes beyond --max-deletes, sending nothing', async () => {
  const result = await scenario.apply('--prune', '--max-deletes', '1');

  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'error: the plan deletes 2 agents and items, more than the 1 allowed by max-deletes; nothing was changed',
  );
  expect(scenario.writes()).toEqual([]);
});

it("keeps the manifest's max_deletes guard for a saved plan, which the flag can raise", async () => {
  await scenario.write('agents.yaml', MANIFEST.replace('project: 42\n', 'project: 42\nprune: true\nmax_deletes: 1\n'));
  expect((await scenario.plan('--out', 'prune.plan')).code).toBe(0);

  const refused = await scenario.run(['apply', '--auto-approve', '--no-color', 'prune.plan']);

  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(
    'error: the plan deletes 2 agents and items, more than the 1 allowed by max-deletes; nothing was changed',
  );
  expect(scenario.writes()).toEqual([]);

  const raised = await scenario.run(['apply', '--auto-approve', '--no-color', '--max-deletes', '2', 'prune.plan']);
  expect(raised.code, raised.stderr).toBe(0);
  expect(scenario.emulator.deletions()).toHaveLength(2);
  await scenario.expectNoChanges();
});
