import { ApiError, type ApiErrorCode } from '../../src/api/errors.js';
import type { CekuraApi, McpEndpoint, ToggleProgress, WireAgent } from '../../src/api/types.js';
import { SECRET_PATHS, TOOL_NAME_PATTERN } from '../../src/cekura/fields.js';
import { deleteAtPointer, isJsonObject, type JsonObject, type JsonValue } from '../../src/json.js';

// An in-memory Cekura that keeps the CekuraApi contract: full-set writes (an item sent without a
// known id is new, an item not sent is deleted), merge-patched objects, write-only secrets, toggles
// as tasks that finish after some polls, and failures scripted per operation.

export type Operation = Exclude<keyof CekuraApi, 'close'>;

/** What Cekura fills in for an agent that does not say otherwise. */
const SERVER_DEFAULTS: JsonObject = {
  description: '',
  language: 'en',
  mock_tools_enabled: false,
  mock_tools: [],
  dynamic_variables: [],
  knowledge_base_files: [],
};

/** A scripted failure of the next call of one operation. */
export type ScriptedFailure =
  /** 503 after which the request may have been committed; `commit: true` does the work first (commit-then-lost). */
  | { kind: 'lost'; commit: boolean }
  /** 400 with DRF field errors or a detail. */
  | { kind: 'validation'; fieldErrors?: Record<string, JsonValue>; detail?: string }
  /** The endpoint is missing (404/405 on toggle). */
  | { kind: 'unsupported' }
  /** 401: the key was refused; the error carries the client's hint. */
  | { kind: 'unauthorized'; hint: string };

/** How toggles of an agent behave: finish at the `polls`-th poll, or never (`hang`). */
export interface ToggleScript {
  polls: number;
  result: 'completed' | 'failed' | 'hang';
  /** The progress `error` of a failed toggle. */
  error?: string;
}

/** One call as the fake received it (bodies deep-copied, secrets included). */
export interface ReceivedRequest {
  operation: Operation;
  id?: number;
  body?: JsonObject;
  deleteRelated?: boolean;
  enabled?: boolean;
  progressId?: string;
}

interface ToggleTask {
  progressId: string;
  agentId: number;
  enabled: boolean;
  polls: number;
  script: ToggleScript;
  status: ToggleProgress['status'];
}

const DEFAULT_TOGGLE: ToggleScript = { polls: 2, result: 'completed' };
const SET_ITEM_NAME = { mock_tools: 'name', dynamic_variables: 'name', knowledge_base_files: 'file_name' } as const;

export class FakeCekuraApi implements CekuraApi {
  readonly requests: ReceivedRequest[] = [];
  /** Requests being handled right now, and the most at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Called as each request arrives, before it is handled. */
  onRequest: ((request: ReceivedRequest) => void) | undefined;
  /** Changes what a write answers (not what is stored), to test read-back. */
  alterResponse: ((agent: WireAgent) => void) | undefined;

  readonly #agents = new Map<number, JsonObject>();
  readonly #failures = new Map<Operation, ScriptedFailure[]>();
  readonly #toggleScripts = new Map<string, ToggleScript>();
  readonly #tasks = new Map<string, ToggleTask>();
  #nextId = 100;
  #nextItemId = 1000;
  #nextProgress = 1;

  /** Adds a live agent as if made earlier; returns it as the API shows it. */
  seed(agent: { name: string; project: number } & JsonObject): WireAgent {
    const id = this.#nextId++;
    const stored: JsonObject = { ...structuredClone(SERVER_DEFAULTS), ...agent, id };
    for (const set of Object.keys(SET_ITEM_NAME) as (keyof typeof SET_ITEM_NAME)[])
      stored[set] = this.#withIds(stored[set], []);
    this.#agents.set(id, stored);
    return this.#wire(stored);
  }

  failNext(operation: Operation, failure: ScriptedFailure): void {
    this.#failures.set(operation, [...(this.#failures.get(operation) ?? []), failure]);
  }

  /** Toggle behaviour for agents of this name. */
  scriptToggle(name: string, script: ToggleScript): void {
    this.#toggleScripts.set(name, script);
  }

  /** The agent as the API would show it, or undefined. */
  agent(id: number): WireAgent | undefined {
    const stored = this.#agents.get(id);
    return stored && this.#wire(stored);
  }

  /** The agent as stored, secrets included. */
  stored(id: number): JsonObject | undefined {
    return this.#agents.get(id);
  }

  count(operation: Operation): number {
    return this.requests.filter((request) => request.operation === operation).length;
  }

  async listAgents(project: number): Promise<WireAgent[]> {
    return this.#handle({ operation: 'listAgents' }, () =>
      [...this.#agents.values()].filter((agent) => agent.project === project).map((agent) => this.#wire(agent)),
    );
  }

