import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENTS_PATH, EXAMPLES_MANIFEST, scrub, startScenario, type Scenario } from './harness.js';

describe('plan of examples/agents.yaml from an empty Cekura', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario();
    await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
  });
  afterEach(() => scenario.close());

  it('lists every create and exits 2 under --detailed-exitcode', async () => {
    const result = await scenario.plan('--detailed-exitcode');

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    await expect(scrub(result.stdout, scenario)).toMatchFileSnapshot('golden/plan-examples-from-empty.txt');
    for (const line of [
      '+ agent.booking-agent "Retell Booking Agent" (project 42)',
      '+ agent.onprem-agent "On-prem Concierge" (project 42)',
      '+ agent.support-bot "Support Bot" (project 42)',
      '+ mock tool "get_order" — will be created',
      '+ mock tool "crm_update" — will be created',
      '+ dynamic variable "preferred_date" — will be created',
      '~ mock mode: off → on (toggle after the write)',
      'Plan: 3 to add, 0 to change, 0 to destroy; 1 mock-mode change.',
    ]) {
      expect(result.stdout).toContain(line);
    }
  });

  it('exits 0 without --detailed-exitcode', async () => {
    expect((await scenario.plan()).code).toBe(0);
  });

  it('prints the JSON contract of DESIGN.md under --json', async () => {
    const result = await scenario.plan('--json', '--detailed-exitcode');

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout);
    expect(plan.format_version).toBe('2');
    expect(plan.created_from.api).toEqual({ url: scenario.emulator.url, source: 'env' });
    expect(plan.resource_changes.map((change: any) => [change.address, change.action, change.id])).toEqual([
      ['agent.booking-agent', 'create', null],
      ['agent.onprem-agent', 'create', null],
      ['agent.support-bot', 'create', null],
    ]);
    for (const change of plan.resource_changes) {
      expect(change.changes.length).toBeGreaterThan(0);
      for (const operation of change.changes) {
        expect(['add', 'remove', 'replace']).toContain(operation.op);
        expect(operation.path).toMatch(/^\//);
      }
    }
    const supportBot = plan.resource_changes.find((change: any) => change.address === 'agent.support-bot');
    expect(supportBot.changes).toContainEqual({
      op: 'add',
      path: '/provider/credentials/api_key',
      value: '(sensitive value)',
      sensitive: true,
    });
    expect(supportBot.changes).toContainEqual({ op: 'add', path: '/name', value: 'Support Bot' });
    expect(supportBot.fields).toContainEqual({ op: 'add', path: '/name', value: 'Support Bot' });
    const getOrder = supportBot.items.find((item: any) => item.name === 'get_order');
    expect(getOrder.rows).toContainEqual({
      input: { order_id: 'B2' },
      action: 'create',
      fields: [{ op: 'add', path: '/output', value: { status: 'processing' } }],
    });
    expect(supportBot.changes).toContainEqual({
      op: 'add',
      path: '/mock_tools/get_order',
      value: expect.objectContaining({ name: 'get_order', description: 'Look up an order by id' }),
    });
    expect(plan.mock_mode_changes).toEqual([
      { address: 'agent.support-bot', id: null, from: false, to: true, via: 'toggle' },
    ]);
    expect(plan.unmanaged).toEqual([]);
    expect(plan.summary).toMatchObject({ add: 3, change: 0, destroy: 0, mock_mode_toggles: 1 });
  });

  it('sends one list request, and one read-only probe of the toggle route because mock mode changes', async () => {
    await scenario.plan();

    expect(scenario.emulator.requests()).toMatchObject([
      { method: 'GET', path: AGENTS_PATH, query: { project_id: '42' }, kind: 'list', status: 200 },
      {
        method: 'GET',
        path: `${AGENTS_PATH}0/toggle-mock-tools-progress/`,
        query: { progress_id: 'cekuraform-probe' },
        kind: 'toggle_progress',
        status: 400,
      },
    ]);
  });
});

describe('plan against a project with several pages of agents', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario({ maxPageSize: 2 });
  });
  afterEach(() => scenario.close());

  it('sends one list request per page and no request per agent', async () => {
    for (const name of ['One', 'Two', 'Three', 'Four', 'Five']) {
      await scenario.createDirectly({ name, description: name });
    }
    await scenario.write(
      'agents.yaml',
      'project: 42\nagents:\n  one:\n    name: One\n    description: One\n    telephony: { inbound: false }\n',
    );
    scenario.emulator.clearRequests();

    const result = await scenario.plan('--detailed-exitcode');

    expect(result.code).toBe(0);
    expect(scenario.emulator.requests().map((request) => [request.kind, request.query.page ?? '1'])).toEqual([
      ['list', '1'],
      ['list', '2'],
      ['list', '3'],
    ]);
    expect(scrub(result.stdout, scenario)).toContain('Two');
  });
});

describe('plan of a folder of manifests across projects', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario();
  });
  afterEach(() => scenario.close());

  it('lists each managed project once, applies both files, and converges', async () => {
    await scenario.write(
      'agents/support.yaml',
      'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n    telephony: { inbound: false }\n',
    );
    await scenario.write(
      'agents/sales.yaml',
      'project: 7\nagents:\n  seller:\n    name: Seller\n    description: Sells\n    telephony: { inbound: true }\n',
    );

    const plan = await scenario.plan('-f', 'agents', '--json');

    expect(JSON.parse(plan.stdout).resource_changes.map((change: any) => [change.address, change.project])).toEqual([
      ['agent.bot', 42],
      ['agent.seller', 7],
    ]);
    expect(scenario.emulator.requests().map((request) => request.query.project_id)).toEqual(['7', '42']);
    expect((await scenario.apply('-f', 'agents')).code).toBe(0);
    expect(
      scenario.emulator
        .agents()
        .map((agent) => [agent.name, agent.project])
        .sort(),
    ).toEqual([
      ['Bot', 42],
      ['Seller', 7],
    ]);
    await scenario.expectNoChanges('-f', 'agents');
  });
});
