import { isSetField, SET_FIELDS, type AgentDoc, type SetField } from '../cekura/agent-doc.js';
import { SERVER_DEFAULTS } from '../cekura/fields.js';
import { assertNever } from '../errors.js';
import { joinPointer, setAtPointer, splitPointer, type JsonObject, type JsonValue } from '../json.js';
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
  /** Live variables (none on create): a placeholder's variable whose description is not managed keeps live's. */
  liveVariables: LiveAgent['doc']['dynamic_variables'] | undefined;
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
    liveVariables: undefined,
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
  const context: SetContext = {
    liveIds: live.item_ids,
    liveVariables: live.doc.dynamic_variables,
    uploads,
    knowledgeBaseSources,
    inserts,
  };
  for (const set of changedSets) body[set] = setBody(set, desired, context);
  // Cekura derives a placeholder's variable whenever the description is saved (NOTES.md): saving it
  // unchanged lets it make those the variables body leaves out (see `setBody`).
  const isLeftToCekura = Object.values(desired.dynamic_variables ?? {}).some(
    (variable) => variable.description === undefined && live.doc.dynamic_variables[variable.name] === undefined,
  );
  if (changedSets.includes('dynamic_variables') && isLeftToCekura && body.description === undefined)
    body.description = desired.description ?? live.doc.description ?? '';
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
        const id = context.liveIds?.mock_tools[tool.name];
        return { ...(id === undefined ? {} : { id }), ...tool } as unknown as JsonObject;
      });
    case 'dynamic_variables':
      // A write needs each variable's description; one the manifest does not give (a placeholder's) is
      // live's, and a variable live lacks is left out for Cekura to derive, never sent with an empty one.
      return sortedValues(desired.dynamic_variables).flatMap((variable) => {
        const description = variable.description ?? context.liveVariables?.[variable.name]?.description;
        return description === undefined ? [] : [{ name: variable.name, description }];
      });
    case 'knowledge_base_files':
      return sortedValues(desired.knowledge_base_files).map((file, index): JsonObject => {
        const id = context.liveIds?.knowledge_base_files[file.file_name];
        if (id !== undefined && !context.uploads.has(file.file_name)) return { id };
        const source = context.knowledgeBaseSources[file.file_name];
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
