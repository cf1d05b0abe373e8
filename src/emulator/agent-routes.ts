import { nowIso, requireAgent, type ApiRequest, type EmulatorContext } from './context.js';
import { ReplyError, type Reply } from './http.js';
import { renderAgent } from './render.js';
import type { StoredAgent } from './types.js';
import { validateAgentWrite, type AgentWrite, type WriteMode } from './validate-agent.js';

// Handlers of `/test_framework/v2/aiagents/` and `/test_framework/v2/aiagents/{id}/`.

export function getAgent(request: ApiRequest, context: EmulatorContext, agentId: number | undefined): Reply {
  const agent = requireAgent(context, agentId);
  return { status: 200, body: renderSettled(agent, request, context) };
}

export function createAgent(request: ApiRequest, context: EmulatorContext): Reply {
  const write = validWrite(request, context, 'create', null);
  const agent = context.store.create(write, nowIso(context));
  return { status: 201, body: renderAgent(agent, request.base), agentId: agent.id };
}

export function patchAgent(request: ApiRequest, context: EmulatorContext, agentId: number | undefined): Reply {
  return updateAgent(request, context, agentId, 'patch');
}

export function putAgent(request: ApiRequest, context: EmulatorContext, agentId: number | undefined): Reply {
  return updateAgent(request, context, agentId, 'replace');
}

function updateAgent(
  request: ApiRequest,
  context: EmulatorContext,
  agentId: number | undefined,
  mode: WriteMode,
): Reply {
  const agent = requireAgent(context, agentId);
  context.store.update(agent, validWrite(request, context, mode, agent), nowIso(context));
  return { status: 200, body: renderSettled(agent, request, context) };
}

/** `?delete_related=` defaults to true, as in Cekura's docs (NOTES.md). */
export function deleteAgent(request: ApiRequest, context: EmulatorContext, agentId: number | undefined): Reply {
  const agent = requireAgent(context, agentId);
  const deleteRelated = readBooleanParam(request.url.searchParams.get('delete_related'), true);
  if (deleteRelated === undefined)
    throw new ReplyError({ status: 400, body: { delete_related: ['Must be a valid boolean.'] } });
  context.toggles.forget(agent.id);
  context.store.delete(agent, deleteRelated);
  return { status: 204 };
}

function validWrite(
  request: ApiRequest,
  context: EmulatorContext,
  mode: WriteMode,
  agent: StoredAgent | null,
): AgentWrite {
  const result = validateAgentWrite(request.body(), mode, agent, context.settings.api);
  if ('errors' in result) throw new ReplyError({ status: 400, body: result.errors });
  return result.write;
}

function renderSettled(agent: StoredAgent, request: ApiRequest, context: EmulatorContext) {
  context.toggles.settle(agent);
  return renderAgent(agent, request.base);
}

/** DRF's boolean query values; undefined for anything else. */
function readBooleanParam(value: string | null, fallback: boolean): boolean | undefined {
  if (value === null) return fallback;
  if (['true', 'True', '1'].includes(value)) return true;
  if (['false', 'False', '0'].includes(value)) return false;
  return undefined;
}
