import { isSetField, SET_FIELDS, type AgentDoc, type SetField } from '../cekura/agent-doc.js';
import { SET_RULES } from '../cekura/sets.js';
import { SERVER_DEFAULTS } from '../cekura/fields.js';
import { joinPointer, ownValue, setAtPointer, type JsonObject, type JsonValue } from '../json.js';
import type { KnowledgeBaseSource } from '../manifest/types.js';
import type { LiveAgent } from '../state/types.js';
import type { BodyInsert, FieldChange, ItemChange, WriteRequest } from './types.js';

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
  /** Items of sets replaced on change (knowledge-base files) to upload, new or changed, by key. */
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

/** What the PATCH of a bound agent is made from. */
export interface UpdateRequestInput {
  desired: AgentDoc;
  live: LiveAgent;
  /** The agent's own field changes; sensitive ones are sent through `secrets`. */
  fields: FieldChange[];
  items: Pick<ItemChange, 'set' | 'name' | 'action'>[];
  secrets: SecretToSend[];
  knowledgeBaseSources: Record<string, KnowledgeBaseSource>;
}

/**
 * The PATCH of a bound agent: changed fields only (objects as merge patches), and every set with a
 * changed item complete, carrying the live ids of the items it keeps (a set omitted from a write
 * stays; an item omitted from a sent set is deleted).
 */
export function updateRequest(input: UpdateRequestInput): WriteRequest {
  const body: JsonObject = {};
  for (const field of input.fields) {
    if (!field.sensitive) setAtPointer(body, field.path, field.value ?? null);
  }
  const inserts = secretInserts(input.secrets);
  const uploads = new Set(
    input.items
      .filter((item) => SET_RULES[item.set].isReplacedOnChange && item.action !== 'delete')
      .map((item) => item.name),
  );
  const context: SetContext = {
    liveIds: input.live.item_ids,
    liveVariables: input.live.doc.dynamic_variables,
    uploads,
    knowledgeBaseSources: input.knowledgeBaseSources,
    inserts,
  };
  for (const set of SET_FIELDS) {
    if (input.items.some((item) => item.set === set)) body[set] = setBody(set, input.desired, context);
  }
  // Cekura derives a placeholder's variable whenever the description is saved (NOTES.md): saving it
  // unchanged lets it make those the body leaves out (see `writtenItem`).
  const { desired, live } = input;
  const isLeftToCekura = Object.values(desired.dynamic_variables ?? {}).some(
    (variable) => variable.description === undefined && live.doc.dynamic_variables[variable.name] === undefined,
  );
  if (body.dynamic_variables !== undefined && isLeftToCekura && body.description === undefined)
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

/**
 * One set as the API takes it, a list sorted by key (`SET_RULES`): a kept item carries its live id
 * where the set keeps items by id; an item replaced on change is sent as its id alone while unchanged,
 * else by key with its content added by apply (an insert).
 */
function setBody(set: SetField, desired: AgentDoc, context: SetContext): JsonValue[] {
  const rules = SET_RULES[set];
  const items = (desired[set] ?? {}) as unknown as Record<string, JsonObject>;
  return Object.keys(items)
    .sort()
    .flatMap((key, index): JsonObject[] => {
      const id = rules.keptBy === 'id' ? ownValue(context.liveIds?.[set], key) : undefined;
      if (!rules.isReplacedOnChange) {
        const item = writtenItem(set, items[key]!, context);
        return item === undefined ? [] : [{ ...(id === undefined ? {} : { id }), ...item }];
      }
      if (id !== undefined && !context.uploads.has(key)) return [{ id }];
      const source = ownValue(context.knowledgeBaseSources, key);
      if (source !== undefined) {
        context.inserts.push({
          path: joinPointer(set, index, 'content_base64'),
          source: 'file',
          file: source.path,
          sha256: source.sha256,
        });
      }
      return [{ [rules.keyField]: key }];
    });
}

/**
 * An item as written. A write needs each variable's description; one the manifest does not give (a
 * placeholder's, see `DynamicVariableDoc`) is live's, and a variable live lacks is left out for Cekura
 * to derive: never sent with an empty description nobody wrote.
 */
function writtenItem(set: SetField, item: JsonObject, context: SetContext): JsonObject | undefined {
  if (set !== 'dynamic_variables' || item.description !== undefined) return item;
  const description = context.liveVariables?.[String(item.name)]?.description;
  return description === undefined ? undefined : { ...item, description };
}
