import { isSetField, SET_FIELDS, type AgentDoc, type SetField } from '../cekura/agent-doc.js';
import { SERVER_DEFAULTS } from '../cekura/fields.js';
import { assertNever } from '../errors.js';
import { joinPointer, ownValue, setAtPointer, splitPointer, type JsonObject, type JsonValue } from '../json.js';
import type { KnowledgeBaseSource } from '../manifest/types.js';
import type { LiveAgent } from '../state/types.js';
import type { BodyInsert, FieldChange, WriteRequest } from './types.js';

/** A secret the write must carry, by reference: apply reads it from the environment. */
export interface SecretToSend {
  path: string;
  env: string;
  fingerprint: string;
}

/** What a set body needs beyond the desired items. */
interface SetContext {
  /** Live ids of the items a write keeps (none on create). */
  liveIds: LiveAgent['item_ids'] | undefined;
  /** Knowledge-base files to upload (new or changed), by name. */
  uploads: ReadonlySet<string>;
  knowledgeBaseSources: Record<string, KnowledgeBaseSource>;
  inserts: BodyInsert[];
}

/** The POST of a new agent: every managed field, each set as a list, and what a create requires. */
export function createRequest(
  project: number,
  desired: AgentDoc,
  secrets: SecretToSend[],
  knowledgeBaseSources: Record<string, KnowledgeBaseSource>,
): WriteRequest {
  const body: JsonObject = { project };
  for (const [field, value] of Object.entries(desired as Record<string, JsonValue | undefined>)) {
    if (value !== undefined && !isSetField(field)) body[field] = value;
  }
  // Cekura requires `inbound` on create (create-agent.md); false is its documented default.
  body.telephony = { inbound: SERVER_DEFAULTS.telephony_inbound, ...desired.telephony };

  const inserts = secretInserts(secrets);
  const context: SetContext = {
    liveIds: undefined,
    uploads: new Set(Object.keys(desired.knowledge_base_files ?? {})),
    knowledgeBaseSources,
    inserts,
  };
  for (const set of SET_FIELDS) {
    if (desired[set] !== undefined) body[set] = setBody(set, desired, context);
  }
  return { method: 'POST', body, inserts };
}

/**
 * The PATCH of a bound agent: changed fields only (objects as merge patches), and every set with a
 * changed item complete, carrying the live ids of the items it keeps (a set omitted from a write
 * stays; an item omitted from a sent set is deleted).
 */
export function updateRequest(
  desired: AgentDoc,
  live: LiveAgent,
  changes: FieldChange[],
  changedSets: SetField[],
  secrets: SecretToSend[],
  uploads: ReadonlySet<string>,
  knowledgeBaseSources: Record<string, KnowledgeBaseSource>,
): WriteRequest {
  const body: JsonObject = {};
  for (const change of changes) {
    const [field] = splitPointer(change.path);
    if (change.sensitive || field === undefined || isSetField(field)) continue;
    setAtPointer(body, change.path, change.value ?? null);
  }
  const inserts = secretInserts(secrets);
  const context: SetContext = { liveIds: live.item_ids, uploads, knowledgeBaseSources, inserts };
  for (const set of changedSets) body[set] = setBody(set, desired, context);
  return { method: 'PATCH', body, inserts };
}

function secretInserts(secrets: SecretToSend[]): BodyInsert[] {
  return secrets.map((secret) => ({
    path: secret.path,
    source: 'env',
    env: secret.env,
    fingerprint: secret.fingerprint,
  }));
}

/** One set as the API takes it: a list sorted by name. */
function setBody(set: SetField, desired: AgentDoc, context: SetContext): JsonValue[] {
  switch (set) {
    case 'mock_tools':
      return sortedValues(desired.mock_tools).map((tool) => {
        const id = ownValue(context.liveIds?.mock_tools, tool.name);
        return { ...(id === undefined ? {} : { id }), ...tool } as unknown as JsonObject;
      });
    case 'dynamic_variables':
      return sortedValues(desired.dynamic_variables).map((variable) => ({
        name: variable.name,
        description: variable.description,
      }));
    case 'knowledge_base_files':
      return sortedValues(desired.knowledge_base_files).map((file, index): JsonObject => {
        const id = ownValue(context.liveIds?.knowledge_base_files, file.file_name);
        if (id !== undefined && !context.uploads.has(file.file_name)) return { id };
        const source = ownValue(context.knowledgeBaseSources, file.file_name);
        if (source !== undefined) {
          context.inserts.push({
            path: joinPointer(set, index, 'content_base64'),
            source: 'file',
            file: source.path,
            sha256: source.sha256,
          });
        }
        return { file_name: file.file_name };
      });
    default:
      return assertNever(set, 'set field');
  }
}

function sortedValues<T>(items: Record<string, T> | undefined): T[] {
  return Object.keys(items ?? {})
    .sort()
    .map((name) => items![name]!);
}
