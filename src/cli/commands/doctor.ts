import { createApiClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import { resolveApiSettings } from '../../api/settings.js';
import type { CekuraApi, WireAgent } from '../../api/types.js';
import { systemClock, type Clock } from '../../clock.js';
import { CekuraformError } from '../../errors.js';
import type { ApiTarget } from '../../plan/types.js';
import { renderDoctorText, type DoctorProject, type DoctorReport } from '../../render/doctor.js';
import { FIELDS_THE_PLANNER_NEEDS } from '../../state/fetch.js';
import type { DoctorArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { apiTargetOf, readManifest, styleFor } from '../session.js';

/**
 * `cekuraform doctor`: a read-only look at the configured API — the key, the manifest's projects, the
 * shape of list items, whether the toggle routes exist and so which generation it is, latency and
 * rate-limit headers. Only GETs are sent. Exits 0 when the API is usable, else 1.
 */
export async function doctorCommand(args: DoctorArgs, io: CliIo): Promise<number> {
  const api = apiTargetOf(args, io);
  const settings = resolveApiSettings({
    ...(args.apiUrl === undefined ? {} : { apiUrlFlag: args.apiUrl }),
    env: io.env,
  });
  const projects = await projectsToCheck(args, io);
  const clock = io.clock ?? systemClock;
  let rateLimitHeaders: Record<string, string> = {};
  const client = createApiClient({
    ...settings,
    clock,
    ...(io.dispatcher ? { dispatcher: io.dispatcher } : {}),
    onRateLimitHeaders: (headers) => {
      if (Object.keys(headers).length > 0) rateLimitHeaders = headers;
    },
  });
  try {
    const report = await examine(client, clock, projects, api);
    report.rate_limit_headers = rateLimitHeaders;
    if (args.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else io.stdout.write(renderDoctorText(report, styleFor(args, io.stdout, io)));
    return report.status === 'ok' ? 0 : 1;
  } finally {
    await client.close();
  }
}

/** The manifest's projects; none when there is no manifest to read (doctor still checks the key and the API). */
async function projectsToCheck(args: DoctorArgs, io: CliIo): Promise<number[]> {
  try {
    return (await readManifest(args.files, io, args)).projects;
  } catch (error) {
    if (error instanceof CekuraformError && error.code === 'manifest_not_found' && args.files.length === 0) return [];
    throw error;
  }
}

async function examine(client: CekuraApi, clock: Clock, projects: number[], api: ApiTarget): Promise<DoctorReport> {
  const report: DoctorReport = {
    status: 'ok',
    api,
    key: 'unchecked',
    projects: [],
    list_items: { agents: 0, present: [], missing: [] },
    toggle_offered: null,
    generation: 'unknown',
    mock_mode_via: null,
    latency_ms: { probe: null, lists: null },
    rate_limit_headers: {},
    problems: [],
  };
  const listed: WireAgent[] = [];
  const listStart = clock.now();
  for (const project of projects) {
    try {
      const agents = await client.listAgents(project);
      report.key = 'accepted';
      report.projects.push({ project, visible: true, agents: agents.length });
      listed.push(...agents);
    } catch (error) {
      if (isKeyRejected(error)) return rejected(report, error);
      if (isUnreachable(error)) return unreachable(report, error);
      report.projects.push(notListed(project, error));
      report.problems.push(`project ${project} could not be listed: ${describe(error)}`);
    }
  }
  if (projects.length > 0) report.latency_ms.lists = clock.now() - listStart;
  report.list_items = listItemShape(listed);

  const probeStart = clock.now();
  try {
    // Any agent id does: the progress id is resolved first (see `planRun`).
    report.toggle_offered = await client.offersToggle(listed[0]?.id ?? 0);
    report.latency_ms.probe = clock.now() - probeStart;
    report.key = 'accepted';
  } catch (error) {
    if (isKeyRejected(error)) return rejected(report, error);
    if (isUnreachable(error)) return unreachable(report, error);
    report.problems.push(`the toggle probe failed: ${describe(error)}`);
  }
  if (report.toggle_offered !== null) {
    report.mock_mode_via = report.toggle_offered ? 'toggle' : 'patch';
    const isWhole = !report.list_items.missing.includes('description');
    report.generation = report.toggle_offered ? (isWhole ? '2026-06' : 'unknown') : '2026-08';
    if (report.generation === 'unknown')
      report.problems.push('the toggle routes exist but list items leave description out: a mix of both generations');
  }
  if (report.projects.some((project) => !project.visible) || report.toggle_offered === null) report.status = 'error';
  return report;
}

function listItemShape(agents: WireAgent[]): DoctorReport['list_items'] {
  const fields = [...FIELDS_THE_PLANNER_NEEDS];
  const missing = fields.filter((field) => agents.some((agent) => agent[field] === undefined));
  return {
    agents: agents.length,
    present: agents.length === 0 ? [] : fields.filter((field) => !missing.includes(field)),
    missing,
  };
}

function isKeyRejected(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'api_unauthorized';
}

/** A 401/403 ends the check: nothing else can be learnt. The key itself is never shown. */
function rejected(report: DoctorReport, error: ApiError): DoctorReport {
  report.key = 'rejected';
  report.status = 'error';
  report.problems.push(
    `Cekura refused the API key (HTTP ${error.status}): check that CEKURA_API_KEY holds a valid key for this organisation`,
  );
  return report;
}

/** No response at all (refused, DNS, timeout): the API itself is the problem, and nothing else can be learnt. */
function isUnreachable(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === null;
}

function unreachable(report: DoctorReport, error: ApiError): DoctorReport {
  report.status = 'error';
  report.problems.push(
    `the API at ${report.api.url} cannot be reached (${describe(error)}): check the URL and that the server is up`,
  );
  return report;
}

function notListed(project: number, error: unknown): DoctorProject {
  return { project, visible: false, error: describe(error) };
}

function describe(error: unknown): string {
  if (error instanceof ApiError)
    return error.status === null
      ? (error.detail ?? error.message)
      : `HTTP ${error.status}${error.detail ? `: ${error.detail}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
