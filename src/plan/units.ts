import { isSetField, type AgentDoc, type SetField } from '../cekura/agent-doc.js';
import { SET_RULES, withoutWriteOnlyFields } from '../cekura/sets.js';
import { digest, isJsonObject, joinPointer, ownValue, type JsonObject, type JsonValue } from '../json.js';
import type { LiveAgent } from '../state/types.js';
import type { ChangeOrigin } from './types.js';

// A "unit" is the smallest piece of an agent the state record remembers a digest of, by pointer: a
// leaf of a merged object or a whole list field (the path of its field change), one set item by key
// (`itemUnit`), or one write-only item field (`writeOnlyUnit`).

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

export function itemUnit(set: SetField, name: string): string {
  return joinPointer(set, name);
}

export function writeOnlyUnit(set: SetField, name: string, field: string): string {
  return joinPointer(set, name, field);
}

/** An item's value in a document without its write-only fields, as the differ and the item's unit see it. */
export function comparableItem(doc: AgentDoc, set: SetField, name: string): JsonObject | undefined {
  const item = ownValue(doc[set] as Record<string, JsonObject> | undefined, name);
  return item === undefined ? undefined : withoutWriteOnlyFields(set, item);
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
    units[itemUnit(set, name)] = withoutWriteOnlyFields(set, item);
    for (const field of SET_RULES[set].writeOnlyFields) {
      const value = item[field];
      if (value !== undefined) units[writeOnlyUnit(set, name, field)] = value;
    }
  }
}
