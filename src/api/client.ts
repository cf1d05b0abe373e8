import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { MAX_NESTING_DEPTH, pathDeeperThan, type JsonObject } from '../json.js';
import { createRedactor } from '../redact.js';
import { ApiError } from './errors.js';
import { describeFailure, invalidResponse } from './failure.js';
import { exchange, type ApiRequest, type HttpConfig } from './http.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryInfo, type RetryPolicy } from './retry.js';
import { createTracer, type TraceEntry } from './trace.js';
import {
  agentListSchema,
  agentPageSchema,
  agentSchema,
  parseBody,
  toggleProgressSchema,
  toggleStartedSchema,
} from './schemas.js';
import type { CekuraApi, WireAgent } from './types.js';

/** Time limits of one attempt. */
export interface ApiTimeouts {
  /** Establishing a connection; applies to the client's own pool only (an injected dispatcher has its own). */
  connectMs: number;
  /** From sending the request to the response headers. */
  headersMs: number;
  /** Between chunks of the response body. */
  bodyMs: number;
  /** The whole attempt, from sending to the last byte: a body trickling in under `bodyMs` per chunk still ends. */
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: ApiTimeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  requestMs: 120_000,
};

/** Largest response body read; a larger one fails the request instead of filling memory. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ApiClientOptions {
  /** Origin plus optional path prefix, as `resolveApiSettings` gives it. */
  baseUrl: string;
  apiKey: string;
  /**
   * MockAgent in tests, or any undici dispatcher. The caller keeps ownership: `close()` does not
   * close it. Default: a keep-alive pool of `connections` for the base URL's origin.
   */
  dispatcher?: Dispatcher;
  /** Size of the default pool; enough for apply's parallel writes. Default 8. */
  connections?: number;
  /** Backoff waits go through `clock.sleep`, elapsed time through `clock.now`. Default: the system clock. */
  clock?: Clock;
  /** Backoff jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  timeouts?: Partial<ApiTimeouts>;
  /** Default `DEFAULT_MAX_BODY_BYTES`. */
  maxBodyBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** `page_size` of list requests. Default 100. */
  pageSize?: number;
  /** Most pages one listing may take, whatever the server's `count` says. Default 10 000. */
  maxPages?: number;
  onRetry?: (info: RetryInfo) => void;
  /** Debug trace, one line per attempt: method, path, status or failure, ms. Never headers or bodies. */
  log?: (line: string) => void;
  /** Request trace with bodies (`--trace FILE`), redacted. */
  trace?: (entry: TraceEntry) => void;
  /** Values to redact besides the API key, wherever the server may echo them: the run's secrets. */
  secrets?: readonly string[];
  /** Sees the rate-limit headers of each response (see `HttpConfig`). */
  onRateLimitHeaders?: (headers: Record<string, string>) => void;
}

const AGENTS_PATH = '/test_framework/v2/aiagents/';
/** A progress id no toggle ever has (real ones are UUIDs). */
const PROBE_PROGRESS_ID = 'cekuraform-probe';

