import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CekuraformError } from '../errors.js';
import { isJsonObject } from '../json.js';
import type { ToggleTask } from './toggles.js';
import type { NextIds, StoredAgent } from './types.js';

/**
 * The data file: everything needed to carry on after a restart. It holds the agents' write-only
 * values (the emulator is the server), so it is written with mode 0600.
 */
export interface EmulatorData {
  version: 1;
  next_ids: NextIds;
  /** Ordered by id. */
  agents: StoredAgent[];
  /** Every toggle task, pending or ended, so progress ids stay pollable. */
  toggles: ToggleTask[];
}

/** The data file's content, or undefined when it does not exist yet. */
export async function loadData(path: string): Promise<EmulatorData | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CekuraformError('emulator_data_unreadable', `cannot read the emulator data file ${path}`, {
      cause: error,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalidData(path, { cause: error });
  }
  if (
    !isJsonObject(data) ||
    data.version !== 1 ||
    !isJsonObject(data.next_ids) ||
    !Array.isArray(data.agents) ||
    !Array.isArray(data.toggles)
  ) {
    throw invalidData(path, {});
  }
  return data as unknown as EmulatorData;
}

function invalidData(path: string, options: { cause?: unknown }): CekuraformError {
  return new CekuraformError('emulator_data_invalid', `${path} is not an emulator data file (version 1)`, {
    ...options,
    hint: 'move it away, or start the emulator with --in-memory',
  });
}

/**
 * The data file, saved atomically before the emulator answers a request that changed something
 * (`flush`), so an acknowledged write survives a kill and no id handed out is given again after a
 * restart. Concurrent requests share saves: a save covers every change made before it started.
 */
export class DataFile {
  readonly #path: string;
  readonly #snapshot: () => EmulatorData;
  #isDirty = false;
  /** The save in flight (or the last one); saves never overlap. */
  #saving: Promise<void> = Promise.resolve();

  constructor(path: string, snapshot: () => EmulatorData) {
    this.#path = path;
    this.#snapshot = snapshot;
  }

  /** Creates the file's folder; call once before the first save. */
  async prepare(): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
  }

  markDirty(): void {
    this.#isDirty = true;
  }

  /** Saves the changes made so far, unless a save since then holds them; rejects when that save failed. */
  async flush(): Promise<void> {
    this.#saving = this.#saving.catch(() => undefined).then(() => this.#saveIfDirty());
    await this.#saving;
  }

  async #saveIfDirty(): Promise<void> {
    if (!this.#isDirty) return;
    this.#isDirty = false;
    try {
      await writeFileAtomic(this.#path, JSON.stringify(this.#snapshot()), { mode: 0o600 });
    } catch (error) {
      this.#isDirty = true;
      throw new CekuraformError('emulator_data_unwritable', `cannot write the emulator data file ${this.#path}`, {
        cause: error,
      });
    }
  }
}
