import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScenario, STATE_FILE, type Scenario } from './harness.js';

// stdout that cannot be written: a reader that went away (`plan --json | true`) or a full disk
// (`> /dev/full`). Node reports both as `error` events, which crashed the CLI with a stack trace
// and left the state lock behind.

const MANIFEST = `project: 42
agents:
  bot:
    name: Piped Bot
    description: Output goes nowhere
`;

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(() => scenario.close());

const readers: ChildProcess[] = [];
afterEach(() => readers.splice(0).forEach((child) => child.kill()));

/** A pipe to a process that closed its end, as `| true` does: every write to it fails with EPIPE. */
async function closedPipe(): Promise<Writable> {
  const child = spawn(
    process.execPath,
    ['-e', "require('fs').closeSync(0); console.log('closed'); setInterval(() => {}, 1000)"],
    {
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  readers.push(child);
  await new Promise((resolve) => child.stdout.once('data', resolve));
  return child.stdin;
}

describe('output that cannot be written', () => {
  it('a closed pipe ends plan --json quietly with exit 1', async () => {
    const result = await scenario.run(['plan', '--json'], { stdout: await closedPipe() });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
  });

  it('a closed pipe during apply still applies, releases the lock and exits 1', async () => {
    const result = await scenario.run(['apply', '--auto-approve', '--no-color'], { stdout: await closedPipe() });

    expect(result.code).toBe(1);
    expect(scenario.agentNamed('Piped Bot')).toBeDefined();
    expect(existsSync(join(scenario.dir, `${STATE_FILE}.lock`))).toBe(false);
    expect((await scenario.apply()).code).toBe(0);
  });

  it.runIf(existsSync('/dev/full'))('a full disk is an error on stderr, exit 1, lock released', async () => {
    const result = await scenario.run(['apply', '--auto-approve', '--no-color'], {
      stdout: createWriteStream('/dev/full'),
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: cannot write the output: ENOSPC: no space left on device, write\n');
    expect(existsSync(join(scenario.dir, `${STATE_FILE}.lock`))).toBe(false);
  });
});
