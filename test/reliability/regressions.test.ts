import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scrubSecretValues } from '../../src/secret.js';
import { startScenario, type Scenario } from '../integration/harness.js';

// The minimal cases the properties of this folder found, each a plain test (see README.md).

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

function manifest(agents: Record<string, { name: string; project?: number }>): string {
  const lines = ['project: 42', 'agents:'];
  for (const [key, agent] of Object.entries(agents)) {
    lines.push(`  ${key}:`, `    name: ${agent.name}`, '    description: A bot');
    if (agent.project !== undefined) lines.push(`    project: ${agent.project}`);
  }
  return lines.join('\n') + '\n';
}

async function applyManifest(agents: Record<string, { name: string; project?: number }>, ...args: string[]) {
  await scenario.write('agents.yaml', manifest(agents));
  return scenario.apply(...args);
}

describe('secrets a server echoes escaped', () => {
  it('scrubs a secret quoted back inside a JSON string, as JSON and as Python write it', () => {
    const secret = 'pa"ss\\word-é';
    const echoed = `Bad body: {"api_key": ${JSON.stringify(secret)}} / {"api_key": "pa\\"ss\\\\word-\\u00e9"} / raw ${secret}`;

    const scrubbed = scrubSecretValues(echoed, [secret]);

    expect(scrubbed).toBe(
      'Bad body: {"api_key": "(sensitive value)"} / {"api_key": "(sensitive value)"} / raw (sensitive value)',
    );
  });
});

describe('binding', () => {
  it('refuses, sending nothing, a manifest that moves a bound agent to another project', async () => {
    expect((await applyManifest({ a: { name: 'A' }, b: { name: 'B' } })).code).toBe(0);
    const b = scenario.agentNamed('B');

    // Project 42 is still read (for `a`), so the bound agent is seen in it.
    await scenario.write('agents.yaml', manifest({ a: { name: 'A' }, b: { name: 'B', project: 43 } }));
    scenario.emulator.clearRequests();
    const moved = await scenario.apply();
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain(
      `error: agent.b is bound to agent ${b.id} in project 42, but the manifest puts it in project 43`,
    );
    expect(scenario.writes()).toEqual([]);

    // Project 42 is no longer read: the record says where the agent is.
    await scenario.write('agents.yaml', manifest({ b: { name: 'B', project: 43 } }));
    const alone = await scenario.apply();
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain(
      `agent.b is bound to agent ${b.id} in project 42, but the manifest puts it in project 43`,
    );
    expect(scenario.writes()).toEqual([]);
    expect(scenario.emulator.agents().map((agent) => [agent.name, agent.project])).toEqual([
      ['A', 42],
      ['B', 42],
    ]);
  });

  it('refuses to rename an agent to the name of one no address manages, unless prune deletes that one', async () => {
    expect((await applyManifest({ sales: { name: 'Sales Bot' }, support: { name: 'Front Desk' } })).code).toBe(0);
    const sales = scenario.agentNamed('Sales Bot');
    // Let go of it: an agent the record owns would be deleted by removing it from the manifest.
    expect((await scenario.run(['state', 'rm', 'agent.sales'])).code).toBe(0);

    await scenario.write('agents.yaml', manifest({ support: { name: 'Sales Bot' } }));
    scenario.emulator.clearRequests();
    const renamed = await scenario.apply();
    expect(renamed.code).toBe(1);
    expect(renamed.stderr).toContain(
      `error: agent.support would be renamed to "Sales Bot", which agent ${sales.id} in project 42 already has`,
    );
    expect(scenario.writes()).toEqual([]);

    const pruned = await scenario.apply('--prune');
    expect(pruned.code, pruned.stdout).toBe(0);
    expect(scenario.emulator.agents().map((agent) => agent.name)).toEqual(['Sales Bot']);
    await scenario.expectNoChanges('--prune');
  });

  it('an address that adopts an agent takes it over in the record from a key the manifest dropped', async () => {
    expect((await applyManifest({ booking: { name: 'Sales Bot' } })).code).toBe(0);
    const agent = scenario.agentNamed('Sales Bot');
    expect((await applyManifest({ support: { name: 'Sales Bot' } })).code).toBe(0);
    expect(Object.keys((await scenario.state())!.agents)).toEqual(['agent.support']);

    const both = await applyManifest({ support: { name: 'Support Bot' }, booking: { name: 'Front Desk' } });

    expect(both.code, both.stdout + both.stderr).toBe(0);
    expect(scenario.agentNamed('Support Bot').id).toBe(agent.id);
    expect(scenario.agentNamed('Front Desk').id).not.toBe(agent.id);
    await scenario.expectNoChanges();
  });
});

