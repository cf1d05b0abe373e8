import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// The operations Terraform users reach for: destroy, --target, show, state mv, version, --var, and
// the plan warnings about flags.

const agentYaml = (key: string, name: string, extra = '') =>
  `  ${key}:\n    name: ${name}\n    description: ${name} agent\n    telephony: { inbound: false }\n${extra}`;
const TWO_AGENTS = `project: 42\nagents:\n${agentYaml('bot', 'Bot')}${agentYaml('helper', 'Helper')}`;

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

async function applyTwoAgents(): Promise<void> {
  await scenario.write('agents.yaml', TWO_AGENTS);
  expect((await scenario.apply()).code).toBe(0);
  scenario.emulator.clearRequests();
}

describe('destroy', () => {
  it('deletes every agent the state record owns and nothing else, after confirmation', async () => {
    await applyTwoAgents();
    const stray = await scenario.createDirectly({ name: 'Made in the UI' });
    scenario.emulator.clearRequests();
    const [bot, helper] = [scenario.agentNamed('Bot'), scenario.agentNamed('Helper')];

    const unconfirmed = await scenario.run(['destroy']);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('run with --auto-approve');
    expect(scenario.writes()).toEqual([]);

    const refused = await scenario.run(['destroy', '--auto-approve', '--max-deletes', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the plan deletes 2 agents and items, more than the 1 allowed by max-deletes');
    expect(scenario.writes()).toEqual([]);

    const result = await scenario.run(['destroy', '--auto-approve', '--no-color']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`- agent.bot "Bot" (id ${bot.id}, project 42)`);
    expect(result.stdout).toContain('Apply complete: 0 added, 0 changed, 2 destroyed');
    expect(
      scenario.emulator
        .deletions()
        .map((deletion) => [deletion.agent_id, deletion.delete_related])
        .sort(),
    ).toEqual([
      [bot.id, false],
      [helper.id, false],
    ]);
    expect(scenario.emulator.agents().map((agent) => agent.id)).toEqual([stray.id]);
    expect((await scenario.state())!.agents).toEqual({});

    const again = await scenario.run(['destroy', '--auto-approve']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });

  it('asks on a terminal and names what it asks', async () => {
    await applyTwoAgents();
    const { ttyStdin } = await import('./harness.js');
    const cancelled = await scenario.run(['destroy'], { stdin: ttyStdin('no') });
    expect(cancelled.stdout).toMatch(
      /Do you really want to destroy every agent the state record owns on .*\? Only 'yes' is accepted/,
    );
    expect(cancelled.code).toBe(1);
    expect(scenario.writes()).toEqual([]);
  });
});

describe('--target', () => {
  it('plans and applies only the named addresses', async () => {
    await applyTwoAgents();
    await scenario.write(
      'agents.yaml',
      TWO_AGENTS.replace('description: Bot agent', 'description: Bot v2').replace(
        'description: Helper agent',
        'description: Helper v2',
      ),
    );

    const json = JSON.parse((await scenario.plan('--target', 'agent.bot', '--json')).stdout);
    expect(json.resource_changes.map((change: { address: string }) => change.address)).toEqual(['agent.bot']);
    expect(json.options.targets).toEqual(['agent.bot']);

    const result = await scenario.apply('--target', 'agent.bot');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(scenario.writes().map((request) => request.agent_id)).toEqual([scenario.agentNamed('Bot').id]);
    expect(scenario.agentNamed('Bot').description).toBe('Bot v2');
    expect(scenario.agentNamed('Helper').description).toBe('Helper agent');

    const rest = JSON.parse((await scenario.plan('--json')).stdout);
    expect(rest.summary.change).toBe(1);
  });

  it('deletes an owned agent it names even when its file was not read, and refuses unknown addresses', async () => {
    await scenario.write('bot.yaml', `project: 42\nagents:\n${agentYaml('bot', 'Bot')}`);
    await scenario.write('helper.yaml', `project: 42\nagents:\n${agentYaml('helper', 'Helper')}`);
    expect((await scenario.apply('-f', 'bot.yaml', '-f', 'helper.yaml')).code).toBe(0);

    const typo = await scenario.plan('-f', 'bot.yaml', '--target', 'agent.helpr');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('error: --target agent.helpr: no such address');
    const malformed = await scenario.plan('--target', 'helper');
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('expected an address: agent.<key> or agent[<id>]');

    const helper = scenario.agentNamed('Helper');
    const result = await scenario.apply('-f', 'bot.yaml', '--target', 'agent.helper');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(scenario.emulator.deletions().map((deletion) => deletion.agent_id)).toEqual([helper.id]);
  });
});

it('show PLANFILE prints a saved plan as text, Markdown and JSON, sending nothing', async () => {
  await scenario.write('agents.yaml', TWO_AGENTS);
  const planned = await scenario.plan('--out', 'tfplan.json', '--no-color');
  expect(planned.code).toBe(0);
  scenario.emulator.clearRequests();

  const text = await scenario.run(['show', 'tfplan.json', '--no-color']);
  expect(text.code).toBe(0);
  expect(text.stdout).toBe(planned.stdout);
  const json = await scenario.run(['show', 'tfplan.json', '--json']);
  // The saved file adds only its plan_digest to the plan.
  const { plan_digest: _digest, ...savedPlan } = JSON.parse(await readFile(join(scenario.dir, 'tfplan.json'), 'utf8'));
  expect(JSON.parse(json.stdout)).toEqual(savedPlan);
  const markdown = await scenario.run(['show', 'tfplan.json', '--markdown']);
  expect(markdown.stdout).toContain('agent.bot');
  expect(markdown.stdout).toBe((await scenario.plan('--markdown')).stdout);
  expect(scenario.requestsOf('create', 'update', 'delete', 'toggle')).toEqual([]);
});

it('state mv keeps the agent when its key is renamed; without it the agent would be replaced', async () => {
  await applyTwoAgents();
  const bot = scenario.agentNamed('Bot');
  // Key and name renamed together: nothing binds the new key to the old agent but the record.
  await scenario.write(
    'agents.yaml',
    TWO_AGENTS.replace('  bot:\n    name: Bot', '  front-desk:\n    name: Front Desk'),
  );

  const unmoved = JSON.parse((await scenario.plan('--json')).stdout);
  expect(
    unmoved.resource_changes.map((change: { address: string; action: string }) => [change.address, change.action]),
  ).toEqual([
    ['agent.bot', 'delete'],
    ['agent.front-desk', 'create'],
    ['agent.helper', 'no-op'],
  ]);

  const moved = await scenario.run(['state', 'mv', 'agent.bot', 'agent.front-desk']);
  expect(moved.code).toBe(0);
  expect(moved.stdout).toContain(`Moved agent.bot to agent.front-desk (agent ${bot.id}, project 42)`);
  expect((await scenario.state())!.agents['agent.front-desk']!.id).toBe(bot.id);
  const renamed = await scenario.apply();
  expect(renamed.stdout).toContain('Apply complete: 0 added, 1 changed, 0 destroyed');
  expect(scenario.agentNamed('Front Desk').id).toBe(bot.id);
  await scenario.expectNoChanges();

  const taken = await scenario.run(['state', 'mv', 'agent.front-desk', 'agent.helper']);
  expect(taken.code).toBe(1);
  expect(taken.stderr).toContain('agent.helper is already bound to agent');
});

it('version prints the package version', async () => {
  const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  expect((await scenario.run(['version'])).stdout).toBe(`cekuraform ${version}\n`);
  expect(JSON.parse((await scenario.run(['version', '--json'])).stdout)).toEqual({ version });
  expect((await scenario.run(['--version'])).stdout).toBe(`${version}\n`);
});

it('--var sets a manifest var over its declared value, typed like it; an undeclared one is refused', async () => {
  await scenario.write(
    'agents.yaml',
    `vars:\n  phone: "+14155550100"\n  project: 42\nproject: \${var.project}\nagents:\n${agentYaml('bot', 'Bot', '    description: Call \${var.phone}\n').replace('    description: Bot agent\n', '')}`,
  );
  expect((await scenario.apply('--var', 'phone=+14155550199')).code).toBe(0);
  expect(scenario.agentNamed('Bot').description).toBe('Call +14155550199');
  await scenario.expectNoChanges('--var', 'phone=+14155550199');

  const typo = await scenario.plan('--var', 'phon=1');
  expect(typo.code).toBe(1);
  expect(typo.stderr).toContain('--var phon: no var `phon` is declared under `vars:`');
  expect(typo.stderr).toContain('did you mean `phone`?');
  const notNumber = await scenario.plan('--var', 'project=forty-two');
  expect(notNumber.stderr).toContain('the manifest declares a number');
});

describe('flags that do nothing are said to', () => {
  it('plan warns above --max-deletes and for --delete-related without deletes', async () => {
    await applyTwoAgents();
    const quiet = await scenario.plan('--delete-related');
    expect(quiet.stderr).toContain('warning: --delete-related changes nothing: the plan deletes no agent');

    await scenario.write('agents.yaml', `project: 42\nagents:\n${agentYaml('bot', 'Bot')}`);
    const over = await scenario.plan('--max-deletes', '0');
    expect(over.code).toBe(0);
    expect(over.stderr).toContain(
      'warning: the plan deletes 1 agents and items, more than the 0 allowed by max-deletes: apply will refuse it',
    );
    expect((await scenario.plan('--delete-related')).stderr).not.toContain('--delete-related changes nothing');

    // The saved plan keeps the limit: its apply refuses.
    expect((await scenario.plan('--max-deletes', '0', '--out', 'tfplan.json')).code).toBe(0);
    const applied = await scenario.run(['apply', 'tfplan.json']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('more than the 0 allowed by max-deletes');
  });

  it('apply PLANFILE refuses the flags a saved plan would ignore', async () => {
    await scenario.write('agents.yaml', TWO_AGENTS);
    expect((await scenario.plan('--out', 'tfplan.json')).code).toBe(0);
    const result = await scenario.run(['apply', 'tfplan.json', '--prune', '--target', 'agent.bot']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: a saved plan is applied as it was made: --prune, --target would change nothing',
    );
    expect(scenario.writes()).toEqual([]);
  });
});

it('Terraform habits get a hint with the fix, and nothing is sent', async () => {
  await scenario.write('cekura.yaml', TWO_AGENTS);
  const singleDash = await scenario.run(['apply', '-auto-approve']);
  expect(singleDash.code).toBe(1);
  expect(singleDash.stderr).toContain("error: unknown option '-auto-approve'");
  expect(singleDash.stderr).toContain('hint: options take two dashes here: `--auto-approve`');
  const manifestArgument = await scenario.run(['apply', 'cekura.yaml']);
  expect(manifestArgument.code).toBe(1);
  expect(manifestArgument.stderr).toContain('hint: name manifests with -f: `cekuraform apply -f cekura.yaml`');
  expect(manifestArgument.stderr).not.toContain('bug');
  expect(scenario.emulator.requests()).toEqual([]);
});
