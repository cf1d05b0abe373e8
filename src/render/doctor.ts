import type { ApiGeneration, MockModeVia } from '../cekura/generation.js';
import type { ApiTarget } from '../plan/types.js';
import type { Style } from './style.js';
import { countOf } from './wording.js';

/** What `cekuraform doctor` found out about the configured API, read-only. Holds no secret. */
export interface DoctorReport {
  /** Usable: the key is accepted, every project of the manifest could be listed, and the toggle probe answered. */
  status: 'ok' | 'error';
  api: ApiTarget;
  /** `unchecked` when no request got an answer. */
  key: 'accepted' | 'rejected' | 'unchecked';
  /** The projects the manifest names, each listed once (every page). */
  projects: DoctorProject[];
  /** Which fields the planner compares the listed agents carried; those missing are read with GET before planning. */
  list_items: { agents: number; present: string[]; missing: string[] };
  /** Null when the probe was not answered. */
  toggle_offered: boolean | null;
  /** The generation the answers look like (NOTES.md, "Two generations of the API"), or `unknown`. */
  generation: ApiGeneration | 'unknown';
  /** How plans will change mock mode here, unless forced. */
  mock_mode_via: MockModeVia | null;
  latency_ms: { probe: number | null; lists: number | null };
  /** Rate-limit headers of the last response that had any, by lower-case name. */
  rate_limit_headers: Record<string, string>;
  /** What makes the API unusable, or is worth knowing, in words. */
  problems: string[];
}

export type DoctorProject =
  { project: number; visible: true; agents: number } | { project: number; visible: false; error: string };

/** The report as a two-column table and a verdict. */
export function renderDoctorText(report: DoctorReport, style: Style): string {
  const rows: [string, string][] = [
    ['API URL', `${report.api.url} (${sourceWords(report.api.source)})`],
    [
      'API key',
      report.key === 'accepted' ? 'accepted' : report.key === 'rejected' ? style.error('rejected') : 'not checked',
    ],
  ];
  for (const project of report.projects) {
    rows.push([
      `project ${project.project}`,
      project.visible ? `visible, ${countOf(project.agents, 'agent')}` : style.error(`not listed: ${project.error}`),
    ]);
  }
  if (report.projects.length === 0) rows.push(['projects', 'none named (give -f MANIFEST to check its projects)']);
  rows.push(['list items', listItemWords(report.list_items)]);
  rows.push(['toggle endpoints', toggleWords(report.toggle_offered)]);
  rows.push(['looks like', generationWords(report.generation, report.mock_mode_via)]);
  rows.push(['latency', latencyWords(report.latency_ms)]);
  const headers = Object.entries(report.rate_limit_headers);
  rows.push([
    'rate limits',
    headers.length === 0 ? 'no rate-limit headers' : headers.map(([n, v]) => `${n}: ${v}`).join('; '),
  ]);

  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = ['cekuraform doctor (read-only; nothing was written)', ''];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
  lines.push('');
  for (const problem of report.problems) lines.push(style.warn(`! ${problem}`));
  lines.push(report.status === 'ok' ? 'Usable: yes.' : style.error('Usable: no.'));
  return lines.join('\n') + '\n';
}

function sourceWords(source: ApiTarget['source']): string {
  return source === 'flag' ? 'from --api-url' : source === 'env' ? 'from CEKURA_API_URL' : 'the default';
}

function listItemWords(items: DoctorReport['list_items']): string {
  if (items.agents === 0) return 'no agents to look at';
  if (items.missing.length === 0) return `${countOf(items.agents, 'agent')} seen, whole (every compared field present)`;
  return `${countOf(items.agents, 'agent')} seen; missing ${items.missing.join(', ')}: each such agent is read with GET before planning`;
}

function toggleWords(offered: boolean | null): string {
  if (offered === null) return 'not checked';
  return offered
    ? 'offered (the progress route answers 400 for an unknown progress id)'
    : 'not offered (the progress route answers 404)';
}

function generationWords(generation: DoctorReport['generation'], via: MockModeVia | null): string {
  switch (generation) {
    case '2026-06':
      return '2026-06 (the API pages): mock mode is switched by toggle + polling';
    case '2026-08':
      return '2026-08 (Cekura’s reference since): mock mode is written as mock_tools_enabled by PATCH';
    case 'unknown':
      return via === null ? 'unknown' : `unknown; plans change mock mode by ${via}`;
  }
}

function latencyWords(latency: DoctorReport['latency_ms']): string {
  const parts = [];
  if (latency.probe !== null) parts.push(`${latency.probe} ms for one request`);
  if (latency.lists !== null) parts.push(`${latency.lists} ms to list the projects`);
  return parts.length === 0 ? 'not measured' : parts.join('; ');
}
