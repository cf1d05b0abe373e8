import { afterEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

const FOLDER = '006-mock-mode';

let scenario: Scenario;
afterEach(() => scenario.close());

/** Both agents created with mock mode off, converged. */
async function startWithAgents(toggleDurationMs: number): Promise<void> {
  scenario = await startScenario({ toggleDurationMs });
  await scenario.useScenarioFile(FOLDER, 'disabled.yaml');
  const created = await scenario.apply();
  expect(created.code, created.stdout).toBe(0);
  await scenario.expectNoChanges();
  scenario.emulator.clearRequests();
}

function ids(): { supportBot: number; booking: number } {
  return { supportBot: scenario.agentNamed('Support Bot').id, booking: scenario.agentNamed('Retell Booking Agent').id };
}

it('enables mock mode by toggle and polling, reports the MCP endpoints, then disables it', async () => {
  await startWithAgents(10_000);
  await scenario.useScenarioFile(FOLDER, 'enabled.yaml');

  const plan = await scenario.plan();
  expect(plan.stdout).toContain('  # agent.support-bot will have its mock mode switched\n');
  expect(plan.stdout).toContain('~ mock mode: off → on (toggle only, no write)');
  expect(plan.stdout).toContain('Plan: 0 to add, 0 to change, 0 to destroy; 2 mock-mode changes.');
  const enabled = await scenario.apply();

  expect(enabled.code, enabled.stdout).toBe(0);
  const { supportBot, booking } = ids();
  expect(enabled.stdout.replaceAll(scenario.emulator.url, '<api>')).toContain(
    [
      'MCP endpoints registered by mock mode:',
      '  agent.booking-agent:',
      `      mock_index 1: <api>/test_framework/v1/aiagents/${booking}/mcp/1/ (tools: find_slot)`,
      '  agent.support-bot:',
      `      mock_index 1: <api>/test_framework/v1/aiagents/${supportBot}/mcp/1/ (tools: crm_lookup, crm_update)`,
      `      mock_index 2: <api>/test_framework/v1/aiagents/${supportBot}/mcp/2/ (tools: billing)`,
    ].join('\n'),
  );
  expect(enabled.stdout).toContain('Apply complete: 0 added, 0 changed, 0 destroyed; 2 mock-mode changes.');
  expect(
    scenario
      .writes()
      .map((request) => [request.kind, request.agent_id])
      .sort(),
  ).toEqual(
    [
      ['toggle', supportBot],
      ['toggle', booking],
    ].sort(),
  );
  // A toggle stays in progress for 10 s of the fake clock (which both agents' waits move): apply polled until it completed.
  expect(scenario.requestsOf('toggle_progress').length).toBeGreaterThan(2);
  expect(scenario.clock.sleeps.length).toBeGreaterThan(2);
  expect(scenario.emulator.agents().map((agent) => agent.mock_tools_enabled)).toEqual([true, true]);
  expect(Object.values((await scenario.state())!.agents).map((agent) => agent.pending_toggle)).toEqual([
    undefined,
    undefined,
  ]);
  await scenario.expectNoChanges();

  await scenario.useScenarioFile(FOLDER, 'disabled.yaml');
  scenario.emulator.clearRequests();
  const disabled = await scenario.apply();

  expect(disabled.code, disabled.stdout).toBe(0);
  expect(disabled.stdout).not.toContain('MCP endpoints');
  expect(scenario.requestsOf('toggle')).toHaveLength(2);
  expect(scenario.emulator.agents().map((agent) => agent.mock_tools_enabled)).toEqual([false, false]);
  await scenario.expectNoChanges();
});

it("fails only the agent whose toggle fails, with the server's error text, and applies the other", async () => {
  await startWithAgents(0);
  const { supportBot, booking } = ids();
  scenario.emulator.setFaults({
    toggles: { [String(supportBot)]: { outcome: 'fail', error: 'Vapi rejected the MCP server registration' } },
  });
  await scenario.useScenarioFile(FOLDER, 'enabled.yaml');

  const result = await scenario.apply();

  expect(result.code).toBe(1);
  expect(result.stdout).toContain(
    'agent.support-bot: mock-mode toggle failed: Vapi rejected the MCP server registration (toggle_failed)',
  );
  expect(result.stdout).not.toContain('Apply complete');
  expect(result.stdout).toContain('Apply failed: 1 agent failed.\n');
  expect(result.stdout).toContain('Not done: agent.support-bot (mock-mode toggle failed).\n');
  expect(scenario.emulator.agents().find((agent) => agent.id === booking)!.mock_tools_enabled).toBe(true);
  expect(scenario.emulator.agents().find((agent) => agent.id === supportBot)!.mock_tools_enabled).toBe(false);
  expect((await scenario.state())!.agents['agent.support-bot']!.pending_toggle).toBeUndefined();

  // Still wanted: the next plan shows the toggle again; with the fault gone, apply reaches it.
  const plan = await scenario.plan('--json', '--detailed-exitcode');
  expect(plan.code).toBe(2);
  expect(JSON.parse(plan.stdout).mock_mode_changes).toEqual([
    { address: 'agent.support-bot', id: supportBot, from: false, to: true, via: 'toggle' },
  ]);
  scenario.emulator.clearFaults();
  expect((await scenario.apply()).code).toBe(0);
  await scenario.expectNoChanges();
});

it('stops waiting at --toggle-timeout, and the next apply resumes polling without toggling again', async () => {
  // A toggle that takes two minutes of the fake clock: longer than the timeout.
  await startWithAgents(120_000);
  const { supportBot } = ids();
  await scenario.useScenarioFile(FOLDER, 'enabled.yaml');
  const startedAt = scenario.clock.now();

  const timedOut = await scenario.apply('--toggle-timeout', '30s');

  expect(timedOut.code).toBe(1);
  expect(timedOut.stdout).toMatch(
    /agent\.support-bot: mock-mode toggle failed: the mock-tool mode toggle did not finish in time \(progress [0-9a-f-]+\); the next apply resumes polling it \(toggle_timeout\)/,
  );
  expect(scenario.clock.now() - startedAt).toBeGreaterThanOrEqual(30_000);
  expect(scenario.clock.now() - startedAt).toBeLessThan(40_000);
  const pending = (await scenario.state())!.agents['agent.support-bot']!.pending_toggle;
  expect(pending).toMatchObject({ enabled: true, progress_id: expect.any(String) });
  expect(scenario.requestsOf('toggle').filter((request) => request.agent_id === supportBot)).toHaveLength(1);

  // Still in progress: the plan still wants mock mode on, and apply polls the recorded toggle.
  const plan = await scenario.plan('--detailed-exitcode');
  expect(plan.code).toBe(2);
  scenario.emulator.clearRequests();
  const resumed = await scenario.apply();

  expect(resumed.code, resumed.stdout).toBe(0);
  expect(scenario.requestsOf('toggle')).toEqual([]);
  const polls = scenario.requestsOf('toggle_progress').filter((request) => request.agent_id === supportBot);
  expect(polls.length).toBeGreaterThan(0);
  expect(polls.every((request) => request.query.progress_id === pending!.progress_id)).toBe(true);
  expect(scenario.agentNamed('Support Bot').mock_tools_enabled).toBe(true);
  expect(resumed.stdout).toContain(
    `mock_index 2: ${scenario.emulator.url}/test_framework/v1/aiagents/${supportBot}/mcp/2/ (tools: billing)`,
  );
  expect((await scenario.state())!.agents['agent.support-bot']!.pending_toggle).toBeUndefined();
  await scenario.expectNoChanges();
});

it('times out on a toggle that never completes; once it is released the next apply finds mock mode reached and posts no toggle', async () => {
  await startWithAgents(0);
  const { supportBot } = ids();
  scenario.emulator.setFaults({ toggles: { [String(supportBot)]: { outcome: 'hang' } } });
  await scenario.useScenarioFile(FOLDER, 'enabled.yaml');

  const timedOut = await scenario.apply('--toggle-timeout', '2m');

  expect(timedOut.code).toBe(1);
  expect(timedOut.stdout).toContain('(toggle_timeout)');
  expect((await scenario.state())!.agents['agent.support-bot']!.pending_toggle).toMatchObject({ enabled: true });

  scenario.emulator.clearFaults();
  scenario.emulator.clearRequests();
  const next = await scenario.apply();

  expect(next.code, next.stdout).toBe(0);
  expect(scenario.writes()).toEqual([]);
  expect(scenario.agentNamed('Support Bot').mock_tools_enabled).toBe(true);
  expect((await scenario.state())!.agents['agent.support-bot']!.pending_toggle).toBeUndefined();
  await scenario.expectNoChanges();
});
