import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { CekuraformError, errnoCode } from '../errors.js';
import { exactSchema } from '../exact-schema.js';
import { isJsonObject } from '../json.js';
import { isDerivedFingerprint } from './fingerprint.js';
import { STATE_RECORD_VERSION, type RecordedAgent, type StateRecord } from './types.js';

/**
 * The state record of one run, loaded once and saved after every change. Apply's parallel agents
 * share one store; their updates are saved one after another, each on top of the previous one, and
 * the updates made while a save is running are saved together by the next one.
 */
export interface StateRecordStore {
  /** The file it is saved to. */
  readonly path: string;
  /** A copy of the record as last saved (or as read, or new); changing it changes nothing. */
  current(): StateRecord;
  /** A copy of one address's entry in `current()`, without copying the other agents' entries (apply reads it per agent). */
  agent(address: string): RecordedAgent | undefined;
  /** The addresses bound to agent `id` in `current()`, sorted, without copying the record (apply asks per deleted agent). */
  addressesOf(id: number): string[];
  /**
   * Applies `change` to a copy, raises `serial`, saves the copy atomically (mode 0600) and only
   * then makes it current. Rejects, leaving the record as it was, when `change` throws or the
   * save fails. Changes apply in the order made, never interleaved; the ones made during a save are
   * saved together by one write, so `change` must depend on nothing but the record it is given.
   * The copy shares the agents' entries with the saved record and they are frozen: `change` adds,
   * replaces or deletes entries of `agents`, and never edits one in place (that throws).
   */
  update(change: (record: StateRecord) => void): Promise<void>;
}

// Reads back exactly `StateRecord`: a field added to the type and not here does not compile.
const stateRecordSchema = exactSchema<StateRecord>()(
  z.strictObject({
    // A version 1 record is read as it is, keeping its legacy key until apply re-keys; it is saved as version 2.
    version: z
      .union([z.literal(1), z.literal(STATE_RECORD_VERSION)])
      .transform((): typeof STATE_RECORD_VERSION => STATE_RECORD_VERSION),
    lineage: z.string().min(1),
    serial: z.number().int().nonnegative(),
    fingerprint_key: z.string().min(1).optional(),
    agents: z.record(
      z.string(),
      z.strictObject({
        id: z.number().int(),
        project: z.number().int(),
        file: z.string().min(1).optional(),
        secrets: z.record(z.string(), z.string()),
        applied: z.record(z.string(), z.string()),
        pending_toggle: z
          .strictObject({ progress_id: z.string().min(1), enabled: z.boolean(), started_at: z.string() })
          .optional(),
      }),
    ),
  }),
);

/** A record for an environment that has none yet: fresh lineage, no agents. */
export function newStateRecord(): StateRecord {
  return { version: STATE_RECORD_VERSION, lineage: randomUUID(), serial: 0, agents: {} };
}

/**
 * The record saved at `path`, or null when there is no file. A file that is not a record of this
 * version is an error (`state_corrupt`), never replaced: it holds the bindings of live agents. A file
 * that cannot be read at all (permissions) is `state_unreadable`.
 */
export async function readStateRecord(path: string): Promise<StateRecord | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new CekuraformError('state_unreadable', `cannot read the state record ${path}: ${(error as Error).message}`, {
      meta: { file: path },
      cause: error,
    });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `is not valid JSON (${(error as SyntaxError).message})`, error);
  }
  if (isJsonObject(parsed) && typeof parsed.version === 'number' && parsed.version > STATE_RECORD_VERSION) {
    const what = `was written by a newer cekuraform (record version ${parsed.version}, this one reads ${STATE_RECORD_VERSION})`;
    throw corrupt(path, what, undefined, 'upgrade cekuraform');
  }

  const result = stateRecordSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw corrupt(path, `is not a valid state record${where}: ${issue.message}`);
  }
  return result.data;
}

/**
 * Removes the temporary files that an atomic save of the record at `path` leaves when its process
 * is killed mid-write (write-file-atomic names them `<record>.<number>`). Only under the record's
 * lock: no other run is saving it then.
 */
export async function removeLeftoverTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const leftovers = names.filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)));
  await Promise.all(leftovers.map((name) => rm(join(dirname(path), name), { force: true })));
}

/**
 * Once apply has stored re-keyed fingerprints for the agents it handled, a legacy record's key
 * goes, and with it every fingerprint still made with it: those secrets are sent once more by the
 * next apply that has them, rather than the key staying checkable in the file.
 */
