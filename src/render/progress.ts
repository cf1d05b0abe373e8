// The only module that imports listr2: the CLI loads it for apply alone, so `--help` and plan stay cheap.
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { ToggleStatus } from '../api/types.js';
import type { AgentOutcome, ApplyEvent } from '../apply/events.js';
import { assertNever } from '../errors.js';
import { hasChanges, type Action, type Plan } from '../plan/types.js';
import type { OutputStream, Style } from './style.js';
import { oneLine } from './values.js';
import { mockModeWord, operationWords } from './wording.js';

/**
 * How apply's progress is shown: `tty` a live listr2 view of counters and the agents in flight, then
 * one line per agent (plain lines on a terminal of zero columns), `lines` one plain line per event
 * (CI logs, pipes), `silent` nothing (tests, `--json`).
 */
export type ProgressMode = 'tty' | 'lines' | 'silent';

export interface ApplyProgressOptions {
  /** The plan being applied: it names the agents and their steps before any event arrives. */
  plan: Plan;
  stream: OutputStream;
  mode: ProgressMode;
  /** Used by `tty` only; `lines` output never holds ANSI codes. */
  style: Style;
}

/** Pass `onEvent` to apply as its `onEvent`; await `finish` once apply has returned. */
export interface ApplyProgress {
  onEvent(event: ApplyEvent): void;
  /** Ends the display: steps no event settled show as skipped. Resolves when all output is written. */
  finish(): Promise<void>;
}

export function createApplyProgress(options: ApplyProgressOptions): ApplyProgress {
  // Nothing to apply, nothing to watch: no spinner counting zero agents.
  const mode = hasChanges(options.plan) ? options.mode : 'silent';
  switch (mode) {
    case 'silent':
      return { onEvent: () => {}, finish: async () => {} };
    case 'lines':
      return createLineProgress(options.plan, options.stream);
    case 'tty':
      // A terminal of no width (a pseudo-terminal nobody sized) cannot hold a live view: plain lines.
      return (options.stream.columns ?? 0) > 0 && options.stream.isTTY === true
        ? createLiveProgress(options.plan, options.stream, options.style)
        : createLineProgress(options.plan, options.stream);
    default:
      return assertNever(mode, 'progress mode');
  }
}

function createLineProgress(plan: Plan, stream: OutputStream): ApplyProgress {
  const toggleTargets = toggleTargetsOf(plan);
  const actions = new Map(plan.resource_changes.map((change) => [change.address, change.action]));
  const quiet = quietAddresses(plan, toggleTargets);
  return {
    onEvent(event) {
      // The apply's result names the backup file once, at the end, in every mode.
      if (event.type === 'backup_saved') return;
      if (event.type === 'toggle_started') toggleTargets.set(event.address, event.enabled);
      const isFailure = event.type === 'agent_finished' && event.outcome.status === 'failed';
      if ('address' in event && event.address !== undefined && quiet.has(event.address) && !isFailure) return;
      stream.write(progressLine(event, toggleTargets, actions) + '\n');
    },
    finish: async () => {},
  };
}

/** The mode each agent's toggle aims at, by address: from the plan, then from `toggle_started`. */
function toggleTargetsOf(plan: Plan): Map<string, boolean> {
  return new Map(plan.mock_mode_changes.map((change) => [change.address, change.to]));
}

/** One event as one plain line; the wording is stable, CI logs are grepped for it. */
function progressLine(
  event: Exclude<ApplyEvent, { type: 'backup_saved' }>,
  toggleTargets: ReadonlyMap<string, boolean>,
  actions: ReadonlyMap<string, Action>,
): string {
  if (event.type === 'interrupted')
    return 'interrupted: no new agent is started; requests in flight finish or time out';
  if (event.type === 'retrying' && event.address === undefined) return retryWords(event);
  return `${event.address}: ${agentEventWords(event, toggleTargets, actions)}`;
}

type AgentEvent = Exclude<ApplyEvent, { type: 'backup_saved' | 'interrupted' }>;

/** What an event says about its agent, without the address. */
function agentEventWords(
  event: AgentEvent,
  toggleTargets: ReadonlyMap<string, boolean>,
  actions: ReadonlyMap<string, Action>,
): string {
  switch (event.type) {
    case 'agent_started':
      return 'started';
    case 'write_started':
      return writeWords(event.method);
    case 'create_recovered':
      return recoveredWords(event.id);
    case 'write_finished':
      return writtenWords(actions.get(event.address), event.id);
    case 'retrying':
      return retryWords(event);
    case 'toggle_started':
      return `${toggleTitle(event.enabled)} — ${toggleStartWords(event)}`;
    case 'toggle_polled':
      return `${toggleTitle(toggleTargets.get(event.address))} — ${pollWords(event.status, event.message)}`;
    case 'toggle_finished':
      return toggleFinishWords(event.enabled, event.mcp_endpoints.length);
    case 'agent_finished':
      return outcomeWords(event.outcome);
    default:
      return assertNever(event, 'apply event');
  }
}

