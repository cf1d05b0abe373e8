import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LimitFunction } from 'p-limit';
import writeFileAtomic from 'write-file-atomic';
import type { CekuraApi, WireAgent } from '../api/types.js';
import type { Clock } from '../clock.js';
import type { Plan, ResourceChange } from '../plan/types.js';

/** Where apply saves the live documents it is about to overwrite or delete. */
export interface BackupOptions {
  /** Folder of the backup files; created when missing. */
  dir: string;
  /** Live documents already read, as the API returned them (`LiveSnapshot.documents`); any other is read with `getAgent`. */
  documents?: readonly WireAgent[];
  /** How many backups the folder keeps, the newest; older ones are removed after each new one. 0 or absent keeps all. */
  keep?: number;
}

/** A backup's file name: its ISO time with `:` replaced, so names sort by time. */
const BACKUP_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.json$/;

export const BACKUP_FORMAT_VERSION = '1';

/** A backup file (`<dir>/<timestamp>.json`, mode 0600). Holds no secret: the API never returns one. */
export interface BackupFile {
  format_version: typeof BACKUP_FORMAT_VERSION;
  /** ISO time of the apply. */
  created_at: string;
  /** Sorted by address. */
  agents: { address: string; action: 'update' | 'delete'; document: WireAgent }[];
}

/**
 * Writes the live document of every agent the plan updates or deletes, before anything is sent.
 * Returns the file and how many agents it holds; null when the plan overwrites nothing. Rejects
 * when a document cannot be read or the file cannot be written: apply must not go on then.
 */
export async function saveBackup(
  plan: Plan,
  options: BackupOptions,
  deps: { api: CekuraApi; clock: Clock; limit: LimitFunction },
): Promise<{ file: string; agents: number } | null> {
  const overwritten = plan.resource_changes.filter(
    (change): change is Extract<ResourceChange, { action: 'update' | 'delete' }> =>
      change.action === 'update' || change.action === 'delete',
  );
  if (overwritten.length === 0) return null;

  const known = new Map(options.documents?.map((document) => [document.id, document]));
  const agents = await Promise.all(
    overwritten.map((change) =>
      deps.limit(async () => ({
        address: change.address,
        action: change.action,
        document: known.get(change.id) ?? (await deps.api.getAgent(change.id)),
      })),
    ),
  );
  const createdAt = new Date(deps.clock.now()).toISOString();
  const backup: BackupFile = { format_version: BACKUP_FORMAT_VERSION, created_at: createdAt, agents };

  await mkdir(options.dir, { recursive: true });
  const file = join(options.dir, `${createdAt.replace(/:/g, '-')}.json`);
  await writeFileAtomic(file, JSON.stringify(backup, null, 2) + '\n', { mode: 0o600 });
  await pruneBackups(options.dir, options.keep ?? 0);
  return { file, agents: agents.length };
}

/** Removes all but the newest `keep` backups of `dir` (0 keeps all); other files are left alone. */
async function pruneBackups(dir: string, keep: number): Promise<void> {
  if (keep === 0) return;
  const backups = (await readdir(dir)).filter((name) => BACKUP_NAME.test(name)).sort();
  await Promise.all(backups.slice(0, -keep).map((name) => rm(join(dir, name), { force: true })));
}
