import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScenario, STATE_FILE, type Scenario } from './harness.js';

// Ordinary mistakes get a plain error that says what to do, never "this is a bug", and leave no lock.

const MANIFEST = `project: 42
agents:
  bot:
    name: Bot
    description: A bot
`;

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(() => scenario.close());

function expectUserError(result: { code: number; stderr: string }, message: string): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`error: ${message}`);
  expect(result.stderr).not.toContain('this is a bug');
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('user errors', () => {
  it('plan --out into a folder that does not exist, before any request', async () => {
    const result = await scenario.plan('--out', 'plans/next.plan');

    expectUserError(result, 'cannot save the plan to plans/next.plan: the folder plans does not exist');
    expect(scenario.emulator.requests()).toEqual([]);
  });

  it('plan --out onto a folder', async () => {
    await mkdir(join(scenario.dir, 'next.plan'));

    expectUserError(await scenario.plan('--out', 'next.plan'), 'cannot save the plan to next.plan: it is a folder');
  });

  it('apply without CEKURA_API_KEY leaves no lock behind', async () => {
    const result = await scenario.run(['apply', '--auto-approve'], { env: { CEKURA_API_KEY: undefined } });

    expectUserError(result, 'CEKURA_API_KEY is not set');
    expect(existsSync(join(scenario.dir, `${STATE_FILE}.lock`))).toBe(false);
  });

  it('an API key with a line break inside is named, not sent', async () => {
    const broken = await scenario.run(['plan'], { env: { CEKURA_API_KEY: 'first-line\nsecond-line' } });

    expectUserError(broken, 'CEKURA_API_KEY contains a line break or another control character');
    expect(broken.stderr).not.toContain('first-line');
    expect(scenario.emulator.requests()).toEqual([]);
  });

  it('a folder where the lock file goes', async () => {
    await mkdir(join(scenario.dir, `${STATE_FILE}.lock`), { recursive: true });

    expectUserError(await scenario.apply(), `cannot use the lock file`);
  });

  it('force-unlock of an empty lock file names it by an id, and with --force and that id says it removed it', async () => {
    await mkdir(join(scenario.dir, '.cekuraform'), { recursive: true });
    await writeFile(join(scenario.dir, `${STATE_FILE}.lock`), '');

    // Issue 11, item 6: whose lock it is cannot be told, so it goes only by its id.
    const refused = await scenario.run(['force-unlock']);
    expect(refused.code).toBe(1);
    const id = /lock id (\w+)\)/.exec(refused.stderr)![1]!;
    const result = await scenario.run(['force-unlock', '--force', id]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Removed the lock ${id}, a lock file that names no holder (left by a run that stopped while taking it).\n`,
    );
    expect(existsSync(join(scenario.dir, `${STATE_FILE}.lock`))).toBe(false);
  });
});
