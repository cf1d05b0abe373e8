import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateRecord } from '../../src/state/types.js';
import { EXAMPLES_MANIFEST, STATE_FILE, startScenario, type Scenario } from './harness.js';

// `cekuraform state list | show | rm` on the record an apply of the example manifest leaves.

let scenario: Scenario;
let ids: { support: number; booking: number; onprem: number };
beforeEach(async () => {
  scenario = await startScenario();
  await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
  expect((await scenario.apply()).code).toBe(0);
  ids = {
    support: scenario.agentNamed('Support Bot').id,
    booking: scenario.agentNamed('Retell Booking Agent').id,
    onprem: scenario.agentNamed('On-prem Concierge').id,
  };
  scenario.emulator.clearRequests();
});
afterEach(() => scenario.close());

it('lists the bindings as aligned lines, or as JSON', async () => {
  const text = await scenario.run(['state', 'list']);
  const json = await scenario.run(['state', 'list', '--json']);

  expect(text.code).toBe(0);
  expect(text.stdout).toBe(
    [
      `agent.booking-agent  id ${ids.booking}  project 42`,
      `agent.onprem-agent   id ${ids.onprem}  project 42`,
      `agent.support-bot    id ${ids.support}  project 42`,
      '',
    ].join('\n'),
  );
  expect(JSON.parse(json.stdout)).toEqual({
    agents: [
      { address: 'agent.booking-agent', id: ids.booking, project: 42 },
      { address: 'agent.onprem-agent', id: ids.onprem, project: 42 },
      { address: 'agent.support-bot', id: ids.support, project: 42 },
    ],
  });
  expect(scenario.emulator.requests()).toEqual([]);
});

it('shows one binding: which secrets have a fingerprint, never the fingerprint, and a pending toggle', async () => {
  const record = (await scenario.state())!;
  record.agents['agent.booking-agent']!.pending_toggle = {
    progress_id: 'p-77',
    enabled: true,
    started_at: '2026-05-01T12:00:00.000Z',
  };
  await scenario.write(STATE_FILE, JSON.stringify(record));

  const support = await scenario.run(['state', 'show', 'agent.support-bot']);
  const booking = await scenario.run(['state', 'show', 'agent.booking-agent', '--json']);

  expect(support.stdout).toBe(
    [
      'agent.support-bot',
      `  id              ${ids.support}`,
      '  project         42',
      '  secrets         provider.credentials.api_key (fingerprints only; values are never stored)',
      '  pending toggle  none',
      '',
    ].join('\n'),
  );
  expect(JSON.parse(booking.stdout)).toEqual({
    address: 'agent.booking-agent',
    id: ids.booking,
    project: 42,
    secret_paths: ['/provider/credentials/api_key'],
    pending_toggle: { progress_id: 'p-77', enabled: true, started_at: '2026-05-01T12:00:00.000Z' },
  });
  const fingerprints = Object.values(record.agents).flatMap((agent) => Object.values(agent.secrets));
  for (const fingerprint of [...fingerprints, record.fingerprint_key])
    expect(support.stdout + booking.stdout).not.toContain(fingerprint);
});

it('rm forgets a binding under the lock and leaves the agent alone; the next plan adopts it by name again', async () => {
  const removed = await scenario.run(['state', 'rm', 'agent.booking-agent']);

  expect(removed.code, removed.stderr).toBe(0);
  expect(removed.stdout).toBe(
    `Removed agent.booking-agent (agent ${ids.booking}, project 42) from the state record; the agent in Cekura is untouched.\n` +
      'The next plan binds agent.booking-agent by `id:` or by name again, or plans to create it.\n',
  );
  expect(Object.keys((await scenario.state())!.agents).sort()).toEqual(['agent.onprem-agent', 'agent.support-bot']);
  expect(scenario.emulator.requests()).toEqual([]);
  await expect(readFile(join(scenario.dir, `${STATE_FILE}.lock`))).rejects.toMatchObject({ code: 'ENOENT' });

  const plan = JSON.parse((await scenario.plan('--json')).stdout);
  // Without its fingerprint the secret is sent once more.
  expect(plan.resource_changes.find((change: any) => change.address === 'agent.booking-agent')).toMatchObject({
    action: 'update',
    id: ids.booking,
    reason: 'adopted_by_name',
    changes: [{ op: 'add', path: '/provider/credentials/api_key', sensitive: true }],
  });

  const json = await scenario.run(['state', 'rm', 'agent.support-bot', '--json']);
  expect(JSON.parse(json.stdout)).toEqual({
    status: 'ok',
    removed: { address: 'agent.support-bot', id: ids.support, project: 42 },
  });
});

it.each([
  {
    argv: ['state', 'show', 'agent.suport-bot'],
    error: 'error: the state record has no agent.suport-bot\nhint: did you mean `agent.support-bot`?\n',
  },
  {
    argv: ['state', 'rm', 'booking-agent'],
    error: 'error: the state record has no booking-agent\nhint: did you mean `agent.booking-agent`?\n',
  },
  {
    argv: ['state', 'list', '--state', 'staging.state.json'],
    error:
      'error: there is no state record at staging.state.json\nhint: `cekuraform apply` and `cekuraform import` write it; give --env NAME or --state PATH if it is elsewhere\n',
  },
])('$argv.0 $argv.1 explains what is missing', async ({ argv, error }) => {
  const before = await scenario.state();

  const result = await scenario.run([...argv, '--no-color']);
  const json = await scenario.run([...argv, '--json']);

  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(error);
  expect(JSON.parse(json.stdout).status).toBe('error');
  expect(await scenario.state()).toEqual(before);
});

