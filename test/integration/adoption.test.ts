import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

const MANIFEST = [
  'project: 42',
  'agents:',
  '  support-bot:',
  '    name: Support Bot',
  '    description: Handles inbound support calls',
  '    telephony: { inbound: true }',
  '    mock_tools:',
  '      - name: get_order',
  '        description: Look up an order',
  '        mock_data: []',
  '',
].join('\n');

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(() => scenario.close());

it("adopts the only live agent of the manifest's name: an update, not a create", async () => {
  const existing = await scenario.createDirectly({
    name: 'Support Bot',
    description: 'Made by hand',
    mock_tools: [{ name: 'get_order', description: 'Old text', mock_data: [] }],
  });
  await scenario.createDirectly({ name: 'Someone else' });
  scenario.emulator.clearRequests();

  const plan = await scenario.plan('--json');
  const change = JSON.parse(plan.stdout).resource_changes[0];
  expect(change).toMatchObject({
    address: 'agent.support-bot',
    action: 'update',
    id: existing.id,
    reason: 'adopted_by_name',
  });
  const text = await scenario.plan();
  expect(text.stdout).toContain(`~ agent.support-bot "Support Bot" (id ${existing.id}, project 42)`);

  const result = await scenario.apply();

  expect(result.code, result.stdout).toBe(0);
  expect(scenario.writes().map((request) => [request.kind, request.agent_id])).toEqual([['update', existing.id]]);
  const adopted = scenario.agentNamed('Support Bot');
  expect(adopted.description).toBe('Handles inbound support calls');
  expect(adopted.mock_tools!.map((tool) => [tool.id, tool.description])).toEqual([
    [existing.mock_tools![0]!.id, 'Look up an order'],
  ]);
  expect((await scenario.state())!.agents['agent.support-bot']!.id).toBe(existing.id);
  await scenario.expectNoChanges();
});

it('refuses to guess between two live agents of that name, naming both ids', async () => {
  const first = await scenario.createDirectly({ name: 'Support Bot' });
  const second = await scenario.createDirectly({ name: 'Support Bot' });
  scenario.emulator.clearRequests();

  for (const argv of [
    ['plan', '--no-color'],
    ['apply', '--auto-approve', '--no-color'],
  ]) {
    const result = await scenario.run(argv);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: agent.support-bot: 2 agents named "Support Bot" in project 42 (ids ${first.id}, ${second.id})\n` +
        'hint: pin one with `id:` under agents.support-bot\n',
    );
  }
  expect(scenario.writes()).toEqual([]);

  // Pinned, it binds that one and leaves the other unmanaged.
  await scenario.write(
    'agents.yaml',
    MANIFEST.replace('    name: Support Bot\n', `    id: ${second.id}\n    name: Support Bot\n`),
  );
  const pinned = await scenario.apply();
  expect(pinned.code, pinned.stderr).toBe(0);
  expect(scenario.writes().map((request) => [request.kind, request.agent_id])).toEqual([['update', second.id]]);
  const plan = JSON.parse((await scenario.plan('--json')).stdout);
  expect(plan.unmanaged).toEqual([{ id: first.id, name: 'Support Bot', project: 42 }]);
  await scenario.expectNoChanges();
});