describe('renames that pass a name along', () => {
  it('when one of them fails, apply names it, and the next apply finishes the other', async () => {
    expect((await applyManifest({ a: { name: 'Alpha' }, b: { name: 'Beta' } })).code).toBe(0);
    const [alpha, beta] = [scenario.agentNamed('Alpha'), scenario.agentNamed('Beta')];

    await scenario.write('agents.yaml', manifest({ a: { name: 'Beta' }, b: { name: 'Gamma' } }));
    scenario.emulator.setFaults({ errors: { count: 1, status: 501, kinds: ['update'] } });
    const failed = await scenario.apply();
    scenario.emulator.clearFaults();

    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/agent\.[ab]: .*501/);
    const again = await scenario.apply();
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(scenario.emulator.agents().map((agent) => [agent.id, agent.name])).toEqual([
      [alpha.id, 'Beta'],
      [beta.id, 'Gamma'],
    ]);
    await scenario.expectNoChanges();
  });
});

describe('a create whose last response is lost', () => {
  it('is found by name after the last POST too, rather than reported failed', async () => {
    await scenario.write('agents.yaml', manifest({ bot: { name: 'Bot' } }));
    scenario.emulator.setFaults({
      drop: { count: 2, kinds: ['create'] },
      commit_then_504: { count: 1, kinds: ['create'] },
    });

    const result = await scenario.apply();

    expect(result.code, result.stdout).toBe(0);
    expect(scenario.requestsOf('create').map((request) => request.status)).toEqual([null, null, 504]);
    const agents = scenario.emulator.agents();
    expect(agents.map((agent) => agent.name)).toEqual(['Bot']);
    expect(result.stdout).toContain(
      `agent.bot: found the agent whose create response was lost (id ${agents[0]!.id}); not posting again`,
    );
    expect((await scenario.state())!.agents['agent.bot']!.id).toBe(agents[0]!.id);
    await scenario.expectNoChanges();
  });
});

describe('duplicate live item names (issue 11, item 4)', () => {
  it('deletes both items of a name the manifest empties, each named in the plan by id', async () => {
    await scenario.write(
      'agents.yaml',
      'project: 42\nagents:\n  sales:\n    name: Bot\n    description: A bot\n    mock_tools: [{ name: crm_lookup }]\n',
    );
    expect((await scenario.apply()).code).toBe(0);
    const bot = scenario.agentNamed('Bot');
    const kept = bot.mock_tools![0]!.id;
    const extra = scenario.emulator.duplicateItem(bot.id, 'mock_tools', kept);
    await scenario.write('agents.yaml', 'project: 42\nagents:\n  sales:\n    name: Bot\n    mock_tools: []\n');

    const plan = JSON.parse((await scenario.plan('--json')).stdout);
    expect(
      plan.resource_changes[0].items.map((item: { id: number; reason: string }) => [item.id, item.reason]),
    ).toEqual([
      [kept, 'not_in_manifest'],
      [extra, 'duplicate_name'],
    ]);
    expect((await scenario.apply()).code).toBe(0);
    expect(scenario.agentNamed('Bot').mock_tools).toEqual([]);
    await scenario.expectNoChanges();
  });
});

describe('agents missing from a list pass (issue 11, item 2)', () => {
  it('reads by id only agents of addresses the manifest names, so a dropped address costs no request', async () => {
    expect((await applyManifest({ booking: { name: 'Front Desk' } })).code).toBe(0);
    const gone = scenario.agentNamed('Front Desk');
    expect((await scenario.call('DELETE', `/test_framework/v2/aiagents/${gone.id}/`)).status).toBe(204);

    expect((await applyManifest({ sales: { name: 'Sales Bot' } })).code).toBe(0);

    await scenario.expectNoChanges();
  });
});
