import type { JsonValue } from '../json.js';

/**
 * One line of a request trace (`--trace FILE`, `CEKURAFORM_TRACE=FILE`): each request, then its
 * response or failure, with the same `id`. Everything in it is redacted: the API key and every
 * secret of the run, in any form. Never read back by cekuraform; it is for bug reports.
 */
export type TraceEntry =
  | {
      type: 'request';
      /** Pairs the request with its response; counts up from 1 in a run. */
      id: number;
      /** ISO time the request was sent. */
      time: string;
      method: string;
      path: string;
      query: Record<string, string>;
      /** The JSON body sent, or null. */
      body: JsonValue;
    }
  | {
      type: 'response';
      id: number;
      time: string;
      duration_ms: number;
      /** Null when no response came (`error` says why). */
      status: number | null;
      error?: string;
      /** The body as parsed JSON, as text when it is not JSON, or null when empty. */
      body: JsonValue;
    };

/** Where an API client's trace goes; ids count per tracer. */
export interface Tracer {
  nextId(): number;
  write(entry: TraceEntry): void;
}

export function createTracer(write: (entry: TraceEntry) => void): Tracer {
  let count = 0;
  return { nextId: () => ++count, write };
}
