import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { CekuraformError } from '../errors.js';
import { isJsonObject } from '../json.js';
import { STATE_RECORD_VERSION, type RecordedAgent, type StateRecord } from './types.js';

/**
 * The state record of one run, loaded once and saved after every change. Apply's parallel agents
 * share one store; their updates are saved one after another, each on top of the previous one.
 */
export interface StateRecordStore {
  /** The file it is saved to. */
  readonly path: string;
  /** A copy of the record as last saved (or as read, or new); changing it changes nothing. */
  current(): StateRecord;
  /** A copy of one address's entry in `current()`, without copying the other agents' entries (apply reads it per agent). */
  agent(address: string): RecordedAgent | undefined;
  /**
   * Applies `change` to a copy, raises `serial`, saves the copy atomically (mode 0600) and only
   * then makes it current. Rejects, leaving the record as it was, when `change` throws or the
   * save fails. Calls run in the order made, never interleaved.
   */
  update(change: (record: StateRecord) => void): Promise<void>;
}

const pendingToggleSchema = z.strictObject({
  progress_id: z.string().min(1),
  enabled: z.boolean(),
  started_at: z.string(),
});

const recordedAgentSchema = z.strictObject({
  id: z.number().int(),
  project: z.number().int(),
  secrets: z.record(z.string(), z.string()),
  applied: z.record(z.string(), z.string()),
  pending_toggle: pendingToggleSchema.optional(),
});

const stateRecordSchema = z.strictObject({
  version: z.literal(STATE_RECORD_VERSION),
  lineage: z.string().min(1),
  serial: z.number().int().nonnegative(),
  fingerprint_key: z.string().min(1),
  agents: z.record(z.string(), recordedAgentSchema),
});

/** A record for an environment that has none yet: fresh lineage and fingerprint key, no agents. */
export function newStateRecord(): StateRecord {
  return {
    version: STATE_RECORD_VERSION,
    lineage: randomUUID(),
    serial: 0,
    fingerprint_key: randomBytes(32).toString('base64'),
    agents: {},
  };
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
  return result.data as StateRecord;
}

/** The store for the record at `path`: the saved one, or a new one that is first written by `update`. */
export async function openStateRecord(path: string): Promise<StateRecordStore> {
  let saved = (await readStateRecord(path)) ?? newStateRecord();
  let queue: Promise<void> = Promise.resolve();

  const save = async (change: (record: StateRecord) => void): Promise<void> => {
    const next = structuredClone(saved);
    change(next);
    next.serial = saved.serial + 1;
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    saved = next;
  };

  return {
    path,
    current: () => structuredClone(saved),
    agent: (address) => (Object.hasOwn(saved.agents, address) ? structuredClone(saved.agents[address]) : undefined),
    update(change) {
      const run = queue.then(() => save(change));
      // A failed save rejects for its caller only; the next one still runs.
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

function corrupt(path: string, what: string, cause?: unknown, hint?: string): CekuraformError {
  return new CekuraformError('state_corrupt', `state record ${path} ${what}`, {
    meta: { file: path },
    hint: hint ?? 'restore the file from a backup or version control; cekuraform does not replace it',
    cause,
  });
}

/** The `code` of a failed file-system call (`ENOENT`, `EEXIST`, …), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
