import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// Live names are not ours: a control character in one (an ANSI escape, a carriage return) must not
// reach a pull-request comment, a terminal or a JSON consumer raw.

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

it('plan output of every kind carries no raw control character from live names', async () => {
  const hostile = 'Evil\u001b[31mBot\rX\u0007\u009b';
  const adopted = await scenario.createDirectly({ name: hostile });
  await scenario.createDirectly({ name: `Unmanaged ${hostile}` });
  await scenario.write(
    'agents.yaml',
    `project: 42\nagents:\n  evil:\n    id: ${adopted.id}\n    name: Renamed Bot\n    description: Tamed\n`,
  );

  for (const format of [[], ['--markdown'], ['--json']]) {
    const result = await scenario.plan('--show-unmanaged', ...format);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Bot');
    expect(result.stdout, format.join(' ')).not.toMatch(CONTROL);
  }
});
