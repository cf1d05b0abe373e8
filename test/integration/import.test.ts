import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { STATE_FILE, startScenario, type Scenario } from './harness.js';

// `cekuraform import ADDRESS AGENT_ID`: binding an address to an agent that adoption by name would not find.

const MANIFEST = [
  'project: 42',
  'agents:',
  '  support-bot:',
  '    name: Support Bot',
  '    description: Handles inbound support calls',
  '    mock_tools:',
  '      - name: get_order',
  '        description: Look up an order',
  '  booking:',
  '    name: Booking',
  '    description: Books',
  '',
].join('\n');

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(() => scenario.close());

it('binds the address, so the plan updates that agent (renaming it) instead of creating one', async () => {
  const legacy = await scenario.createDirectly({
    name: 'Legacy Support',
    mock_tools: [{ name: 'get_order', description: 'Old', mock_data: [] }],
  });
  const before = JSON.parse((await scenario.plan('--json')).stdout);
  expect(before.resource_changes.find((change: any) => change.address === 'agent.support-bot').action).toBe('create');
  scenario.emulator.clearRequests();

  const imported = await scenario.run(['import', 'agent.support-bot', String(legacy.id)]);

  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stdout).toBe(
    `Imported agent ${legacy.id} "Legacy Support" (project 42) as agent.support-bot.\n` +
      'Run `cekuraform plan` to see what apply would change to make it match the manifest.\n',
  );
  expect(scenario.requestsOf('get').map((request) => request.agent_id)).toEqual([legacy.id]);
  expect(scenario.writes()).toEqual([]);
  expect((await scenario.state())!.agents).toEqual({
    'agent.support-bot': { id: legacy.id, project: 42, file: 'agents.yaml', secrets: {}, applied: {} },
  });

  const after = JSON.parse((await scenario.plan('--json')).stdout);
  const change = after.resource_changes.find((candidate: any) => candidate.address === 'agent.support-bot');
  expect(change).toMatchObject({ action: 'update', id: legacy.id });
  expect(change).not.toHaveProperty('reason');
  expect(change.changes.map((field: any) => [field.path, field.value])).toEqual([
    ['/description', 'Handles inbound support calls'],
    ['/mock_tools/get_order/description', 'Look up an order'],
    ['/name', 'Support Bot'],
  ]);
  expect(after.unmanaged).toEqual([]);

  expect((await scenario.apply()).code).toBe(0);
  expect(
    scenario.emulator
      .agents()
      .map((agent) => [agent.id, agent.name])
      .sort(),
  ).toEqual(
    [
      [legacy.id, 'Support Bot'],
      [expect.any(Number), 'Booking'],
    ].sort(),
  );
  await scenario.expectNoChanges();

  // Again: nothing to do.
  const again = await scenario.run(['import', 'agent.support-bot', String(legacy.id), '--json']);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toEqual({
    status: 'ok',
    address: 'agent.support-bot',
    id: legacy.id,
    project: 42,
    already_bound: true,
  });
});

it('refuses to rebind an address or an agent, saying how to fix it', async () => {
  const first = await scenario.createDirectly({ name: 'First' });
  const second = await scenario.createDirectly({ name: 'Second' });
  expect((await scenario.run(['import', 'agent.support-bot', String(first.id)])).code).toBe(0);
  scenario.emulator.clearRequests();

  const addressTaken = await scenario.run(['import', 'agent.support-bot', String(second.id), '--no-color']);
  const agentTaken = await scenario.run(['import', 'agent.booking', String(first.id), '--no-color']);

  expect([addressTaken.code, agentTaken.code]).toEqual([1, 1]);
  expect(addressTaken.stderr).toBe(
    `error: agent.support-bot is already bound to agent ${first.id} in the state record\n` +
      `hint: to bind it to agent ${second.id} instead, run \`cekuraform state rm agent.support-bot\` first, then import again\n`,
  );
  expect(agentTaken.stderr).toBe(
    `error: agent ${first.id} is already bound to agent.support-bot in the state record\n` +
      'hint: to move it to agent.booking, run `cekuraform state rm agent.support-bot` first, then import again\n',
  );
  expect(scenario.emulator.requests()).toEqual([]);

  // The fix it names works.
  expect((await scenario.run(['state', 'rm', 'agent.support-bot'])).code).toBe(0);
  expect((await scenario.run(['import', 'agent.booking', String(first.id)])).code).toBe(0);
  expect((await scenario.state())!.agents['agent.booking']!.id).toBe(first.id);
});

