import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { STATE_FILE, startScenario, type Scenario } from './harness.js';

const LOCK_FILE = `${STATE_FILE}.lock`;
const MANIFEST =
  'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n    telephony: { inbound: false }\n';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(() => scenario.close());

function lockOf(pid: number): string {
  return (
    JSON.stringify({ id: `lock-${pid}`, pid, host: hostname(), time: '2026-05-01T11:00:00.000Z', command: 'apply' }) +
    '\n'
  );
}

it('holds a lock naming this process while it applies, and releases it', async () => {
  // Read the lock while apply waits for a toggle, which it does through the clock.
  await scenario.write(
    'agents.yaml',
    MANIFEST + '    provider: { type: vapi, agent_id: asst_1 }\n    mock_tools_enabled: true\n',
  );
  const held: string[] = [];
  const sleep = scenario.clock.sleep.bind(scenario.clock);
  scenario.clock.sleep = async (ms, signal) => {
    held.push(readFileSync(join(scenario.dir, LOCK_FILE), 'utf8'));
    return sleep(ms, signal);
  };

  expect((await scenario.apply()).code).toBe(0);

  expect(held.length).toBeGreaterThan(0);
  expect(JSON.parse(held[0]!)).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    pid: process.pid,
    host: hostname(),
    time: expect.any(String),
    command: 'apply',
  });
  await expect(readFile(join(scenario.dir, LOCK_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  await scenario.expectNoChanges();
});

it('stops a second apply while a live process holds the lock, naming the holder and the lock id; force-unlock --force ID clears it', async () => {
  // This test's parent process is alive for the whole run.
  await scenario.write(LOCK_FILE, lockOf(process.ppid));

  const blocked = await scenario.apply();

  expect(blocked.code).toBe(1);
  expect(blocked.stdout).toBe('');
  expect(blocked.stderr).toBe(
    `error: the state record ${join(scenario.dir, STATE_FILE)} is locked by \`cekuraform apply\` (pid ${process.ppid} on ${hostname()}, since 2026-05-01T11:00:00.000Z; lock id lock-${process.ppid})\n` +
      `hint: wait for that run to finish; if no other cekuraform run is going on, remove the lock with \`cekuraform force-unlock --force lock-${process.ppid}\`\n`,
  );
  expect(scenario.emulator.requests()).toEqual([]);
  expect(await readFile(join(scenario.dir, LOCK_FILE), 'utf8')).toBe(lockOf(process.ppid));

  // Issue 11, item 6: the holder runs, so force-unlock alone (or --force with another id) removes nothing.
  for (const argv of [['force-unlock'], ['force-unlock', 'lock-1'], ['force-unlock', '--force', 'lock-1']]) {
    const refused = await scenario.run(argv);
    expect(refused.code, argv.join(' ')).toBe(1);
    expect(refused.stdout).toBe('');
  }
  const refused = await scenario.run(['force-unlock']);
  expect(refused.stderr).toContain(`lock id lock-${process.ppid}); nothing was removed\n`);
  expect((await scenario.run(['force-unlock', '--force'])).stderr).toContain('--force needs the id of the lock');
  expect(await readFile(join(scenario.dir, LOCK_FILE), 'utf8')).toBe(lockOf(process.ppid));

  const unlocked = await scenario.run(['force-unlock', '--force', `lock-${process.ppid}`]);
  expect(unlocked.code).toBe(0);
  expect(unlocked.stdout).toBe(
    `Removed the lock lock-${process.ppid} held by process ${process.ppid} on ${hostname()} since 2026-05-01T11:00:00.000Z (apply).\n`,
  );

  const applied = await scenario.apply();
  expect(applied.code, applied.stderr).toBe(0);
  await expect(readFile(join(scenario.dir, LOCK_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  await scenario.expectNoChanges();
});

it('takes over the lock of a process of this host that is gone, with a notice', async () => {
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  await scenario.write(LOCK_FILE, lockOf(gone));

  const applied = await scenario.apply();

  expect(applied.code).toBe(0);
  expect(applied.stderr).toBe(
    `notice: took over the state lock of process ${gone} on ${hostname()} (since 2026-05-01T11:00:00.000Z), which is no longer running\n`,
  );
  await expect(readFile(join(scenario.dir, LOCK_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  await scenario.expectNoChanges();
});

it('says so when force-unlock finds no lock', async () => {
  const result = await scenario.run(['force-unlock']);

  expect(result).toEqual({ code: 0, stdout: 'The state record was not locked.\n', stderr: '' });
});

it('--lock-timeout waits for the holder to release the lock, and gives up after it', async () => {
  await scenario.write(LOCK_FILE, lockOf(process.ppid));
  const waits: number[] = [];
  let releaseAtWait: number | null = 3;
  const sleep = scenario.clock.sleep.bind(scenario.clock);
  scenario.clock.sleep = async (ms, signal) => {
    waits.push(ms);
    // The other run finishes while this one waits for the third time.
    if (waits.length === releaseAtWait) await rm(join(scenario.dir, LOCK_FILE));
    return sleep(ms, signal);
  };

  const waited = await scenario.apply('--lock-timeout', '1m');
  expect(waited.code, waited.stderr).toBe(0);
  expect(waits.slice(0, 3)).toEqual([1000, 1000, 1000]);
  expect(scenario.emulator.agents().map((agent) => agent.name)).toEqual(['Bot']);

  await scenario.write(LOCK_FILE, lockOf(process.ppid));
  waits.length = 0;
  releaseAtWait = null;
  const gaveUp = await scenario.apply('--lock-timeout', '2500ms');
  expect(gaveUp.code).toBe(1);
  expect(gaveUp.stderr).toContain('is locked by `cekuraform apply`');
  expect(waits).toEqual([1000, 1000, 500]);
});
