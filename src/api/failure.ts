import { assertNever } from '../errors.js';
import { isJsonObject, type JsonValue } from '../json.js';
import { ApiError, type ApiErrorCode, type ApiErrorDetails } from './errors.js';
import type { ApiRequest, Exchange, HttpMethod } from './http.js';
import { parseRetryAfter, type AttemptFailure } from './retry.js';

/** Statuses retried for idempotent calls (a 500 is as often passing as a 502); 429 is retried for every call (nothing was processed). */
const RETRIED_STATUSES = [500, 502, 503, 504];

/** A response with a non-2xx status, or no response, as a retry decision and the error it becomes. */
export function describeFailure(request: ApiRequest, exchange: Exchange, nowMs: number): AttemptFailure {
  switch (exchange.kind) {
    case 'response':
      return statusFailure(request, exchange.status, exchange.text, parseRetryAfter(exchange.retryAfter, nowMs));
    case 'transport': {
      const { failure } = exchange;
      return {
        code: 'api_unavailable',
        details: {
          ...requestDetails(request, null),
          detail: failure.reason,
          maybeCommitted: failure.wasSent,
          cause: exchange.cause,
        },
        // Nothing was sent when no connection was made, so even a POST may go again.
        isRetryable: failure.isTransient && (!failure.wasSent || isIdempotent(request.method)),
        reason: failure.reason,
      };
    }
    default:
      return assertNever(exchange, 'exchange');
  }
}

/** A 2xx response whose body is not what the operation expects. */
export function invalidResponse(request: ApiRequest, status: number, problem: string): ApiError {
  return new ApiError('api_invalid_response', {
    ...requestDetails(request, status),
    detail: `unexpected response: ${problem}`,
    // The server answered 2xx, so it did process the request.
    maybeCommitted: true,
    hint: 'the Cekura API may have changed; please report this with the command you ran',
  });
}

function isIdempotent(method: HttpMethod): boolean {
  switch (method) {
    case 'GET':
    case 'PATCH':
    case 'DELETE':
      return true;
    case 'POST':
      return false;
    default:
      return assertNever(method, 'HTTP method');
  }
}

// Cekura's newer public API dropped the toggle endpoints (NOTES.md): the plan chose the wrong way.
const TOGGLE_UNSUPPORTED = {
  detail:
    'this Cekura API does not offer toggle-mock-tools (the newer API sets mock_tools_enabled by PATCH); run plan again, which detects this',
  hint: 'run `cekuraform plan` again, or plan with --mock-mode-via patch',
};

function statusFailure(
  request: ApiRequest,
  status: number,
  text: string,
  retryAfterMs: number | undefined,
): AttemptFailure {
  const isUnsupported = request.isToggleEndpoint === true && (status === 404 || status === 405);
  const hint = hintForStatus(status);
  return {
    code: isUnsupported ? 'api_unsupported' : codeForStatus(status),
    details: {
      ...requestDetails(request, status),
      ...(isUnsupported ? TOGGLE_UNSUPPORTED : { ...serverSaid(text), ...(hint ? { hint } : {}) }),
      maybeCommitted: status >= 500,
    },
    isRetryable: status === 429 || (RETRIED_STATUSES.includes(status) && isIdempotent(request.method)),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    reason: `HTTP ${status}`,
  };
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 400) return 'api_validation';
  if (status === 401 || status === 403) return 'api_unauthorized';
  if (status === 404) return 'api_not_found';
  if (status === 429) return 'api_rate_limited';
  if (status >= 500) return 'api_unavailable';
  return 'api_error';
}

function hintForStatus(status: number): string | undefined {
  if (status === 401 || status === 403) return 'check that CEKURA_API_KEY holds a valid key for this organisation';
  if (status === 429) return 'Cekura is limiting the request rate; wait a minute and run again';
  if (status >= 500) return 'Cekura did not complete the request; try again later';
  return undefined;
}

/** DRF error bodies: `{"detail": "…"}`, field errors `{"name": ["…"]}` (nested for list items), or a list of messages. */
function serverSaid(text: string): Pick<ApiErrorDetails, 'detail' | 'fieldErrors'> {
  let body: JsonValue;
  try {
    body = JSON.parse(text) as JsonValue;
  } catch {
    return {};
  }
  if (isJsonObject(body)) {
    if (typeof body.detail === 'string') return { detail: body.detail };
    return Object.keys(body).length > 0 ? { fieldErrors: body } : {};
  }
  if (typeof body === 'string') return { detail: body };
  if (Array.isArray(body) && body.every((message) => typeof message === 'string')) return { detail: body.join('; ') };
  return {};
}

function requestDetails(request: ApiRequest, status: number | null): Omit<ApiErrorDetails, 'maybeCommitted'> {
  return {
    operation: request.operation,
    method: request.method,
    path: request.url.pathname + request.url.search,
    status,
    ...(request.agentId === undefined ? {} : { agentId: request.agentId }),
  };
}
