import type { ApiGeneration } from '../cekura/generation.js';
import type { JsonValue } from '../json.js';
import type { FaultState } from './faults.js';
import { detailReply, ReplyError } from './http.js';
import type { AgentStore } from './store.js';
import type { ToggleTasks } from './toggles.js';
import type { StoredAgent } from './types.js';

/** What the API handlers work on. */
export interface EmulatorContext {
  store: AgentStore;
  toggles: ToggleTasks;
  faults: FaultState;
  settings: {
    /** Which generation of Cekura's API to answer as (NOTES.md, "Two generations of the API"). */
    api: ApiGeneration;
    pageSize: number;
    maxPageSize: number;
    toggleDurationMs: number;
  };
  /** Epoch milliseconds. */
  now(): number;
}

/** One API request as the handlers see it. */
export interface ApiRequest {
  method: string;
  /** Absolute, on the host the client used. */
  url: URL;
  /** Scheme and host the client used (`http://127.0.0.1:4010`), for URLs in responses. */
  base: string;
  /** The JSON body; throws a 400/415 `ReplyError` when it is not JSON. */
  body(): JsonValue;
}

/** The agent with this id; throws DRF's 404 otherwise. */
export function requireAgent(context: EmulatorContext, agentId: number | undefined): StoredAgent {
  const agent = agentId === undefined ? undefined : context.store.get(agentId);
  if (agent === undefined) throw new ReplyError(detailReply(404, 'Not found.'));
  return agent;
}

export function nowIso(context: EmulatorContext): string {
  return new Date(context.now()).toISOString();
}
