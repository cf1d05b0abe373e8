import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_GENERATIONS, type ApiGeneration } from '../../src/cekura/generation.js';
import type { FaultsPatch } from '../../src/emulator/faults.js';
import { EXAMPLES_MANIFEST, startScenario, type Scenario } from './harness.js';

let scenario: Scenario;
afterEach(() => scenario.close());

function startOn(api: ApiGeneration): void {
  beforeEach(async () => {
    scenario = await startScenario({ api });
  });
}

const ONE_AGENT = [
  'project: 42',
  'agents:',
  '  bot:',
  '    name: Bot',
  '    description: A bot',
  '    telephony: { inbound: false }',
  '    provider: { type: vapi, agent_id: asst_1 }',
  '    mock_tools:',
  '      - name: lookup',
  '        description: Lookup',
  '        mock_data: []',
  '        served_via: { type: mcp, mock_index: 1 }',
  '    mock_tools_enabled: true',
  '',
].join('\n');

describe.each(API_GENERATIONS)('against the %s API', (api) => {
  startOn(api);

  describe('rate limits and unavailability', () => {
    beforeEach(async () => {
      await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
    });

    it('plan waits out a 429 with Retry-After and 503s, saying so on stderr', async () => {
      scenario.emulator.setFaults({ rate_limit: { count: 1, retry_after_s: 7 } });
      const limited = await scenario.plan('--detailed-exitcode');
      expect(limited.code).toBe(2);
      expect(limited.stderr).toBe('retrying listing agents of project 42 (page 1) in 7.0s (HTTP 429; attempt 2)\n');
      expect(scenario.clock.sleeps).toEqual([7000]);

      scenario.emulator.setFaults({ errors: { count: 2, status: 503 } });
      const unavailable = await scenario.plan('--detailed-exitcode');
      expect(unavailable.code).toBe(2);
      expect(
        unavailable.stderr.match(
          /^retrying listing agents of project 42 \(page 1\) in \d+\.\ds \(HTTP 503; attempt \d\)$/gm,
        ),
      ).toHaveLength(2);
      // Each plan also probes once for the toggle routes (400 where they exist, 404 where not), since it switches mock mode on.
      const probe = api === '2026-06' ? 400 : 404;
      expect(scenario.emulator.requests().map((request) => request.status)).toEqual([
        429,
        200,
        probe,
        503,
        503,
        200,
        probe,
      ]);
    });

    it('apply survives 429s with Retry-After on creates and toggles', async () => {
      scenario.emulator.setFaults({ rate_limit: { count: 3, retry_after_s: 2, kinds: ['create', 'toggle'] } });

      const created = await scenario.apply();

      expect(created.code, created.stdout).toBe(0);
      expect(created.stdout).toContain('Apply complete: 3 added, 0 changed, 0 destroyed; 1 mock-mode change.');
      // A 429 was not processed, so even a POST is sent again: three agents, not more.
      expect(scenario.emulator.agents()).toHaveLength(3);
      const statuses = scenario.requestsOf('create', 'toggle').map((request) => request.status);
      expect(statuses.filter((status) => status === 429)).toHaveLength(3);
      expect(scenario.requestsOf('create').filter((request) => request.status === 201)).toHaveLength(3);
      expect(scenario.clock.sleeps.filter((ms) => ms === 2000)).toHaveLength(3);
      for (const line of created.stdout.match(/^.*retrying.*$/gm)!) {
        expect(line).toMatch(
          /^(retrying creating agent "[^"]+"|agent\.support-bot: retrying (en|dis)abling mock tools of agent \d+) in 2000ms \(attempt [23]\): HTTP 429$/,
        );
      }
      await scenario.expectNoChanges();
    });

    it('apply survives 503s on an update', async () => {
      expect((await scenario.apply()).code).toBe(0);
      const supportBot = scenario.agentNamed('Support Bot');
      await scenario.call('PATCH', `/test_framework/v2/aiagents/${supportBot.id}/`, { description: 'drifted' });
      scenario.emulator.setFaults({ errors: { count: 2, status: 503, kinds: ['update'] } });
      scenario.emulator.clearRequests();

      const updated = await scenario.apply();

      expect(updated.code, updated.stdout).toBe(0);
      expect(updated.stderr).toBe('');
      expect(updated.stdout).toMatch(
        /^agent\.support-bot: retrying updating agent \d+ in \d+ms \(attempt 2\): HTTP 503$/m,
      );
      expect(updated.stdout).toMatch(
        /^agent\.support-bot: retrying updating agent \d+ in \d+ms \(attempt 3\): HTTP 503$/m,
      );
      expect(scenario.requestsOf('update').map((request) => request.status)).toEqual([503, 503, 200]);
      expect(scenario.agentNamed('Support Bot').description).toBe('Handles inbound support calls');
      await scenario.expectNoChanges();
    });

    it('fails clearly when Cekura stays unavailable, having sent no write', async () => {
      scenario.emulator.setFaults({ errors: { count: 50, status: 503 } });

      const result = await scenario.apply();

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'error: listing agents of project 42 (page 1) failed (GET /test_framework/v2/aiagents/?project_id=42&page_size=100: HTTP 503)',
      );
      expect(result.stderr).toContain('hint: Cekura did not complete the request; try again later');
      expect(scenario.writes()).toEqual([]);
    });
  });

  describe('a create whose response is lost', () => {
    beforeEach(async () => {
      await scenario.write('agents.yaml', ONE_AGENT);
    });

    it.each<{ name: string; faults: FaultsPatch; posts: number }>([
      { name: 'committed, then answered 504', faults: { commit_then_504: { count: 1, kinds: ['create'] } }, posts: 1 },
      {
        name: 'committed, then the connection dropped',
        faults: { drop: { count: 1, kinds: ['create'], after_commit: true } },
        posts: 1,
      },
      { name: 'dropped before it was committed', faults: { drop: { count: 1, kinds: ['create'] } }, posts: 2 },
      {
        name: 'answered 503 before it was committed',
        faults: { errors: { count: 1, status: 503, kinds: ['create'] } },
        posts: 2,
      },
    ])('$name: ends with exactly one agent, bound in the state record', async ({ faults, posts }) => {
      scenario.emulator.setFaults(faults);

      const result = await scenario.apply();

      expect(result.code, result.stdout + result.stderr).toBe(0);
      const agents = scenario.emulator.agents();
      expect(agents.map((agent) => agent.name)).toEqual(['Bot']);
      expect(scenario.requestsOf('create')).toHaveLength(posts);
      expect((await scenario.state())!.agents['agent.bot']!.id).toBe(agents[0]!.id);
      expect(agents[0]!.mock_tools_enabled).toBe(true);
      if (posts === 1)
        expect(result.stdout).toContain(
          `agent.bot: found the agent whose create response was lost (id ${agents[0]!.id}); not posting again`,
        );
      await scenario.expectNoChanges();
    });
  });
});

