import type { CliIo } from './io.js';

// Kept apart from session.ts, which loads the API client and the manifest reader: main imports this for every run, `--help` too.

/** CEKURAFORM_DEBUG set to anything but empty or 0: traces requests and shows stack traces of bugs. */
export function isDebug(io: CliIo): boolean {
  const value = io.env.CEKURAFORM_DEBUG;
  return value !== undefined && value !== '' && value !== '0';
}
