import { ApiError } from '../api/errors.js';
import type { WireAgent } from '../api/types.js';
import { doublingDelay, type Backoff } from '../backoff.js';
import { CekuraformError } from '../errors.js';
import { deepEqual, type JsonObject } from '../json.js';
import { scrubSecretValues } from '../secret.js';
import { diffAgentDoc, flatChanges } from '../plan/diff-fields.js';
import type { MockModeChange, ResourceChange } from '../plan/types.js';
import { readWhole } from '../state/fetch.js';
import { normalizeAgent } from '../state/normalize.js';
import type { RecordedAgent } from '../state/types.js';
import {
  AgentFailure,
  errorText,
  saveRecord,
  waitUnlessInterrupted,
  type AgentContext,
  type AgentError,
} from './context.js';
import { locateFieldErrors } from './field-errors.js';
import { resolveInserts, type InsertSources } from './inserts.js';

type CreateChange = Extract<ResourceChange, { action: 'create' }>;
type UpdateChange = Extract<ResourceChange, { action: 'update' }>;
type DeleteChange = Extract<ResourceChange, { action: 'delete' }>;
type NoOpChange = Extract<ResourceChange, { action: 'no-op' }>;

/** POSTs of one create, counting the first; each retry, and the failure after the last, comes after a lookup by name found nothing. */
const CREATE_ATTEMPTS = 3;
const CREATE_RETRY_BACKOFF: Backoff = { baseDelayMs: 1_000, maxDelayMs: 4_000 };

/**
 * POSTs the agent and records its id at once. After a lost response (`maybeCommitted`) the agent is
 * looked up by name before it is posted again, so it is never created twice. `knownIds` are agents
 * that existed before the plan: never the lost create. Returns the created agent as Cekura has it.
 */
export async function createAgent(
  context: AgentContext,
  change: CreateChange,
  mockMode: MockModeChange | null,
  sources: InsertSources,
  knownIds: ReadonlySet<number>,
): Promise<WireAgent> {
  const { body, inserted } = await resolveInserts(change.request, sources);
  context.emit({ type: 'write_started', address: context.address, method: 'POST' });

  let created: WireAgent | undefined;
  for (let attempt = 1; created === undefined; attempt++) {
    try {
      created = await context.api.createAgent(body);
    } catch (error) {
      if (!(error instanceof ApiError && error.maybeCommitted))
        throw writeFailure('create', error, { body: change.request.body, inserted });
      if (attempt === CREATE_ATTEMPTS) {
        // The last POST may have been committed as well: a failure is reported only when no agent was made.
        created = await findLostCreate(context, change, knownIds);
        if (created === undefined) throw writeFailure('create', error, { body: change.request.body, inserted });
        continue;
      }
      const delay = doublingDelay(attempt, CREATE_RETRY_BACKOFF);
      const reason = scrubSecretValues(error.message, inserted);
      context.emit({
        type: 'retrying',
        address: context.address,
        operation: 'create',
        attempt: attempt + 1,
        delay_ms: delay,
        reason,
      });
      if (!(await waitUnlessInterrupted(context, delay))) {
        throw new AgentFailure({
          operation: 'create',
          code: 'interrupted',
          message:
            'interrupted after a create whose response was lost; if it was created, the next plan adopts it by name',
        });
      }
      created = await findLostCreate(context, change, knownIds);
    }
  }

  await bindAddress(context, change, created.id, mockMode);
  context.emit({ type: 'write_finished', address: context.address, id: created.id });
  return created;
}

/** PATCHes the agent with the plan's body and records the binding and digests. Returns the response. */
export async function updateAgent(
  context: AgentContext,
  change: UpdateChange,
  mockMode: MockModeChange | null,
  sources: InsertSources,
): Promise<WireAgent> {
  const { body, inserted } = await resolveInserts(change.request, sources);
  context.emit({ type: 'write_started', address: context.address, method: 'PATCH' });
  let updated: WireAgent;
  try {
    updated = await context.api.updateAgent(change.id, body);
  } catch (error) {
    throw writeFailure('update', error, { body: change.request.body, inserted });
  }
  await bindAddress(context, change, change.id, mockMode);
  context.emit({ type: 'write_finished', address: context.address, id: change.id });
  return updated;
}

/** DELETEs the agent (an agent already gone counts as deleted) and drops every binding to it. */
export async function deleteAgent(context: AgentContext, change: DeleteChange): Promise<void> {
  context.emit({ type: 'write_started', address: context.address, method: 'DELETE' });
  try {
    await context.api.deleteAgent(change.id, { deleteRelated: change.request.delete_related });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'api_not_found')) throw writeFailure('delete', error, null);
  }
  if (context.records.addressesOf(change.id).length > 0) {
    await saveRecord(context, (record) => {
      for (const [address, agent] of Object.entries(record.agents))
        if (agent.id === change.id) delete record.agents[address];
    });
  }
  context.emit({ type: 'write_finished', address: context.address, id: change.id });
}

