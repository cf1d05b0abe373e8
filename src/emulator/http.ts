import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue } from '../json.js';

/** An answer to one request, before it is written. */
export interface Reply {
  status: number;
  /** Serialized as JSON; omitted for 204. */
  body?: object;
  headers?: Record<string, string>;
  /** The agent the request was about (for the request log), when the path does not say (create). */
  agentId?: number;
}

/** Thrown by handlers to answer at once (404 for an unknown agent, 400 for a bad body). */
export class ReplyError extends Error {
  readonly reply: Reply;

  constructor(reply: Reply) {
    super(`HTTP ${reply.status}`);
    this.reply = reply;
  }
}

export function detailReply(status: number, detail: string): Reply {
  return { status, body: { detail } };
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The request body as text; undefined when it is larger than the emulator accepts. */
export async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large, so the 413 can still be written on this connection.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** The parsed JSON body (`{}` when empty, as DRF reads it); throws a 400 or 415 `ReplyError`. */
export function parseJsonBody(text: string, contentType: string | undefined): JsonValue {
  if (text.trim() === '') return {};
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== undefined && mediaType !== 'application/json') {
    throw new ReplyError(detailReply(415, `Unsupported media type "${mediaType}" in request.`));
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new ReplyError(detailReply(400, `JSON parse error - ${(error as Error).message}`));
  }
}

export function sendReply(response: ServerResponse, reply: Reply): void {
  if (response.destroyed) return;
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }),
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  response.end(text);
}
