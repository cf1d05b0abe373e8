// The only module that imports listr2: the CLI loads it for apply alone, so `--help` and plan stay cheap.
import { Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import type { ToggleStatus } from '../api/types.js';
import type { AgentOutcome, ApplyEvent } from '../apply/events.js';
import { assertNever } from '../errors.js';
import type { Action, Plan, ResourceChange } from '../plan/types.js';
import { outlinePlan } from './outline.js';
import type { OutputStream, Style } from './style.js';
import { oneLine } from './values.js';
import { actionWord, mockModeWord, operationWords } from './wording.js';

/**
 * How apply's progress is shown: `tty` a live listr2 task list, `lines` one plain line per event
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
  switch (options.mode) {
    case 'silent':
      return { onEvent: () => {}, finish: async () => {} };
    case 'lines':
      return createLineProgress(options.plan, options.stream);
    case 'tty':
      return createTaskProgress(options.plan, options.stream, options.style);
    default:
      return assertNever(options.mode, 'progress mode');
  }
}

function createLineProgress(plan: Plan, stream: OutputStream): ApplyProgress {
  const toggleTargets = toggleTargetsOf(plan);
  const actions = new Map(plan.resource_changes.map((change) => [change.address, change.action]));
  // A no-op with no toggle only updates the record: its lines would bury the agents that change.
  const quiet = new Set(
    plan.resource_changes
      .filter((change) => change.action === 'no-op' && !toggleTargets.has(change.address))
      .map((change) => change.address),
  );
  return {
    onEvent(event) {
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
  event: ApplyEvent,
  toggleTargets: ReadonlyMap<string, boolean>,
  actions: ReadonlyMap<string, Action>,
): string {
  switch (event.type) {
    case 'backup_saved':
      return `backup of ${event.agents} agent(s) saved to ${event.file}`;
    case 'agent_started':
      return `${event.address}: started`;
    case 'write_started':
      return `${event.address}: ${writeWords(event.method)}`;
    case 'create_recovered':
      return `${event.address}: ${recoveredWords(event.id)}`;
    case 'write_finished':
      return `${event.address}: ${writtenWords(actions.get(event.address), event.id)}`;
    case 'retrying':
      return `${event.address === undefined ? '' : `${event.address}: `}${retryWords(event)}`;
    case 'toggle_started':
      return `${event.address}: ${toggleTitle(event.enabled)} — ${toggleStartWords(event)}`;
    case 'toggle_polled':
      return `${event.address}: ${toggleTitle(toggleTargets.get(event.address))} — ${pollWords(event.status, event.message)}`;
    case 'toggle_finished':
      return `${event.address}: ${toggleFinishWords(event.enabled, event.mcp_endpoints.length)}`;
    case 'agent_finished':
      return `${event.address}: ${outcomeWords(event.outcome)}`;
    case 'interrupted':
      return 'interrupted: no new agent is started; requests in flight finish or time out';
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

// --- tty: a listr2 task per agent, driven by events ---

/** How an event settles a step: the listr2 task awaits it, then completes, fails or skips. */
type StepOutcome = { status: 'done' } | { status: 'failed'; message: string } | { status: 'skipped'; reason: string };

/** A promise that events settle from outside; the first settle wins. */
interface Gate<T> {
  promise: Promise<T>;
  settle(value: T): void;
  isSettled(): boolean;
}

function createGate<T>(): Gate<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  let isSettled = false;
  return {
    promise,
    settle(value) {
      if (isSettled) return;
      isSettled = true;
      resolve(value);
    },
    isSettled: () => isSettled,
  };
}

/** The part of a listr2 task wrapper a step writes to. */
interface TaskOutput {
  output: string;
}

/** A step of one agent (its write, its toggle): a listr2 subtask that waits for events. */
interface Step extends Gate<StepOutcome> {
  title: string;
  /** Shows a status under the step, now or as soon as its task runs. */
  show(output: string): void;
  attach(task: TaskOutput): void;
}

interface AgentTask {
  /** Settled by `agent_started`, or by whatever settles the agent first. */
  started: Gate<void>;
  /** In the order apply runs them: write, then toggle. */
  steps: Step[];
  write: Step | undefined;
  toggle: Step | undefined;
  /** The agent's planned action, for the words of its write step. */
  action: Action | undefined;
}

function createStep(title: string): Step {
  let output: string | undefined;
  let task: TaskOutput | undefined;
  return {
    ...createGate<StepOutcome>(),
    title,
    show(text) {
      output = text;
      if (task !== undefined) task.output = text;
    },
    attach(wrapper) {
      task = wrapper;
      if (output !== undefined) task.output = output;
    },
  };
}