/** A no-op sends nothing; it stores the plan's binding and digests when the record differs. */
export async function recordNoOp(
  context: AgentContext,
  change: NoOpChange,
  mockMode: MockModeChange | null,
): Promise<void> {
  await bindAddress(context, change, change.id, mockMode);
}

/**
 * Stores `address → id` with the plan's secret fingerprints and digests, unless the record already
 * says exactly that. A pending toggle of the same agent is kept while the plan still wants a mock-mode
 * change; without one the planner saw live at the desired mode, so it no longer matters. The record
 * binds an agent to one address: one the manifest no longer has loses it to the address that adopted it.
 */
async function bindAddress(
  context: AgentContext,
  change: CreateChange | UpdateChange | NoOpChange,
  id: number,
  mockMode: MockModeChange | null,
): Promise<void> {
  const existing = context.records.agent(context.address);
  const entry: RecordedAgent = {
    id,
    project: change.project,
    ...(change.record.file === undefined ? {} : { file: change.record.file }),
    secrets: change.record.secrets,
    applied: change.record.applied,
  };
  if (mockMode !== null && existing?.id === id && existing.pending_toggle !== undefined)
    entry.pending_toggle = existing.pending_toggle;
  if (deepEqual(existing, entry)) return;
  await saveRecord(context, (record) => {
    for (const [address, agent] of Object.entries(record.agents))
      if (agent.id === id && address !== context.address) delete record.agents[address];
    record.agents[context.address] = entry;
  });
}

/** Read-back at no extra request: the write's response must show the managed fields as desired. */
export function checkReadBack(change: CreateChange | UpdateChange, response: WireAgent): void {
  const written = normalizeAgent(response).doc;
  const difference = diffAgentDoc(change.desired, written);
  if (difference.fields.length === 0 && difference.items.length === 0) return;
  const paths = [...new Set(flatChanges(difference, change.desired, written).map((fieldChange) => fieldChange.path))];
  throw new AgentFailure({
    operation: 'read_back',
    code: 'read_back_mismatch',
    message: `the agent was written, but Cekura's response differs from the plan at ${paths.join(', ')}`,
    paths,
  });
}

/** After a lost create: the one agent of that name that did not exist before the plan, if any. */
async function findLostCreate(
  context: AgentContext,
  change: CreateChange,
  knownIds: ReadonlySet<number>,
): Promise<WireAgent | undefined> {
  let found: WireAgent[];
  try {
    found = await context.api.findAgentsByName(change.project, change.name);
  } catch (error) {
    throw new AgentFailure({
      operation: 'create',
      code: error instanceof CekuraformError ? error.code : 'internal',
      message: `the create's response was lost and looking the agent up by name failed (${errorText(error)}); if it was created, the next plan adopts it`,
    });
  }
  const candidates = found.filter((agent) => !knownIds.has(agent.id));
  if (candidates.length > 1) {
    const ids = candidates.map((agent) => agent.id).sort((a, b) => a - b);
    throw new AgentFailure({
      operation: 'create',
      code: 'create_ambiguous',
      message:
        `the create's response was lost and project ${change.project} now has ${candidates.length} new agents named "${change.name}" ` +
        `(ids ${ids.join(', ')}); keep one, delete the others, then plan again`,
    });
  }
  const candidate = candidates[0];
  if (candidate === undefined) return undefined;
  context.emit({ type: 'create_recovered', address: context.address, id: candidate.id });
  // The newer API's list leaves fields out; the read-back check needs the whole agent.
  try {
    return await readWhole(context.api, candidate);
  } catch (error) {
    throw new AgentFailure({
      operation: 'create',
      code: error instanceof CekuraformError ? error.code : 'internal',
      message: `the agent whose create response was lost (id ${candidate.id}) could not be read: ${errorText(error)}`,
    });
  }
}

/** A failed write as the outcome shows it: server field errors located through the body sent, inserted values scrubbed. */
function writeFailure(
  operation: 'create' | 'update' | 'delete',
  error: unknown,
  sent: { body: JsonObject; inserted: readonly string[] } | null,
): AgentFailure {
  if (!(error instanceof CekuraformError))
    return new AgentFailure({ operation, code: 'internal', message: errorText(error) });
  const inserted = sent?.inserted ?? [];
  const failure: AgentError = {
    operation,
    code: error.code,
    message: scrubSecretValues(error.message, inserted),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  };
  if (error instanceof ApiError && error.fieldErrors !== undefined && sent !== null) {
    const located = locateFieldErrors(error.fieldErrors, sent.body);
    const said = located.map(({ pointer, messages }) => `${pointer || '(agent)'}: ${messages.join(' ')}`).join('; ');
    failure.message = scrubSecretValues(`Cekura rejected the ${operation}: ${said}`, inserted);
    failure.paths = located.map(({ pointer }) => pointer).filter((pointer) => pointer !== '');
  }
  return new AgentFailure(failure);
}
