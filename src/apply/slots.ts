/**
 * Apply's `--parallelism`: at most `size` agents hold a slot, and only an agent holding one sends
 * requests. An agent that waits (for its toggle to finish, before a retry) gives its slot up
 * meanwhile and, when the wait is over, takes the next free one before any agent that has not
 * started, so agents already under way finish first.
 */
export class AgentSlots {
  #free: number;
  /** Agents back from a wait; served before `#starting`. */
  readonly #resuming: (() => void)[] = [];
  readonly #starting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  /** Resolves once the agent holds a slot; `resuming` for an agent taking its slot back after a wait. */
  acquire(resuming = false): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => (resuming ? this.#resuming : this.#starting).push(resolve));
  }

  /** Hands the slot to the next waiting agent, or frees it. */
  release(): void {
    const next = this.#resuming.shift() ?? this.#starting.shift();
    if (next === undefined) this.#free += 1;
    else next();
  }
}
