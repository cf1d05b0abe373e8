import { ApiError } from '../api/errors.js';
import type { McpEndpoint, WireAgent } from '../api/types.js';
import { doublingDelay, type Backoff } from '../backoff.js';
import { assertNever, CekuraformError, InternalError } from '../errors.js';
import type { PendingToggle } from '../state/types.js';
import { AgentFailure, errorText, saveRecord, waitUnlessInterrupted, type AgentContext } from './context.js';

// Toggles often finish in a fraction of a second (the emulator's default is 100 ms): a first look at 250 ms wasted most of that.
const POLL_BACKOFF: Backoff = { baseDelayMs: 100, maxDelayMs: 4_000 };
/** Toggle POSTs of one agent, counting the first; the second only after reading the agent. */
const TOGGLE_POST_ATTEMPTS = 2;

/**
 * Brings the agent's mock-tool mode to `enabled` (toggle, then poll with backoff until `completed`
 * or `failed`) within `timeoutMs`, and returns the MCP endpoints a completed toggle reports. A
 * toggle that a previous apply started and did not see finish (`pending_toggle`) is polled rather
 * than posted again, and posted again only when it turns out to have failed. Throws `AgentFailure`;
 * the pending toggle stays recorded when the outcome is unknown (deadline, Ctrl-C), so the next
 * apply resumes polling it.
 */
export async function reachMockMode(
  context: AgentContext,
  id: number,
  enabled: boolean,
  timeoutMs: number,
): Promise<McpEndpoint[]> {
  const deadline = context.clock.now() + timeoutMs;
  const pending = context.records.agent(context.address)?.pending_toggle;
  if (pending?.enabled === enabled) {
    context.emit({
      type: 'toggle_started',
      address: context.address,
      enabled,
      progress_id: pending.progress_id,
      resumed: true,
    });
    try {
      return await pollToggle(context, id, pending, deadline);
    } catch (error) {
      // It failed after the apply that started it stopped watching: this apply has not tried yet, so it toggles anew.
      if (!(error instanceof AgentFailure && error.error.code === 'toggle_failed')) throw error;
    }
  }

  const started = await startToggle(context, id, enabled, deadline);
  if (started === 'reached') {
    context.emit({ type: 'toggle_finished', address: context.address, enabled, mcp_endpoints: [] });
    return [];
  }
  await setPendingToggle(context, started);
  context.emit({
    type: 'toggle_started',
    address: context.address,
    enabled,
    progress_id: started.progress_id,
    resumed: false,
  });
  return pollToggle(context, id, started, deadline);
}

/**
 * POSTs the toggle. After a lost response the agent is read before posting again; when another
 * toggle is in progress (the lost one, or someone else's) the agent is polled until it reaches the
 * mode. `reached` means the mode was reached without a progress id to poll.
 */
async function startToggle(
  context: AgentContext,
  id: number,
  enabled: boolean,
  deadline: number,
): Promise<PendingToggle | 'reached'> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { progress_id } = await context.api.toggleMockTools(id, enabled);
      return { progress_id, enabled, started_at: new Date(context.clock.now()).toISOString() };
    } catch (error) {
      if (isToggleInProgress(error)) return waitForAgentMode(context, id, enabled, deadline);
      if (!(error instanceof ApiError && error.maybeCommitted) || attempt === TOGGLE_POST_ATTEMPTS)
        throw toggleFailure(error);
    }
    if ((await readAgent(context, id)).mock_tools_enabled === enabled) return 'reached';
  }
}

