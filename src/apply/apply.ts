import { setMaxListeners } from 'node:events';
import pLimit, { type LimitFunction } from 'p-limit';
import type { CekuraApi, WireAgent } from '../api/types.js';
import type { Clock } from '../clock.js';
import { compareStrings } from '../compare.js';
import { assertNever, CekuraformError, InternalError } from '../errors.js';
import { orderPlan, type AgentWork } from '../plan/order.js';
import type { Plan } from '../plan/types.js';
import type { StateRecord } from '../state/types.js';
import type { FingerprintKeys } from '../state/fingerprint.js';
import type { StateRecordStore } from '../state/record.js';
import { saveBackup, type BackupOptions } from './backup.js';
import { DEFAULT_PARALLELISM, DEFAULT_TOGGLE_TIMEOUT_MS } from './defaults.js';
import { AgentFailure, errorText, type AgentContext, type AgentError } from './context.js';
import type { AgentOutcome, ApplyEvent, ApplyResult, ApplySummary } from './events.js';
import type { InsertSources } from './inserts.js';
import { checkMaxDeletes } from './max-deletes.js';
import { AgentSlots } from './slots.js';
import { patchMockMode } from './mock-mode-patch.js';
import { reachMockMode } from './toggle.js';
import { checkReadBack, createAgent, deleteAgent, recordNoOp, updateAgent } from './write.js';

/** Everything apply touches outside the plan. */
export interface ApplyDeps {
  api: CekuraApi;
  /** The state record; ids, digests and pending toggles are saved to it as each step succeeds. */
  records: StateRecordStore;
  /** Where `env` inserts (secrets) are read; normally the process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The keys the plan's secret fingerprints were made with; inserts are checked against them. */
  fingerprintKeys: FingerprintKeys;
  /** Reads a `file` insert (a knowledge-base upload). */
  readFile(path: string): Promise<Buffer>;
  /** Backoff and toggle deadlines. */
  clock: Clock;
  /** Progress; apply never prints. Events hold no secret. */
  onEvent(event: ApplyEvent): void;
  /** Ctrl-C: no agent starts after it aborts, and waits stop; requests already sent finish or time out. */
  signal?: AbortSignal;
  /** Agents sending requests at the same time (one waiting for its toggle does not count). Default `DEFAULT_PARALLELISM`. */
  parallelism?: number;
  /** How long one agent's mock-mode toggle may take, from its start. Default `DEFAULT_TOGGLE_TIMEOUT_MS`. */
  toggleTimeoutMs?: number;
  /** Refuse, sending nothing, when the plan deletes more agents and set items than this. */
  maxDeletes?: number;
  /** Save the live documents about to be overwritten or deleted first; without it no backup is made. */
  backup?: BackupOptions;
}

/** One agent's outcome, and whether its request (POST, PATCH, DELETE) succeeded, for the summary. */
interface AgentResult {
  outcome: AgentOutcome;
  wrote: boolean;
}

/**
 * Executes the plan, exactly: the `--max-deletes` guard and the backup before anything is sent,
 * then each agent's change and mock-mode toggle in the order of `orderPlan`, agents in parallel up
 * to `parallelism`. An agent that fails does not stop the others; what succeeded stays applied and
 * recorded. Rejects only before anything is sent (guard, backup, a malformed plan).
 */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const phases = orderPlan(plan);
  checkMaxDeletes(plan, deps.maxDeletes);
  const parallelism = deps.parallelism ?? DEFAULT_PARALLELISM;

  let interrupted = false;
  const onAbort = (): void => {
    if (interrupted) return;
    interrupted = true;
    deps.onEvent({ type: 'interrupted' });
  };
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  // Every agent waiting for its toggle or a retry listens for Ctrl-C: hundreds at once are expected, not a leak.
  if (deps.signal !== undefined) setMaxListeners(0, deps.signal);
  try {
    if (deps.signal?.aborted) onAbort();
    const backupFile = interrupted ? null : await backUp(plan, deps, pLimit(parallelism));

    const record = deps.records.current();
    const sources: InsertSources = { env: deps.env, readFile: deps.readFile, fingerprintKeys: deps.fingerprintKeys };
    const knownIds = idsBeforeApply(plan, record);
    const results: AgentResult[] = [];
    const slots = new AgentSlots(parallelism);
    for (const phase of phases) {
      results.push(
        ...(await Promise.all(phase.map((work) => runAgentInSlot(work, { deps, slots, sources, knownIds })))),
      );
    }
    return summarize(results, backupFile, interrupted);
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
  }
}

async function backUp(plan: Plan, deps: ApplyDeps, limit: LimitFunction): Promise<string | null> {
  if (deps.backup === undefined) return null;
  const saved = await saveBackup(plan, deps.backup, { api: deps.api, clock: deps.clock, limit });
  if (saved === null) return null;
  deps.onEvent({ type: 'backup_saved', file: saved.file, agents: saved.agents });
  return saved.file;
}

