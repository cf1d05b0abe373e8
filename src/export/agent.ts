import type { MockToolDoc } from '../cekura/agent-doc.js';
import { descriptionPlaceholders, SERVER_DEFAULTS } from '../cekura/fields.js';
import { compareStrings } from '../compare.js';
import { deleteAtPointer, isJsonObject, joinPointer, keyedRecord, type JsonObject, type JsonValue } from '../json.js';
import { agentSchema } from '../manifest/schema.js';
import type { LiveAgent } from '../state/types.js';
import type { SuggestedSecret } from './types.js';

/** The manifest fields in the schema's order, which the body follows. */
const FIELD_ORDER = Object.keys(agentSchema.shape);

/** The merged object fields: their nulls mean "not set" on the live side, so they are left out. */
const OBJECT_FIELDS = ['telephony', 'provider'] as const;

/**
 * The manifest body of a live agent (see `ExportedAgent.body`): what the planner would compare,
 * minus what it fills in itself (server defaults, variables derived from `{{placeholders}}`).
 */
export function exportAgentBody(
  live: LiveAgent,
  options: { pinned: boolean; secrets: SuggestedSecret[] },
): { body: JsonObject; unsupported_fields: string[] } {
  const { doc } = live;
  const body: JsonObject = {
    ...(options.pinned ? { id: live.id } : {}),
    name: doc.name,
    // Kept even when empty: Cekura needs a description to create the agent again.
    description: doc.description ?? '',
  };
  if (doc.language !== undefined && doc.language !== SERVER_DEFAULTS.language) body.language = doc.language;
  if (doc.agent_speaks_first !== undefined && doc.agent_speaks_first !== null)
    body.agent_speaks_first = doc.agent_speaks_first;
  const telephony: JsonObject = { ...doc.telephony };
  if (telephony.inbound === SERVER_DEFAULTS.telephony_inbound) delete telephony.inbound;
  body.telephony = telephony;
  body.provider = { ...doc.provider };
  if (doc.webhook_url !== undefined && doc.webhook_url !== null) body.webhook_url = doc.webhook_url;

  const tools = Object.values(doc.mock_tools).sort(byName).map(exportMockTool);
  if (tools.length > 0) body.mock_tools = tools;
  const derived = descriptionPlaceholders(doc.description ?? '');
  const variables = Object.values(doc.dynamic_variables)
    .filter((variable) => !(derived.includes(variable.name) && !variable.description))
    .sort(byName)
    .map(({ name, description }): JsonObject => (description ? { name, description } : { name }));
  if (variables.length > 0) body.dynamic_variables = variables;
  body.mock_tools_enabled = live.mock_tools_enabled;

  const escaped = escapeReferences(body) as JsonObject;
  const unsupported_fields = dropUnsupportedFields(escaped);
  for (const field of OBJECT_FIELDS) {
    const compacted = withoutNulls(escaped[field] as JsonObject);
    if (Object.keys(compacted).length > 0) escaped[field] = compacted;
    else delete escaped[field];
  }
  return { body: inFieldOrder(escaped), unsupported_fields };
}

function exportMockTool(tool: MockToolDoc): JsonObject {
  return {
    name: tool.name,
    ...(tool.description === '' ? {} : { description: tool.description }),
    ...(tool.mock_data.length === 0
      ? {}
      : { mock_data: tool.mock_data.map(({ input, output }) => ({ input, output })) }),
    ...(tool.served_via.type === SERVER_DEFAULTS.served_via_type ? {} : { served_via: { ...tool.served_via } }),
  };
}

/** Every `${` of a live string as `$${`, so that the manifest loader reads it back unchanged instead of as a reference. */
function escapeReferences(value: JsonValue): JsonValue {
  // A function, since `$$` in a replacement string means one `$`.
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeReferences);
  if (isJsonObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeReferences(item)]));
  return value;
}

/**
 * Removes what the manifest schema refuses under `telephony` and `provider` (keys a newer Cekura
 * returns, values of another type), so the file always loads; returns the dotted paths removed.
 * A value inside a list takes the whole list, which is compared as one value.
 */
function dropUnsupportedFields(body: JsonObject): string[] {
  const dropped = new Set<string>();
  for (;;) {
    const result = agentSchema.safeParse(body);
    if (result.success) break;
    const paths = result.error.issues
      .flatMap((issue) =>
        issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path],
      )
      .filter((path) => path[0] === 'telephony' || path[0] === 'provider')
      .map((path) => path.slice(0, firstIndexOrEnd(path)).map(String));
    const removed = paths.filter((path) => deleteAtPointer(body, joinPointer(...path)));
    if (removed.length === 0) break;
    for (const path of removed) dropped.add(path.join('.'));
  }
  return [...dropped].sort();
}

function firstIndexOrEnd(path: PropertyKey[]): number {
  const index = path.findIndex((segment) => typeof segment === 'number');
  return index === -1 ? path.length : index;
}

/** Without null members, and without objects that are left empty; lists are kept whole. */
function withoutNulls(object: JsonObject): JsonObject {
  const result: JsonObject = keyedRecord();
  for (const [key, value] of Object.entries(object)) {
    const kept = isJsonObject(value) ? withoutNulls(value) : value;
    if (kept === null || (isJsonObject(kept) && Object.keys(kept).length === 0)) continue;
    result[key] = kept;
  }
  return result;
}

function inFieldOrder(body: JsonObject): JsonObject {
  return Object.fromEntries(FIELD_ORDER.filter((field) => field in body).map((field) => [field, body[field]!]));
}

function byName(a: { name: string }, b: { name: string }): number {
  return compareStrings(a.name, b.name);
}
