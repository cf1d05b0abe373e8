import { SELF_MANAGED_MOCK_PROVIDERS } from '../cekura/fields.js';
import { isJsonObject } from '../json.js';
import { requireAgent, type ApiRequest, type EmulatorContext } from './context.js';
import { MESSAGES } from './field-errors.js';
import { detailReply, ReplyError, type Reply } from './http.js';
import { renderToggleProgress } from './toggles.js';
import type { StoredAgent } from './types.js';

/** `POST …/{id}/toggle-mock-tools/` `{enabled, api_key?}` → 202 `{progress_id}`. */
export function toggleMockTools(request: ApiRequest, context: EmulatorContext, agentId: number | undefined): Reply {
  const agent = requireAgent(context, agentId);
  const body = request.body();
  if (!isJsonObject(body)) throw new ReplyError({ status: 400, body: { non_field_errors: [MESSAGES.object(body)] } });
  if (typeof body.enabled !== 'boolean') {
    throw new ReplyError({
      status: 400,
      body: { enabled: [body.enabled === undefined ? MESSAGES.required : MESSAGES.boolean] },
    });
  }
  // `api_key` is accepted and unused: the emulator calls no provider.
  if (body.api_key !== undefined && typeof body.api_key !== 'string') {
    throw new ReplyError({ status: 400, body: { api_key: [MESSAGES.string] } });
  }
  const refusal = providerRefusal(agent);
  if (refusal !== undefined) throw new ReplyError(detailReply(400, refusal));
  const pending = context.toggles.pending(agent);
  if (pending !== undefined) {
    throw new ReplyError(
      detailReply(
        400,
        `A mock-tools toggle is already in progress for this agent (progress_id ${pending.progress_id}).`,
      ),
    );
  }
  const task = context.toggles.start(
    agent,
    body.enabled,
    context.settings.toggleDurationMs,
    context.faults.toggleFault(agent.id),
  );
  return { status: 202, body: { progress_id: task.progress_id } };
}

/** Cekura switches mocks only on providers it manages; others point their own MCP client at the mock URLs. */
function providerRefusal(agent: StoredAgent): string | undefined {
  const type = agent.provider.type;
  const advice = 'point the agent’s own MCP client at the mock tool URLs instead.';
  if (typeof type !== 'string' || type === '')
    return `Mock tools cannot be toggled for an agent without a provider type; ${advice}`;
  if (SELF_MANAGED_MOCK_PROVIDERS.includes(type))
    return `Mock tools cannot be toggled for provider type "${type}"; ${advice}`;
  return undefined;
}

/**
 * `GET …/{id}/toggle-mock-tools-progress/?progress_id=`. The progress id is checked before the agent,
 * as the page says it is resolved on its own ("the progress_id is unique"): an unknown one is a 400
 * whatever the agent id, which is what `cekuraform` probes for.
 */
export function getToggleProgress(request: ApiRequest, context: EmulatorContext, agentId: number | undefined): Reply {
  const progressId = request.url.searchParams.get('progress_id');
  if (progressId === null || progressId === '') throw new ReplyError(detailReply(400, 'progress_id is required.'));
  if (!context.toggles.exists(progressId))
    throw new ReplyError(detailReply(400, `Unknown progress_id "${progressId}".`));
  const agent = requireAgent(context, agentId);
  const task = context.toggles.find(agent, progressId);
  if (task === undefined) throw new ReplyError(detailReply(400, `Unknown progress_id "${progressId}" for this agent.`));
  return { status: 200, body: renderToggleProgress(task, request.base) };
}