export async function forgetLegacyFingerprintKey(records: StateRecordStore): Promise<void> {
  if (records.current().fingerprint_key === undefined) return;
  await records.update((record) => {
    delete record.fingerprint_key;
    for (const [address, entry] of Object.entries(record.agents)) {
      const secrets = Object.entries(entry.secrets).filter(([, fingerprint]) => isDerivedFingerprint(fingerprint));
      if (secrets.length < Object.keys(entry.secrets).length)
        record.agents[address] = { ...entry, secrets: Object.fromEntries(secrets) };
    }
  });
}

/** The store for the record at `path`: the saved one, or a new one that is first written by `update`. */
export async function openStateRecord(path: string): Promise<StateRecordStore> {
  let saved = (await readStateRecord(path)) ?? newStateRecord();
  for (const entry of Object.values(saved.agents)) deepFreeze(entry);
  let waiting: PendingUpdate[] = [];
  let isSaving = false;

  // Each save rewrites the whole file and fsyncs it: one save per change made an apply of N agents write O(N²) bytes, one save at a time.
  const saveWaiting = async (): Promise<void> => {
    isSaving = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting;
        waiting = [];
        await saveBatch(batch);
      }
    } finally {
      isSaving = false;
    }
  };

  const saveBatch = async (batch: PendingUpdate[]): Promise<void> => {
    let applied: { next: StateRecord; accepted: PendingUpdate[] };
    try {
      applied = applyChanges(saved, batch);
    } catch (error) {
      // A change that threw only when applied again: nothing of the batch is saved.
      for (const update of batch) update.reject(error);
      return;
    }
    const { next, accepted } = applied;
    if (accepted.length === 0) return;
    next.serial = saved.serial + accepted.length;
    try {
      freezeNewEntries(next, saved);
      await mkdir(dirname(path), { recursive: true });
      // Compact: indentation made each save of 1000 agents 1.1 MB, half of it spaces, written once per batch.
      await writeFileAtomic(path, JSON.stringify(next) + '\n', { mode: 0o600 });
    } catch (error) {
      const failure = new CekuraformError(
        'state_unwritable',
        `cannot save the state record ${path}: ${error instanceof Error ? error.message : String(error)}`,
        { hint: 'free space or fix the permissions of its folder, then apply again', cause: error },
      );
      for (const update of accepted) update.reject(failure);
      return;
    }
    saved = next;
    for (const update of accepted) update.resolve();
  };

  return {
    path,
    current: () => structuredClone(saved),
    agent: (address) => (Object.hasOwn(saved.agents, address) ? structuredClone(saved.agents[address]) : undefined),
    addressesOf: (id) =>
      Object.keys(saved.agents)
        .filter((address) => saved.agents[address]!.id === id)
        .sort(),
    update(change) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ change, resolve, reject });
        if (!isSaving) void saveWaiting();
      });
    },
  };
}

interface PendingUpdate {
  change: (record: StateRecord) => void;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A copy of `saved` with the batch's changes applied in order. A change that throws is rejected and
 * leaves no trace: the copy is made again from `saved` with the changes accepted before it.
 */
function applyChanges(saved: StateRecord, batch: PendingUpdate[]): { next: StateRecord; accepted: PendingUpdate[] } {
  let next = draftOf(saved);
  const accepted: PendingUpdate[] = [];
  for (const update of batch) {
    try {
      update.change(next);
      accepted.push(update);
    } catch (error) {
      update.reject(error);
      next = draftOf(saved);
      for (const earlier of accepted) earlier.change(next);
    }
  }
  return { next, accepted };
}

// A deep copy of 1000 agents' entries for every save took most of an apply's CPU: entries are shared, frozen, and replaced by changes.
function draftOf(saved: StateRecord): StateRecord {
  return { ...saved, agents: { ...saved.agents } };
}

/** Freezes copies of the entries a batch added or replaced, so that no caller's object is frozen and none is shared with a caller. */
function freezeNewEntries(next: StateRecord, saved: StateRecord): void {
  for (const [address, entry] of Object.entries(next.agents)) {
    if (entry !== saved.agents[address]) next.agents[address] = deepFreeze(structuredClone(entry));
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function corrupt(path: string, what: string, cause?: unknown, hint?: string): CekuraformError {
  return new CekuraformError('state_corrupt', `state record ${path} ${what}`, {
    meta: { file: path },
    hint: hint ?? 'restore the file from a backup or version control; cekuraform does not replace it',
    cause,
  });
}
