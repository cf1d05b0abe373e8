import { doublingDelay, type Backoff } from '../backoff.js';
import type { Clock } from '../clock.js';
import { ApiError, type ApiErrorCode, type ApiErrorDetails } from './errors.js';

/**
 * Bounds on retrying one API call. The backoff is the wait before the second attempt, doubling for
 * each further one; a server's Retry-After may ask for longer than its maximum and is honoured.
 */
export interface RetryPolicy extends Backoff {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Time budget from the first attempt; a wait that would end after it is not started. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
};

/** Reported before each wait, for progress output ("Cekura busy, retrying in 2 s"). */
export interface RetryInfo {
  operation: string;
  agentId?: number;
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Why the attempt failed, in words: `HTTP 503`, `connection reset`. */
  reason: string;
}

/** A failed attempt: the error it would become, and whether another attempt may be made. */
export interface AttemptFailure {
  code: ApiErrorCode;
  details: ApiErrorDetails;
  isRetryable: boolean;
  /** The server's Retry-After, in ms from now. */
  retryAfterMs?: number;
  reason: string;
}

export type AttemptResult<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure };

/** What an attempt knows about the ones before it. */
export interface AttemptContext {
  attempt: number;
  /** An earlier attempt of this call may have been processed by the server. */
  mayHaveCommitted: boolean;
}

export interface RetryDeps {
  policy: RetryPolicy;
  clock: Clock;
  random: () => number;
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Runs `attemptOnce` until it succeeds, fails for good, or the policy's attempts or time run out;
 * then throws the last failure as an `ApiError`. `maybeCommitted` is true when any attempt may have
 * been processed, so a PATCH that timed out and then hit a 429 still reports the possible commit.
 */
export async function withRetries<T>(
  deps: RetryDeps,
  attemptOnce: (context: AttemptContext) => Promise<AttemptResult<T>>,
): Promise<T> {
  const startedAt = deps.clock.now();
  let mayHaveCommitted = false;
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce({ attempt, mayHaveCommitted });
    if (result.ok) return result.value;

    const { failure } = result;
    mayHaveCommitted ||= failure.details.maybeCommitted;
    const giveUp = (hint?: string): ApiError =>
      new ApiError(failure.code, { ...failure.details, maybeCommitted: mayHaveCommitted, ...(hint ? { hint } : {}) });

    if (!failure.isRetryable || attempt >= deps.policy.maxAttempts) throw giveUp();
    const delayMs = failure.retryAfterMs ?? backoffDelay(attempt, deps.policy, deps.random);
    const remainingMs = deps.policy.maxElapsedMs - (deps.clock.now() - startedAt);
    if (delayMs > remainingMs) {
      throw giveUp(
        failure.retryAfterMs === undefined ? undefined : retryAfterHint(deps.clock.now() + delayMs, delayMs),
      );
    }
    deps.onRetry?.({
      operation: failure.details.operation,
      ...(failure.details.agentId === undefined ? {} : { agentId: failure.details.agentId }),
      attempt,
      delayMs,
      reason: failure.reason,
    });
    await deps.clock.sleep(delayMs);
  }
}

/**
 * Wait after the `failedAttempt`-th attempt: the policy's doubling delay scaled into [50%, 100%) by
 * `random`, so that parallel applies do not retry in lockstep.
 */
export function backoffDelay(failedAttempt: number, policy: RetryPolicy, random: () => number): number {
  return Math.round(doublingDelay(failedAttempt, policy) * (0.5 + random() / 2));
}

/** A Retry-After header (delay in seconds, or an HTTP date) as ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function retryAfterHint(atMs: number, delayMs: number): string {
  const seconds = Math.ceil(delayMs / 1000);
  return `the server asks to wait ${seconds} s, longer than the retry budget: run again after ${new Date(atMs).toISOString()}`;
}
