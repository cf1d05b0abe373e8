import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

const MANIFEST = (language: string, providerType: string) =>
  [
    'project: 42',
    'agents:',
    '  bot:',
    '    name: Bot',
    '    description: A bot',
    `    language: ${language}`,
    '    telephony: { inbound: false }',
    '  other:',
    '    name: Other',
    '    description: Another bot',
    '    telephony: { inbound: false }',
    '    provider:',
    `      type: ${providerType}`,
    '      agent_id: asst_1',
    '',
  ].join('\n');

it('reports a value Cekura rejects against the agent and the manifest line, and applies the other agents', async () => {
  await scenario.write('agents.yaml', MANIFEST('tlh', 'vapi'));

  const result = await scenario.apply();

  expect(result.code).toBe(1);
  expect(result.stderr).toContain('warning: agents.bot.language: unknown language `tlh`');
  expect(result.stdout).toContain(
    'agent.bot: create failed: Cekura rejected the create: /language: "tlh" is not a valid choice. (api_validation)',
  );
  expect(result.stdout).toContain(
    'Where the rejected fields are written:\n  agent.bot /language at agents.yaml:6:15\n',
  );
  expect(result.stdout).not.toContain('Apply complete');
  expect(result.stdout).toContain(
    'Apply failed: 1 agent failed.\nDone: 1 added, 0 changed, 0 destroyed; 0 mock-mode changes — agent.other (create).\nNot done: agent.bot (create failed).\n',
  );
  expect(scenario.emulator.agents().map((agent) => agent.name)).toEqual(['Other']);
  expect(Object.keys((await scenario.state())!.agents)).toEqual(['agent.other']);

  // Fixed in the manifest, the next apply creates it and converges.
  await scenario.write('agents.yaml', MANIFEST('en', 'vapi'));
  const fixed = await scenario.apply();
  expect(fixed.code).toBe(0);
  expect(fixed.stdout).toContain('Apply complete: 1 added, 0 changed, 0 destroyed');
  await scenario.expectNoChanges();
});

it('locates a rejected nested field of an update at its manifest line', async () => {
  await scenario.write('agents.yaml', MANIFEST('en', 'vapi'));
  expect((await scenario.apply()).code).toBe(0);
  await scenario.expectNoChanges();
  await scenario.write('agents.yaml', MANIFEST('en', 'vapi_next'));

  const result = await scenario.apply('--json');

  expect(result.code).toBe(1);
  const outcome = JSON.parse(result.stdout).outcomes.find((candidate: any) => candidate.address === 'agent.other');
  expect(outcome).toMatchObject({
    action: 'update',
    status: 'failed',
    error: { operation: 'update', code: 'api_validation', paths: ['/provider/type'] },
  });
  const text = await scenario.apply();
  expect(text.stdout).toContain('  agent.other /provider/type at agents.yaml:13:13\n');
  expect(scenario.agentNamed('Other').provider).toMatchObject({ type: 'vapi' });
});