function createTaskProgress(plan: Plan, stream: OutputStream, style: Style): ApplyProgress {
  const changes = new Map(plan.resource_changes.map((change) => [change.address, change]));
  const toggleTargets = toggleTargetsOf(plan);
  const agents = new Map<string, AgentTask>();
  const tasks: ListrTask[] = outlinePlan(plan).blocks.map((block) => {
    const change = changes.get(block.address);
    const write = change === undefined ? undefined : writeStep(change);
    const target = toggleTargets.get(block.address);
    const toggle = target === undefined ? undefined : createStep(toggleTitle(target));
    const agent: AgentTask = {
      started: createGate(),
      steps: [write, toggle].filter((step) => step !== undefined),
      write,
      toggle,
      action: change?.action,
    };
    agents.set(block.address, agent);
    const title = `${style.bold(block.address)} ${style.dim(block.actions)}`;
    return {
      title,
      task: async (_context, task) => {
        // listr2 starts every agent at once; apply starts a few at a time.
        task.title = `${title} ${style.dim('(waiting)')}`;
        await agent.started.promise;
        task.title = title;
        // A failed step fails the agent's task; the steps after it are not shown as run.
        return task.newListr(agent.steps.map(stepTask), { concurrent: false, exitOnError: true });
      },
    };
  });

  // listr2 writes through its logger; give it the stream for both of its outputs, so nothing reaches process.stdout.
  const output = stream as unknown as NodeJS.WriteStream;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(output, output), toStderr: [] });
  const running = new Listr(tasks, {
    concurrent: true,
    exitOnError: false,
    // main turns Ctrl-C into apply's abort signal; listr2's own handler would exit the process.
    registerSignalListeners: false,
    renderer: 'default',
    rendererOptions: { logger, collapseSubtasks: false },
    fallbackRenderer: 'simple',
    fallbackRendererOptions: { logger },
    fallbackRendererCondition: stream.isTTY !== true,
  }).run();

  return {
    onEvent(event) {
      // Events without an agent (backup, interruption, a retry of no agent) are in the final apply result text.
      if (!('address' in event) || event.address === undefined) return;
      const agent = agents.get(event.address);
      if (agent !== undefined) driveAgent(agent, event);
    },
    async finish() {
      for (const agent of agents.values()) settleAgent(agent, { status: 'skipped', reason: 'not started' });
      await running;
    },
  };
}

function writeStep(change: ResourceChange): Step | undefined {
  switch (change.action) {
    case 'create':
    case 'update':
    case 'delete':
      return createStep(`${actionWord(change.action)} (${change.request.method})`);
    case 'no-op':
      return undefined;
    default:
      return assertNever(change, 'resource change');
  }
}

function stepTask(step: Step): ListrTask {
  return {
    title: step.title,
    task: async (_context, task) => {
      step.attach(task);
      const outcome = await step.promise;
      switch (outcome.status) {
        case 'done':
          return;
        case 'failed':
          throw new Error(outcome.message);
        case 'skipped':
          task.skip(outcome.reason);
          return;
        default:
          assertNever(outcome, 'step outcome');
      }
    },
  };
}

function driveAgent(agent: AgentTask, event: Exclude<ApplyEvent, { type: 'backup_saved' | 'interrupted' }>): void {
  switch (event.type) {
    case 'agent_started':
      agent.started.settle();
      return;
    case 'write_started':
      agent.write?.show(writeWords(event.method));
      return;
    case 'create_recovered':
      agent.write?.show(recoveredWords(event.id));
      return;
    case 'write_finished':
      agent.write?.show(writtenWords(agent.action, event.id));
      return;
    case 'retrying':
      agent.steps.find((step) => !step.isSettled())?.show(retryWords(event));
      return;
    case 'toggle_started':
      // The write is done (its response checked) once the toggle starts.
      agent.write?.settle({ status: 'done' });
      agent.toggle?.show(toggleStartWords(event));
      return;
    case 'toggle_polled':
      agent.write?.settle({ status: 'done' });
      agent.toggle?.show(pollWords(event.status, event.message));
      return;
    case 'toggle_finished':
      agent.write?.settle({ status: 'done' });
      agent.toggle?.show(toggleFinishWords(event.enabled, event.mcp_endpoints.length));
      agent.toggle?.settle({ status: 'done' });
      return;
    case 'agent_finished':
      settleAgent(agent, agentFinish(event.outcome));
      return;
    default:
      assertNever(event, 'apply event');
  }
}

/** What the agent's outcome means for its first open step; the steps after it are skipped. */
function agentFinish(outcome: AgentOutcome): StepOutcome {
  switch (outcome.status) {
    case 'applied':
      return { status: 'done' };
    case 'failed':
      return { status: 'failed', message: outcome.error === undefined ? 'failed' : failureWords(outcome.error) };
    case 'skipped':
      return { status: 'skipped', reason: 'not started' };
    default:
      return assertNever(outcome.status, 'outcome status');
  }
}

/** Settles every open step: the first with `first` (the step that was running), the rest alike unless it failed. */
function settleAgent(agent: AgentTask, first: StepOutcome): void {
  agent.started.settle();
  const rest: StepOutcome =
    first.status === 'failed' ? { status: 'skipped', reason: 'not run: an earlier step failed' } : first;
  agent.steps.filter((step) => !step.isSettled()).forEach((step, index) => step.settle(index === 0 ? first : rest));
}
