/** A wait that doubles from `baseDelayMs` up to `maxDelayMs`: between API retries, create retries, toggle polls. */
export interface Backoff {
  /** The first wait. */
  baseDelayMs: number;
  /** Upper bound of one wait. */
  maxDelayMs: number;
}

/** The wait before the `step`-th retry or poll (1-based): the base doubled per step, capped. */
export function doublingDelay(step: number, backoff: Backoff): number {
  return Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (step - 1));
}
