import { isUtf8 } from 'node:buffer';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { CekuraformError } from '../errors.js';
import type { ManifestFileRef } from './file.js';
import { ManifestError } from './types.js';

/**
 * A manifest file's text. Refuses what is not a regular file (a FIFO would block `plan` for ever:
 * it is opened without waiting for a writer and refused) and bytes that are not UTF-8 (they would
 * reach Cekura as U+FFFD), the latter as a located issue.
 */
export async function readManifestText(ref: ManifestFileRef): Promise<string> {
  let bytes: Buffer;
  try {
    const handle = await open(ref.absolute, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) {
        throw new CekuraformError('manifest_unreadable', `cannot read ${ref.file}: it is not a regular file`, {
          meta: { path: ref.file },
          hint: 'give a YAML file or a folder of them; pipes, devices and sockets are not read',
        });
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof CekuraformError) throw error;
    throw new CekuraformError('manifest_unreadable', `cannot read ${ref.file}`, {
      cause: error,
      meta: { path: ref.file },
    });
  }
  if (isUtf8(bytes)) return bytes.toString('utf8');
  throw new ManifestError([{ file: ref.file, ...firstInvalidUtf8(bytes), path: '', hint: 'save the file as UTF-8' }]);
}

/** Where the first byte that is not UTF-8 is, and which; a newline byte is never inside a UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): { line: number; col: number; message: string } {
  let lineStart = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, lineStart);
    const text = bytes.subarray(lineStart, end === -1 ? bytes.length : end);
    if (!isUtf8(text)) {
      // No prefix that ends past the bad byte is UTF-8, so the longest valid prefix ends at it.
      let valid = 0;
      for (let length = 1; length <= text.length; length++) if (isUtf8(text.subarray(0, length))) valid = length;
      return {
        line,
        col: text.subarray(0, valid).toString('utf8').length + 1,
        message: `the file is not UTF-8 text (byte 0x${text[valid]!.toString(16).padStart(2, '0')})`,
      };
    }
    lineStart = end + 1;
  }
}
