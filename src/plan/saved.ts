import { z } from 'zod';
import { CekuraformError } from '../errors.js';
import { ENVIRONMENT_NAME_PATTERN } from '../manifest/environment-name.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

// A saved plan is the Plan itself as JSON. Reading one back checks the shape apply relies on, so a
// hand-edited or truncated file fails clearly instead of half-applying.

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
  z.object({ path: z.string(), source: z.literal('env'), env: z.string(), fingerprint: z.string() }),
  z.object({ path: z.string(), source: z.literal('file'), file: z.string(), sha256: z.string() }),
]);
const writeRequest = z.object({
  method: z.enum(['POST', 'PATCH']),
  body: z.record(z.string(), json),
  inserts: z.array(insert),
});
const recordUpdate = z.object({
  secrets: z.record(z.string(), z.string()),
  applied: z.record(z.string(), z.string()),
  file: z.string().optional(),
});
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
      touched: z.record(z.string(), z.record(z.string(), z.string())).optional(),
      claimed_names: z.array(z.object({ project: z.number().int(), name: z.string() })).optional(),
    }),
    options: z.object({
      prune: z.boolean(),
      delete_related: z.boolean(),
      max_deletes: z.number().int().nonnegative().optional(),
      targets: z.array(z.string()).optional(),
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
    throw new CekuraformError(
      'plan_invalid',
      `${file} has plan format ${JSON.stringify(version)}; this cekuraform reads format "${PLAN_FORMAT_VERSION}"`,
      {
        hint: 'make the plan again with this version of cekuraform',
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
  return result.data as unknown as Plan;
}
