import type { ApiGeneration } from '../cekura/generation.js';
import type { ApiRequest, EmulatorContext } from './context.js';
import { createAgent, deleteAgent, getAgent, patchAgent, putAgent } from './agent-routes.js';
import type { Reply } from './http.js';
import { listAgents } from './list-agents.js';
import { getToggleProgress, toggleMockTools } from './toggle-routes.js';
import type { RequestKind } from './types.js';

type Handler = (request: ApiRequest, context: EmulatorContext, agentId: number | undefined) => Reply;

/** A request matched to its handler; unknown routes and methods get a handler that answers 404/405. */
export interface Route {
  kind: RequestKind;
  /** The agent id in the path, when it is one. */
  agentId: number | undefined;
  handle: Handler;
}

type Endpoint = 'agents' | 'agent' | 'toggle' | 'toggle_progress';

const ENDPOINTS: Record<Endpoint, Partial<Record<string, { kind: RequestKind; handle: Handler }>>> = {
  agents: { GET: { kind: 'list', handle: listAgents }, POST: { kind: 'create', handle: createAgent } },
  agent: {
    GET: { kind: 'get', handle: getAgent },
    PATCH: { kind: 'update', handle: patchAgent },
    PUT: { kind: 'update', handle: putAgent },
    DELETE: { kind: 'delete', handle: deleteAgent },
  },
  toggle: { POST: { kind: 'toggle', handle: toggleMockTools } },
  toggle_progress: { GET: { kind: 'toggle_progress', handle: getToggleProgress } },
};

const AGENTS_PATH =
  /^\/test_framework\/v2\/aiagents\/(?:([^/]+)\/(?:(toggle-mock-tools|toggle-mock-tools-progress)\/)?)?$/;

const NOT_FOUND: Handler = () => ({ status: 404, body: { detail: 'Not found.' } });

export function resolveRoute(method: string, pathname: string, api: ApiGeneration): Route {
  const match = AGENTS_PATH.exec(pathname);
  if (match === null) return { kind: 'other', agentId: undefined, handle: NOT_FOUND };
  const [, idSegment, action] = match;
  const agentId = idSegment !== undefined && /^\d{1,15}$/.test(idSegment) ? Number(idSegment) : undefined;
  const endpoint: Endpoint =
    idSegment === undefined
      ? 'agents'
      : action === undefined
        ? 'agent'
        : action === 'toggle-mock-tools'
          ? 'toggle'
          : 'toggle_progress';
  // Cekura removed the toggle routes on 2026-07-01 (NOTES.md): the router no longer knows them.
  if (api === '2026-08' && (endpoint === 'toggle' || endpoint === 'toggle_progress'))
    return { kind: 'other', agentId, handle: NOT_FOUND };
  const methods = ENDPOINTS[endpoint];
  const handler = methods[method];
  if (handler !== undefined) return { kind: handler.kind, agentId, handle: handler.handle };
  return {
    kind: 'other',
    agentId,
    handle: () => ({
      status: 405,
      body: { detail: `Method "${method}" not allowed.` },
      headers: { allow: Object.keys(methods).join(', ') },
    }),
  };
}
