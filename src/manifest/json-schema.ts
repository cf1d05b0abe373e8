import { z } from 'zod';
import { manifestFileSchema } from './schema.js';

/**
 * The JSON Schema of a manifest file, for editors (`# yaml-language-server: $schema=…`). Open value
 * sets (provider types, languages) are strings with `examples`, as the loader only warns on them.
 * A copy is committed at schema/manifest.schema.json; test/manifest/json-schema.test.ts keeps it current.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(manifestFileSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return acceptVarReferences(schema) as Record<string, unknown>;
}

/** A string that is exactly `${var.NAME}`: the loader gives it the var's value with its type (README, Environments). */
const WHOLE_VAR_REFERENCE_SCHEMA = {
  type: 'string',
  pattern: '^\\$\\{var\\.[A-Za-z_][A-Za-z0-9_]*\\}$',
  description: 'a var, replaced by its value with its type',
};

/** Every number or boolean field of the schema also accepts a whole `${var.NAME}`, as the loader does. */
function acceptVarReferences(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(acceptVarReferences);
  if (typeof node !== 'object' || node === null) return node;
  const walked = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, acceptVarReferences(value)]),
  ) as Record<string, unknown>;
  const type = walked.type;
  return type === 'number' || type === 'integer' || type === 'boolean'
    ? { anyOf: [walked, WHOLE_VAR_REFERENCE_SCHEMA] }
    : walked;
}
