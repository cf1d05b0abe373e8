import * as z from 'zod';
import { isJsonObject } from '../json.js';
import { REQUEST_KINDS, type RequestKind } from './types.js';
import type { ToggleFault } from './toggles.js';

const count = z.number().int().min(1);
const kinds = z.array(z.enum(REQUEST_KINDS)).min(1);

/** Faults as `setFaults` and `PUT /_emulator/faults` take them: each key given replaces that fault, `null` clears it. */
const faultsPatchSchema = z
  .object({
    /** Delay before every API request is answered (replaces the `latencyMs` option while set). */
    latency_ms: z.number().int().min(0),
    /** The next `count` matching API requests (default: any) answer 429 with `Retry-After: retry_after_s`. */
    rate_limit: z.object({ count, retry_after_s: z.number().int().min(0), kinds: kinds.optional() }).strict(),
    /** The next `count` matching requests answer `status` before doing anything. */
    errors: z
      .object({
        count,
        status: z.union([z.literal(500), z.literal(501), z.literal(502), z.literal(503), z.literal(504)]),
        methods: z.array(z.string().toUpperCase()).min(1).optional(),
        kinds: kinds.optional(),
      })
      .strict(),
    /** The next `count` matching writes (default: create, update, delete, toggle) are committed, then answered 504. */
    commit_then_504: z.object({ count, kinds: kinds.optional() }).strict(),
    /** The next `count` matching requests (default: any) lose their connection, before or after committing. */
    drop: z.object({ count, kinds: kinds.optional(), after_commit: z.boolean().optional() }).strict(),
    /**
     * The next `count` list requests for a page after the first see the project as if its first agent had been
     * deleted since page 1 (DRF page-number pagination): the agent at the page boundary is in no page.
     */
    list_shift: z.object({ count }).strict(),
    /** By agent id: every toggle of that agent fails with `error`, or stays in_progress for ever. */
    toggles: z.record(
      z.string().regex(/^\d+$/),
      z.discriminatedUnion('outcome', [
        z.object({ outcome: z.literal('fail'), error: z.string().min(1) }).strict(),
        z.object({ outcome: z.literal('hang') }).strict(),
      ]),
    ),
  })
  .partial()
  .strict();

/** A change to the faults (see the schema above for each fault's meaning). */
export type FaultsPatch = {
  [K in keyof z.input<typeof faultsPatchSchema>]?: z.input<typeof faultsPatchSchema>[K] | null;
};

/** The faults in force. Counted faults disappear once used up. */
export type Faults = z.output<typeof faultsPatchSchema>;

const DEFAULT_COMMIT_KINDS: readonly RequestKind[] = ['create', 'update', 'delete', 'toggle'];

/** Thrown by `FaultState.set` for a patch that does not match `FaultsPatch`; the message lists each problem. */
export class InvalidFaultsError extends Error {}

/** The injected faults, consumed as matching requests arrive. */
export class FaultState {
  #faults: Faults = {};

  /** Applies a patch; throws `InvalidFaultsError` and changes nothing when it is invalid. */
  set(patch: unknown): void {
    if (!isJsonObject(patch)) throw new InvalidFaultsError('Faults must be a JSON object.');
    const cleared = Object.keys(patch).filter((key) => patch[key] === null);
    const unknown = cleared.filter((key) => !(key in faultsPatchSchema.shape));
    if (unknown.length > 0) throw new InvalidFaultsError(`Unknown faults: ${unknown.join(', ')}.`);
    const parsed = faultsPatchSchema.safeParse(
      Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null)),
    );
    if (!parsed.success) throw new InvalidFaultsError(z.prettifyError(parsed.error));
    const next: Faults = { ...this.#faults, ...parsed.data };
    for (const key of cleared) delete next[key as keyof Faults];
    this.#faults = next;
  }

  clear(): void {
    this.#faults = {};
  }

  current(): Faults {
    return structuredClone(this.#faults);
  }

  latencyMs(): number | undefined {
    return this.#faults.latency_ms;
  }

  /** Seconds for `Retry-After` when this request is rate-limited. */
  takeRateLimit(kind: RequestKind): number | undefined {
    const fault = this.#faults.rate_limit;
    if (fault === undefined || !matches(fault.kinds, kind)) return undefined;
    this.#consume('rate_limit', fault);
    return fault.retry_after_s;
  }

  /** The status this request must fail with, if an `errors` fault matches it. */
  takeError(method: string, kind: RequestKind): number | undefined {
    const fault = this.#faults.errors;
    if (fault === undefined || !matches(fault.kinds, kind) || (fault.methods && !fault.methods.includes(method)))
      return undefined;
    this.#consume('errors', fault);
    return fault.status;
  }

  /** Whether this request's connection is dropped, and when. */
  takeDrop(kind: RequestKind): 'before_commit' | 'after_commit' | undefined {
    const fault = this.#faults.drop;
    if (fault === undefined || !matches(fault.kinds, kind)) return undefined;
    this.#consume('drop', fault);
    return fault.after_commit ? 'after_commit' : 'before_commit';
  }

  takeCommitThen504(kind: RequestKind): boolean {
    const fault = this.#faults.commit_then_504;
    if (fault === undefined || !(fault.kinds ?? DEFAULT_COMMIT_KINDS).includes(kind)) return false;
    this.#consume('commit_then_504', fault);
    return true;
  }

  /** Whether this list page is read as if an agent before it had been deleted since the first page. */
  takeListShift(page: number): boolean {
    const fault = this.#faults.list_shift;
    if (fault === undefined || page < 2) return false;
    this.#consume('list_shift', fault);
    return true;
  }

  toggleFault(agentId: number): ToggleFault | undefined {
    return this.#faults.toggles?.[String(agentId)];
  }

  #consume(key: 'rate_limit' | 'errors' | 'drop' | 'commit_then_504' | 'list_shift', fault: { count: number }): void {
    if (fault.count > 1) fault.count -= 1;
    else delete this.#faults[key];
  }
}

function matches(kinds: readonly RequestKind[] | undefined, kind: RequestKind): boolean {
  return kinds === undefined || kinds.includes(kind);
}
