import type { RequestKind, RequestLogEntry } from './types.js';

/** The API requests the emulator answered (or dropped), in order. Admin routes are not recorded. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #seq = 0;
  readonly #onRecord: ((entry: RequestLogEntry) => void) | undefined;

  /** `onRecord` sees a copy of each entry as it is recorded. */
  constructor(onRecord?: (entry: RequestLogEntry) => void) {
    this.#onRecord = onRecord;
  }

  record(entry: {
    method: string;
    url: URL;
    status: number | null;
    kind: RequestKind;
    agentId: number | undefined;
  }): void {
    this.#seq += 1;
    const logged: RequestLogEntry = {
      seq: this.#seq,
      method: entry.method,
      path: entry.url.pathname,
      query: Object.fromEntries(entry.url.searchParams),
      status: entry.status,
      kind: entry.kind,
      ...(entry.agentId === undefined ? {} : { agent_id: entry.agentId }),
    };
    this.#entries.push(logged);
    this.#onRecord?.({ ...logged, query: { ...logged.query } });
  }

  entries(): RequestLogEntry[] {
    return this.#entries.map((entry) => ({ ...entry, query: { ...entry.query } }));
  }

  clear(): void {
    this.#entries = [];
    this.#seq = 0;
  }
}
