import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CekuraformError, errnoCode, LockError } from '../errors.js';
import { digest, isJsonObject } from '../json.js';

// A small exclusive-create file rather than proper-lockfile: the lock must say who holds it (pid,
// host, command) so a lock left by a cancelled CI job can be recognised and taken over.

/** Who holds a state lock, as written in `<record>.lock`. */
export interface LockHolder {
  /**
   * Random, given when the lock is taken: `force-unlock --force ID` names the lock it removes, as
   * Terraform's `force-unlock LOCK_ID`. Absent in a lock of an older cekuraform (see `lockIdOf`).
   */
  id?: string;
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  time: string;
  /** The cekuraform command that took it (`apply`). */
  command: string;
}

export interface StateLock {
  /** Removes the lock file if it is still this run's; safe to call twice. */
  release(): Promise<void>;
  /** A holder on this host whose process was gone, whose lock this run took over; for a notice. */
  takenOver: LockHolder | null;
}

/** What the lock needs from the machine; tests pass their own. */
export interface LockDeps {
  pid: number;
  host: string;
  now(): number;
  /** Whether a process of this host is running. */
  isProcessAlive(pid: number): boolean;
  newLockId(): string;
}

export const systemLockDeps: LockDeps = {
  pid: process.pid,
  host: hostname(),
  now: () => Date.now(),
  newLockId: () => randomUUID(),
  isProcessAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: the process exists but belongs to another user.
      return errnoCode(error) !== 'ESRCH';
    }
  },
};

/** Lock, look, take over: a few rounds are enough unless other runs keep racing for it. */
const MAX_ATTEMPTS = 5;

export function lockFilePath(recordPath: string): string {
  return `${recordPath}.lock`;
}

/** The lock file of the record's real path, so that two spellings of one record (a symbolic link, `..`) share one lock. */
async function realLockPath(recordPath: string): Promise<string> {
  const absolute = resolve(recordPath);
  const real = await realpath(absolute).catch(async () =>
    join(await realpath(dirname(absolute)).catch(() => dirname(absolute)), basename(absolute)),
  );
  return lockFilePath(real);
}

/**
 * Takes the lock of the state record at `recordPath`, so that one apply at a time changes it.
 * Throws `LockError` naming the holder when a live process holds it, or a process on another host
 * (whether that one still runs cannot be told). A lock whose process on this host is gone is taken over.
 */
export async function acquireStateLock(
  recordPath: string,
  options: { command: string },
  deps: LockDeps = systemLockDeps,
): Promise<StateLock> {
  await mkdir(dirname(resolve(recordPath)), { recursive: true });
  const lockPath = await realLockPath(recordPath);
  const holder: LockHolder = {
    id: deps.newLockId(),
    pid: deps.pid,
    host: deps.host,
    time: new Date(deps.now()).toISOString(),
    command: options.command,
  };
  const content = JSON.stringify(holder) + '\n';

  let takenOver: LockHolder | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await createExclusive(lockPath, content)) {
      return {
        takenOver,
        release: async () => {
          await removeIfUnchanged(lockPath, content);
        },
      };
    }
    const held = await readLock(lockPath);
    if (held === null) continue;
    if (held.holder === null || !isAbandoned(held.holder, deps)) throw lockedError(recordPath, lockPath, held, deps);
    if (await takeAway(lockPath, held.text, deps)) takenOver = held.holder;
  }
  throw new LockError(`could not take the lock ${lockPath}: other runs keep taking it`, {
    meta: { lock_file: lockPath },
  });
}

/** A lock `forceUnlock` removed: its id, and its holder (null for a lock file that could not be read). */
export interface RemovedLock {
  id: string;
  holder: LockHolder | null;
}

/**
 * Removes the lock of the state record, as Terraform's `force-unlock LOCK_ID`: without more, only a
 * lock whose process on this host is gone; any other (a live process here, a process on another
 * host, an unreadable file) only with `force` and the lock's id, so that a lock taken meanwhile by
 * another run is never removed by mistake. Returns null when there was no lock; throws `LockError`
 * when it refuses.
 */
