import type { CekuraApi } from '../api/types.js';
import type { Clock } from '../clock.js';
import type { StateRecordStore } from '../state/record.js';
import type { StateRecord } from '../state/types.js';
import type { AgentOutcome, ApplyEvent } from './events.js';
import type { AgentSlots } from './slots.js';

/** What failed for one agent; becomes `AgentOutcome.error`. Never holds a secret. */
export type AgentError = NonNullable<AgentOutcome['error']>;

/** Thrown by an agent's steps; apply turns it into a failed outcome and goes on with the other agents. */
export class AgentFailure extends Error {
  readonly error: AgentError;

  constructor(error: AgentError) {
    super(error.message);
    this.error = error;
  }
}

/** Everything one agent's steps use: the address they work for and apply's dependencies. */
export interface AgentContext {
  readonly address: string;
  readonly api: CekuraApi;
  readonly records: StateRecordStore;
  readonly clock: Clock;
  /** Ctrl-C: steps stop at their next wait. Never passed to a request, which finishes or times out. */
  readonly signal: AbortSignal | undefined;
  /** Apply's parallelism; the agent holds one slot while its steps run, except while it waits. */
  readonly slots: AgentSlots;
  emit(event: ApplyEvent): void;
}

/** Waits `ms` on the clock without holding the agent's slot; false when Ctrl-C came first (or before). */
export async function waitUnlessInterrupted(context: AgentContext, ms: number): Promise<boolean> {
  if (context.signal?.aborted) return false;
  // Nothing is sent while waiting: a toggle that takes seconds must not keep another agent's write waiting.
  context.slots.release();
  try {
    await context.clock.sleep(ms, context.signal);
    return true;
  } catch (error) {
    if (context.signal?.aborted) return false;
    throw error;
  } finally {
    await context.slots.acquire(true);
  }
}

/**
 * Saves a change to the state record without holding the agent's slot: a save (a write and an
 * fsync) sends nothing, so another agent's request goes out meanwhile. The agent goes on only once
 * the change is on disk.
 */
export async function saveRecord(context: AgentContext, change: (record: StateRecord) => void): Promise<void> {
  context.slots.release();
  try {
    await context.records.update(change);
  } finally {
    await context.slots.acquire(true);
  }
}

/** The message of anything thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
