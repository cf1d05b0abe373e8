import type { ApiGeneration } from '../cekura/generation.js';
import { applyAgentWrite, blankAgent } from './agent-writes.js';
import type { DeletionRecord, NextIds, StoredAgent } from './types.js';
import type { AgentWrite } from './validate-agent.js';

/** What the store keeps across restarts. */
export interface StoreSnapshot {
  next_ids: NextIds;
  /** Ordered by id. */
  agents: StoredAgent[];
}

/** The sets of an agent whose items have ids. */
export type DuplicableSet = 'mock_tools' | 'dynamic_variables' | 'knowledge_base_files';

const ID_KINDS: Readonly<Record<DuplicableSet, keyof NextIds>> = {
  mock_tools: 'mock_tool',
  dynamic_variables: 'dynamic_variable',
  knowledge_base_files: 'knowledge_base_file',
};

function firstIds(): NextIds {
  return { agent: 1, mock_tool: 1, dynamic_variable: 1, knowledge_base_file: 1 };
}

/**
 * The agents, by id. The map's insertion order is id order (ids only grow), so listing needs no
 * sort. `onChange` is called after every change, for the data file.
 */
export class AgentStore {
  #agents = new Map<number, StoredAgent>();
  /** Owning agent of each mock tool, for `markShared`. */
  #toolOwners = new Map<number, number>();
  #nextIds = firstIds();
  #deletions: DeletionRecord[] = [];
  readonly #onChange: () => void;
  readonly #api: ApiGeneration;

  constructor(onChange: () => void, api: ApiGeneration) {
    this.#onChange = onChange;
    this.#api = api;
  }

  get(id: number): StoredAgent | undefined {
    return this.#agents.get(id);
  }

  /** Every agent, in id order. */
  all(): IterableIterator<StoredAgent> {
    return this.#agents.values();
  }

  /** Creates an agent from a validated create write. */
  create(write: AgentWrite, now: string): StoredAgent {
    const agent = blankAgent(this.#nextId('agent'), now);
    applyAgentWrite(agent, write, { nextId: (kind) => this.#nextId(kind), isCreate: true, now, api: this.#api });
    this.#agents.set(agent.id, agent);
    this.#indexTools(agent);
    this.#onChange();
    return agent;
  }

  update(agent: StoredAgent, write: AgentWrite, now: string): void {
    for (const tool of agent.mock_tools) this.#toolOwners.delete(tool.id);
    applyAgentWrite(agent, write, { nextId: (kind) => this.#nextId(kind), isCreate: false, now, api: this.#api });
    this.#indexTools(agent);
    this.#onChange();
  }

  delete(agent: StoredAgent, deleteRelated: boolean): void {
    this.#agents.delete(agent.id);
    for (const tool of agent.mock_tools) this.#toolOwners.delete(tool.id);
    this.#deletions.push({
      agent_id: agent.id,
      name: agent.name,
      project: agent.project,
      delete_related: deleteRelated,
    });
    this.#onChange();
  }

  setMockToolsEnabled(agent: StoredAgent, enabled: boolean): void {
    agent.mock_tools_enabled = enabled;
    this.#onChange();
  }

  /** Marks a tool as used by `subscriberCount` agents; false when no agent has the tool. */
  markShared(toolId: number, subscriberCount: number): boolean {
    const owner = this.#agents.get(this.#toolOwners.get(toolId) ?? -1);
    const tool = owner?.mock_tools.find((candidate) => candidate.id === toolId);
    if (tool === undefined) return false;
    tool.is_shared = true;
    tool.subscriber_count = subscriberCount;
    this.#onChange();
    return true;
  }

  /**
   * Adds a copy of an item under a new id, so the agent holds two items of one name: what a server
   * without the API's uniqueness check could hold. The new id, or undefined when there is no such item.
   */
  duplicateItem(agentId: number, set: DuplicableSet, itemId: number): number | undefined {
    const agent = this.#agents.get(agentId);
    const items: { id: number }[] | undefined = agent?.[set];
    const item = items?.find((candidate) => candidate.id === itemId);
    if (agent === undefined || items === undefined || item === undefined) return undefined;
    const copy = { ...structuredClone(item), id: this.#nextId(ID_KINDS[set]) };
    items.push(copy);
    this.#indexTools(agent);
    this.#onChange();
    return copy.id;
  }

  deletions(): DeletionRecord[] {
    return this.#deletions.map((deletion) => ({ ...deletion }));
  }

  snapshot(): StoreSnapshot {
    return { next_ids: { ...this.#nextIds }, agents: [...this.#agents.values()] };
  }

  /** Replaces everything with a snapshot (a loaded data file), or empties the store; calls no `onChange`. */
  restore(snapshot: StoreSnapshot | undefined): void {
    this.#agents = new Map();
    this.#toolOwners = new Map();
    this.#nextIds = snapshot ? { ...snapshot.next_ids } : firstIds();
    this.#deletions = [];
    for (const agent of [...(snapshot?.agents ?? [])].sort((a, b) => a.id - b.id)) {
      this.#agents.set(agent.id, agent);
      this.#indexTools(agent);
    }
  }

  #nextId(kind: keyof NextIds): number {
    const id = this.#nextIds[kind];
    this.#nextIds[kind] = id + 1;
    return id;
  }

  #indexTools(agent: StoredAgent): void {
    for (const tool of agent.mock_tools) this.#toolOwners.set(tool.id, agent.id);
  }
}