function writeWords(method: 'POST' | 'PATCH' | 'DELETE'): string {
  switch (method) {
    case 'POST':
      return 'creating (POST)';
    case 'PATCH':
      return 'updating (PATCH)';
    case 'DELETE':
      return 'destroying (DELETE)';
    default:
      return assertNever(method, 'write method');
  }
}

function writtenWords(action: Action | undefined, id: number): string {
  return action === 'delete' ? `deleted (id ${id})` : `written (id ${id})`;
}

function recoveredWords(id: number): string {
  return `found the agent whose create response was lost (id ${id}); not posting again`;
}

function retryWords(event: Extract<ApplyEvent, { type: 'retrying' }>): string {
  return `retrying ${event.operation} in ${event.delay_ms}ms (attempt ${event.attempt}): ${oneLine(event.reason)}`;
}

function toggleTitle(enabled: boolean | undefined): string {
  return enabled === undefined ? 'toggle mock mode' : `toggle mock mode ${mockModeWord(enabled)}`;
}

function toggleStartWords(event: Extract<ApplyEvent, { type: 'toggle_started' }>): string {
  return event.resumed ? `resumed (progress ${event.progress_id})` : 'started';
}

function pollWords(status: ToggleStatus, message: string | null): string {
  return message === null || oneLine(message) === '' ? status : `${status} — ${oneLine(message)}`;
}

function toggleFinishWords(enabled: boolean, endpointCount: number): string {
  return `mock mode ${mockModeWord(enabled)}${endpointCount === 0 ? '' : ` (${endpointCount} MCP endpoint(s))`}`;
}

function outcomeWords(outcome: AgentOutcome): string {
  switch (outcome.status) {
    case 'applied':
      return 'done';
    case 'failed':
      return `failed${outcome.error === undefined ? '' : ` — ${failureWords(outcome.error)}`}`;
    case 'skipped':
      return 'skipped (not started)';
    default:
      return assertNever(outcome.status, 'outcome status');
  }
}

function failureWords(error: NonNullable<AgentOutcome['error']>): string {
  return `${operationWords(error.operation)}: ${oneLine(error.message)}`;
}

// --- tty: one live listr2 task with counters and the agents in flight ---

/** How often the live view is redrawn at most; events in between only change counters. */
const FRAME_MS = 100;
/** Agents listed under the counters; the rest in flight are counted in one more row. */
const MAX_ROWS = 8;

type AgentPhase = 'waiting' | 'writing' | 'toggling' | 'done' | 'failed' | 'skipped';

/** What the live view knows of one agent; the final record is built from it. */
interface LiveAgent {
  phase: AgentPhase;
  /** The latest step words (`updating (PATCH)`, `toggle mock mode on — in_progress`). */
  status: string;
  /** What was done, in order, for the final record (`written (id 301)`, `mock mode on`). */
  done: string[];
  /** Set when the agent finished: the words of its outcome. */
  outcome?: string;
}

/**
 * A terminal wide enough for a live view: one listr2 task whose title counts agents by phase and
 * whose output lists the agents in flight, redrawn at most every FRAME_MS. Each frame costs the
 * rows it shows, whatever the number of agents; every agent's outcome is printed once, when it ends.
 */