/** Agents that existed before this apply; a create whose response was lost is none of them. */
function idsBeforeApply(plan: Plan, record: StateRecord): Set<number> {
  return new Set([
    ...plan.resource_changes.flatMap((change) => (change.id === null ? [] : [change.id])),
    ...plan.unmanaged.map((agent) => agent.id),
    ...Object.values(record.agents).map((agent) => agent.id),
  ]);
}

/** What every agent of one apply shares. */
interface ApplyRun {
  deps: ApplyDeps;
  slots: AgentSlots;
  sources: InsertSources;
  /** Agents that existed before this apply (see `idsBeforeApply`). */
  knownIds: ReadonlySet<number>;
}

async function runAgentInSlot(work: AgentWork, run: ApplyRun): Promise<AgentResult> {
  await run.slots.acquire();
  try {
    return await runAgent(work, run);
  } finally {
    run.slots.release();
  }
}

async function runAgent(work: AgentWork, { deps, slots, sources, knownIds }: ApplyRun): Promise<AgentResult> {
  const { address, change, mockMode } = work;
  const outcome: AgentOutcome = { address, action: change.action, id: change.id, status: 'skipped', toggled: false };
  let wrote = false;
  if (deps.signal?.aborted) {
    deps.onEvent({ type: 'agent_finished', address, outcome });
    return { outcome, wrote };
  }

  const context: AgentContext = {
    address,
    api: deps.api,
    records: deps.records,
    clock: deps.clock,
    signal: deps.signal,
    slots,
    emit: deps.onEvent,
  };
  deps.onEvent({ type: 'agent_started', address, action: change.action });
  // Other errors than AgentFailure (a stale insert, a record not saved) belong to the current step; a no-op's is a record update.
  let operation: AgentError['operation'] = change.action === 'no-op' ? 'update' : change.action;
  try {
    /** The write's response; with mock mode `via: patch` it shows whether `mock_tools_enabled` took. */
    let written: WireAgent | undefined;
    switch (change.action) {
      case 'create': {
        written = await createAgent(context, change, mockMode, sources, knownIds);
        outcome.id = written.id;
        wrote = true;
        checkReadBack(change, written);
        break;
      }
      case 'update': {
        written = await updateAgent(context, change, mockMode, sources);
        wrote = true;
        checkReadBack(change, written);
        break;
      }
      case 'delete':
        await deleteAgent(context, change);
        wrote = true;
        break;
      case 'no-op':
        await recordNoOp(context, change, mockMode);
        break;
      default:
        assertNever(change, 'resource change');
    }

    if (mockMode !== null) {
      operation = 'toggle';
      if (outcome.id === null) throw new InternalError(`${address} has no id to toggle`);
      if (deps.signal?.aborted) {
        throw new AgentFailure({
          operation,
          code: 'interrupted',
          message: 'interrupted before the mock-tool mode toggle; the next apply does it',
        });
      }
      switch (mockMode.via) {
        case 'toggle':
          outcome.mcp_endpoints = await reachMockMode(
            context,
            outcome.id,
            mockMode.to,
            deps.toggleTimeoutMs ?? DEFAULT_TOGGLE_TIMEOUT_MS,
          );
          break;
        case 'patch':
          await patchMockMode(context, outcome.id, mockMode.to, written);
          break;
        default:
          assertNever(mockMode.via, 'mock mode via');
      }
      outcome.toggled = true;
    }
    outcome.status = 'applied';
  } catch (error) {
    outcome.status = 'failed';
    outcome.error = agentError(error, operation);
  }
  deps.onEvent({ type: 'agent_finished', address, outcome });
  return { outcome, wrote };
}

function agentError(error: unknown, operation: AgentError['operation']): AgentError {
  if (error instanceof AgentFailure) return error.error;
  if (error instanceof CekuraformError) {
    return {
      operation,
      code: error.code,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    };
  }
  return { operation, code: 'internal', message: errorText(error) };
}

function summarize(results: AgentResult[], backupFile: string | null, interrupted: boolean): ApplyResult {
  const outcomes = results.map((result) => result.outcome).sort((a, b) => compareStrings(a.address, b.address));
  const wrote = (action: AgentOutcome['action']): number =>
    results.filter((result) => result.wrote && result.outcome.action === action).length;
  const summary: ApplySummary = {
    added: wrote('create'),
    changed: wrote('update'),
    destroyed: wrote('delete'),
    mock_mode_toggles: outcomes.filter((outcome) => outcome.toggled).length,
    failed: outcomes.filter((outcome) => outcome.status === 'failed').length,
    skipped: outcomes.filter((outcome) => outcome.status === 'skipped').length,
  };
  return { outcomes, summary, backup_file: backupFile, interrupted };
}
