import { manifestJsonSchema } from '../../manifest/json-schema.js';
import type { CliIo } from '../io.js';

/** `cekuraform schema`: the manifest's JSON Schema, for editors (yaml-language-server). */
export async function schemaCommand(io: CliIo): Promise<number> {
  io.stdout.write(JSON.stringify(manifestJsonSchema(), null, 2) + '\n');
  return 0;
}
