import { appendFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { createApiClient } from '../api/client.js';
import type { RetryInfo } from '../api/retry.js';
import { resolveApiSettings, resolveApiUrl } from '../api/settings.js';
import type { TraceEntry } from '../api/trace.js';
import type { CekuraApi } from '../api/types.js';
import { UsageError } from '../errors.js';
import { systemClock } from '../clock.js';
import { loadManifest } from '../manifest/load.js';
import type { Manifest } from '../manifest/types.js';
import { listDeletes } from '../apply/max-deletes.js';
import type { MockModeVia } from '../cekura/generation.js';
import { withMockModeVia } from '../plan/mock-mode.js';
import { plan } from '../plan/plan.js';
import type { ApiTarget, ManifestScope, Plan, PlanOptions } from '../plan/types.js';
import type { FingerprintKeys } from '../state/fingerprint.js';
import type { LiveState, StateRecord } from '../state/types.js';
import { createStyle, shouldUseColor, type OutputStream, type Style } from '../render/style.js';
import { issueLines } from './errors.js';
import { isDebug } from './debug.js';
import { displayPath } from './state-access.js';
import type { ConnectionArgs, ManifestArgs, OutputArgs, PlanArgs } from './args.js';
import type { CliIo } from './io.js';

// What plan and apply share: where the state record is, the API client, reading manifests.

export const DEFAULT_STATE_PATH = '.cekuraform/default.state.json';

/**
 * `--state` (from the working folder), else the environment's own record
 * (`<folder>/.cekuraform/<environment>.state.json`), else the default one. `folder` is the manifest's
 * (`manifestFolderOf`) for commands that read one, so the record does not depend on where they run.
 */
export function statePathOf(state: string | undefined, io: CliIo, environment?: string, folder = io.cwd): string {
  if (state !== undefined) return resolve(io.cwd, state);
  return resolve(folder, environment === undefined ? DEFAULT_STATE_PATH : `.cekuraform/${environment}.state.json`);
}

/** The folder of the first manifest file read: the record lives beside the manifest. */
export function manifestFolderOf(manifest: Manifest, io: CliIo): string {
  const [first] = manifest.files;
  return first === undefined ? io.cwd : dirname(resolve(io.cwd, first));
}

/** Colour for one stream: off under `--no-color`, without a TTY, with NO_COLOR. */
export function styleFor(args: Pick<OutputArgs, 'color'>, stream: OutputStream, io: CliIo): Style {
  return createStyle(args.color && shouldUseColor({ isTTY: stream.isTTY, env: io.env }));
}

/**
 * The API client for this run; `onRetry` sees each backoff, a debug trace goes to stderr, a request
 * trace to `--trace FILE`. `secrets` (the run's secret values) are redacted wherever the server echoes them.
 */
export function connect(
  args: ConnectionArgs,
  io: CliIo,
  onRetry?: (info: RetryInfo) => void,
  secrets: readonly string[] = [],
): CekuraApi {
  const settings = resolveApiSettings({
    ...(args.apiUrl === undefined ? {} : { apiUrlFlag: args.apiUrl }),
    env: io.env,
  });
  const traceFile = args.trace ?? nonEmpty(io.env.CEKURAFORM_TRACE);
  return createApiClient({
    ...settings,
    secrets,
    clock: io.clock ?? systemClock,
    ...(io.dispatcher ? { dispatcher: io.dispatcher } : {}),
    ...(onRetry ? { onRetry } : {}),
    ...(isDebug(io) ? { log: (line: string) => io.stderr.write(`debug: ${line}\n`) } : {}),
    ...(traceFile === undefined ? {} : { trace: openTrace(resolve(io.cwd, traceFile), io) }),
  });
}

/** The API this run acts on and how it was chosen, for the plan to name. */
export function apiTargetOf(args: ConnectionArgs, io: CliIo): ApiTarget {
  return resolveApiUrl({ ...(args.apiUrl === undefined ? {} : { apiUrlFlag: args.apiUrl }), env: io.env });
}

/** Appends each entry as one line (mode 0600: a trace shows agents' configuration); written as it happens, so a hung run leaves its trace. */
function openTrace(file: string, io: CliIo): (entry: TraceEntry) => void {
  const append = (line: string) => appendFileSync(file, line, { mode: 0o600 });
  try {
    append('');
  } catch (error) {
    throw new UsageError(`cannot write the trace file ${displayPath(file, io)}: ${(error as Error).message}`, {
      hint: 'give --trace (or CEKURAFORM_TRACE) a file in a folder that exists',
    });
  }
  return (entry) => append(JSON.stringify(entry) + '\n');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The values a saved plan's secrets are read from, to redact from anything the API says back. */
export function planSecretValues(plan: Plan, env: CliIo['env']): string[] {
  return plan.resource_changes.flatMap((change) =>
    'request' in change && change.request.method !== 'DELETE'
      ? change.request.inserts.flatMap((insert) => (insert.source === 'env' ? (env[insert.env] ?? []) : []))
      : [],
  );
}

/** The values of the manifest's secrets, to redact from anything the API says back. */
export function manifestSecretValues(manifest: Manifest): string[] {
  return manifest.agents.flatMap((agent) => agent.secrets.map((secret) => secret.value.reveal()));
}

/** Plan options: the flags, else the manifest's top-level `prune` and `max_deletes`; mock mode by toggle until detected. */
function planOptionsOf(args: PlanningArgs, manifest: Manifest, via: MockModeVia): PlanOptions {
  const maxDeletes = args.maxDeletes ?? manifest.max_deletes;
  return {
    prune: args.prune || manifest.prune,
    delete_related: args.deleteRelated,
    ...(maxDeletes === undefined ? {} : { max_deletes: maxDeletes }),
    ...(args.targets.length === 0 ? {} : { targets: args.targets }),
    mock_mode_via: via,
  };
}

type PlanningArgs = Pick<PlanArgs, 'prune' | 'deleteRelated' | 'mockModeVia' | 'targets' | 'maxDeletes'>;

/**
 * Plans, with mock mode changed the way `--mock-mode-via` forces, else the manifest's `mock_mode_via`,
 * else the way the API offers (NOTES.md, "Two generations of the API"). Detecting costs one read,
 * sent only when the plan changes mock mode: the toggle-progress route asked for a progress id that
 * cannot exist answers 400 where the route exists and 404 where it was removed. It asks about an agent
 * the plan toggles, else any live agent, else id 0 (the page resolves a progress id without the agent).
 */
export async function planRun(input: {
  api: CekuraApi;
  manifest: Manifest;
  live: LiveState;
  record: StateRecord;
  args: PlanningArgs;
  /** The API the plan is for, which it names. */
  target: ApiTarget;
  /** Secret fingerprints are made and compared with these (`fingerprintKeysOf`). */
  fingerprintKeys: FingerprintKeys;
  /** The files read, for the remembered-file rule (`manifestScopeOf`). */
  scope: ManifestScope;
}): Promise<Plan> {
  const { api, manifest, live, record, args, target, fingerprintKeys, scope } = input;
  const forced = args.mockModeVia ?? manifest.mock_mode_via;
  const options = planOptionsOf(args, manifest, forced ?? 'toggle');
  const planned = plan(manifest, live, record, options, target, fingerprintKeys, scope);
  if (forced !== undefined || planned.mock_mode_changes.length === 0) return planned;
  const probeId = planned.mock_mode_changes.find((change) => change.id !== null)?.id ?? live.agents[0]?.id ?? 0;
  return (await api.offersToggle(probeId)) ? planned : withMockModeVia(planned, 'patch');
}

/** Reads and validates the manifests for the `--env` environment, printing their warnings to stderr. */
export async function readManifest(
  files: string[],
  io: CliIo,
  args: Pick<OutputArgs, 'color'> & Partial<Pick<ManifestArgs, 'env' | 'vars'>> & { checkEnv?: boolean },
): Promise<Manifest> {
  const manifest = await loadManifest({
    paths: files,
    cwd: io.cwd,
    env: io.env,
    environment: args.env,
    vars: args.vars ?? {},
    requireSecretValues: args.checkEnv ?? true,
  });
  const style = styleFor(args, io.stderr, io);
  for (const warning of manifest.warnings) io.stderr.write(issueLines(warning, 'warning', style).join('\n') + '\n');
  return manifest;
}

/** Describes a client retry for the user: `retrying listing agents of project 42 in 1.2s (HTTP 503)`. */
export function describeRetry(info: RetryInfo): string {
  return `retrying ${info.operation} in ${(info.delayMs / 1000).toFixed(1)}s (${info.reason}; attempt ${info.attempt + 1})`;
}

/** The projects to read: the manifest's, and those of agents the record owns, whose removal from the manifest deletes them. */
export function projectsToRead(manifest: Manifest, record: StateRecord): number[] {
  const projects = new Set([...manifest.projects, ...Object.values(record.agents).map((entry) => entry.project)]);
  return [...projects].sort((a, b) => a - b);
}

/**
 * The files this plan read and the remembered files it did not read, named as the record names them:
 * relative to the folder holding the record's folder, with `/` separators.
 */
export async function manifestScopeOf(
  manifest: Manifest,
  record: StateRecord,
  statePath: string,
  io: CliIo,
): Promise<ManifestScope> {
  const root = dirname(dirname(statePath));
  const files = Object.fromEntries(
    manifest.files.map((file) => [file, relative(root, resolve(io.cwd, file)).split(sep).join('/')]),
  );
  const read = new Set(Object.values(files));
  const remembered = new Set(Object.values(record.agents).flatMap((entry) => entry.file ?? []));
  const unread: string[] = [];
  for (const file of [...remembered].sort()) {
    if (!read.has(file) && (await exists(resolve(root, file)))) unread.push(file);
  }
  return { files, unread, isWhole: false };
}

/** Whether `path` exists (a missing file is an answer, not an error). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** What `destroy` plans from: no agents, so every agent the record owns is deleted; its projects come from the record. */
export function manifestForDestroy(environment: string | undefined): Manifest {
  return {
    files: [],
    ...(environment === undefined ? {} : { environment }),
    agents: [],
    projects: [],
    prune: false,
    hash: 'destroy',
    warnings: [],
  };
}

/** The plan deletes more than its `max_deletes` (flag or manifest) allows: apply will refuse it. */
export function maxDeletesWarning(plan: Plan): string | null {
  const deletes = listDeletes(plan).length;
  const maxDeletes = plan.options.max_deletes;
  if (maxDeletes === undefined || deletes <= maxDeletes) return null;
  return `the plan deletes ${deletes} agents and items, more than the ${maxDeletes} allowed by max-deletes: apply will refuse it`;
}

/** `--delete-related` on a plan that deletes no agent does nothing, which the user should know. */
export function deleteRelatedWarning(plan: Plan, args: Pick<PlanArgs, 'deleteRelated'>): string | null {
  if (!args.deleteRelated || plan.resource_changes.some((change) => change.action === 'delete')) return null;
  return '--delete-related changes nothing: the plan deletes no agent';
}
