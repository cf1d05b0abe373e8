import { randomUUID } from 'node:crypto';
import type { ToggleStatus } from '../api/types.js';
import { assertNever } from '../errors.js';
import type { JsonObject } from '../json.js';
import { mcpEndpointUrl } from './render.js';
import type { AgentStore } from './store.js';
import type { StoredAgent } from './types.js';

/** What a `toggles` fault makes every toggle of one agent do: fail with `error`, or never finish. */
export type ToggleFault = { outcome: 'fail'; error: string } | { outcome: 'hang' };

/** A toggle-mock-tools task. Plain JSON: the data file keeps it, so a pending toggle survives a restart. */
export interface ToggleTask {
  progress_id: string;
  agent_id: number;
  enabled: boolean;
  /** Epoch milliseconds. */
  started_at: number;
  /** How long it stays `in_progress`; fixed when it starts. */
  duration_ms: number;
  /** The fault for the agent when the task started, if any. */
  fault: ToggleFault | null;
  status: ToggleStatus;
  /** Null while in progress; the agent's mock mode once the task ended. */
  mock_enabled: boolean | null;
  error: string | null;
  /** MCP groups a completed enable registered; their URLs are rendered per request. */
  mcp_groups: { mock_index: number; tool_names: string[] }[];
}

/**
 * Toggle tasks by progress id. A task ends lazily: whoever reads the agent or polls first after
 * `duration_ms` finishes it, so no timer keeps the process alive.
 */
export class ToggleTasks {
  #tasks = new Map<string, ToggleTask>();
  #pendingByAgent = new Map<number, ToggleTask>();
  readonly #store: AgentStore;
  readonly #now: () => number;
  readonly #onChange: () => void;
  readonly #faultNow: (agentId: number) => ToggleFault | undefined;

  /** `faultNow` is the agent's toggle fault in force now: a `hang` lasts only while it is still set. */
  constructor(
    store: AgentStore,
    now: () => number,
    onChange: () => void,
    faultNow: (agentId: number) => ToggleFault | undefined = () => undefined,
  ) {
    this.#store = store;
    this.#now = now;
    this.#onChange = onChange;
    this.#faultNow = faultNow;
  }

  start(agent: StoredAgent, enabled: boolean, durationMs: number, fault: ToggleFault | undefined): ToggleTask {
    const task: ToggleTask = {
      progress_id: randomUUID(),
      agent_id: agent.id,
      enabled,
      started_at: this.#now(),
      duration_ms: durationMs,
      fault: fault ?? null,
      status: 'in_progress',
      mock_enabled: null,
      error: null,
      mcp_groups: [],
    };
    this.#tasks.set(task.progress_id, task);
    this.#pendingByAgent.set(agent.id, task);
    this.#onChange();
    return task;
  }

  /** The agent's unfinished task, after finishing it if its time has come. */
  pending(agent: StoredAgent): ToggleTask | undefined {
    this.settle(agent);
    return this.#pendingByAgent.get(agent.id);
  }

  /** Whether any agent's task has this progress id. */
  exists(progressId: string): boolean {
    return this.#tasks.has(progressId);
  }

  /** The agent's task with this progress id (settled), or undefined. */
  find(agent: StoredAgent, progressId: string): ToggleTask | undefined {
    this.settle(agent);
    const task = this.#tasks.get(progressId);
    return task?.agent_id === agent.id ? task : undefined;
  }

  /** Finishes the agent's pending task when its duration has passed, unless a `hang` fault still holds it. */
  settle(agent: StoredAgent): void {
    const task = this.#pendingByAgent.get(agent.id);
    if (task === undefined || this.#now() - task.started_at < task.duration_ms) return;
    // A cleared hang lets the toggle finish as a slow one would; a `fail` stays as it was when the toggle started.
    const fault = task.fault?.outcome === 'hang' && this.#faultNow(agent.id)?.outcome !== 'hang' ? null : task.fault;
    if (fault === null) {
      this.#store.setMockToolsEnabled(agent, task.enabled);
      if (task.enabled) task.mcp_groups = mcpGroups(agent);
      this.#end(task, 'completed', task.enabled, null);
      return;
    }
    switch (fault.outcome) {
      case 'hang':
        return;
      case 'fail':
        this.#end(task, 'failed', agent.mock_tools_enabled, fault.error);
        return;
      default:
        assertNever(fault, 'toggle fault');
    }
  }

  /** Ends the pending task of an agent that was deleted. */
  forget(agentId: number): void {
    const task = this.#pendingByAgent.get(agentId);
    if (task !== undefined) this.#end(task, 'failed', null, 'The agent was deleted.');
  }

  snapshot(): ToggleTask[] {
    return [...this.#tasks.values()];
  }

  /** Replaces every task (a loaded data file), or forgets them all; calls no `onChange`. */
  restore(tasks: ToggleTask[] | undefined): void {
    this.#tasks = new Map((tasks ?? []).map((task) => [task.progress_id, task]));
    this.#pendingByAgent = new Map();
    for (const task of this.#tasks.values())
      if (task.status === 'in_progress') this.#pendingByAgent.set(task.agent_id, task);
  }

  #end(task: ToggleTask, status: ToggleStatus, mockEnabled: boolean | null, error: string | null): void {
    task.status = status;
    task.mock_enabled = mockEnabled;
    task.error = error;
    this.#pendingByAgent.delete(task.agent_id);
    this.#onChange();
  }
}

/** One group per distinct `mock_index` among the agent's MCP tools, by index, names sorted. */
function mcpGroups(agent: StoredAgent): ToggleTask['mcp_groups'] {
  const namesByIndex = new Map<number, string[]>();
  for (const tool of agent.mock_tools) {
    if (tool.served_via.type !== 'mcp') continue;
    const names = namesByIndex.get(tool.served_via.mock_index) ?? [];
    names.push(tool.name);
    namesByIndex.set(tool.served_via.mock_index, names);
  }
  return [...namesByIndex]
    .sort(([a], [b]) => a - b)
    .map(([mock_index, names]) => ({ mock_index, tool_names: names.sort() }));
}

/** The body of `GET …/toggle-mock-tools-progress/` for a task. */
export function renderToggleProgress(task: ToggleTask, base: string): JsonObject {
  return {
    status: task.status,
    mock_enabled: task.mock_enabled,
    mcp_endpoints: task.mcp_groups.map((group) => ({
      mock_index: group.mock_index,
      url: mcpEndpointUrl(base, task.agent_id, group.mock_index),
      tool_names: group.tool_names,
    })),
    message: progressMessage(task),
    error: task.error,
  };
}

function progressMessage(task: ToggleTask): string {
  switch (task.status) {
    case 'in_progress':
      return task.enabled ? 'Enabling mock tools.' : 'Disabling mock tools.';
    case 'completed':
      return task.enabled ? 'Mock tools enabled.' : 'Mock tools disabled.';
    case 'failed':
      return task.enabled ? 'Enabling mock tools failed.' : 'Disabling mock tools failed.';
    default:
      return assertNever(task.status, 'toggle status');
  }
}
