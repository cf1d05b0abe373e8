import { REQUEST_KINDS, type RequestKind, type RequestLogEntry } from '../src/emulator/types.js';

// What the emulator's request log says about one CLI run: counts by kind, the request-count targets,
// and the critical-path bound that the run's wall time is judged against. Pure; the bench and
// test/bench share it.

export type KindCounts = Record<RequestKind, number>;

/** Requests that change an agent's configuration (a toggle is counted on its own). */
export const WRITE_KINDS: readonly RequestKind[] = ['create', 'update', 'delete'];

export function countByKind(requests: readonly RequestLogEntry[]): KindCounts {
  const counts = Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, 0])) as KindCounts;
  for (const request of requests) counts[request.kind] += 1;
  return counts;
}

/** The fewest list pages that return `agents` agents at `pageSize` a page (an empty project is one page). */
export function expectedPages(agents: number, pageSize: number): number {
  return Math.max(1, Math.ceil(agents / pageSize));
}

/** The read-only probe a plan that changes mock mode sends once, to learn whether the toggle routes exist. */
export function isToggleProbe(request: RequestLogEntry): boolean {
  return request.method === 'GET' && request.query.progress_id === 'cekuraform-probe';
}

/**
 * Target "a plan issues only list calls, one per page, and no per-agent request" (besides at most one
 * toggle probe when it changes mock mode). Returns what breaks it, empty when met. `pageSize` is what
 * the server honours for the client's `page_size`.
 */
export function planRequestProblems(
  requests: readonly RequestLogEntry[],
  liveAgents: number,
  pageSize: number,
): string[] {
  const problems: string[] = [];
  const probes = requests.filter(isToggleProbe).length;
  if (probes > 1) problems.push(`toggle probes: ${probes}, not at most one`);
  const others = requests.filter((request) => request.kind !== 'list' && !isToggleProbe(request));
  if (others.length > 0) problems.push(`requests other than list: ${others.length} (${describeKinds(others)})`);
  const lists = requests.filter((request) => request.kind === 'list');
  const pages = expectedPages(liveAgents, pageSize);
  if (lists.length !== pages) problems.push(`list requests: ${lists.length} for ${pages} pages`);
  const distinct = new Set(lists.map((request) => `${request.query.project_id}|${request.query.page ?? '1'}`));
  if (distinct.size !== lists.length) problems.push('a list page was requested more than once');
  return problems;
}

/**
 * Targets "zero writes when converged" (`changedIds` empty) and "exactly one write per changed
 * agent": the create, update and delete requests are one per agent of `changedIds` and none else.
 */
export function writeProblems(requests: readonly RequestLogEntry[], changedIds: readonly number[]): string[] {
  const writes = requests.filter((request) => WRITE_KINDS.includes(request.kind));
  const perAgent = new Map<number | undefined, number>();
  for (const write of writes) perAgent.set(write.agent_id, (perAgent.get(write.agent_id) ?? 0) + 1);
  const problems: string[] = [];
  const expected = new Set(changedIds);
  const missing = changedIds.filter((id) => !perAgent.has(id));
  if (missing.length > 0)
    problems.push(`changed agents not written: ${missing.length} (ids ${missing.slice(0, 5).join(', ')})`);
  const repeated = [...perAgent].filter(([id, count]) => id !== undefined && expected.has(id) && count > 1);
  if (repeated.length > 0) problems.push(`agents written more than once: ${repeated.length}`);
  const unexpected = [...perAgent].filter(([id]) => id === undefined || !expected.has(id));
  if (unexpected.length > 0) {
    const count = unexpected.reduce((sum, [, times]) => sum + times, 0);
    problems.push(`writes to agents that did not change: ${count}`);
  }
  return problems;
}

/** Lower bound on a run's wall time from the round trips it needed; see BENCHMARKS.md "The bounds". */
export interface Bound {
  /** The bound itself, in milliseconds. */
  ms: number;
  /** Sequential list pages (each needs the previous page's `next`). */
  pages: number;
  /** The pages' part of `ms`: pages × latency. */
  pagesMs: number;
  /** Requests on behalf of one agent (write, toggle, progress polls, reads), summed over agents. */
  agentRequests: number;
  /** The longest single agent's chain, in milliseconds, including the toggle's own duration. */
  longestChainMs: number;
}

export interface BoundSettings {
  latencyMs: number;
  parallelism: number;
  /** How long the server keeps a toggle in progress; no client can see it finish sooner. */
  toggleDurationMs: number;
}

/** Plan: the list pages one after another. */
export function planBound(requests: readonly RequestLogEntry[], latencyMs: number): Bound {
  const pages = requests.filter((request) => request.kind === 'list').length;
  return { ms: pages * latencyMs, pages, pagesMs: pages * latencyMs, agentRequests: 0, longestChainMs: 0 };
}

/**
 * Apply: the list pages, then the agents' chains spread over `parallelism` slots, but never less
 * than the longest single chain: `pages·L + max(Σ r_a·L / P, max_a (r_a·L + D_a))`, where `r_a` is
 * the number of requests for agent `a` and `D_a` is the toggle duration when `a` was toggled.
 */
export function applyBound(requests: readonly RequestLogEntry[], settings: BoundSettings): Bound {
  const pages = requests.filter((request) => request.kind === 'list').length;
  const perAgent = new Map<number, { requests: number; toggled: boolean }>();
  for (const request of requests) {
    if (request.kind === 'list' || request.agent_id === undefined) continue;
    const chain = perAgent.get(request.agent_id) ?? { requests: 0, toggled: false };
    chain.requests += 1;
    if (request.kind === 'toggle') chain.toggled = true;
    perAgent.set(request.agent_id, chain);
  }
  let agentRequests = 0;
  let longestChainMs = 0;
  for (const chain of perAgent.values()) {
    agentRequests += chain.requests;
    longestChainMs = Math.max(
      longestChainMs,
      chain.requests * settings.latencyMs + (chain.toggled ? settings.toggleDurationMs : 0),
    );
  }
  const spread = (agentRequests * settings.latencyMs) / settings.parallelism;
  const pagesMs = pages * settings.latencyMs;
  return { ms: pagesMs + Math.max(spread, longestChainMs), pages, pagesMs, agentRequests, longestChainMs };
}

function describeKinds(requests: readonly RequestLogEntry[]): string {
  return Object.entries(countByKind(requests))
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}
