import type { ApiGeneration } from '../cekura/generation.js';
import type { ApiRequest, EmulatorContext } from './context.js';
import { detailReply, ReplyError, type Reply } from './http.js';
import { renderAgent } from './render.js';
import type { StoredAgent } from './types.js';

/**
 * `GET /test_framework/v2/aiagents/`: filtered by `project_id` (or `project`), searched by `q` in
 * names, ordered by id, paged as DRF's PageNumberPagination does (NOTES.md). Generation 2026-08
 * also matches a numeric `q` against the id, and leaves `description` out of the items.
 */
export function listAgents(request: ApiRequest, context: EmulatorContext): Reply {
  const query = request.url.searchParams;
  const project = readProjectFilter(query);
  const search = query.get('q')?.toLowerCase() ?? '';
  const pageSize = readPageSize(query.get('page_size'), context.settings);
  const page = readPage(query.get('page'));

  const matches: StoredAgent[] = [];
  for (const agent of context.store.all()) {
    if (project !== undefined && agent.project !== project) continue;
    if (search !== '' && !matchesSearch(agent, search, context.settings.api)) continue;
    matches.push(agent);
  }
  if (context.faults.takeListShift(page)) matches.shift();
  const pageCount = Math.max(1, Math.ceil(matches.length / pageSize));
  if (page > pageCount) throw new ReplyError(detailReply(404, 'Invalid page.'));

  const results = matches.slice((page - 1) * pageSize, page * pageSize).map((agent) => {
    context.toggles.settle(agent);
    const item = renderAgent(agent, request.base);
    if (context.settings.api === '2026-06') return item;
    const { description: _leftOut, ...withoutDescription } = item;
    return withoutDescription;
  });
  return {
    status: 200,
    body: {
      count: matches.length,
      next: page < pageCount ? pageUrl(request.url, page + 1) : null,
      previous: page > 1 ? pageUrl(request.url, page - 1) : null,
      results,
    },
  };
}

function matchesSearch(agent: StoredAgent, search: string, api: ApiGeneration): boolean {
  if (agent.name.toLowerCase().includes(search)) return true;
  return api === '2026-08' && /^\d+$/.test(search) && agent.id === Number(search);
}

function readProjectFilter(query: URLSearchParams): number | undefined {
  const field = query.has('project_id') ? 'project_id' : 'project';
  const value = query.get(field);
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new ReplyError({ status: 400, body: { [field]: ['Enter a number.'] } });
  return Number(value);
}

/** DRF ignores a bad `page_size` and caps a large one. */
function readPageSize(value: string | null, settings: EmulatorContext['settings']): number {
  const size = value !== null && /^\d+$/.test(value) ? Number(value) : 0;
  return size > 0 ? Math.min(size, settings.maxPageSize) : settings.pageSize;
}

function readPage(value: string | null): number {
  if (value === null) return 1;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ReplyError(detailReply(404, 'Invalid page.'));
  return Number(value);
}

/** The same URL on another page; page 1 drops the parameter, as DRF does. */
function pageUrl(url: URL, page: number): string {
  const target = new URL(url);
  if (page === 1) target.searchParams.delete('page');
  else target.searchParams.set('page', String(page));
  return target.toString();
}
