import { z } from 'zod';
import { SET_FIELDS, type AgentDoc } from '../cekura/agent-doc.js';
import { MOCK_MODE_VIAS } from '../cekura/generation.js';
import { CekuraformError } from '../errors.js';
import type { JsonObject, JsonValue } from '../json.js';
import { ENVIRONMENT_NAME_PATTERN } from '../manifest/environment-name.js';
import { exactSchema } from '../exact-schema.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

// A saved plan is the Plan itself as JSON. Reading one back checks all of it against the Plan type,
// so a hand-edited or truncated file fails clearly instead of half-applying. The check below makes
// the schema and the type the same type: a field added to one and not the other does not compile.

const jsonValue: z.ZodType<JsonValue> = z.json();
const jsonObject: z.ZodType<JsonObject> = z.record(z.string(), jsonValue);
const action = z.enum(['create', 'update', 'delete']);
const origin = z.enum(['manifest', 'drift', 'conflict']).optional();

const agentDoc = exactSchema<AgentDoc>()(
  z.strictObject({
    name: z.string().optional(),
    description: z.string().optional(),
    language: z.string().optional(),
    agent_speaks_first: z.boolean().nullable().optional(),
    telephony: jsonObject.optional(),
    provider: jsonObject.optional(),
    webhook_url: z.string().nullable().optional(),
    mock_tools: z
      .record(
        z.string(),
        z.strictObject({
          name: z.string(),
          description: z.string(),
          mock_data: z.array(z.strictObject({ input: jsonValue, output: jsonValue })),
          served_via: z.discriminatedUnion('type', [
            z.strictObject({ type: z.literal('direct') }),
            z.strictObject({ type: z.literal('mcp'), mock_index: z.number().int() }),
          ]),
          freetext_params: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    dynamic_variables: z
      .record(z.string(), z.strictObject({ name: z.string(), description: z.string().optional() }))
      .optional(),
    knowledge_base_files: z
      .record(
        z.string(),
        z.strictObject({
          file_name: z.string(),
          file_size: z.number().optional(),
          content_sha256: z.string().optional(),
        }),
      )
      .optional(),
  }),
);

const fieldChange = z.strictObject({
  op: z.enum(['add', 'remove', 'replace']),
  path: z.string(),
  value: jsonValue.optional(),
  before: jsonValue.optional(),
  sensitive: z.literal(true).optional(),
  origin,
});
const itemChange = z.strictObject({
  set: z.enum(SET_FIELDS),
  name: z.string(),
  action,
  id: z.number().int().nullable(),
  reason: z.enum(['not_in_manifest', 'description_placeholder', 'content_changed']).optional(),
  subscriber_count: z.number().int().optional(),
  origin,
  fields: z.array(fieldChange),
  rows: z.array(z.strictObject({ input: jsonValue, action, fields: z.array(fieldChange) })),
});
const count = z.number().int().nonnegative();
const itemCounts = z.strictObject({ add: count, change: count, destroy: count });
const insert = z.discriminatedUnion('source', [
  z.strictObject({ path: z.string(), source: z.literal('env'), env: z.string(), fingerprint: z.string() }),
  z.strictObject({ path: z.string(), source: z.literal('file'), file: z.string(), sha256: z.string() }),
]);
const writeRequest = z.strictObject({
  method: z.enum(['POST', 'PATCH']),
  body: jsonObject,
  inserts: z.array(insert),
});
const recordUpdate = z.strictObject({
  secrets: z.record(z.string(), z.string()),
  applied: z.record(z.string(), z.string()),
  file: z.string().optional(),
});
const common = {
  address: z.string(),
  name: z.string(),
  project: z.number().int(),
  fields: z.array(fieldChange),
  items: z.array(itemChange),
  changes: z.array(fieldChange),
  reason: z
    .enum(['adopted_by_name', 'pinned_id', 'bound_agent_missing', 'not_in_manifest', 'removed_from_manifest'])
    .optional(),
};
const write = { request: writeRequest, desired: agentDoc, record: recordUpdate };
const resourceChange = z.discriminatedUnion('action', [
  z.strictObject({ ...common, ...write, action: z.literal('create'), id: z.null() }),
  z.strictObject({ ...common, ...write, action: z.literal('update'), id: z.number().int() }),
  z.strictObject({
    ...common,
    action: z.literal('delete'),
    id: z.number().int(),
    request: z.strictObject({ method: z.literal('DELETE'), delete_related: z.boolean() }),
  }),
  z.strictObject({ ...common, action: z.literal('no-op'), id: z.number().int(), record: recordUpdate }),
]);
const warning = z.discriminatedUnion('code', [
  z.strictObject({
    code: z.literal('shared_mock_tool'),
    address: z.string(),
    tool: z.string(),
    subscriber_count: z.number().int(),
  }),
  z.strictObject({ code: z.literal('self_managed_mock_mode'), address: z.string(), provider: z.string() }),
  z.strictObject({ code: z.literal('description_auto_sync'), address: z.string() }),
  z.strictObject({
    code: z.literal('owned_agent_not_read'),
    address: z.string(),
    id: z.number().int(),
    file: z.string().nullable(),
  }),
]);

const planSchema = exactSchema<Plan>()(
  z.strictObject({
    format_version: z.literal(PLAN_FORMAT_VERSION),
    created_from: z.strictObject({
      environment: z.string().regex(ENVIRONMENT_NAME_PATTERN).optional(),
      projects: z.array(z.number().int()),
      api: z.strictObject({ url: z.string(), source: z.enum(['flag', 'env', 'default']) }).optional(),
      manifest_hash: z.string(),
      live_fingerprint: z.string(),
      state_lineage: z.string(),
      state_serial: z.number().int(),
      touched: z.record(z.string(), z.record(z.string(), z.string())).optional(),
      claimed_names: z.array(z.strictObject({ project: z.number().int(), name: z.string() })).optional(),
    }),
    options: z.strictObject({
      prune: z.boolean(),
      delete_related: z.boolean(),
      max_deletes: z.number().int().nonnegative().optional(),
      targets: z.array(z.string()).optional(),
      mock_mode_via: z.enum(MOCK_MODE_VIAS),
    }),
    resource_changes: z.array(resourceChange),
    mock_mode_changes: z.array(
      z.strictObject({
        address: z.string(),
        id: z.number().int().nullable(),
        from: z.boolean(),
        to: z.boolean(),
        via: z.enum(MOCK_MODE_VIAS),
      }),
    ),
    unmanaged: z.array(z.strictObject({ id: z.number().int(), name: z.string(), project: z.number().int() })),
    warnings: z.array(warning),
    summary: z.strictObject({
      add: count,
      change: count,
      destroy: count,
      mock_mode_toggles: count,
      items: z.strictObject({
        mock_tools: itemCounts,
        dynamic_variables: itemCounts,
        knowledge_base_files: itemCounts,
      }),
    }),
  }),
);

/** Parses a saved plan; a wrong format version or shape is a clear `plan_invalid` error. */
export function parseSavedPlan(text: string, file: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CekuraformError('plan_invalid', `${file} is not a saved plan: it is not JSON`, {
      hint: 'save one with `cekuraform plan --out FILE`',
    });
  }
  const version = (data as { format_version?: unknown } | null)?.format_version;
  if (version !== PLAN_FORMAT_VERSION) {
    const isOlder = typeof version === 'string' && Number(version) < Number(PLAN_FORMAT_VERSION);
    throw new CekuraformError(
      'plan_invalid',
      `${file} is a plan of format ${JSON.stringify(version)}${isOlder ? ', saved by an older cekuraform' : ''}; this cekuraform reads only format "${PLAN_FORMAT_VERSION}", so nothing was applied`,
      {
        meta: { format_version: version ?? null, expected: PLAN_FORMAT_VERSION },
        hint: `plan again with this cekuraform (\`cekuraform plan --out ${file}\`), review it, and apply that plan`,
      },
    );
  }
  const result = planSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CekuraformError(
      'plan_invalid',
      `${file} is not a valid saved plan: ${issue.path.join('.')}: ${issue.message}`,
      {
        hint: 'make the plan again with `cekuraform plan --out FILE`',
      },
    );
  }
  return result.data;
}