describe('--env NAME', () => {
  // Projects of their own, so nothing is adopted from the agents the example manifest made.
  const ENVIRONMENTS = [
    'environments:',
    '  staging: { project: 50 }',
    '  production: { project: 51 }',
    'agents:',
    '  greeter:',
    '    name: Greeter',
    '    description: Greets callers',
    '',
  ].join('\n');
  let greeter: { staging: number; production: number };
  beforeEach(async () => {
    await scenario.write('envs.yaml', ENVIRONMENTS);
    for (const environment of ['staging', 'production'])
      expect((await scenario.apply('-f', 'envs.yaml', '--env', environment)).code).toBe(0);
    const [staging, production] = [50, 51].map(
      (project) => scenario.emulator.agents().find((agent) => agent.project === project)!.id,
    );
    greeter = { staging: staging!, production: production! };
    scenario.emulator.clearRequests();
  });

  it("list and show read that environment's record", async () => {
    const staging = await scenario.run(['state', 'list', '--env', 'staging']);
    const production = await scenario.run(['state', 'show', 'agent.greeter', '--env', 'production', '--json']);

    expect(staging.code, staging.stderr).toBe(0);
    expect(staging.stdout).toBe(`agent.greeter  id ${greeter.staging}  project 50\n`);
    expect(JSON.parse(production.stdout)).toMatchObject({
      address: 'agent.greeter',
      id: greeter.production,
      project: 51,
    });
    expect(scenario.emulator.requests()).toEqual([]);
  });

  it("rm edits only that environment's record", async () => {
    const removed = await scenario.run(['state', 'rm', 'agent.greeter', '--env', 'staging']);

    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(
      `Removed agent.greeter (agent ${greeter.staging}, project 50) from the state record`,
    );
    const records = await readRecords('staging', 'production', 'default');
    expect(records.map((record) => Object.keys(record.agents).sort())).toEqual([
      [],
      ['agent.greeter'],
      ['agent.booking-agent', 'agent.onprem-agent', 'agent.support-bot'],
    ]);
    await expect(readFile(join(scenario.dir, '.cekuraform/staging.state.json.lock'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(scenario.emulator.requests()).toEqual([]);
  });

  it('names the records there are when the chosen one is missing', async () => {
    const result = await scenario.run(['state', 'list', '--env', 'prod', '--no-color']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: there is no state record at .cekuraform/prod.state.json\n' +
        'hint: .cekuraform holds the records of default, production, staging: choose one with --env NAME, or give --state PATH\n',
    );
  });

  async function readRecords(...environments: string[]): Promise<StateRecord[]> {
    return Promise.all(
      environments.map(
        async (environment) =>
          JSON.parse(
            await readFile(join(scenario.dir, `.cekuraform/${environment}.state.json`), 'utf8'),
          ) as StateRecord,
      ),
    );
  }
});

describe('where the state record is', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario();
  });
  afterEach(() => scenario.close());

  const BOT =
    'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n    telephony: { inbound: false }\n';

  it('lives beside the manifest, wherever the command runs from', async () => {
    await scenario.write('gitops/cekura/agents.yaml', BOT);
    expect((await scenario.apply('-f', 'gitops/cekura/agents.yaml')).code).toBe(0);
    const record = JSON.parse(
      await readFile(join(scenario.dir, 'gitops/cekura/.cekuraform/default.state.json'), 'utf8'),
    );
    expect(Object.keys(record.agents)).toEqual(['agent.bot']);
    await expect(readFile(join(scenario.dir, '.cekuraform/default.state.json'), 'utf8')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await scenario.expectNoChanges('-f', 'gitops/cekura');
    await scenario.expectNoChanges(
      '-f',
      'gitops/cekura/agents.yaml',
      '--state',
      'gitops/cekura/.cekuraform/default.state.json',
    );
  });

  it('a plan that finds no record says where records are, or that pinned agents suggest one elsewhere', async () => {
    await scenario.write('agents.yaml', BOT);
    await scenario.write('.cekuraform/staging.state.json', '{}');
    const others = await scenario.plan();
    expect(others.stderr).toContain(
      'warning: there is no state record at .cekuraform/default.state.json, but .cekuraform holds the records of staging: choose one with --env NAME, or give --state PATH',
    );

    const bot = await scenario.createDirectly({ name: 'Bot' });
    await scenario.write('pinned/agents.yaml', BOT.replace('    name: Bot\n', `    name: Bot\n    id: ${bot.id}\n`));
    const pinned = await scenario.plan('-f', 'pinned/agents.yaml');
    expect(pinned.stderr).toContain(
      'warning: there is no state record at pinned/.cekuraform/default.state.json, and agent.bot is pinned with `id:`',
    );

    const quiet = await scenario.plan('-f', 'agents.yaml', '--state', 'fresh.state.json');
    expect(quiet.stderr).toBe('');
  });
});
