import { readdir } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import { systemClock } from '../clock.js';
import { CekuraformError, LockError } from '../errors.js';
import { closestMatch } from '../manifest/suggest.js';
import { acquireStateLock, type StateLock } from '../state/lock.js';
import { readStateRecord, removeLeftoverTempFiles } from '../state/record.js';
import type { StateRecord } from '../state/types.js';
import type { CliIo } from './io.js';

const LOCK_RETRY_MS = 1000;

// What apply, import and the state commands share: the lock with its takeover notice, a record that must
// exist, and addresses that must be known.

/**
 * Takes the state record's lock for `command`, telling stderr when it took over one left by a dead
 * process. While another run holds it, tries again every second for up to `timeoutMs` (`--lock-timeout`).
 */
export async function lockStateRecord(
  statePath: string,
  command: string,
  io: CliIo,
  timeoutMs = 0,
): Promise<StateLock> {
  const clock = io.clock ?? systemClock;
  const deadline = clock.now() + timeoutMs;
  let lock: StateLock | undefined;
  while (lock === undefined) {
    try {
      lock = await acquireStateLock(statePath, { command });
    } catch (error) {
      const remaining = deadline - clock.now();
      if (!(error instanceof LockError) || remaining <= 0) throw error;
      await clock.sleep(Math.min(LOCK_RETRY_MS, remaining), io.signal);
    }
  }
  await removeLeftoverTempFiles(statePath);
  if (lock.takenOver !== null) {
    const { pid, host, time } = lock.takenOver;
    io.stderr.write(
      `notice: took over the state lock of process ${pid} on ${host} (since ${time}), which is no longer running\n`,
    );
  }
  return lock;
}

/**
 * The saved record; a missing one is an error (`state_missing`), since there is nothing to read or
 * change. When the folder holds other environments' records, the hint names them.
 */
export async function readExistingRecord(statePath: string, io: CliIo): Promise<StateRecord> {
  const record = await readStateRecord(statePath);
  if (record !== null) return record;
  const shown = displayPath(statePath, io);
  const others = await otherRecords(statePath);
  throw new CekuraformError('state_missing', `there is no state record at ${shown}`, {
    meta: { file: shown },
    hint:
      others.length > 0
        ? `${folderName(dirname(statePath), io)} holds the records of ${others.join(', ')}: choose one with --env NAME, or give --state PATH`
        : '`cekuraform apply` and `cekuraform import` write it; give --env NAME or --state PATH if it is elsewhere',
  });
}

/**
 * When a plan finds no state record, what suggests one exists elsewhere: records of other
 * environments beside where it looked, or agents pinned with `id:` (applied before, from another
 * folder or record). Null when nothing does.
 */
export async function missingRecordWarning(statePath: string, pinned: string[], io: CliIo): Promise<string | null> {
  const shown = displayPath(statePath, io);
  // With --env, the other environments' records are expected: a first plan of production has none yet.
  const others = basename(statePath) === 'default.state.json' ? await otherRecords(statePath) : [];
  if (others.length > 0)
    return `there is no state record at ${shown}, but ${folderName(dirname(statePath), io)} holds the records of ${others.join(', ')}: choose one with --env NAME, or give --state PATH`;
  if (pinned.length > 0)
    return `there is no state record at ${shown}, and ${pinned.join(', ')} ${pinned.length === 1 ? 'is' : 'are'} pinned with \`id:\`: if they were applied with a record elsewhere, give --state PATH; otherwise they are adopted as they are`;
  return null;
}

/** The names `<name>` of the other `<name>.state.json` records beside `statePath`, sorted. */
async function otherRecords(statePath: string): Promise<string[]> {
  const files = await readdir(dirname(statePath)).catch(() => [] as string[]);
  return files
    .filter((file) => file.endsWith(STATE_SUFFIX) && file !== basename(statePath) && file.length > STATE_SUFFIX.length)
    .map((file) => file.slice(0, -STATE_SUFFIX.length))
    .sort();
}

const STATE_SUFFIX = '.state.json';

function folderName(folder: string, io: CliIo): string {
  return relative(io.cwd, folder) === '' ? 'the working folder' : displayPath(folder, io);
}

/** An address that `where` (the manifest, the state record) does not hold, with the closest one it does. */
export function unknownAddress(address: string, known: string[], where: string): CekuraformError {
  const closest = closestMatch(address, known) ?? known.find((candidate) => candidate === `agent.${address}`);
  const hint =
    closest !== undefined
      ? `did you mean \`${closest}\`?`
      : known.length > 0
        ? `known: ${known.join(', ')}`
        : `${where} holds no agents`;
  return new CekuraformError('address_unknown', `${where} has no ${address}`, { meta: { address }, hint });
}

/** A path as the user would write it: relative to the working folder when inside it. */
export function displayPath(path: string, io: CliIo): string {
  const shown = relative(io.cwd, path);
  return shown === '' || shown.startsWith('..') ? path : shown;
}
