import { z } from 'zod';
import { manifestFileSchema } from './schema.js';

/**
 * The JSON Schema of a manifest file, for editors (`# yaml-language-server: $schema=…`). Open value
 * sets (provider types, languages) are strings with `examples`, as the loader only warns on them.
 * A copy is committed at schema/manifest.schema.json; test/manifest/json-schema.test.ts keeps it current.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(manifestFileSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
}
