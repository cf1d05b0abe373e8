import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockError } from '../../src/errors.js';
import { acquireStateLock, forceUnlock, lockFilePath, systemLockDeps, type LockDeps } from '../../src/state/lock.js';

let dir: string;
let recordPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cekuraform-lock-'));
  recordPath = join(dir, '.cekuraform', 'prod.state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = Date.parse('2026-05-01T12:00:00.000Z');

/** A run on `host` as process `pid`; `alive` lists the pids running on that host. */
function machine(pid: number, options: { host?: string; alive?: number[] } = {}): LockDeps {
  const alive = new Set([pid, ...(options.alive ?? [])]);
  return { pid, host: options.host ?? 'ci-runner-1', now: () => NOW, isProcessAlive: (other) => alive.has(other) };
}

describe('acquireStateLock', () => {
  it('writes who holds the lock', async () => {
    const lock = await acquireStateLock(recordPath, { command: 'apply' }, machine(100));

    expect(lock.takenOver).toBeNull();
    expect(JSON.parse(await readFile(lockFilePath(recordPath), 'utf8'))).toEqual({
      pid: 100,
      host: 'ci-runner-1',
      time: '2026-05-01T12:00:00.000Z',
      command: 'apply',
    });
  });

  it('refuses while a live process holds it, naming the holder', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100));

    const error = await acquireStateLock(recordPath, { command: 'apply' }, machine(200, { alive: [100] })).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(LockError);
    expect(error).toMatchObject({
      code: 'state_locked',
      message: `the state record ${recordPath} is locked by \`cekuraform apply\` (pid 100 on ci-runner-1, since 2026-05-01T12:00:00.000Z)`,
      meta: { holder: { pid: 100, host: 'ci-runner-1', time: '2026-05-01T12:00:00.000Z', command: 'apply' } },
    });
    expect((error as LockError).hint).toContain('cekuraform force-unlock');
  });

  it('takes over a lock whose process on this host is gone, and says whose it was', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100));

    const lock = await acquireStateLock(recordPath, { command: 'apply' }, machine(200));

    expect(lock.takenOver).toEqual({
      pid: 100,
      host: 'ci-runner-1',
      time: '2026-05-01T12:00:00.000Z',
      command: 'apply',
    });
    expect(JSON.parse(await readFile(lockFilePath(recordPath), 'utf8'))).toMatchObject({ pid: 200 });
    expect(await readdir(join(dir, '.cekuraform'))).toEqual(['prod.state.json.lock']);
  });

  it('takes over a lock of its own pid on this host (a restarted container)', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(1));

    const lock = await acquireStateLock(recordPath, { command: 'apply' }, machine(1));

    expect(lock.takenOver).toMatchObject({ pid: 1 });
  });

  it('refuses a lock taken on another host, whose process it cannot check', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100, { host: 'ci-runner-2' }));

    const error = await acquireStateLock(recordPath, { command: 'apply' }, machine(200)).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).hint).toContain('another host');
  });

  it('refuses a lock file it cannot read', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100));
    await writeFile(lockFilePath(recordPath), '');

    await expect(acquireStateLock(recordPath, { command: 'apply' }, machine(200))).rejects.toThrow(/cannot be read/);
  });
});

describe('release', () => {
  it('removes the lock, so the next run takes it fresh', async () => {
    const lock = await acquireStateLock(recordPath, { command: 'apply' }, machine(100));
    await lock.release();
    await lock.release();

    const next = await acquireStateLock(recordPath, { command: 'apply' }, machine(200, { alive: [100] }));
    expect(next.takenOver).toBeNull();
  });

  it("leaves another run's lock alone after a force-unlock", async () => {
    const lock = await acquireStateLock(recordPath, { command: 'apply' }, machine(100));
    await forceUnlock(recordPath);
    await acquireStateLock(recordPath, { command: 'apply' }, machine(200, { alive: [100] }));

    await lock.release();

    expect(JSON.parse(await readFile(lockFilePath(recordPath), 'utf8'))).toMatchObject({ pid: 200 });
  });
});

describe('forceUnlock', () => {
  it('removes the lock and returns who held it', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100, { host: 'ci-runner-2' }));

    expect(await forceUnlock(recordPath)).toMatchObject({ holder: { pid: 100, host: 'ci-runner-2' } });
    expect(await forceUnlock(recordPath)).toBeNull();
    expect((await acquireStateLock(recordPath, { command: 'apply' }, machine(200))).takenOver).toBeNull();
  });
});

describe('a lock file that is not a lock', () => {
  it('an empty one is removed by forceUnlock, which says it removed one', async () => {
    await mkdir(dirname(recordPath), { recursive: true });
    await writeFile(lockFilePath(recordPath), '');

    expect(await forceUnlock(recordPath)).toEqual({ holder: null });
    expect(await forceUnlock(recordPath)).toBeNull();
  });

  it('a folder in its place is a clear error, not a bug', async () => {
    await mkdir(lockFilePath(recordPath), { recursive: true });

    const error = await acquireStateLock(recordPath, { command: 'apply' }, machine(100)).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({
      code: 'state_unreadable',
      message: `cannot use the lock file ${lockFilePath(recordPath)}: a folder is in its place`,
    });
  });
});

describe('systemLockDeps', () => {
  it('sees this process as alive', () => {
    expect(systemLockDeps.isProcessAlive(process.pid)).toBe(true);
  });
});