  async findAgentsByName(project: number, name: string): Promise<WireAgent[]> {
    return this.#handle({ operation: 'findAgentsByName' }, () =>
      [...this.#agents.values()]
        .filter((agent) => agent.project === project && agent.name === name)
        .map((agent) => this.#wire(agent)),
    );
  }

  /** Also lets the agent's running toggles go on, as the server works whether or not the progress is polled. */
  async getAgent(id: number): Promise<WireAgent> {
    return this.#handle({ operation: 'getAgent', id }, () => {
      for (const task of this.#tasks.values()) if (task.agentId === id) this.#advance(task);
      return this.#wire(this.#find('getAgent', id));
    });
  }

  async createAgent(body: JsonObject): Promise<WireAgent> {
    return this.#handle({ operation: 'createAgent', body: structuredClone(body) }, () => {
      this.#validate('createAgent', body, true);
      const id = this.#nextId++;
      const stored: JsonObject = { id, ...structuredClone(SERVER_DEFAULTS) };
      this.#write(stored, body);
      this.#agents.set(id, stored);
      return this.#response(stored);
    });
  }

  async updateAgent(id: number, body: JsonObject): Promise<WireAgent> {
    return this.#handle({ operation: 'updateAgent', id, body: structuredClone(body) }, () => {
      const stored = this.#find('updateAgent', id);
      this.#validate('updateAgent', body, false);
      this.#write(stored, body);
      return this.#response(stored);
    });
  }

  async deleteAgent(id: number, options: { deleteRelated: boolean }): Promise<void> {
    return this.#handle({ operation: 'deleteAgent', id, deleteRelated: options.deleteRelated }, () => {
      this.#find('deleteAgent', id);
      this.#agents.delete(id);
    });
  }

  async toggleMockTools(id: number, enabled: boolean): Promise<{ progress_id: string }> {
    return this.#handle({ operation: 'toggleMockTools', id, enabled }, () => {
      const agent = this.#find('toggleMockTools', id);
      if ([...this.#tasks.values()].some((task) => task.agentId === id && task.status === 'in_progress')) {
        throw apiError('api_validation', 'toggleMockTools', 400, {
          detail: 'A mock tools toggle is already in progress for this agent.',
        });
      }
      const progressId = `progress-${this.#nextProgress++}`;
      const script = this.#toggleScripts.get(String(agent.name)) ?? DEFAULT_TOGGLE;
      this.#tasks.set(progressId, { progressId, agentId: id, enabled, polls: 0, script, status: 'in_progress' });
      return { progress_id: progressId };
    });
  }

  async getToggleProgress(id: number, progressId: string): Promise<ToggleProgress> {
    return this.#handle({ operation: 'getToggleProgress', id, progressId }, () => {
      const task = this.#tasks.get(progressId);
      if (task === undefined || task.agentId !== id) {
        throw apiError('api_validation', 'getToggleProgress', 400, { detail: `Unknown progress_id ${progressId}.` });
      }
      this.#advance(task);
      return {
        status: task.status,
        mock_enabled: task.status === 'completed' ? task.enabled : null,
        mcp_endpoints: task.status === 'completed' && task.enabled ? this.#endpoints(id) : [],
        message: task.status === 'in_progress' ? 'Switching provider tools' : null,
        error: task.status === 'failed' ? (task.script.error ?? null) : null,
      };
    });
  }

  /** The fake offers the toggle, as the pages' API does. */
  async offersToggle(id: number): Promise<boolean> {
    return this.#handle({ operation: 'offersToggle', id }, () => true);
  }

  async close(): Promise<void> {}

  /** Logs the request, lets other calls run meanwhile, then fails as scripted or handles it. */
  async #handle<T>(request: ReceivedRequest, handler: () => T): Promise<T> {
    this.requests.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      this.onRequest?.(request);
      await new Promise<void>((resolve) => setImmediate(resolve));
      const failure = this.#failures.get(request.operation)?.shift();
      switch (failure?.kind) {
        case undefined:
          return handler();
        case 'lost':
          if (failure.commit) handler();
          throw apiError('api_unavailable', request.operation, 503, {
            maybeCommitted: true,
            detail: 'Service Unavailable',
          });
        case 'validation':
          throw apiError('api_validation', request.operation, 400, failure);
        case 'unauthorized':
          throw apiError('api_unauthorized', request.operation, 401, { detail: 'Invalid API key', hint: failure.hint });
        case 'unsupported':
          throw apiError('api_unsupported', request.operation, 404, {
            detail: 'this server has no toggle-mock-tools endpoint',
          });
      }
    } finally {
      this.inFlight--;
    }
  }

  #advance(task: ToggleTask): void {
    if (task.status !== 'in_progress') return;
    task.polls++;
    if (task.script.result !== 'hang' && task.polls >= task.script.polls) {
      task.status = task.script.result;
      if (task.status === 'completed') this.#find('getToggleProgress', task.agentId).mock_tools_enabled = task.enabled;
    }
  }

  #find(operation: Operation, id: number): JsonObject {
    const agent = this.#agents.get(id);
    if (agent === undefined) throw apiError('api_not_found', operation, 404, { detail: 'Not found.' });
    return agent;
  }

  #validate(operation: Operation, body: JsonObject, isCreate: boolean): void {
    const fieldErrors: Record<string, JsonValue> = {};
    if (isCreate && typeof body.name !== 'string') fieldErrors.name = ['This field is required.'];
    if (Array.isArray(body.mock_tools)) {
      const toolErrors = body.mock_tools.map((tool): JsonObject =>
        isJsonObject(tool) && typeof tool.name === 'string' && !TOOL_NAME_PATTERN.test(tool.name)
          ? { name: ['Tool names may contain only letters, digits, underscores and hyphens, under 64 characters.'] }
          : {},
      );
      if (toolErrors.some((errors) => Object.keys(errors).length > 0)) fieldErrors.mock_tools = toolErrors;
    }
    if (Object.keys(fieldErrors).length > 0) throw apiError('api_validation', operation, 400, { fieldErrors });
  }

  /** PATCH semantics: sets replaced whole, `telephony`/`provider` merged (null removes a key), the rest replaced. */
  #write(stored: JsonObject, body: JsonObject): void {
    for (const [field, value] of Object.entries(body)) {
      if (field in SET_ITEM_NAME) stored[field] = this.#withIds(value, stored[field]);
      else if ((field === 'telephony' || field === 'provider') && isJsonObject(value))
        stored[field] = mergePatch(stored[field], value);
      else stored[field] = structuredClone(value);
    }
  }

  /** A sent set: items keep the id they carry when it is one of the agent's; others get a new id. */
  #withIds(sent: JsonValue | undefined, before: JsonValue | undefined): JsonValue[] {
    const previous = new Map((Array.isArray(before) ? before : []).filter(isJsonObject).map((item) => [item.id, item]));
    return (Array.isArray(sent) ? sent : []).filter(isJsonObject).map((item) => {
      const kept = previous.get(item.id ?? null);
      const { content_base64, ...rest } = item;
      const sized: JsonObject =
        typeof content_base64 === 'string' ? { file_size: Buffer.from(content_base64, 'base64').length } : {};
      const written: JsonObject = {
        ...kept,
        ...structuredClone(rest),
        ...sized,
        id: kept ? kept.id! : this.#nextItemId++,
      };
      return written;
    });
  }

  #response(stored: JsonObject): WireAgent {
    const wire = this.#wire(stored);
    this.alterResponse?.(wire);
    return wire;
  }

  /** What reads show: no secret, no write-only field, server-computed MCP urls. */
  #wire(stored: JsonObject): WireAgent {
    const wire = structuredClone(stored);
    for (const path of SECRET_PATHS) deleteAtPointer(wire, path);
    for (const tool of Array.isArray(wire.mock_tools) ? wire.mock_tools.filter(isJsonObject) : []) {
      delete tool.freetext_params;
      if (isJsonObject(tool.served_via) && tool.served_via.type === 'mcp')
        tool.served_via.url = `https://mcp.fake/${stored.id}/${tool.served_via.mock_index}`;
    }
    return wire as unknown as WireAgent;
  }

  #endpoints(id: number): McpEndpoint[] {
    const tools = (this.#agents.get(id)?.mock_tools ?? []) as JsonObject[];
    const byIndex = new Map<number, string[]>();
    for (const tool of tools) {
      const via = tool.served_via;
      if (isJsonObject(via) && via.type === 'mcp') {
        const index = Number(via.mock_index ?? 1);
        byIndex.set(index, [...(byIndex.get(index) ?? []), String(tool.name)]);
      }
    }
    return [...byIndex].map(([mock_index, tool_names]) => ({
      mock_index,
      url: `https://mcp.fake/${id}/${mock_index}`,
      tool_names,
    }));
  }
}

function mergePatch(target: JsonValue | undefined, patch: JsonObject): JsonObject {
  const merged: JsonObject = isJsonObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (isJsonObject(value)) merged[key] = mergePatch(merged[key], value);
    else merged[key] = structuredClone(value);
  }
  return merged;
}

function apiError(
  code: ApiErrorCode,
  operation: Operation,
  status: number,
  extra: { fieldErrors?: Record<string, JsonValue>; detail?: string; maybeCommitted?: boolean; hint?: string },
): ApiError {
  return new ApiError(code, {
    operation,
    method: operation === 'createAgent' || operation === 'toggleMockTools' ? 'POST' : 'GET',
    path: '/test_framework/v2/aiagents/',
    status,
    maybeCommitted: extra.maybeCommitted ?? false,
    ...(extra.fieldErrors === undefined ? {} : { fieldErrors: extra.fieldErrors }),
    ...(extra.detail === undefined ? {} : { detail: extra.detail }),
    ...(extra.hint === undefined ? {} : { hint: extra.hint }),
  });
}