function createLiveProgress(plan: Plan, stream: OutputStream, style: Style): ApplyProgress {
  const toggleTargets = toggleTargetsOf(plan);
  const actions = new Map(plan.resource_changes.map((change) => [change.address, change.action]));
  const quiet = quietAddresses(plan, toggleTargets);
  const agents = new Map<string, LiveAgent>();
  for (const address of [...actions.keys(), ...toggleTargets.keys()]) {
    if (!quiet.has(address) && !agents.has(address)) agents.set(address, { phase: 'waiting', status: '', done: [] });
  }
  const counts: Record<AgentPhase, number> = {
    waiting: agents.size,
    writing: 0,
    toggling: 0,
    done: 0,
    failed: 0,
    skipped: 0,
  };
  // In start order; an agent leaves it when it finishes.
  const inFlight = new Set<string>();

  const move = (agent: LiveAgent, phase: AgentPhase): void => {
    counts[agent.phase] -= 1;
    counts[phase] += 1;
    agent.phase = phase;
  };

  let task: { title: string; output: string } | undefined;
  let shown = { title: '', output: '' };
  const draw = (): void => {
    if (task === undefined) return;
    const title = countsTitle(agents.size, counts, style);
    const output = inFlightRows(inFlight, agents, style);
    if (title !== shown.title) task.title = title;
    if (output !== shown.output) task.output = output;
    shown = { title, output };
  };
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const timer = setInterval(draw, FRAME_MS);
  timer.unref();

  // listr2 writes through its logger; give it the stream for both of its outputs, so nothing reaches process.stdout.
  const output = stream as unknown as NodeJS.WriteStream;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(output, output), toStderr: [] });
  const running = new Listr(
    [
      {
        title: countsTitle(agents.size, counts, style),
        task: async (_context, wrapper) => {
          task = wrapper;
          draw();
          await ended;
          task.output = '';
          task.title = countsTitle(agents.size, counts, style, true);
        },
      },
    ],
    {
      // main turns Ctrl-C into apply's abort signal; listr2's own handler would exit the process.
      registerSignalListeners: false,
      renderer: StreamRenderer,
      // Truncated, not wrapped: a row never grows into two, and wrapping measured every character of every frame.
      rendererOptions: { logger, formatOutput: 'truncate', lazy: true },
    },
  ).run();

  return {
    onEvent(event) {
      if (!('address' in event) || event.address === undefined) return;
      const address = event.address;
      let agent = agents.get(address);
      if (agent === undefined) {
        // A quiet no-op shows only when it fails.
        if (!(event.type === 'agent_finished' && event.outcome.status === 'failed')) return;
        agent = { phase: 'waiting', status: '', done: [] };
        agents.set(address, agent);
        counts.waiting += 1;
      }
      if (event.type === 'toggle_started') toggleTargets.set(address, event.enabled);
      switch (event.type) {
        case 'agent_started':
          move(agent, 'writing');
          inFlight.add(address);
          return;
        case 'write_started':
        case 'create_recovered':
        case 'retrying':
          agent.status = agentEventWords(event, toggleTargets, actions);
          return;
        case 'write_finished':
          agent.status = writtenWords(actions.get(address), event.id);
          agent.done.push(agent.status);
          return;
        case 'toggle_started':
        case 'toggle_polled':
          if (agent.phase === 'writing') move(agent, 'toggling');
          agent.status = agentEventWords(event, toggleTargets, actions);
          return;
        case 'toggle_finished':
          agent.done.push(toggleFinishWords(event.enabled, event.mcp_endpoints.length));
          return;
        case 'agent_finished':
          inFlight.delete(address);
          agent.outcome = outcomeWords(event.outcome);
          move(agent, event.outcome.status === 'applied' ? 'done' : event.outcome.status);
          return;
        default:
          assertNever(event, 'apply event');
      }
    },
    async finish() {
      clearInterval(timer);
      end();
      await running;
      stream.write(agentRecord(agents, style));
    },
  };
}

/** listr2 picks its renderer by process.stdout; this one draws on the stream it is given, a terminal. */
class StreamRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/** A no-op with no toggle only updates the record: its lines would bury the agents that change. */
function quietAddresses(plan: Plan, toggleTargets: ReadonlyMap<string, boolean>): Set<string> {
  return new Set(
    plan.resource_changes
      .filter((change) => change.action === 'no-op' && !toggleTargets.has(change.address))
      .map((change) => change.address),
  );
}

function countsTitle(total: number, counts: Record<AgentPhase, number>, style: Style, isOver = false): string {
  const parts = [`${counts.done} done`];
  if (counts.failed > 0) parts.push(style.error(`${counts.failed} failed`));
  for (const phase of ['skipped', 'writing', 'toggling', 'waiting'] as const)
    if (counts[phase] > 0) parts.push(`${counts[phase]} ${phase}`);
  return `${style.bold(`${isOver ? 'Applied' : 'Applying'} ${total} agent(s):`)} ${parts.join(', ')}`;
}

/** Up to MAX_ROWS agents in flight, oldest first; reads no more of the set than it shows. */
function inFlightRows(inFlight: ReadonlySet<string>, agents: ReadonlyMap<string, LiveAgent>, style: Style): string {
  const rows: string[] = [];
  for (const address of inFlight) {
    if (rows.length === MAX_ROWS) {
      rows.push(style.dim(`… and ${inFlight.size - MAX_ROWS} more`));
      break;
    }
    const status = agents.get(address)!.status;
    rows.push(status === '' ? address : `${address} ${style.dim(status)}`);
  }
  return rows.join('\n');
}

/** Every agent that changed (or failed), one line each, in plan order: what was done and how it ended. */
function agentRecord(agents: ReadonlyMap<string, LiveAgent>, style: Style): string {
  const lines: string[] = [];
  for (const [address, agent] of agents) {
    const outcome = agent.outcome ?? 'skipped (not started)';
    const words = agent.done.length === 0 ? outcome : `${outcome} — ${agent.done.join(', ')}`;
    lines.push(`${style.bold(address)}: ${agent.phase === 'failed' ? style.error(words) : words}`);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