it.each([
  {
    name: 'an address the manifest lacks',
    argv: (_: number) => ['import', 'support-bot', '1'],
    error: 'error: the manifest has no support-bot\nhint: did you mean `agent.support-bot`?\n',
  },
  {
    name: 'an agent that does not exist',
    argv: (_: number) => ['import', 'agent.booking', '9999'],
    error:
      "error: there is no agent 9999 on Cekura\nhint: check the id: it is the number in the agent's URL in the Cekura dashboard\n",
  },
  {
    name: 'an agent of another project',
    argv: (other: number) => ['import', 'agent.booking', String(other)],
    error:
      'error: agent <other> is in project 7, but agent.booking is in project 42\nhint: check the agent id, or set `project: 7` under agents.booking\n',
  },
])('refuses $name and records nothing', async ({ argv, error }) => {
  const other = await scenario.createDirectly({ name: 'Elsewhere', project: 7 });
  scenario.emulator.clearRequests();

  const result = await scenario.run([...argv(other.id), '--no-color']);

  expect(result.code).toBe(1);
  expect(result.stderr).toBe(error.replace('<other>', String(other.id)));
  expect(await scenario.state()).toBeNull();
  expect(scenario.writes()).toEqual([]);
});

it('refuses what contradicts an `id:` pin of the manifest, and works only with the lock', async () => {
  const agent = await scenario.createDirectly({ name: 'Pinned' });
  await scenario.write(
    'agents.yaml',
    MANIFEST.replace('    name: Booking\n', `    id: ${agent.id}\n    name: Booking\n`),
  );

  const pinned = await scenario.run(['import', 'agent.booking', String(agent.id + 1), '--json']);
  expect(pinned.code).toBe(1);
  expect(JSON.parse(pinned.stdout).error).toMatchObject({
    code: 'import_conflict',
    message: `agent.booking is pinned to agent ${agent.id} by \`id:\` in the manifest`,
  });
  const pinnedElsewhere = await scenario.run(['import', 'agent.support-bot', String(agent.id), '--json']);
  expect(JSON.parse(pinnedElsewhere.stdout).error).toMatchObject({
    code: 'import_conflict',
    message: `agent ${agent.id} is pinned to agent.booking by \`id:\` in the manifest`,
  });

  await scenario.write(
    `${STATE_FILE}.lock`,
    JSON.stringify({ pid: 4242, host: 'ci-runner-7', time: '2026-05-01T11:00:00.000Z', command: 'apply' }),
  );
  const locked = await scenario.run(['import', 'agent.booking', String(agent.id), '--json']);
  expect(locked.code).toBe(1);
  expect(JSON.parse(locked.stdout).error.code).toBe('state_locked');
  expect(await scenario.state()).toBeNull();
});

it("with --env, binds in that environment's project and writes only that environment's record", async () => {
  await scenario.write(
    'envs.yaml',
    [
      'environments:',
      '  staging: { project: 42 }',
      '  production: { project: 43 }',
      MANIFEST.slice(MANIFEST.indexOf('agents:')),
    ].join('\n'),
  );
  const legacy = await scenario.createDirectly({ name: 'Legacy Support', project: 43 });
  scenario.emulator.clearRequests();

  const missingEnv = await scenario.run([
    'import',
    'agent.support-bot',
    String(legacy.id),
    '-f',
    'envs.yaml',
    '--no-color',
  ]);
  const wrongEnv = await scenario.run([
    'import',
    'agent.support-bot',
    String(legacy.id),
    '-f',
    'envs.yaml',
    '--env',
    'staging',
    '--no-color',
  ]);
  const imported = await scenario.run([
    'import',
    'agent.support-bot',
    String(legacy.id),
    '-f',
    'envs.yaml',
    '--env',
    'production',
  ]);

  expect(missingEnv.code).toBe(1);
  expect(missingEnv.stderr).toBe(
    'error: the manifest declares environments production, staging: choose one with --env NAME\nhint: for example `--env production`\n',
  );
  expect(wrongEnv.code).toBe(1);
  expect(wrongEnv.stderr).toContain(
    `error: agent ${legacy.id} is in project 43, but agent.support-bot is in project 42\n`,
  );
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stdout).toBe(
    `Imported agent ${legacy.id} "Legacy Support" (project 43) as agent.support-bot.\n` +
      'Run `cekuraform plan --env production` to see what apply would change to make it match the manifest.\n',
  );
  expect(scenario.writes()).toEqual([]);
  const production = JSON.parse(await readFile(join(scenario.dir, '.cekuraform/production.state.json'), 'utf8'));
  expect(production.agents).toEqual({
    'agent.support-bot': { id: legacy.id, project: 43, file: 'envs.yaml', secrets: {}, applied: {} },
  });
  expect(await scenario.state()).toBeNull();
  await expect(readFile(join(scenario.dir, '.cekuraform/staging.state.json'))).rejects.toMatchObject({
    code: 'ENOENT',
  });

  const plan = JSON.parse((await scenario.plan('-f', 'envs.yaml', '--env', 'production', '--json')).stdout);
  expect(plan.resource_changes.find((change: any) => change.address === 'agent.support-bot')).toMatchObject({
    action: 'update',
    id: legacy.id,
  });
});
