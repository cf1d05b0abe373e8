import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { JsonValue } from '../json.js';
import { handleAdmin, type AdminTarget } from './admin.js';
import type { ApiRequest, EmulatorContext } from './context.js';
import { detailReply, parseJsonBody, readBody, ReplyError, sendReply, type Reply } from './http.js';
import type { RequestLog } from './request-log.js';
import { resolveRoute, type Route } from './routes.js';

/** Everything one request may touch. */
export interface Pipeline {
  context: EmulatorContext;
  log: RequestLog;
  admin: AdminTarget;
  apiKey: string;
  /** Added to every API request unless a `latency_ms` fault is set. */
  latencyMs: number;
  /** Used for URLs in responses when a request has no usable Host header. */
  fallbackBase: string;
  isClosed(): boolean;
  /** Saves what requests changed (the data file); awaited before any answer, so an acknowledged write is durable. */
  persist(): Promise<void>;
}

const API_KEY_HEADER = 'x-cekura-api-key';

/** Answers one HTTP request: admin routes directly; API routes through latency, auth, faults and the log. */
export async function serveRequest(
  request: IncomingMessage,
  response: ServerResponse,
  pipeline: Pipeline,
): Promise<void> {
  const method = request.method ?? 'GET';
  const base = baseUrl(request.headers.host, pipeline.fallbackBase);
  const url = new URL(request.url ?? '/', base);
  const bodyText = await readBody(request);

  if (url.pathname.startsWith('/_emulator/')) {
    const refusal = authFailure(request, pipeline.apiKey) ?? (bodyText === undefined ? tooLarge() : undefined);
    const reply =
      refusal ?? handleAdmin(method, url.pathname, bodyText ?? '', request.headers['content-type'], pipeline.admin);
    sendReply(response, (await savedOrFailure(pipeline)) ?? reply);
    return;
  }

  const route = resolveRoute(method, url.pathname, pipeline.context.settings.api);
  const latencyMs = pipeline.context.faults.latencyMs() ?? pipeline.latencyMs;
  if (latencyMs > 0) await delay(latencyMs);
  if (pipeline.isClosed()) return;

  const apiRequest: ApiRequest = {
    method,
    url,
    base,
    body: (): JsonValue => parseJsonBody(bodyText ?? '', request.headers['content-type']),
  };
  const outcome = answerApiRequest(request, route, apiRequest, bodyText !== undefined, pipeline);
  const agentId = outcome.agentId ?? route.agentId;
  const saveFailure = await savedOrFailure(pipeline);
  if (outcome.reply === undefined) response.destroy();
  else sendReply(response, saveFailure ?? outcome.reply);
  pipeline.log.record({ method, url, status: outcome.reply?.status ?? null, kind: route.kind, agentId });
}

/** The reply, or none when a `drop` fault takes the connection; `agentId` names an agent a create made. */
function answerApiRequest(
  request: IncomingMessage,
  route: Route,
  apiRequest: ApiRequest,
  isBodyAccepted: boolean,
  pipeline: Pipeline,
): { reply: Reply | undefined; agentId?: number } {
  const { faults } = pipeline.context;
  const refusal = authFailure(request, pipeline.apiKey) ?? (isBodyAccepted ? undefined : tooLarge());
  if (refusal !== undefined) return { reply: refusal };

  const retryAfter = faults.takeRateLimit(route.kind);
  if (retryAfter !== undefined) {
    return {
      reply: {
        ...detailReply(429, `Request was throttled. Expected available in ${retryAfter} seconds.`),
        headers: { 'retry-after': String(retryAfter) },
      },
    };
  }
  const errorStatus = faults.takeError(apiRequest.method, route.kind);
  if (errorStatus !== undefined)
    return { reply: detailReply(errorStatus, `Emulated server error (HTTP ${errorStatus}).`) };
  const drop = faults.takeDrop(route.kind);
  if (drop === 'before_commit') return { reply: undefined };

  const reply = runHandler(route, apiRequest, pipeline.context);
  if (drop === 'after_commit') return { reply: undefined, agentId: reply.agentId };
  // Only a write that went through counts as committed.
  if (reply.status < 300 && faults.takeCommitThen504(route.kind))
    return { reply: detailReply(504, 'Gateway timeout.'), agentId: reply.agentId };
  return { reply, agentId: reply.agentId };
}

/** Saves what the request changed before it is answered; a 500 to send instead when the save failed. */
async function savedOrFailure(pipeline: Pipeline): Promise<Reply | undefined> {
  try {
    await pipeline.persist();
    return undefined;
  } catch (error) {
    return detailReply(500, `Internal emulator error: ${(error as Error).message}`);
  }
}

function runHandler(route: Route, request: ApiRequest, context: EmulatorContext): Reply {
  try {
    return route.handle(request, context, route.agentId);
  } catch (error) {
    if (error instanceof ReplyError) return error.reply;
    return detailReply(500, `Internal emulator error: ${(error as Error).message}`);
  }
}

function authFailure(request: IncomingMessage, apiKey: string): Reply | undefined {
  const given = request.headers[API_KEY_HEADER];
  if (given === undefined) return detailReply(401, 'Authentication credentials were not provided.');
  if (given !== apiKey) return detailReply(401, 'Invalid API key.');
  return undefined;
}

function tooLarge(): Reply {
  return detailReply(413, 'Request body is too large.');
}

/** `http://<Host>` as the client sent it, so URLs in responses lead back here. */
function baseUrl(host: string | undefined, fallback: string): string {
  if (host === undefined || !URL.canParse(`http://${host}`)) return fallback;
  return new URL(`http://${host}`).origin;
}