export async function forceUnlock(
  recordPath: string,
  options: { lockId?: string | undefined; force: boolean },
  deps: LockDeps = systemLockDeps,
): Promise<RemovedLock | null> {
  const lockPath = await realLockPath(recordPath);
  const held = await readLock(lockPath);
  if (held === null) return null;
  const id = lockIdOf(held);
  const isGone = held.holder !== null && isAbandoned(held.holder, deps);
  if (options.lockId !== undefined && options.lockId !== id) {
    throw new LockError(`the lock of ${recordPath} has id ${id}, not ${options.lockId}; nothing was removed`, {
      meta: { lock_file: lockPath, lock_id: id },
      hint: 'the lock may have changed hands: check who holds it now, then give its id',
    });
  }
  if (!isGone && !(options.force && options.lockId === id))
    throw lockedError(recordPath, lockPath, held, deps, '; nothing was removed');
  if (!(await removeIfUnchanged(lockPath, held.text))) {
    throw new LockError(`the lock of ${recordPath} changed while it was being removed; nothing was removed`, {
      meta: { lock_file: lockPath },
    });
  }
  return { id, holder: held.holder };
}

/** A lock's id; a lock without one (unreadable, or written by an older cekuraform) is named by its content. */
function lockIdOf(held: { text: string; holder: LockHolder | null }): string {
  return held.holder?.id ?? digest(held.text);
}

async function createExclusive(lockPath: string, content: string): Promise<boolean> {
  try {
    await writeFile(lockPath, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw lockFileError(lockPath, error);
  }
}

/** The lock file's text and holder (null when unreadable, e.g. written by a run that crashed mid-write); null when absent. */
async function readLock(lockPath: string): Promise<{ text: string; holder: LockHolder | null } | null> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw lockFileError(lockPath, error);
  }
  return { text, holder: parseHolder(text) };
}

function parseHolder(text: string): LockHolder | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isJsonObject(parsed)) return null;
  const { id, pid, host, time, command } = parsed;
  if (typeof pid !== 'number' || typeof host !== 'string' || typeof time !== 'string' || typeof command !== 'string')
    return null;
  return { ...(typeof id === 'string' && id !== '' ? { id } : {}), pid, host, time, command };
}

function isAbandoned(holder: LockHolder, deps: LockDeps): boolean {
  if (holder.host !== deps.host) return false;
  // Our own pid in a lock we do not hold: a container restarted with the same pid.
  return holder.pid === deps.pid || !deps.isProcessAlive(holder.pid);
}

/**
 * Moves an abandoned lock aside and deletes it, unless another run replaced it in the meantime.
 * Renaming is atomic, so of several runs taking over the same lock only one removes it.
 */
async function takeAway(lockPath: string, abandonedText: string, deps: LockDeps): Promise<boolean> {
  const aside = `${lockPath}.${deps.pid}.${randomUUID()}.abandoned`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
  const movedText = await readFile(aside, 'utf8');
  if (movedText !== abandonedText) {
    // Another run took the lock over first: put its lock back (link fails if a third one holds it now).
    await link(aside, lockPath).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
  }
  await unlink(aside);
  return movedText === abandonedText;
}

/** Removes the lock file if it still holds `content`; whether it did. */
async function removeIfUnchanged(lockPath: string, content: string): Promise<boolean> {
  const held = await readLock(lockPath);
  if (held?.text !== content) return false;
  await unlinkIfPresent(lockPath);
  return true;
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

/** A lock file that cannot be created or read (a folder in its place, no permission): the user's to fix, not a bug. */
function lockFileError(lockPath: string, error: unknown): CekuraformError {
  const reason = errnoCode(error) === 'EISDIR' ? 'a folder is in its place' : (error as Error).message;
  return new CekuraformError('state_unreadable', `cannot use the lock file ${lockPath}: ${reason}`, {
    meta: { lock_file: lockPath },
    hint: 'remove or rename what is at that path; cekuraform creates the lock file itself',
    cause: error,
  });
}

function lockedError(
  recordPath: string,
  lockPath: string,
  held: { text: string; holder: LockHolder | null },
  deps: LockDeps,
  outcome = '',
): LockError {
  const { holder } = held;
  const id = lockIdOf(held);
  const forceHint = `if no other cekuraform run is going on, remove the lock with \`cekuraform force-unlock --force ${id}\``;
  if (holder === null) {
    return new LockError(
      `the state record ${recordPath} is locked (the lock file ${lockPath} cannot be read; lock id ${id})${outcome}`,
      { meta: { lock_file: lockPath, lock_id: id }, hint: forceHint },
    );
  }
  const otherHost = holder.host !== deps.host;
  return new LockError(
    `the state record ${recordPath} is locked by \`cekuraform ${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.time}; lock id ${id})${outcome}`,
    {
      meta: { lock_file: lockPath, lock_id: id, holder },
      hint: otherHost
        ? `it was taken on another host, so cekuraform cannot tell whether that run is still going; ${forceHint}`
        : `wait for that run to finish; ${forceHint}`,
    },
  );
}
