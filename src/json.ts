import { createHash } from 'node:crypto';

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A record for keys that users or the server choose (item names, object keys): it has no prototype,
 * so `constructor`, `toString` or `__proto__` are keys like any other. Read one with `ownValue`,
 * since a record that went through JSON or `structuredClone` has the usual prototype again.
 */
export function keyedRecord<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}

/** `record[key]` when the record itself holds `key`; never a member inherited from `Object.prototype`. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `record[key] = value` that defines an own key even for `__proto__` on an object with the usual prototype. */
export function setOwnValue<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Deepest nesting of lists and mappings a manifest file or an API response may have. Reading, diffing
 * and rendering are recursive; a value nested thousands deep (mock data) overflowed the stack there.
 */
export const MAX_NESTING_DEPTH = 100;

/**
 * The path to the first list or mapping nested deeper than `limit`, or undefined. Iterative, so that
 * it is safe on any value `JSON.parse` or a YAML parser returns.
 */
export function pathDeeperThan(value: unknown, limit: number): (string | number)[] | undefined {
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [{ value, depth: 0, path: [] }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const children = Array.isArray(current.value)
      ? current.value.map((item, index) => [index, item] as const)
      : isJsonObject(current.value)
        ? Object.entries(current.value)
        : undefined;
    if (children === undefined) continue;
    if (current.depth >= limit) return current.path;
    for (const [key, child] of children)
      stack.push({ value: child, depth: current.depth + 1, path: [...current.path, key] });
  }
  return undefined;
}

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isJsonObject(value)) {
    const sorted = keyedRecord<unknown>();
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) sorted[key] = sortKeys(value[key]);
    }
    return sorted;
  }
  return value;
}

/** Short content digest (sha256 of the canonical JSON, 16 hex chars); never used for secrets. */
export function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/** Equal as JSON (absent and undefined properties alike, key order ignored), compared in place without serialising. */
export function deepEqual(left: unknown, right: unknown): boolean {
  // As JSON.stringify writes them: NaN and ±Infinity are null.
  const a = typeof left === 'number' && !Number.isFinite(left) ? null : left;
  const b = typeof right === 'number' && !Number.isFinite(right) ? null : right;
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!deepEqual(a[index] ?? null, b[index] ?? null)) return false;
    return true;
  }
  if (!isJsonObject(a) || !isJsonObject(b) || Array.isArray(b)) return false;
  let count = 0;
  for (const key of Object.keys(a)) {
    if (a[key] === undefined) continue;
    count += 1;
    if (!Object.hasOwn(b, key) || !deepEqual(a[key], b[key])) return false;
  }
  for (const key of Object.keys(b)) if (b[key] !== undefined) count -= 1;
  return count === 0;
}

/**
 * Defines `name` on `target` as computed on its first read and kept; an enumerable property like any
 * other, so JSON.stringify and spreads read it. For digests only a saved or JSON plan shows.
 */
export function lazyProperty<T extends object, K extends string, V>(
  target: T,
  name: K,
  compute: () => V,
): T & Record<K, V> {
  let value: { computed: V } | undefined;
  return Object.defineProperty(target, name, {
    enumerable: true,
    get: () => (value ??= { computed: compute() }).computed,
  }) as T & Record<K, V>;
}

/** Escapes one reference token of a JSON Pointer (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function joinPointer(...tokens: (string | number)[]): string {
  return tokens.map((token) => '/' + escapePointerToken(String(token))).join('');
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapePointerToken);
}

/** The value at `pointer`, or undefined when any step is missing. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let current: unknown = root;
  for (const token of splitPointer(pointer)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isJsonObject(current)) current = ownValue(current, token);
    else return undefined;
  }
  return current;
}

/** Sets the value at `pointer`, creating plain objects for missing steps. */
export function setAtPointer(root: JsonObject, pointer: string, value: JsonValue): void {
  const tokens = splitPointer(pointer);
  const last = tokens.pop();
  if (last === undefined) throw new Error('setAtPointer needs a non-empty pointer');
  let current: JsonObject | JsonValue[] = root;
  for (const token of tokens) {
    const next: JsonValue | undefined = Array.isArray(current) ? current[Number(token)] : ownValue(current, token);
    if (isJsonObject(next) || Array.isArray(next)) {
      current = next;
    } else {
      const created: JsonObject = {};
      if (Array.isArray(current)) current[Number(token)] = created;
      else setOwnValue(current, token, created);
      current = created;
    }
  }
  if (Array.isArray(current)) current[Number(last)] = value;
  else setOwnValue(current, last, value);
}

/** Removes the value at `pointer` if present; returns whether something was removed. */
export function deleteAtPointer(root: JsonObject, pointer: string): boolean {
  const tokens = splitPointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return false;
  const parent = getAtPointer(root, tokens.length ? joinPointer(...tokens) : '');
  if (!isJsonObject(parent) || !Object.hasOwn(parent, last)) return false;
  delete parent[last];
  return true;
}