/** The Cekura API over HTTP. Every method rejects with an `ApiError`; see `CekuraApi`. */
export function createApiClient(options: ApiClientOptions): CekuraApi {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const clock = options.clock ?? systemClock;
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 10_000;
  const ownPool = options.dispatcher
    ? undefined
    : new Pool(base.origin, { connections: options.connections ?? 8, connect: { timeout: timeouts.connectMs } });
  const http: HttpConfig = {
    dispatcher: options.dispatcher ?? ownPool!,
    apiKey: options.apiKey,
    redact: createRedactor([options.apiKey, ...(options.secrets ?? [])]),
    headersTimeoutMs: timeouts.headersMs,
    bodyTimeoutMs: timeouts.bodyMs,
    requestTimeoutMs: timeouts.requestMs,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    clock,
    ...(options.log ? { log: options.log } : {}),
    ...(options.trace ? { trace: createTracer(options.trace) } : {}),
    ...(options.onRateLimitHeaders ? { onRateLimitHeaders: options.onRateLimitHeaders } : {}),
  };
  const retryDeps = {
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    clock,
    random: options.random ?? Math.random,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  };

  function agentsUrl(suffix: string, query: Record<string, string> = {}): URL {
    const url = new URL(basePath + AGENTS_PATH + suffix, base.origin);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url;
  }

  /** Sends with retries; resolves with a 2xx response's status and body text. */
  function call(request: ApiRequest): Promise<{ status: number; text: string }> {
    return withRetries(retryDeps, async ({ mayHaveCommitted }) => {
      const result = await exchange(http, request);
      if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
        return { ok: true, value: { status: result.status, text: result.text } };
      }
      // The earlier attempt deleted it; only its response was lost.
      if (request.method === 'DELETE' && mayHaveCommitted && result.kind === 'response' && result.status === 404) {
        return { ok: true, value: { status: result.status, text: '' } };
      }
      return { ok: false, failure: describeFailure(request, result, clock.now()) };
    });
  }

  async function callJson<T>(request: ApiRequest, schema: z.ZodType<T>): Promise<T> {
    const response = await call(request);
    return validate(request, response.status, schema, readJson(request, response));
  }

  async function listAgentPages(
    project: number,
    operation: string,
    query: Record<string, string>,
  ): Promise<WireAgent[]> {
    const agents: WireAgent[] = [];
    const fetched = new Set<string>();
    // `isLast`: its next link is followed (checked against loops and other origins); a page read with later ones is not.
    const readPage = async (url: URL, page: number, isLast = true) => {
      fetched.add(url.href);
      const request: ApiRequest = { operation: `${operation} (page ${page})`, method: 'GET', url };
      const response = await call(request);
      const body = readJson(request, response);
      if (Array.isArray(body)) return { results: validate(request, response.status, agentListSchema, body) };
      const current = validate(request, response.status, agentPageSchema, body);
      if (current.next && isLast && page >= pageLimit) {
        const counted =
          current.count === undefined ? 'a listing may take' : `its count of ${current.count} agents needs`;
        throw invalidResponse(
          request,
          response.status,
          `the server offers page ${page + 1}, more than the ${pageLimit} pages ${counted} (a pagination loop)`,
        );
      }
      const next = current.next && isLast ? nextPageUrl(request, response.status, current.next, fetched) : undefined;
      return { results: current.results, count: current.count, next };
    };
    // Raised to what page 1's count needs; a server whose `next` goes on past it is stopped there.
    let pageLimit = maxPages;

    let page = 1;
    let current = await readPage(
      agentsUrl('', { project_id: String(project), page_size: String(pageSize), ...query }),
      page,
    );
    agents.push(...current.results);
    pageLimit = pagesForCount(current.count, current.results.length, maxPages);
    // Page 1 says how many pages there are: the rest are read at once instead of one round trip each.
    const pageCount =
      current.count === undefined || current.results.length === 0
        ? 0
        : Math.min(maxPages, Math.ceil(current.count / current.results.length));
    if (current.next?.searchParams.get('page') === '2' && pageCount > 2) {
      const next = current.next;
      const urls = Array.from({ length: pageCount - 1 }, (_, index) => withPage(next, index + 2));
      const rest = await Promise.all(urls.map((url, index) => readPage(url, index + 2, index === urls.length - 1)));
      for (const read of rest) agents.push(...read.results);
      current = rest.at(-1)!;
      page = pageCount;
    }
    // Pages one after another: a server without page numbers, or agents added since page 1 was read.
    while (current.next !== undefined) {
      page += 1;
      current = await readPage(current.next, page);
      agents.push(...current.results);
    }
    // A server that ignored project_id must not make other projects' agents look managed.
    return agents.filter((agent) => agent.project === project);
  }

  /** `url` (page 2, on the API's origin) asking for page `page` instead. */
  function withPage(url: URL, page: number): URL {
    const paged = new URL(url);
    paged.searchParams.set('page', String(page));
    return paged;
  }

  function nextPageUrl(request: ApiRequest, status: number, next: string, fetched: Set<string>): URL {
    let url: URL;
    try {
      url = new URL(next, request.url);
    } catch {
      throw invalidResponse(request, status, `next is not a URL: ${JSON.stringify(next)}`);
    }
    // Every request carries the key, so a link to another origin is never followed.
    if (url.origin !== base.origin) {
      throw invalidResponse(
        request,
        status,
        `next page is on ${url.origin}, not ${base.origin}; refusing to send the API key there`,
      );
    }
    if (fetched.has(url.href)) {
      throw invalidResponse(
        request,
        status,
        `next page ${url.pathname + url.search} was already fetched (a pagination loop)`,
      );
    }
    return url;
  }

  return {
    listAgents: (project) => listAgentPages(project, `listing agents of project ${project}`, {}),

    findAgentsByName: async (project, name) => {
      const operation = `finding agents named ${JSON.stringify(name)} in project ${project}`;
      const stored = name.trim();
      const found = await listAgentPages(project, operation, { q: stored });
      // `q` is a search, not an exact match; the server stores names trimmed (DRF trims text fields).
      return found.filter((agent) => agent.name.trim() === stored);
    },

    getAgent: (id) =>
      callJson({ operation: `reading agent ${id}`, agentId: id, method: 'GET', url: agentsUrl(`${id}/`) }, agentSchema),

    createAgent: (body) =>
      callJson(
        { operation: `creating agent ${agentName(body)}`, method: 'POST', url: agentsUrl(''), body },
        agentSchema,
      ),

    updateAgent: (id, body) =>
      callJson(
        { operation: `updating agent ${id}`, agentId: id, method: 'PATCH', url: agentsUrl(`${id}/`), body },
        agentSchema,
      ),

    deleteAgent: async (id, { deleteRelated }) => {
      const url = agentsUrl(`${id}/`, { delete_related: String(deleteRelated) });
      await call({ operation: `deleting agent ${id}`, agentId: id, method: 'DELETE', url });
    },

    toggleMockTools: async (id, enabled) => {
      const started = await callJson(
        {
          operation: `${enabled ? 'enabling' : 'disabling'} mock tools of agent ${id}`,
          agentId: id,
          method: 'POST',
          url: agentsUrl(`${id}/toggle-mock-tools/`),
          body: { enabled },
          isToggleEndpoint: true,
        },
        toggleStartedSchema,
      );
      return { progress_id: started.progress_id };
    },

    getToggleProgress: (id, progressId) =>
      callJson(
        {
          operation: `reading the mock-tool toggle progress of agent ${id}`,
          agentId: id,
          method: 'GET',
          url: agentsUrl(`${id}/toggle-mock-tools-progress/`, { progress_id: progressId }),
          isToggleEndpoint: true,
        },
        toggleProgressSchema,
      ),

    offersToggle: async (id) => {
      const request: ApiRequest = {
        operation: 'checking whether the API offers the mock-tool toggle',
        agentId: id,
        method: 'GET',
        url: agentsUrl(`${id}/toggle-mock-tools-progress/`, { progress_id: PROBE_PROGRESS_ID }),
        isToggleEndpoint: true,
      };
      try {
        await call(request);
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'api_validation') return true;
        if (error instanceof ApiError && error.code === 'api_unsupported') return false;
        throw error;
      }
    },

    close: async () => {
      if (ownPool && !ownPool.closed) await ownPool.close();
    },
  };
}