/** Polls the toggle's progress until it completes, fails, the deadline passes or Ctrl-C. */
async function pollToggle(
  context: AgentContext,
  id: number,
  toggle: PendingToggle,
  deadline: number,
): Promise<McpEndpoint[]> {
  const outcome = await pollUntil(context, deadline, async () => {
    let progress;
    try {
      progress = await context.api.getToggleProgress(id, toggle.progress_id);
    } catch (error) {
      // The server does not know this progress id: polling it again is pointless, the next apply toggles anew.
      if (error instanceof ApiError && (error.code === 'api_validation' || error.code === 'api_not_found'))
        await clearPendingToggle(context);
      throw toggleFailure(error, 'polling the mock-tool mode toggle failed: ');
    }
    context.emit({
      type: 'toggle_polled',
      address: context.address,
      status: progress.status,
      message: progress.message,
    });
    switch (progress.status) {
      case 'in_progress':
        return undefined;
      case 'completed':
      case 'failed':
        return progress;
      default:
        return assertNever(progress.status, 'toggle status');
    }
  });

  if (outcome === 'timeout') {
    throw new AgentFailure({
      operation: 'toggle',
      code: 'toggle_timeout',
      message: `the mock-tool mode toggle did not finish in time (progress ${toggle.progress_id}); the next apply resumes polling it`,
    });
  }
  if (outcome === 'interrupted') {
    throw new AgentFailure({
      operation: 'toggle',
      code: 'interrupted',
      message: `interrupted while the mock-tool mode toggle was running (progress ${toggle.progress_id}); the next apply resumes polling it`,
    });
  }
  await clearPendingToggle(context);
  if (outcome.status === 'failed') {
    throw new AgentFailure({
      operation: 'toggle',
      code: 'toggle_failed',
      message:
        outcome.error ?? outcome.message ?? 'Cekura reports the mock-tool mode toggle failed, without saying why',
    });
  }
  context.emit({
    type: 'toggle_finished',
    address: context.address,
    enabled: toggle.enabled,
    mcp_endpoints: outcome.mcp_endpoints,
  });
  return outcome.mcp_endpoints;
}

/** Another toggle of the agent is running and its progress id is unknown: wait for the agent itself to show the mode. */
async function waitForAgentMode(
  context: AgentContext,
  id: number,
  enabled: boolean,
  deadline: number,
): Promise<'reached'> {
  const outcome = await pollUntil(context, deadline, async () => {
    const reached = (await readAgent(context, id)).mock_tools_enabled === enabled;
    context.emit({
      type: 'toggle_polled',
      address: context.address,
      status: reached ? 'completed' : 'in_progress',
      message: 'waiting for a toggle that is already in progress',
    });
    return reached ? ('reached' as const) : undefined;
  });
  if (outcome === 'timeout') {
    throw new AgentFailure({
      operation: 'toggle',
      code: 'toggle_timeout',
      message: `another mock-tool mode toggle of this agent is running and did not ${enabled ? 'enable' : 'disable'} mock tools in time; apply again to retry`,
    });
  }
  if (outcome === 'interrupted') {
    throw new AgentFailure({
      operation: 'toggle',
      code: 'interrupted',
      message: 'interrupted while waiting for another mock-tool mode toggle of this agent; apply again to retry',
    });
  }
  return outcome;
}

/**
 * Calls `poll` after waits growing from 100 ms to 4 s until it returns a value, `deadline` (clock
 * time) passes, or Ctrl-C stops the wait.
 */
async function pollUntil<T>(
  context: AgentContext,
  deadline: number,
  poll: () => Promise<T | undefined>,
): Promise<T | 'timeout' | 'interrupted'> {
  for (let step = 1; ; step++) {
    const remaining = deadline - context.clock.now();
    if (remaining <= 0) return 'timeout';
    const delay = Math.min(doublingDelay(step, POLL_BACKOFF), remaining);
    if (!(await waitUnlessInterrupted(context, delay))) return 'interrupted';
    const result = await poll();
    if (result !== undefined) return result;
  }
}

async function readAgent(context: AgentContext, id: number): Promise<WireAgent> {
  try {
    return await context.api.getAgent(id);
  } catch (error) {
    throw toggleFailure(error, "reading the agent's mock-tool mode failed: ");
  }
}

// NOTES.md: a second toggle while one is in progress is refused with 400 and a `detail`.
function isToggleInProgress(error: unknown): boolean {
  return error instanceof ApiError && error.status === 400 && /in progress/i.test(error.detail ?? '');
}

function toggleFailure(error: unknown, prefix = ''): AgentFailure {
  const code = error instanceof CekuraformError ? error.code : 'internal';
  return new AgentFailure({ operation: 'toggle', code, message: prefix + errorText(error) });
}

async function setPendingToggle(context: AgentContext, toggle: PendingToggle): Promise<void> {
  await saveRecord(context, (record) => {
    const agent = record.agents[context.address];
    // The change step binds the address before any toggle.
    if (agent === undefined) throw new InternalError(`${context.address} is toggled before it is recorded`);
    record.agents[context.address] = { ...agent, pending_toggle: toggle };
  });
}

async function clearPendingToggle(context: AgentContext): Promise<void> {
  if (context.records.agent(context.address)?.pending_toggle === undefined) return;
  await saveRecord(context, (record) => {
    const agent = record.agents[context.address];
    if (agent === undefined) return;
    const { pending_toggle: _cleared, ...rest } = agent;
    record.agents[context.address] = rest;
  });
}
