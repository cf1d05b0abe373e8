import { z } from 'zod';
import { SET_FIELDS, type AgentDoc } from '../cekura/agent-doc.js';
import { isSecretPath } from '../cekura/fields.js';
import { MOCK_MODE_VIAS } from '../cekura/generation.js';
import { CekuraformError } from '../errors.js';
import { canonicalJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { ENVIRONMENT_NAME_PATTERN } from '../manifest/environment-name.js';
import { exactSchema } from '../exact-schema.js';
import { keyedDigest, type FingerprintKeys } from '../state/fingerprint.js';
import { summarizePlan } from './plan.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

// A saved plan is the Plan itself as JSON, plus `plan_digest`: an HMAC of its content under the
// fingerprint key (from the environment, never in the file), so a plan changed after it was saved is
// refused before anything is sent. Reading one back checks all of it against the Plan type, so a
// hand-edited or truncated file fails clearly instead of half-applying; the check below makes the
// schema and the type the same type. It also checks that the plan is consistent (each rule below
// was broken by a hand-made plan).

/** Where a plan may insert a value into a request body: the secret fields, and knowledge-base uploads. */
const FILE_INSERT_PATH = /^\/knowledge_base_files\/\d+\/content_base64$/;
// A plain predicate: the type guard would narrow the output to SecretPath, which BodyInsert does not promise.
const secretPath = z.string().refine((path): boolean => isSecretPath(path), 'is not a secret field');

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
  reason: z.enum(['not_in_manifest', 'description_placeholder', 'content_changed', 'duplicate_name']).optional(),
  subscriber_count: z.number().int().optional(),
  origin,
  fields: z.array(fieldChange),
  rows: z.array(z.strictObject({ input: jsonValue, action, fields: z.array(fieldChange) })),
});
const count = z.number().int().nonnegative();
const itemCounts = z.strictObject({ add: count, change: count, destroy: count });
const insert = z.discriminatedUnion('source', [
  z.strictObject({ path: secretPath, source: z.literal('env'), env: z.string(), fingerprint: z.string() }),
  z.strictObject({
    path: z.string().regex(FILE_INSERT_PATH, 'is not a knowledge-base upload'),
    source: z.literal('file'),
    file: z.string(),
    sha256: z.string(),
  }),
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

/** The text `plan --out` writes: the plan and its digest under `keys`. */
export function savedPlanText(plan: Plan, keys: FingerprintKeys): string {
  return JSON.stringify({ ...plan, plan_digest: planDigest(plan, keys) }, null, 2) + '\n';
}

/** A saved plan as read: the plan, and the digest it claims (checked by `checkPlanDigest` once the key is known). */
export interface SavedPlan {
  plan: Plan;
  digest: string;
}

/** Parses a saved plan; a wrong format version, shape or an inconsistent plan is a clear `plan_invalid` error. */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalidPlan(`${file} is not a saved plan: it is not JSON`, 'save one with `cekuraform plan --out FILE`');
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
  const prototypeKey = findPrototypeKey(data, '');
  if (prototypeKey !== undefined) throw invalidPlan(`${file} is not a valid saved plan: ${prototypeKey}`);
  const { plan_digest: digest, ...content } = data as Record<string, unknown>;
  if (typeof digest !== 'string') {
    throw invalidPlan(`${file} has no plan_digest; it was not written by \`cekuraform plan --out\` of this version`);
  }
  const result = planSchema.safeParse(content);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw invalidPlan(`${file} is not a valid saved plan: ${issue.path.join('.')}: ${issue.message}`);
  }
  const inconsistency = findInconsistency(result.data);
  if (inconsistency !== undefined) throw invalidPlan(`${file} is not a valid saved plan: ${inconsistency}`);
  return { plan: result.data, digest };
}

/**
 * Refuses a saved plan whose content is not what `plan --out` wrote under `keys`: edited since, or
 * made with another `CEKURAFORM_FINGERPRINT_KEY`/`CEKURA_API_KEY`.
 */
export function checkPlanDigest(saved: SavedPlan, keys: FingerprintKeys, file: string): void {
  if (saved.digest === planDigest(saved.plan, keys)) return;
  throw invalidPlan(
    `${file} was changed after it was saved, or saved with another CEKURAFORM_FINGERPRINT_KEY or CEKURA_API_KEY (its plan_digest does not match)`,
  );
}

function planDigest(plan: Plan, keys: FingerprintKeys): string {
  return `hmac-sha256:${keyedDigest(keys, canonicalJson(plan))}`;
}

/** Object keys that would reach a prototype when the plan is copied or applied, anywhere in the file. */
function findPrototypeKey(value: unknown, at: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findPrototypeKey(item, `${at}[${index}]`);
      if (found !== undefined) return found;
    }
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') return `${at === '' ? '' : `${at}: `}the key "__proto__" is not allowed`;
      const found = findPrototypeKey(item, at === '' ? key : `${at}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The first rule a parsed plan breaks, in words; undefined when it keeps them all. */
function findInconsistency(plan: Plan): string | undefined {
  const addresses = new Set<string>();
  const ids = new Set<number>();
  for (const change of plan.resource_changes) {
    if (addresses.has(change.address)) return `${change.address} has more than one change`;
    addresses.add(change.address);
    if (change.id !== null) {
      if (ids.has(change.id)) return `agent ${change.id} has more than one change`;
      ids.add(change.id);
    }
    if (!plan.created_from.projects.includes(change.project))
      return `${change.address} is in project ${change.project}, which the plan did not read`;
    if (change.action === 'delete' || change.action === 'no-op') continue;
    const secrets = change.record.secrets;
    const notSecret = Object.keys(secrets).find((path) => !isSecretPath(path));
    if (notSecret !== undefined)
      return `${change.address} records a fingerprint for ${notSecret}, which is not a secret field`;
    // Insert paths are checked by the schema: only secret fields and knowledge-base uploads.
    for (const insert of change.request.inserts) {
      if (insert.source === 'env' && secrets[insert.path] !== insert.fingerprint)
        return `${change.address} sends ${insert.path} with another fingerprint than it records`;
    }
  }
  for (const modeChange of plan.mock_mode_changes) {
    const change = plan.resource_changes.find((candidate) => candidate.address === modeChange.address);
    if (change === undefined || change.action === 'delete' || change.id !== modeChange.id)
      return `the mock-mode change of ${modeChange.address} has no matching agent change`;
  }
  const summary = summarizePlan(plan.resource_changes, plan.mock_mode_changes);
  if (canonicalJson(summary) !== canonicalJson(plan.summary))
    return `its summary ${canonicalJson(plan.summary)} does not count its changes ${canonicalJson(summary)}`;
  return undefined;
}

function invalidPlan(message: string, hint = 'make the plan again with `cekuraform plan --out FILE`'): CekuraformError {
  return new CekuraformError('plan_invalid', message, { hint });
}