describe('toggle faults (the 2026-06 API)', () => {
  startOn('2026-06');
  beforeEach(async () => {
    await scenario.write('agents.yaml', ONE_AGENT);
  });

  it('a toggle answered 503 is posted again only after reading the agent', async () => {
    scenario.emulator.setFaults({ errors: { count: 1, status: 503, kinds: ['toggle'] } });

    const result = await scenario.apply();

    expect(result.code, result.stdout).toBe(0);
    expect(scenario.requestsOf('toggle').map((request) => request.status)).toEqual([503, 202]);
    expect(scenario.requestsOf('get')).toHaveLength(1);
    expect(scenario.agentNamed('Bot').mock_tools_enabled).toBe(true);
    await scenario.expectNoChanges();
  });

  it("a rate-limited toggle is waited out, named by the agent's address", async () => {
    scenario.emulator.setFaults({ rate_limit: { count: 1, retry_after_s: 5, kinds: ['toggle'] } });

    const result = await scenario.apply();

    expect(result.code, result.stdout).toBe(0);
    const id = scenario.agentNamed('Bot').id;
    expect(result.stdout).toContain(
      `agent.bot: retrying enabling mock tools of agent ${id} in 5000ms (attempt 2): HTTP 429\n`,
    );
    expect(scenario.requestsOf('toggle').map((request) => request.status)).toEqual([429, 202]);
    await scenario.expectNoChanges();
  });

  it('a toggle committed, then answered 504, is not started twice: apply waits for the agent to reach the mode', async () => {
    await scenario.close();
    scenario = await startScenario({ toggleDurationMs: 5_000 });
    await scenario.write('agents.yaml', ONE_AGENT);
    scenario.emulator.setFaults({ commit_then_504: { count: 1, kinds: ['toggle'] } });

    const result = await scenario.apply();

    expect(result.code, result.stdout).toBe(0);
    // The second POST is refused as "already in progress": the first one did start the toggle.
    expect(scenario.requestsOf('toggle').map((request) => request.status)).toEqual([504, 400]);
    expect(result.stdout).toContain(
      'agent.bot: toggle mock mode on — completed — waiting for a toggle that is already in progress',
    );
    expect(scenario.agentNamed('Bot').mock_tools_enabled).toBe(true);
    expect((await scenario.state())!.agents['agent.bot']!.pending_toggle).toBeUndefined();
    await scenario.expectNoChanges();
  });
});

