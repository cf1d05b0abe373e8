import jsonpatch from 'fast-json-patch';
import { isSetField, withoutWriteOnlyFields, type AgentDoc, type SetField } from '../cekura/agent-doc.js';
import {
  canonicalJson,
  deepEqual,
  getAtPointer,
  isJsonObject,
  joinPointer,
  ownValue,
  splitPointer,
  type JsonObject,
  type JsonValue,
} from '../json.js';
import type { FieldChange } from './types.js';

export interface ItemDiff {
  set: SetField;
  name: string;
  action: 'create' | 'update' | 'delete';
}

export interface DocDiff {
  /** Sorted by path; no origin yet. */
  changes: FieldChange[];
  /** Sorted by set, then name. */
  items: ItemDiff[];
}

/**
 * What a write must change so that live matches the managed part of desired. Pure.
 * Fields absent from desired are not managed; objects compare key by key (JSON Merge Patch:
 * a desired `null` clears, and live `null` equals absent); lists compare whole; each present set is
 * complete, so a live item it lacks is a delete. Write-only item fields are skipped.
 */
export function diffAgentDoc(desired: AgentDoc, live: AgentDoc): DocDiff {
  const changes: FieldChange[] = [];
  const items: ItemDiff[] = [];
  const desiredFields = desired as Record<string, JsonValue | undefined>;
  const liveFields = live as Record<string, JsonValue | undefined>;

  for (const [field, value] of Object.entries(desiredFields)) {
    if (value === undefined) continue;
    if (isSetField(field)) {
      diffSet(field, value as JsonObject, (liveFields[field] ?? {}) as JsonObject, changes, items);
    } else {
      diffMerged(joinPointer(field), value, liveFields[field], changes);
    }
  }
  return { changes: changes.sort(byPath), items: items.sort(byItem) };
}

function diffMerged(path: string, desired: JsonValue, live: JsonValue | undefined, out: FieldChange[]): void {
  if (isJsonObject(desired)) {
    const liveObject = isJsonObject(live) ? live : {};
    for (const [key, value] of Object.entries(desired))
      diffMerged(`${path}${joinPointer(key)}`, value, ownValue(liveObject, key), out);
    return;
  }
  const liveValue = live ?? null;
  if (deepEqual(desired, liveValue)) return;
  if (liveValue === null) out.push({ op: 'add', path, value: desired });
  else out.push({ op: 'replace', path, value: desired, before: liveValue });
}

function diffSet(
  set: SetField,
  desired: JsonObject,
  live: JsonObject,
  changes: FieldChange[],
  items: ItemDiff[],
): void {
  for (const name of Object.keys(desired)) {
    const itemPath = joinPointer(set, name);
    const liveItem = ownValue(live, name);
    if (liveItem === undefined) {
      changes.push({ op: 'add', path: itemPath, value: desired[name]! });
      items.push({ set, name, action: 'create' });
      continue;
    }
    const itemChanges = diffItem(
      itemPath,
      withoutWriteOnlyFields(set, desired[name] as JsonObject),
      withoutWriteOnlyFields(set, liveItem as JsonObject),
    );
    if (itemChanges.length > 0) {
      changes.push(...itemChanges);
      items.push({ set, name, action: 'update' });
    }
  }
  for (const name of Object.keys(live)) {
    if (Object.hasOwn(desired, name)) continue;
    changes.push({
      op: 'remove',
      path: joinPointer(set, name),
      before: withoutWriteOnlyFields(set, live[name] as JsonObject),
    });
    items.push({ set, name, action: 'delete' });
  }
}

/** Field changes inside one item, each with its value before (fast-json-patch keeps only the new one). */
function diffItem(itemPath: string, desired: JsonValue, live: JsonValue): FieldChange[] {
  const beforeText = canonicalJson(live);
  const afterText = canonicalJson(desired);
  // Most items of most agents are unchanged: no copies and no patch for them.
  if (beforeText === afterText) return [];
  const before = JSON.parse(beforeText) as JsonObject;
  const after = JSON.parse(afterText) as JsonObject;
  return jsonpatch.compare(before, after).map((operation): FieldChange => {
    const path = itemPath + operation.path;
    switch (operation.op) {
      case 'add':
        return { op: 'add', path, value: operation.value as JsonValue };
      case 'remove':
        return { op: 'remove', path, before: getAtPointer(before, operation.path) as JsonValue };
      case 'replace':
        return {
          op: 'replace',
          path,
          value: operation.value as JsonValue,
          before: getAtPointer(before, operation.path) as JsonValue,
        };
      default:
        // compare() emits only add, remove and replace.
        throw new Error(`unexpected JSON Patch op ${operation.op}`);
    }
  });
}

/** Orders JSON Pointers token by token, numeric tokens by value, so `/x/2` comes before `/x/10`. */
export function comparePointers(a: string, b: string): number {
  const left = splitPointer(a);
  const right = splitPointer(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareTokens(left[i]!, right[i]!);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function compareTokens(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function byPath(a: { path: string }, b: { path: string }): number {
  return comparePointers(a.path, b.path);
}

function byItem(a: ItemDiff, b: ItemDiff): number {
  return comparePointers(joinPointer(a.set, a.name), joinPointer(b.set, b.name));
}
