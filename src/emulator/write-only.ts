import { SECRET_PATHS } from '../cekura/fields.js';
import { getAtPointer, isJsonObject, joinPointer, splitPointer, type JsonObject, type JsonValue } from '../json.js';
import type { StoredAgent } from './types.js';

/** The secret paths inside one object field, as tokens relative to it: `provider` → `['credentials', 'api_key']`, … */
function secretTokensIn(field: 'telephony' | 'provider'): string[][] {
  return SECRET_PATHS.map(splitPointer)
    .filter(([head]) => head === field)
    .map((tokens) => tokens.slice(1));
}

const SECRET_TOKENS = { telephony: secretTokensIn('telephony'), provider: secretTokensIn('provider') };

/**
 * A stored object field without its write-only values, as the API returns it. Copies only the
 * objects on a secret's path and shares the rest, so the result is for serializing, not for keeping.
 */
export function withoutSecrets(field: 'telephony' | 'provider', value: JsonObject): JsonObject {
  return SECRET_TOKENS[field].reduce(withoutPath, value);
}

function withoutPath(object: JsonObject, tokens: string[]): JsonObject {
  const [head, ...rest] = tokens;
  if (head === undefined || !(head in object)) return object;
  const copy = { ...object };
  if (rest.length === 0) {
    delete copy[head];
    return copy;
  }
  const child = object[head];
  if (!isJsonObject(child)) return object;
  copy[head] = withoutPath(child, rest);
  return copy;
}

/**
 * The write-only values stored for an agent, keyed by JSON Pointer in `AgentDoc` terms: the
 * `SECRET_PATHS` that are set, and each tool's `freetext_params` as `/mock_tools/<name>/freetext_params`.
 */
export function writeOnlyValues(agent: StoredAgent): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const path of SECRET_PATHS) {
    const value = getAtPointer(agent, path) as JsonValue | undefined;
    if (value !== undefined && value !== null) values[path] = value;
  }
  for (const tool of agent.mock_tools) {
    if (tool.freetext_params !== null)
      values[joinPointer('mock_tools', tool.name, 'freetext_params')] = [...tool.freetext_params];
  }
  return values;
}
