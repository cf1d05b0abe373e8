import {
  isSetField,
  WRITE_ONLY_ITEM_FIELDS,
  withoutWriteOnlyFields,
  type AgentDoc,
  type SetField,
} from '../cekura/agent-doc.js';
import { digest, getAtPointer, isJsonObject, joinPointer, splitPointer, type JsonValue } from '../json.js';
import type { LiveAgent } from '../state/types.js';
import type { ChangeOrigin } from './types.js';

// A "unit" is the smallest piece of an agent the state record remembers a digest of: a leaf of a
// merged object, a whole list field, one set item by name, or one write-only item field.

/** Every unit of a desired document with its value. */
export function desiredUnits(doc: AgentDoc): Record<string, JsonValue> {
  const units: Record<string, JsonValue> = {};
  for (const [field, value] of Object.entries(doc as Record<string, JsonValue | undefined>)) {
    if (value === undefined) continue;
    if (isSetField(field)) addSetUnits(field, value, units);
    else addLeaves(joinPointer(field), value, units);
  }
  return units;
}

/** Digest of each unit, as the state record keeps them. */
export function unitDigests(units: Record<string, JsonValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(units).map(([path, value]) => [path, digest(value)]));
}

/**
 * Digest of each unit of a live agent, and of its mock-tool mode: what a saved plan remembers of an
 * agent it touches, so that apply refuses only when that agent changed, naming the unit.
 */
export function liveUnitDigests(agent: LiveAgent): Record<string, string> {
  return {
    ...unitDigests(desiredUnits(agent.doc)),
    [MOCK_MODE_UNIT]: digest(agent.mock_tools_enabled),
  };
}

/** Mock-tool mode is not in the document; its unit is named like the manifest key. */
export const MOCK_MODE_UNIT = '/mock_tools_enabled';

/** The unit a field change belongs to: its set item (or write-only item field), else the leaf itself. */
export function unitOf(path: string): string {
  const [field, name, child] = splitPointer(path);
  if (field === undefined || name === undefined || !isSetField(field)) return path;
  if (child !== undefined && WRITE_ONLY_ITEM_FIELDS[field].includes(child)) return joinPointer(field, name, child);
  return joinPointer(field, name);
}

/** The value of a unit in a document; set items without their write-only fields, as the differ sees them. */
export function unitValue(doc: AgentDoc, unit: string): JsonValue | undefined {
  const value = getAtPointer(doc, unit) as JsonValue | undefined;
  const [field, name, child] = splitPointer(unit);
  if (field !== undefined && isSetField(field) && name !== undefined && child === undefined && isJsonObject(value)) {
    return withoutWriteOnlyFields(field, value);
  }
  return value;
}

/**
 * Three-way origin of a difference in one unit: the state record's digest of what was last applied
 * tells whether the manifest moved (`manifest`), Cekura moved (`drift`) or both (`conflict`).
 * Without history (no record entry, or one without digests, as after an import) it is `manifest`.
 */
export function originOf(
  unit: string,
  desired: JsonValue | undefined,
  live: JsonValue | undefined,
  applied: Record<string, string> | undefined,
): ChangeOrigin {
  if (applied === undefined || Object.keys(applied).length === 0) return 'manifest';
  const last = applied[unit];
  if (last === undefined) return desired === undefined ? 'drift' : 'manifest';
  if (digest(desired ?? null) === last) return 'drift';
  if (digest(live ?? null) === last) return 'manifest';
  return 'conflict';
}

function addLeaves(path: string, value: JsonValue, units: Record<string, JsonValue>): void {
  if (isJsonObject(value)) {
    for (const [key, child] of Object.entries(value)) addLeaves(`${path}${joinPointer(key)}`, child, units);
  } else {
    units[path] = value;
  }
}

function addSetUnits(set: SetField, items: JsonValue, units: Record<string, JsonValue>): void {
  if (!isJsonObject(items)) return;
  for (const [name, item] of Object.entries(items)) {
    if (!isJsonObject(item)) continue;
    units[joinPointer(set, name)] = withoutWriteOnlyFields(set, item);
    for (const field of WRITE_ONLY_ITEM_FIELDS[set]) {
      const value = item[field];
      if (value !== undefined) units[joinPointer(set, name, field)] = value;
    }
  }
}