describe('a mock-mode way the server does not take', () => {
  it('the manifest key mock_mode_via forces the way without a probe; the flag wins over it', async () => {
    scenario = await startScenario({ api: '2026-08' });
    await scenario.write('agents.yaml', `mock_mode_via: patch\n${ONE_AGENT}`);

    const forced = JSON.parse((await scenario.plan('--json')).stdout);

    expect(forced.options.mock_mode_via).toBe('patch');
    expect(forced.mock_mode_changes).toMatchObject([{ address: 'agent.bot', via: 'patch' }]);
    expect(scenario.emulator.requests().map((request) => request.kind)).toEqual(['list']);
    const flagged = JSON.parse((await scenario.plan('--json', '--mock-mode-via', 'toggle')).stdout);
    expect(flagged.mock_mode_changes).toMatchObject([{ address: 'agent.bot', via: 'toggle' }]);
  });

  it('a toggle the plan chose, answered 404 by the 2026-08 API, fails the agent and says to plan again', async () => {
    scenario = await startScenario({ api: '2026-08' });
    await scenario.write('agents.yaml', ONE_AGENT);
    expect((await scenario.plan('--mock-mode-via', 'toggle', '--out', 'forced.plan')).code).toBe(0);

    const forced = await scenario.run(['apply', '--no-color', '--json', 'forced.plan']);

    expect(forced.code).toBe(1);
    const outcome = JSON.parse(forced.stdout).outcomes[0];
    expect(outcome).toMatchObject({
      address: 'agent.bot',
      status: 'failed',
      error: { operation: 'toggle', code: 'api_unsupported' },
    });
    expect(outcome.error.message).toContain('run plan again');
    // The agent itself was created; planning again chooses patch and converges.
    const replanned = JSON.parse((await scenario.plan('--json')).stdout);
    expect(replanned.mock_mode_changes).toMatchObject([{ address: 'agent.bot', from: false, to: true, via: 'patch' }]);
    expect((await scenario.apply()).code).toBe(0);
    expect(scenario.agentNamed('Bot').mock_tools_enabled).toBe(true);
    await scenario.expectNoChanges();
  });

  it('patch forced on the 2026-06 API, where mock_tools_enabled is read-only, fails the agent with the fix', async () => {
    scenario = await startScenario({ api: '2026-06' });
    await scenario.write('agents.yaml', ONE_AGENT);

    const forced = await scenario.run(['apply', '--no-color', '--json', '--auto-approve', '--mock-mode-via', 'patch']);

    expect(forced.code).toBe(1);
    const outcome = JSON.parse(forced.stdout).outcomes[0];
    expect(outcome).toMatchObject({ status: 'failed', error: { operation: 'toggle', code: 'mock_mode_not_written' } });
    expect(outcome.error.message).toContain('--mock-mode-via toggle');
    expect((await scenario.apply()).code).toBe(0);
    expect(scenario.agentNamed('Bot').mock_tools_enabled).toBe(true);
    await scenario.expectNoChanges();
  });
});
