import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_GENERATIONS } from '../../src/cekura/generation.js';
import { AGENTS_PATH, startScenario, type Scenario } from './harness.js';

// Changes made "in the UI": direct requests to the emulator after a converged apply, against both
// generations of Cekura's API.

describe.each(API_GENERATIONS)('against the %s API', (api) => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario({ api });
    await scenario.useScenarioFile('001-tool-and-variable-removal', 'final.yaml');
    expect((await scenario.apply()).code).toBe(0);
    await scenario.expectNoChanges();
  });
  afterEach(() => scenario.close());

  async function patchInUi(body: Record<string, unknown>): Promise<void> {
    const agent = scenario.agentNamed('Support Bot');
    const response = await scenario.call('PATCH', `${AGENTS_PATH}${agent.id}/`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }

  it('shows a description changed in the UI as drift, and apply reverts it', async () => {
    await patchInUi({ description: 'Edited by hand in the UI' });

    const plan = await scenario.plan('--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      '      ~ description: "Edited by hand in the UI" → "Handles inbound support calls"\n' +
        '          # drift: changed in Cekura since the last apply; apply reverts it\n',
    );
    const json = JSON.parse((await scenario.plan('--json')).stdout);
    expect(json.resource_changes[0]).toMatchObject({
      address: 'agent.support-bot',
      action: 'update',
      changes: [
        {
          op: 'replace',
          path: '/description',
          value: 'Handles inbound support calls',
          before: 'Edited by hand in the UI',
          origin: 'drift',
        },
      ],
      items: [],
    });

    const result = await scenario.apply();
    expect(result.code).toBe(0);
    expect(scenario.agentNamed('Support Bot').description).toBe('Handles inbound support calls');
    // What was overwritten is kept in a backup first.
    const backupFile = /^Backup of the agents as they were before this apply: (.+)$/m.exec(result.stdout)![1]!;
    expect(result.stdout.split(backupFile)).toHaveLength(2); // named once, not also in the progress lines
    const backup = JSON.parse(await readFile(backupFile, 'utf8'));
    expect(backup.agents).toEqual([
      {
        address: 'agent.support-bot',
        action: 'update',
        document: expect.objectContaining({ description: 'Edited by hand in the UI' }),
      },
    ]);
    await scenario.expectNoChanges();
  });

  it('shows a mock tool added in the UI as drift, and apply deletes it keeping the others', async () => {
    const before = scenario.agentNamed('Support Bot');
    const kept = before.mock_tools!.map((tool) => ({ id: tool.id, name: tool.name }));
    await patchInUi({ mock_tools: [...kept, { name: 'ui_tool', description: 'Added by hand', mock_data: [] }] });
    const uiTool = scenario.agentNamed('Support Bot').mock_tools!.find((tool) => tool.name === 'ui_tool')!;

    const plan = await scenario.plan('--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      `      - mock tool "ui_tool" (id ${uiTool.id}) — not in manifest, will be deleted\n` +
        '          # drift: changed in Cekura since the last apply; apply reverts it\n',
    );
    const json = JSON.parse((await scenario.plan('--json')).stdout);
    expect(json.resource_changes[0].items).toEqual([
      {
        set: 'mock_tools',
        name: 'ui_tool',
        action: 'delete',
        id: uiTool.id,
        reason: 'not_in_manifest',
        origin: 'drift',
        fields: [],
        rows: [],
      },
    ]);

    const result = await scenario.apply();
    expect(result.code).toBe(0);
    expect(scenario.agentNamed('Support Bot').mock_tools!.map((tool) => [tool.id, tool.name])).toEqual(
      kept.map((tool) => [tool.id, tool.name]),
    );
    await scenario.expectNoChanges();
  });

  it('shows mock data edited in the UI as drift on that tool, and apply restores it with the same id', async () => {
    const before = scenario.agentNamed('Support Bot');
    const tools = before.mock_tools!.map((tool) =>
      tool.name === 'get_order'
        ? { id: tool.id, name: tool.name, mock_data: [{ input: { order_id: 'A1' }, output: { status: 'lost' } }] }
        : { id: tool.id, name: tool.name },
    );
    await patchInUi({ mock_tools: tools });

    const plan = await scenario.plan('--json', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.stdout).resource_changes[0].items).toEqual([
      {
        set: 'mock_tools',
        name: 'get_order',
        action: 'update',
        id: before.mock_tools!.find((tool) => tool.name === 'get_order')!.id,
        origin: 'drift',
        fields: [],
        rows: [
          {
            input: { order_id: 'A1' },
            action: 'update',
            fields: [{ op: 'replace', path: '/output/status', value: 'shipped', before: 'lost', origin: 'drift' }],
          },
        ],
      },
    ]);

    expect((await scenario.apply()).code).toBe(0);
    expect(scenario.agentNamed('Support Bot').mock_tools).toEqual(before.mock_tools);
    await scenario.expectNoChanges();
  });

  it('ignores a UI change to a field the manifest does not manage', async () => {
    await patchInUi({ webhook_url: 'https://hooks.example.com/cekura', agent_speaks_first: true });

    await scenario.expectNoChanges();
  });

  it('creates an agent deleted in the UI anew, saying why, and rebinds the address', async () => {
    const deleted = scenario.agentNamed('Support Bot');
    expect((await scenario.call('DELETE', `${AGENTS_PATH}${deleted.id}/`)).status).toBe(204);

    const plan = await scenario.plan('--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('! the agent in the state record no longer exists in Cekura, so it is created anew');
    expect(JSON.parse((await scenario.plan('--json')).stdout).resource_changes[0]).toMatchObject({
      action: 'create',
      reason: 'bound_agent_missing',
    });

    const result = await scenario.apply();
    expect(result.code).toBe(0);
    const created = scenario.agentNamed('Support Bot');
    expect(created.id).not.toBe(deleted.id);
    expect((await scenario.state())!.agents['agent.support-bot']!.id).toBe(created.id);
    await scenario.expectNoChanges();
  });

  it('shows mock mode switched in the UI as drift, and apply switches it back the way this API offers', async () => {
    const agent = scenario.agentNamed('Support Bot');
    const switched =
      api === '2026-06'
        ? await scenario.call('POST', `${AGENTS_PATH}${agent.id}/toggle-mock-tools/`, { enabled: true })
        : await scenario.call('PATCH', `${AGENTS_PATH}${agent.id}/`, { mock_tools_enabled: true });
    expect(switched.status).toBe(api === '2026-06' ? 202 : 200);
    expect(scenario.agentNamed('Support Bot').mock_tools_enabled).toBe(true);
    const via = api === '2026-06' ? 'toggle' : 'patch';

    const plan = JSON.parse((await scenario.plan('--json')).stdout);
    expect(plan.mock_mode_changes).toEqual([
      { address: 'agent.support-bot', id: agent.id, from: true, to: false, via },
    ]);
    scenario.emulator.clearRequests();
    const result = await scenario.apply();

    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(scenario.agentNamed('Support Bot').mock_tools_enabled).toBe(false);
    // Only the mode changes: one toggle, or one PATCH of mock_tools_enabled alone.
    expect(scenario.writes().map((request) => request.kind)).toEqual(api === '2026-06' ? ['toggle'] : ['update']);
    await scenario.expectNoChanges();
  });
});