/** Pages a listing of `count` agents may take at the first page's size, one more for agents added meanwhile, at most `maxPages`. */
function pagesForCount(count: number | undefined, firstPageSize: number, maxPages: number): number {
  if (count === undefined) return maxPages;
  return Math.min(maxPages, Math.ceil(count / Math.max(1, firstPageSize)) + 1);
}

function readJson(request: ApiRequest, response: { status: number; text: string }): unknown {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw invalidResponse(request, response.status, response.text === '' ? 'empty body' : 'body is not JSON');
  }
  const tooDeep = pathDeeperThan(body, MAX_NESTING_DEPTH);
  if (tooDeep !== undefined) {
    const where = tooDeep.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');
    throw invalidResponse(
      request,
      response.status,
      `body nested deeper than ${MAX_NESTING_DEPTH} levels (at ${where.replace(/^\./, '')})`,
    );
  }
  return body;
}

function validate<T>(request: ApiRequest, status: number, schema: z.ZodType<T>, body: unknown): T {
  const parsed = parseBody(schema, body);
  if (!parsed.ok) throw invalidResponse(request, status, parsed.problem);
  return parsed.value;
}

function agentName(body: JsonObject): string {
  return typeof body.name === 'string' ? JSON.stringify(body.name) : '(unnamed)';
}
