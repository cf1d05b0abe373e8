import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// Issue 11, item 2: a list pass can miss an agent (a delete between pages shifts DRF's page-number
// pagination); a bound agent is created again only when GET {id}/ says 404.

const MANIFEST = ['project: 42', 'agents:']
  .concat(
    ['alpha', 'beta', 'gamma'].flatMap((key) => [`  ${key}:`, `    name: ${key}`, `    description: The ${key} bot`]),
  )
  .join('\n');

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario({ pageSize: 1, maxPageSize: 1 });
  await scenario.write('agents.yaml', MANIFEST + '\n');
  expect((await scenario.apply()).code).toBe(0);
});
afterEach(() => scenario.close());

it('reads a bound agent the list missed by id, and plans no change for it', async () => {
  const beta = scenario.agentNamed('beta');
  scenario.emulator.setFaults({ list_shift: { count: 1 } });

  scenario.emulator.clearRequests();
  const plan = await scenario.plan('--detailed-exitcode');

  expect(plan.stdout).toContain('No changes.');
  expect(plan.code).toBe(0);
  expect(scenario.requestsOf('get').map((request) => request.agent_id)).toEqual([beta.id]);
  expect(scenario.emulator.requests().filter((request) => request.kind !== 'list' && request.kind !== 'get')).toEqual(
    [],
  );
});

it('does not create a bound agent again, or delete it under prune, when a list pass misses it', async () => {
  const before = scenario.emulator.agents().map((agent) => agent.id);
  scenario.emulator.clearRequests();
  scenario.emulator.setFaults({ list_shift: { count: 1 } });
  const first = await scenario.apply('--prune');
  expect(first.code, first.stdout).toBe(0);
  scenario.emulator.setFaults({ list_shift: { count: 1 } });
  const second = await scenario.apply('--prune');
  expect(second.code, second.stdout).toBe(0);

  expect(scenario.writes(), first.stdout + second.stdout).toEqual([]);
  expect(scenario.emulator.agents().map((agent) => agent.id)).toEqual(before);
});

it('creates a bound agent again when GET says it is gone', async () => {
  const beta = scenario.agentNamed('beta');
  expect((await scenario.call('DELETE', `/test_framework/v2/aiagents/${beta.id}/?delete_related=false`)).status).toBe(
    204,
  );

  scenario.emulator.clearRequests();
  const plan = JSON.parse((await scenario.plan('--json')).stdout);
  expect(plan.resource_changes.filter((change: { action: string }) => change.action !== 'no-op')).toMatchObject([
    { address: 'agent.beta', action: 'create', reason: 'bound_agent_missing' },
  ]);
  expect(scenario.requestsOf('get').map((request) => request.agent_id)).toEqual([beta.id]);
});
