import { z } from 'zod';
import { isSecretPath } from '../cekura/fields.js';
import { CekuraformError } from '../errors.js';
import { canonicalJson, isJsonObject } from '../json.js';
import { ENVIRONMENT_NAME_PATTERN } from '../manifest/environment-name.js';
import { keyedDigest, type FingerprintKeys } from '../state/fingerprint.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

// A saved plan is the Plan itself as JSON, plus `plan_digest`: an HMAC of its content under the
// fingerprint key (from the environment, never in the file), so a plan changed after it was saved is
// refused before anything is sent. Reading one back also checks its shape and that it is consistent
// (each rule below was broken by a hand-made plan), so a hand-edited or truncated file fails clearly.

/** Where a plan may insert a value into a request body: the secret fields, and knowledge-base uploads. */
const FILE_INSERT_PATH = /^\/knowledge_base_files\/\d+\/content_base64$/;
const secretPath = z.string().refine(isSecretPath, 'is not a secret field');

const json = z.json();
const fieldChange = z.object({ op: z.enum(['add', 'remove', 'replace']), path: z.string() }).loose();
const item = z
  .object({
    set: z.enum(['mock_tools', 'dynamic_variables', 'knowledge_base_files']),
    name: z.string(),
    action: z.enum(['create', 'update', 'delete']),
  })
  .loose();
const insert = z.discriminatedUnion('source', [
  z.object({ path: secretPath, source: z.literal('env'), env: z.string(), fingerprint: z.string() }),
  z.object({
    path: z.string().regex(FILE_INSERT_PATH, 'is not a knowledge-base upload'),
    source: z.literal('file'),
    file: z.string(),
    sha256: z.string(),
  }),
]);
const writeRequest = z.object({
  method: z.enum(['POST', 'PATCH']),
  body: z.record(z.string(), json),
  inserts: z.array(insert),
});
const recordUpdate = z.object({ secrets: z.record(secretPath, z.string()), applied: z.record(z.string(), z.string()) });
const common = {
  address: z.string(),
  name: z.string(),
  project: z.number().int(),
  changes: z.array(fieldChange),
  items: z.array(item),
};
const resourceChange = z.discriminatedUnion('action', [
  z
    .object({
      ...common,
      action: z.literal('create'),
      id: z.null(),
      request: writeRequest,
      desired: z.record(z.string(), json),
      record: recordUpdate,
    })
    .loose(),
  z
    .object({
      ...common,
      action: z.literal('update'),
      id: z.number().int(),
      request: writeRequest,
      desired: z.record(z.string(), json),
      record: recordUpdate,
    })
    .loose(),
  z
    .object({
      ...common,
      action: z.literal('delete'),
      id: z.number().int(),
      request: z.object({ method: z.literal('DELETE'), delete_related: z.boolean() }),
    })
    .loose(),
  z.object({ ...common, action: z.literal('no-op'), id: z.number().int(), record: recordUpdate }).loose(),
]);
const planSchema = z
  .object({
    format_version: z.literal(PLAN_FORMAT_VERSION),
    created_from: z.object({
      environment: z.string().regex(ENVIRONMENT_NAME_PATTERN).optional(),
      projects: z.array(z.number().int()),
      manifest_hash: z.string(),
      live_fingerprint: z.string(),
      state_lineage: z.string(),
      state_serial: z.number().int(),
    }),
    options: z.object({
      prune: z.boolean(),
      delete_related: z.boolean(),
      max_deletes: z.number().int().nonnegative().optional(),
    }),
    resource_changes: z.array(resourceChange),
    mock_mode_changes: z.array(
      z.object({ address: z.string(), id: z.number().int().nullable(), from: z.boolean(), to: z.boolean() }),
    ),
    unmanaged: z.array(z.object({ id: z.number().int(), name: z.string(), project: z.number().int() })),
    warnings: z.array(z.object({ code: z.string(), address: z.string() }).loose()),
    summary: z.object({ add: z.number(), change: z.number(), destroy: z.number(), mock_mode_toggles: z.number() }),
  })
  .loose();

/** The text `plan --out` writes: the plan and its digest under `keys`. */
export function savedPlanText(plan: Plan, keys: FingerprintKeys): string {
  return JSON.stringify({ ...plan, plan_digest: planDigest(plan, keys) }, null, 2) + '\n';
}

/** A saved plan as read: the plan, and the digest it claims (checked by `checkPlanDigest` once the key is known). */
export interface SavedPlan {
  plan: Plan;
  digest: string;
}

/**
 * Parses a saved plan: a wrong format version, shape or an inconsistent plan is a clear
 * `plan_invalid` error naming what is wrong.
 */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalidPlan(`${file} is not a saved plan: it is not JSON`, 'save one with `cekuraform plan --out FILE`');
  }
  const version = (data as { format_version?: unknown } | null)?.format_version;
  if (version !== PLAN_FORMAT_VERSION) {
    throw invalidPlan(
      `${file} has plan format ${JSON.stringify(version)}; this cekuraform reads format "${PLAN_FORMAT_VERSION}"`,
      'make the plan again with this version of cekuraform',
    );
  }
  const prototypeKey = findPrototypeKey(data, '');
  if (prototypeKey !== undefined) throw invalidPlan(`${file} is not a valid saved plan: ${prototypeKey}`);
  const { plan_digest: digest, ...rest } = data as Record<string, unknown>;
  if (typeof digest !== 'string') {
    throw invalidPlan(`${file} has no plan_digest; it was not written by \`cekuraform plan --out\` of this version`);
  }
  const result = planSchema.safeParse(rest);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw invalidPlan(`${file} is not a valid saved plan: ${issue.path.join('.')}: ${issue.message}`);
  }
  const plan = result.data as unknown as Plan;
  const inconsistency = findInconsistency(plan);
  if (inconsistency !== undefined) throw invalidPlan(`${file} is not a valid saved plan: ${inconsistency}`);
  return { plan, digest };
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
  const summary = {
    add: count(plan, 'create'),
    change: count(plan, 'update'),
    destroy: count(plan, 'delete'),
    mock_mode_toggles: plan.mock_mode_changes.length,
  };
  if (canonicalJson(summary) !== canonicalJson(plan.summary))
    return `its summary ${canonicalJson(plan.summary)} does not count its changes ${canonicalJson(summary)}`;
  return undefined;
}

function count(plan: Plan, action: Plan['resource_changes'][number]['action']): number {
  return plan.resource_changes.filter((change) => change.action === action).length;
}

function invalidPlan(message: string, hint = 'make the plan again with `cekuraform plan --out FILE`'): CekuraformError {
  return new CekuraformError('plan_invalid', message, { hint });
}
