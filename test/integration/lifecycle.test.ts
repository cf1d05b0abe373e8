import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WireAgent } from '../../src/api/types.js';
import { API_GENERATIONS } from '../../src/cekura/generation.js';
import { compareStrings } from '../../src/compare.js';
import { EXAMPLES_MANIFEST, scrub, startScenario, type Scenario } from './harness.js';

// The lifecycle against both generations of Cekura's API (NOTES.md, "Two generations of the API").
describe.each(API_GENERATIONS)('against the %s API', (api) => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario({ api });
  });
  afterEach(() => scenario.close());

  function idsByName(items: { id: number; name: string }[] | undefined): Record<string, number> {
    return Object.fromEntries((items ?? []).map((item) => [item.name, item.id]));
  }

  /** Applies `initial.yaml` of a scenario folder, checks it converged, and answers the agent it made. */
  async function applyInitial(folder: string): Promise<WireAgent> {
    await scenario.useScenarioFile(folder, 'initial.yaml');
    const result = await scenario.apply();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await scenario.expectNoChanges();
    return scenario.agentNamed('Support Bot');
  }

  describe('create from empty', () => {
    beforeEach(async () => {
      await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
    });

    it('creates every agent, binds them in the state record, and then plans no changes', async () => {
      // One agent sending at a time; the next one starts while the previous one's record is saved, so
      // their lines interleave as the disk allows: the golden holds each agent's lines in its own order.
      const result = await scenario.apply('--parallelism', '1');

      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const golden = api === '2026-06' ? 'apply-examples-from-empty.txt' : `apply-examples-from-empty-${api}.txt`;
      await expect(byAgent(scrub(result.stdout, scenario))).toMatchFileSnapshot(`golden/${golden}`);
      expect(result.stdout).toContain('Apply complete: 3 added, 0 changed, 0 destroyed; 1 mock-mode change.');
      expect(scenario.requestsOf('create')).toHaveLength(3);
      const agents = scenario.emulator.agents();
      expect(agents.map((agent) => agent.name).sort()).toEqual([
        'On-prem Concierge',
        'Retell Booking Agent',
        'Support Bot',
      ]);
      const supportBot = scenario.agentNamed('Support Bot');
      expect(supportBot.mock_tools?.map((tool) => tool.name).sort()).toEqual([
        'crm_lookup',
        'crm_update',
        'get_order',
        'refund_order',
      ]);
      expect(supportBot.mock_tools_enabled).toBe(true);

      const state = await scenario.state();
      expect(Object.fromEntries(Object.entries(state!.agents).map(([address, agent]) => [address, agent.id]))).toEqual({
        'agent.booking-agent': scenario.agentNamed('Retell Booking Agent').id,
        'agent.onprem-agent': scenario.agentNamed('On-prem Concierge').id,
        'agent.support-bot': supportBot.id,
      });
      expect(state!.agents['agent.support-bot']!.pending_toggle).toBeUndefined();

      await scenario.expectNoChanges();
    });

    it('sends no write on a second apply', async () => {
      expect((await scenario.apply()).code).toBe(0);
      scenario.emulator.clearRequests();

      const again = await scenario.apply();

      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^Target: .*\n\nNo changes\.\n/);
      expect(again.stdout).toContain('Apply complete: 0 added, 0 changed, 0 destroyed; 0 mock-mode changes.');
      expect(scenario.writes()).toEqual([]);
      expect(scenario.requestsOf('toggle_progress')).toEqual([]);
      // The newer API's list leaves descriptions out, so each agent is read once.
      expect(scenario.requestsOf('get')).toHaveLength(api === '2026-06' ? 0 : 3);
      await scenario.expectNoChanges();
    });

    it('flips mock mode and edits a description in one apply, then plans no changes', async () => {
      expect((await scenario.apply()).code).toBe(0);
      await scenario.expectNoChanges();
      const manifest = join(scenario.dir, 'agents.yaml');
      const text = await readFile(manifest, 'utf8');
      await writeFile(
        manifest,
        text
          .replace('mock_tools_enabled: true', 'mock_tools_enabled: false')
          .replace(
            'description: Handles inbound support calls',
            'description: Handles inbound and outbound support calls',
          ),
      );
      const supportBot = scenario.agentNamed('Support Bot');
      scenario.emulator.clearRequests();

      const result = await scenario.apply();

      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(
        api === '2026-06'
          ? '~ mock mode: on → off (toggle after the write)'
          : '~ mock mode: on → off (patch: mock_tools_enabled in the write)',
      );
      const after = scenario.agentNamed('Support Bot');
      expect([after.description, after.mock_tools_enabled]).toEqual([
        'Handles inbound and outbound support calls',
        false,
      ]);
      // One write each way: the PATCH then the toggle, or one PATCH carrying both.
      expect(scenario.writes().map((request) => [request.kind, request.agent_id])).toEqual(
        api === '2026-06'
          ? [
              ['update', supportBot.id],
              ['toggle', supportBot.id],
            ]
          : [['update', supportBot.id]],
      );
      await scenario.expectNoChanges();
    });
  });

  describe('001: removing a mock tool and a dynamic variable', () => {
    it('deletes exactly those items and keeps the ids of the others', async () => {
      const before = await applyInitial('001-tool-and-variable-removal');
      await scenario.useScenarioFile('001-tool-and-variable-removal', 'final.yaml');

      const plan = await scenario.plan();
      await expect(scrub(plan.stdout, scenario)).toMatchFileSnapshot('golden/plan-001-tool-and-variable-removal.txt');
      const result = await scenario.apply();

      expect(result.code).toBe(0);
      const after = scenario.agentNamed('Support Bot');
      expect(after.id).toBe(before.id);
      const toolIds = idsByName(before.mock_tools);
      expect(idsByName(after.mock_tools)).toEqual({ get_order: toolIds.get_order, crm_lookup: toolIds.crm_lookup });
      const variableIds = idsByName(before.dynamic_variables);
      expect(idsByName(after.dynamic_variables)).toEqual({
        customer_name: variableIds.customer_name,
        order_id: variableIds.order_id,
      });
      expect(scenario.writes().map((request) => request.kind)).toEqual(['update']);
      await scenario.expectNoChanges();
    });
  });

  describe('007: what a reviewer sees', () => {
    it('shows a long description as a word diff, one added mock data row as one line, and counts deleted items', async () => {
      await scenario.useScenarioFile('007-review', 'initial.yaml');
      expect((await scenario.apply()).code).toBe(0);
      await scenario.expectNoChanges();
      await scenario.useScenarioFile('007-review', 'final.yaml');

      const plan = await scenario.plan('--no-color');
      // The plan reads the same on both generations.
      await expect(scrub(plan.stdout, scenario)).toMatchFileSnapshot('golden/plan-007-review.txt');
      expect(plan.stdout).toContain('[-100-]{+500+}');
      expect(plan.stdout).toContain(
        'Plan: 0 to add, 1 to change, 0 to destroy; inside agents: 2 mock tools and 1 dynamic variable deleted; 0 mock-mode changes.',
      );
      const markdown = await scenario.plan('--markdown');
      await expect(scrub(markdown.stdout, scenario)).toMatchFileSnapshot('golden/plan-007-review.md');

      expect((await scenario.apply()).code).toBe(0);
      const invoice = scenario.agentNamed('Billing Bot').mock_tools!.find((tool) => tool.name === 'get_invoice')!;
      expect(invoice.mock_data).toHaveLength(7);
      await scenario.expectNoChanges();
    });
  });

  describe("002: changing a mock tool's mock data", () => {
    it('updates the tool in place, keeping its id', async () => {
      const before = await applyInitial('002-tool-update');
      await scenario.useScenarioFile('002-tool-update', 'final.yaml');

      const plan = await scenario.plan();
      await expect(scrub(plan.stdout, scenario)).toMatchFileSnapshot('golden/plan-002-tool-update.txt');
      const result = await scenario.apply();

      expect(result.code).toBe(0);
      const after = scenario.agentNamed('Support Bot');
      expect(after.id).toBe(before.id);
      expect(idsByName(after.mock_tools)).toEqual(idsByName(before.mock_tools));
      expect(after.mock_tools?.find((tool) => tool.name === 'get_order')?.mock_data).toEqual([
        { input: { order_id: 'A1' }, output: { status: 'shipped' } },
        { input: { order_id: 'B2' }, output: { status: 'processing' } },
      ]);
      await scenario.expectNoChanges();
    });
  });

  describe('003: renaming the agent', () => {
    it('updates the same agent, never deletes and creates', async () => {
      const before = await applyInitial('003-rename');
      await scenario.useScenarioFile('003-rename', 'final.yaml');

      const plan = await scenario.plan();
      expect(plan.stdout).toContain('~ name: "Support Bot" → "Support Bot (EU)"');
      const result = await scenario.apply();

      expect(result.code).toBe(0);
      expect(scenario.writes().map((request) => [request.kind, request.agent_id])).toEqual([['update', before.id]]);
      expect(scenario.emulator.agents().map((agent) => [agent.id, agent.name])).toEqual([
        [before.id, 'Support Bot (EU)'],
      ]);
      expect((await scenario.state())!.agents['agent.support-bot']!.id).toBe(before.id);
      await scenario.expectNoChanges();
    });
  });

  describe('004: dropping mock_tools from the manifest', () => {
    it('leaves the live tools alone: the field is no longer managed', async () => {
      const before = await applyInitial('004-unmanaged-set');
      await scenario.useScenarioFile('004-unmanaged-set', 'final.yaml');

      await scenario.expectNoChanges();
      expect(idsByName(scenario.agentNamed('Support Bot').mock_tools)).toEqual(idsByName(before.mock_tools));
    });
  });

  describe('005: an explicit empty mock_tools list', () => {
    it('deletes every mock tool and says so', async () => {
      await applyInitial('005-empty-set');
      await scenario.useScenarioFile('005-empty-set', 'final.yaml');

      const plan = await scenario.plan();
      for (const tool of ['get_order', 'legacy_lookup', 'crm_lookup'])
        expect(plan.stdout).toContain(`- mock tool "${tool}"`);
      const result = await scenario.apply();

      expect(result.code).toBe(0);
      expect(scenario.agentNamed('Support Bot').mock_tools).toEqual([]);
      expect(scenario.agentNamed('Support Bot').dynamic_variables).toHaveLength(3);
      await scenario.expectNoChanges();
    });
  });
});

/** Progress lines (`agent.x: …`) grouped by agent, each agent's in the order printed; other lines stay put. */
function byAgent(text: string): string {
  const lines = text.split('\n');
  const progress = /^agent\.[^:]+: /;
  const first = lines.findIndex((line) => progress.test(line));
  if (first < 0) return text;
  let end = first;
  while (end < lines.length && progress.test(lines[end]!)) end += 1;
  const address = (line: string): string => line.slice(0, line.indexOf(':'));
  const block = lines.slice(first, end).sort((a, b) => compareStrings(address(a), address(b)));
  return [...lines.slice(0, first), ...block, ...lines.slice(end)].join('\n');
}
