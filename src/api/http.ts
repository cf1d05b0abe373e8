import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import { MAX_NESTING_DEPTH, pathDeeperThan, type JsonObject } from '../json.js';
import { redactBodyText, type Redact } from '../redact.js';
import type { TraceEntry, Tracer } from './trace.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One API call as the operations describe it; retried as a whole by `withRetries`. */
export interface ApiRequest {
  /** What is being done, in words, for messages: `updating agent 303`. */
  operation: string;
  agentId?: number;
  method: HttpMethod;
  /** Absolute URL on the API's origin. */
  url: URL;
  body?: JsonObject;
  /** One of the toggle endpoints, which a server may lack: a 404 or 405 then means "unsupported". */
  isToggleEndpoint?: boolean;
}

/** What came back from one attempt: a response of any status, or no response at all. */
export type Exchange =
  | { kind: 'response'; status: number; retryAfter: string | undefined; text: string }
  | { kind: 'transport'; failure: TransportFailure; cause: Error };

export interface TransportFailure {
  reason: string;
  /** The request may have reached the server (false only when no connection was made). */
  wasSent: boolean;
  /** Worth another attempt: a timeout, refused or dropped connection. */
  isTransient: boolean;
}

export interface HttpConfig {
  dispatcher: Dispatcher;
  apiKey: string;
  /** Redacts the API key and every other secret of the run; applied to all text that leaves here. */
  redact: Redact;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Deadline of the whole attempt, in real time (a safety net, not a retry budget). */
  requestTimeoutMs: number;
  maxBodyBytes: number;
  clock: Clock;
  log?: (line: string) => void;
  /** Receives each request and each response or failure, redacted (`--trace FILE`). */
  trace?: Tracer;
  /** Sees the rate-limit headers of every response (`X-RateLimit-*`, `RateLimit-*`, `Retry-After`), for `doctor`. */
  onRateLimitHeaders?: (headers: Record<string, string>) => void;
}

/**
 * Sends one request and reads the whole body. Never throws: failures come back as data, so the
 * retry policy decides. The API key is scrubbed from every text that leaves here.
 */
export async function exchange(config: HttpConfig, request: ApiRequest): Promise<Exchange> {
  const startedAt = config.clock.now();
  const path = request.url.pathname + request.url.search;
  const id = config.trace?.nextId() ?? 0;
  config.trace?.write({
    type: 'request',
    id,
    time: new Date(startedAt).toISOString(),
    method: request.method,
    path: config.redact(request.url.pathname),
    query: Object.fromEntries([...request.url.searchParams].map(([name, value]) => [name, config.redact(value)])),
    body: request.body === undefined ? null : tracedBody(redactBodyText(JSON.stringify(request.body), config.redact)),
  });
  const result = await send(config, request, path);
  const endedAt = config.clock.now();
  const outcome = result.kind === 'response' ? String(result.status) : result.failure.reason;
  config.log?.(`${config.redact(`${request.method} ${path}`)} ${outcome} ${endedAt - startedAt}ms`);
  config.trace?.write({
    type: 'response',
    id,
    time: new Date(endedAt).toISOString(),
    duration_ms: endedAt - startedAt,
    ...(result.kind === 'response'
      ? { status: result.status, body: result.text === '' ? null : tracedBody(result.text) }
      : { status: null, error: `${result.failure.reason}: ${result.cause.message}`, body: null }),
  });
  return result;
}

/** A body as the trace shows it: parsed when it is JSON, so that the trace line stays one JSON document. */
function tracedBody(text: string): TraceEntry['body'] {
  try {
    const body = JSON.parse(text) as TraceEntry['body'];
    return pathDeeperThan(body, MAX_NESTING_DEPTH) === undefined ? body : text;
  } catch {
    return text;
  }
}

async function send(config: HttpConfig, request: ApiRequest, path: string): Promise<Exchange> {
  const { redact } = config;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DeadlineError(config.requestTimeoutMs)), config.requestTimeoutMs);
  try {
    const response = await config.dispatcher.request({
      signal: deadline.signal,
      origin: request.url.origin,
      path,
      method: request.method,
      headers: {
        'X-CEKURA-API-KEY': config.apiKey,
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      headersTimeout: config.headersTimeoutMs,
      bodyTimeout: config.bodyTimeoutMs,
    });
    const text = await readBody(response.body, config.maxBodyBytes);
    config.onRateLimitHeaders?.(rateLimitHeaders(response.headers));
    const retryAfter = response.headers['retry-after'];
    return {
      kind: 'response',
      status: response.statusCode,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      text: redactBodyText(text, redact),
    };
  } catch (thrown) {
    const error = deadline.signal.aborted ? deadline.signal.reason : thrown;
    return { kind: 'transport', failure: classifyTransportError(error), cause: scrubbedError(error, redact) };
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, refusing one larger than `maxBytes` as soon as it gets there. */
async function readBody(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class DeadlineError extends Error {
  readonly code = 'CEKURAFORM_REQUEST_DEADLINE';
  constructor(ms: number) {
    super(`no complete response within ${ms / 1000} s`);
  }
}

class BodyTooLargeError extends Error {
  readonly code = 'CEKURAFORM_BODY_TOO_LARGE';
  constructor(maxBytes: number) {
    super(`response body larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
  }
}

const TRANSPORT_FAILURES: ReadonlyMap<string, TransportFailure> = new Map(
  Object.entries({
    ECONNREFUSED: { reason: 'connection refused', wasSent: false, isTransient: true },
    UND_ERR_CONNECT_TIMEOUT: { reason: 'connect timeout', wasSent: false, isTransient: true },
    EHOSTUNREACH: { reason: 'host unreachable', wasSent: false, isTransient: true },
    ENETUNREACH: { reason: 'network unreachable', wasSent: false, isTransient: true },
    EAI_AGAIN: { reason: 'DNS lookup failed', wasSent: false, isTransient: true },
    ENOTFOUND: { reason: 'host not found', wasSent: false, isTransient: false },
    UND_ERR_HEADERS_TIMEOUT: { reason: 'response timeout', wasSent: true, isTransient: true },
    UND_ERR_BODY_TIMEOUT: { reason: 'response body timeout', wasSent: true, isTransient: true },
    ECONNRESET: { reason: 'connection reset', wasSent: true, isTransient: true },
    EPIPE: { reason: 'connection reset', wasSent: true, isTransient: true },
    UND_ERR_SOCKET: { reason: 'connection closed by the server', wasSent: true, isTransient: true },
    CEKURAFORM_REQUEST_DEADLINE: { reason: 'response not complete in time', wasSent: true, isTransient: true },
    CEKURAFORM_BODY_TOO_LARGE: { reason: 'response body too large', wasSent: true, isTransient: false },
  }),
);

function classifyTransportError(error: unknown): TransportFailure {
  const code = errorCode(error);
  // An unknown failure may have happened after the request was written: assume it was.
  return TRANSPORT_FAILURES.get(code) ?? { reason: code, wasSent: true, isTransient: false };
}

function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'unknown error';
}

/** A copy keeping name, code and message (undici's mock errors quote request headers, the key among them). */
function scrubbedError(error: unknown, redact: (text: string) => string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const scrubbed = new Error(redact(message));
  scrubbed.name = error instanceof Error ? error.name : 'Error';
  return Object.assign(scrubbed, { code: errorCode(error) });
}

function rateLimitHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      /ratelimit|^retry-after$/i.test(name) && value !== undefined
        ? [[name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]]
        : [],
    ),
  );
}
