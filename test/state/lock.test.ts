import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
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
  return {
    pid,
    host: options.host ?? 'ci-runner-1',
    now: () => NOW,
    isProcessAlive: (other) => alive.has(other),
    newLockId: () => `lock-${pid}`,
  };
}

describe('acquireStateLock', () => {
  it('writes who holds the lock', async () => {
    const lock = await acquireStateLock(recordPath, { command: 'apply' }, machine(100));

    expect(lock.takenOver).toBeNull();
    expect(JSON.parse(await readFile(lockFilePath(recordPath), 'utf8'))).toEqual({
      id: 'lock-100',
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
      message: `the state record ${recordPath} is locked by \`cekuraform apply\` (pid 100 on ci-runner-1, since 2026-05-01T12:00:00.000Z; lock id lock-100)`,
      meta: {
        lock_id: 'lock-100',
        holder: { id: 'lock-100', pid: 100, host: 'ci-runner-1', time: '2026-05-01T12:00:00.000Z', command: 'apply' },
      },
    });
    expect((error as LockError).hint).toContain('cekuraform force-unlock --force lock-100');
  });

  it('takes over a lock whose process on this host is gone, and says whose it was', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100));

    const lock = await acquireStateLock(recordPath, { command: 'apply' }, machine(200));

    expect(lock.takenOver).toEqual({
      id: 'lock-100',
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
    await forceUnlock(recordPath, { force: true, lockId: 'lock-100' }, machine(200, { alive: [100] }));
    await acquireStateLock(recordPath, { command: 'apply' }, machine(200, { alive: [100] }));

    await lock.release();

    expect(JSON.parse(await readFile(lockFilePath(recordPath), 'utf8'))).toMatchObject({ pid: 200 });
  });
});

describe('forceUnlock (issue 11, item 6: as Terraform force-unlock LOCK_ID)', () => {
  const noForce = { force: false };

  it('removes the lock of a process of this host that is gone, returning its id and holder', async () => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100));

    expect(await forceUnlock(recordPath, noForce, machine(200))).toMatchObject({
      id: 'lock-100',
      holder: { pid: 100, host: 'ci-runner-1' },
    });
    expect(await forceUnlock(recordPath, noForce, machine(200))).toBeNull();
    expect((await acquireStateLock(recordPath, { command: 'apply' }, machine(200))).takenOver).toBeNull();
  });

  it.each([
    { holder: 'a live process of this host', deps: machine(200, { alive: [100] }), host: 'ci-runner-1' },
    { holder: 'a process of another host', deps: machine(200), host: 'ci-runner-2' },
  ])('refuses to remove a lock of $holder without --force and its id, naming the id', async ({ deps, host }) => {
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100, { host }));
    const before = await readFile(lockFilePath(recordPath), 'utf8');

    for (const options of [noForce, { force: false, lockId: 'lock-100' }, { force: true, lockId: 'lock-9' }]) {
      const error = await forceUnlock(recordPath, options, deps).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(LockError);
      expect((error as LockError).message).toMatch(/lock-100|nothing was removed/);
    }
    const refused = (await forceUnlock(recordPath, noForce, deps).catch((thrown: unknown) => thrown)) as LockError;
    expect(refused.message).toContain('lock id lock-100); nothing was removed');
    expect(refused.hint).toContain('cekuraform force-unlock --force lock-100');
    expect(await readFile(lockFilePath(recordPath), 'utf8')).toBe(before);

    expect(await forceUnlock(recordPath, { force: true, lockId: 'lock-100' }, deps)).toMatchObject({ id: 'lock-100' });
    expect(await forceUnlock(recordPath, noForce, deps)).toBeNull();
  });

  it('names an unreadable lock by its content, and removes it only with --force and that id', async () => {
    await mkdir(dirname(recordPath), { recursive: true });
    await writeFile(lockFilePath(recordPath), '');
    const error = (await forceUnlock(recordPath, noForce, machine(200)).catch(
      (thrown: unknown) => thrown,
    )) as LockError;
    const id = (error.meta as { lock_id: string }).lock_id;
    expect(error.message).toContain(`cannot be read; lock id ${id}); nothing was removed`);

    expect(await forceUnlock(recordPath, { force: true, lockId: id }, machine(200))).toEqual({ id, holder: null });
  });
});

describe('lock names', () => {
  it('gives two spellings of one record (a symbolic link) one lock', async () => {
    await mkdir(dirname(recordPath), { recursive: true });
    await symlink(dirname(recordPath), join(dir, 'linked'));
    await acquireStateLock(recordPath, { command: 'apply' }, machine(100));

    const other = join(dir, 'linked', 'prod.state.json');
    await expect(acquireStateLock(other, { command: 'apply' }, machine(200, { alive: [100] }))).rejects.toBeInstanceOf(
      LockError,
    );
  });
});

describe('a lock file that is not a lock', () => {
  it('an empty one is removed by forceUnlock with --force and the id it is named by, which says it removed one', async () => {
    await mkdir(dirname(recordPath), { recursive: true });
    await writeFile(lockFilePath(recordPath), '');
    const refused = (await forceUnlock(recordPath, { force: false }, machine(200)).catch(
      (e: unknown) => e,
    )) as LockError;
    const id = (refused.meta as { lock_id: string }).lock_id;

    expect(await forceUnlock(recordPath, { force: true, lockId: id }, machine(200))).toEqual({ id, holder: null });
    expect(await forceUnlock(recordPath, { force: false }, machine(200))).toBeNull();
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
