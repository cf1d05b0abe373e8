import { resolve } from 'node:path';
import { EMULATOR_DEFAULT_API_KEY, startEmulator } from '../../emulator/server.js';
import type { EmulatorArgs } from '../args.js';
import type { CliIo } from '../io.js';

/**
 * `cekuraform emulator`: serves the local Cekura API until `io.signal` aborts, then closes it,
 * writing pending data. The key is `CEKURA_API_KEY` when set, else the public default.
 */
export async function emulatorCommand(args: EmulatorArgs, io: CliIo): Promise<number> {
  const envKey = io.env.CEKURA_API_KEY;
  const apiKey = envKey !== undefined && envKey !== '' ? envKey : EMULATOR_DEFAULT_API_KEY;
  const emulator = await startEmulator({
    api: args.api,
    port: args.port,
    host: args.host,
    apiKey,
    dataFile: args.data === null ? null : resolve(io.cwd, args.data),
    latencyMs: args.latencyMs,
    toggleDurationMs: args.toggleDurationMs,
  });
  io.stdout.write(`Cekura emulator (API ${args.api}) listening on ${emulator.url}\n`);
  if (apiKey === EMULATOR_DEFAULT_API_KEY) {
    io.stdout.write(`Using the default API key ${EMULATOR_DEFAULT_API_KEY} (set CEKURA_API_KEY to choose another)\n`);
  }
  await untilAborted(io.signal);
  await emulator.close();
  return 0;
}

/** Resolves when the signal aborts; never without one (the server keeps the process alive). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
