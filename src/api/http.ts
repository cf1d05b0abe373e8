import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import type { JsonObject } from '../json.js';

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
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  clock: Clock;
  log?: (line: string) => void;
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
  const result = await send(config, request, path);
  const ms = config.clock.now() - startedAt;
  const outcome = result.kind === 'response' ? String(result.status) : result.failure.reason;
  config.log?.(`${request.method} ${path} ${outcome} ${ms}ms`);
  return result;
}

async function send(config: HttpConfig, request: ApiRequest, path: string): Promise<Exchange> {
  const redact = (text: string): string => redactSecret(text, config.apiKey);
  try {
    const response = await config.dispatcher.request({
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
    const text = await response.body.text();
    config.onRateLimitHeaders?.(rateLimitHeaders(response.headers));
    const retryAfter = response.headers['retry-after'];
    return {
      kind: 'response',
      status: response.statusCode,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      text: redact(text),
    };
  } catch (error) {
    return { kind: 'transport', failure: classifyTransportError(error), cause: scrubbedError(error, redact) };
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

function redactSecret(text: string, secret: string): string {
  return secret === '' ? text : text.replaceAll(secret, '[redacted]');
}
