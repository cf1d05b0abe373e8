import { isJsonObject } from '../json.js';
import { InvalidFaultsError, type FaultState } from './faults.js';
import { detailReply, parseJsonBody, ReplyError, type Reply } from './http.js';
import type { RequestLog } from './request-log.js';
import type { AgentStore } from './store.js';

/** What the admin routes act on. */
export interface AdminTarget {
  log: RequestLog;
  faults: FaultState;
  store: AgentStore;
  /** Forgets every agent, toggle, request, deletion and fault, and restarts the id counters. */
  reset(): void;
}

const SHARE_PATH = /^\/_emulator\/mock-tools\/(\d{1,15})\/share$/;

/**
 * Routes under `/_emulator/` (same key as the API, never in the request log): `GET/DELETE requests`,
 * `PUT/DELETE faults`, `POST reset`, `POST mock-tools/{toolId}/share {subscriber_count}`.
 */
export function handleAdmin(
  method: string,
  pathname: string,
  bodyText: string,
  contentType: string | undefined,
  target: AdminTarget,
): Reply {
  try {
    return route(method, pathname.replace(/\/+$/, ''), () => parseJsonBody(bodyText, contentType), target);
  } catch (error) {
    if (error instanceof ReplyError) return error.reply;
    if (error instanceof InvalidFaultsError) return detailReply(400, error.message);
    throw error;
  }
}

function route(method: string, path: string, body: () => unknown, target: AdminTarget): Reply {
  const call = `${method} ${path}`;
  if (call === 'GET /_emulator/requests') return { status: 200, body: { requests: target.log.entries() } };
  if (call === 'DELETE /_emulator/requests') return done(() => target.log.clear());
  if (call === 'PUT /_emulator/faults') {
    target.faults.set(body());
    return { status: 200, body: { faults: target.faults.current() } };
  }
  if (call === 'DELETE /_emulator/faults') return done(() => target.faults.clear());
  if (call === 'POST /_emulator/reset') return done(() => target.reset());
  const share = SHARE_PATH.exec(path);
  if (share !== null && method === 'POST') return shareTool(Number(share[1]), body(), target.store);
  return detailReply(404, 'Not found.');
}

function done(action: () => void): Reply {
  action();
  return { status: 204 };
}

function shareTool(toolId: number, body: unknown, store: AgentStore): Reply {
  const count = isJsonObject(body) ? body.subscriber_count : undefined;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
    return { status: 400, body: { subscriber_count: ['Ensure this is an integer greater than or equal to 1.'] } };
  }
  if (!store.markShared(toolId, count)) return detailReply(404, `No mock tool ${toolId}.`);
  return { status: 200, body: { id: toolId, is_shared: true, subscriber_count: count } };
}
