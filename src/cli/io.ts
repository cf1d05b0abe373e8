import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import type { OutputStream } from '../render/style.js';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

export interface InputStream extends AsyncIterable<string | Uint8Array> {
  isTTY?: boolean;
}

/**
 * Everything a command touches outside the process: `main(argv, io)` takes it whole, so tests run
 * the CLI in process with their own streams, environment, clock and HTTP dispatcher.
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read for apply's confirmation prompt; only when it is a TTY. */
  stdin?: InputStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** The undici dispatcher for API requests (tests pass a MockAgent); defaults to a pool per base URL. */
  dispatcher?: Dispatcher;
  /** Aborted to stop an apply as Ctrl-C does; `main` wires SIGINT to one when absent. */
  signal?: AbortSignal;
  /**
   * Waits until everything written is handed over, then gives the first error that writing stdout or
   * stderr met (EPIPE when the reader went away, ENOSPC on a full disk), if any. See `watchOutput`.
   */
  finishOutput?: () => Promise<NodeJS.ErrnoException | undefined>;
}

/**
 * Catches write errors of real streams, which Node reports as `error` events: unhandled, one ends
 * the process with a stack trace and leaves the state lock behind. Later writes fail as quietly.
 */
export function watchOutput(...streams: NodeJS.WritableStream[]): () => Promise<NodeJS.ErrnoException | undefined> {
  let first: NodeJS.ErrnoException | undefined;
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      first ??= error;
    });
  }
  return async () => {
    // A write's callback runs once the data before it is written or has failed.
    await Promise.all(
      streams.map(
        (stream) =>
          new Promise<void>((resolve) => (first === undefined ? stream.write('', () => resolve()) : resolve())),
      ),
    );
    return first;
  };
}
