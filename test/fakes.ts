import type { Clock } from '../src/clock.js';

// Fakes the suites share: a clock that never waits, and an output stream that keeps what it is given.

/** Time moves only when something sleeps, and at once; each delay is kept in `sleeps`. */
export class FakeClock implements Clock {
  time: number;
  readonly sleeps: number[] = [];

  constructor(startMs = Date.parse('2026-05-01T12:00:00.000Z')) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** An output stream (`CliIo.stdout`/`stderr`) that keeps its text. */
export class CapturedStream {
  text = '';
  readonly isTTY: boolean;

  constructor(isTTY = false) {
    this.isTTY = isTTY;
  }

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
