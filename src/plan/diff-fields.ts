import { isSetField, type AgentDoc, type MockDataRow, type SetField } from '../cekura/agent-doc.js';
import { mockDataRowKey, SET_RULES, withoutWriteOnlyFields } from '../cekura/sets.js';
import { compareStrings } from '../compare.js';
import { assertNever } from '../errors.js';
import { isJsonObject, joinPointer, ownValue, splitPointer, type JsonObject, type JsonValue } from '../json.js';
import type { FieldChange, ItemChange, MockDataRowChange } from './types.js';

/** An item change as the differ finds it; the planner adds its id, reason and origins. */
export type ItemDiff = Pick<ItemChange, 'set' | 'name' | 'action' | 'fields' | 'rows'>;

export interface DocDiff {
  /** The agent's own fields, sorted by path; no origin yet. */
  fields: FieldChange[];
  /** Sorted by set, then name. */
  items: ItemDiff[];
}

/**
 * What a write must change so that live matches the managed part of desired. Pure.
 * Fields absent from desired are not managed; objects compare key by key (JSON Merge Patch:
 * a desired `null` clears, and live `null` equals absent); lists compare whole; each present set is
 * complete, so a live item it lacks is a delete. Inside an item, values compare structurally and
 * mock data rows by their input. Write-only item fields are skipped.
 */
export function diffAgentDoc(desired: AgentDoc, live: AgentDoc): DocDiff {
  const fields: FieldChange[] = [];
  const items: ItemDiff[] = [];
  const desiredFields = desired as Record<string, JsonValue | undefined>;
  const liveFields = live as Record<string, JsonValue | undefined>;

  for (const [field, value] of Object.entries(desiredFields)) {
    if (value === undefined) continue;
    if (isSetField(field)) {
      items.push(...diffSet(field, value as JsonObject, (liveFields[field] ?? {}) as JsonObject));
    } else {
      diffMerged(joinPointer(field), value, liveFields[field], fields);
    }
  }
  return { fields: fields.sort(byPath), items: items.sort(byItem) };
}

function diffMerged(path: string, desired: JsonValue, live: JsonValue | undefined, out: FieldChange[]): void {
  if (isJsonObject(desired)) {
    const liveObject = isJsonObject(live) ? live : {};
    for (const [key, value] of Object.entries(desired))
      diffMerged(`${path}${joinPointer(key)}`, value, ownValue(liveObject, key), out);
    return;
  }
  const liveValue = live ?? null;
  if (isEqual(desired, liveValue)) return;
  if (liveValue === null) out.push({ op: 'add', path, value: desired });
  else out.push({ op: 'replace', path, value: desired, before: liveValue });
}

function diffSet(set: SetField, desired: JsonObject, live: JsonObject): ItemDiff[] {
  const items: ItemDiff[] = [];
  for (const [name, item] of Object.entries(desired)) {
    const liveItem = ownValue(live, name);
    if (liveItem === undefined) {
      items.push(createdItem(set, name, item as JsonObject));
      continue;
    }
    const desiredItem = withoutWriteOnlyFields(set, item as JsonObject);
    const compared = comparedPart(set, desiredItem, liveItem as JsonObject);
    // Most items are unchanged: one structural comparison, not a diff by field and by row (each row keyed by its canonical input).
    if (isEqual(desiredItem, compared)) continue;
    const changed = changedItem(set, desiredItem, compared);
    if (changed.fields.length > 0 || changed.rows.length > 0) items.push({ set, name, action: 'update', ...changed });
  }
  for (const name of Object.keys(live)) {
    if (!Object.hasOwn(desired, name)) items.push({ set, name, action: 'delete', fields: [], rows: [] });
  }
  return items;
}

/** Every field of a new item but its key, write-only ones included (they are sent), and each of its rows. */
function createdItem(set: SetField, name: string, item: JsonObject): ItemDiff {
  const { keyField, rowsField } = SET_RULES[set];
  const fields: FieldChange[] = [];
  for (const [field, value] of Object.entries(item)) {
    if (field !== keyField && field !== rowsField) fields.push({ op: 'add', path: joinPointer(field), value });
  }
  const rows = rowsField === undefined ? [] : diffRows((item[rowsField] ?? []) as unknown as MockDataRow[], []);
  return { set, name, action: 'create', fields: fields.sort(byPath), rows };
}

/** The live item as far as it is compared: a variable's description only when desired has one (`DynamicVariableDoc`). */
function comparedPart(set: SetField, desired: JsonObject, live: JsonObject): JsonObject {
  const compared = withoutWriteOnlyFields(set, live);
  if (set !== 'dynamic_variables' || 'description' in desired) return compared;
  const { description: _notManaged, ...rest } = compared;
  return rest;
}

function changedItem(set: SetField, desired: JsonObject, live: JsonObject): Pick<ItemDiff, 'fields' | 'rows'> {
  const { rowsField } = SET_RULES[set];
  if (rowsField === undefined) return { fields: diffValue('', desired, live), rows: [] };
  const { [rowsField]: desiredRows, ...desiredRest } = desired;
  const { [rowsField]: liveRows, ...liveRest } = live;
  return {
    fields: diffValue('', desiredRest, liveRest),
    rows: diffRows((desiredRows ?? []) as unknown as MockDataRow[], (liveRows ?? []) as unknown as MockDataRow[]),
  };
}

/**
 * Mock data rows matched by input, so that adding one row is one row created. A live row whose
 * input another live row already has (the API does not refuse it) is deleted by the write.
 */
function diffRows(desired: MockDataRow[], live: MockDataRow[]): MockDataRowChange[] {
  const liveByKey = new Map<string, MockDataRow>();
  const rows: { key: string; change: MockDataRowChange }[] = [];
  const deleted = (key: string, row: MockDataRow): void => {
    rows.push({ key, change: { input: row.input, action: 'delete', fields: [outputField('remove', row.output)] } });
  };
  for (const row of live) {
    const key = mockDataRowKey(row);
    if (liveByKey.has(key)) deleted(key, row);
    else liveByKey.set(key, row);
  }
  for (const row of desired) {
    const key = mockDataRowKey(row);
    const liveRow = liveByKey.get(key);
    liveByKey.delete(key);
    if (liveRow === undefined) {
      rows.push({ key, change: { input: row.input, action: 'create', fields: [outputField('add', row.output)] } });
      continue;
    }
    const fields = diffValue('/output', row.output, liveRow.output);
    if (fields.length > 0) rows.push({ key, change: { input: row.input, action: 'update', fields } });
  }
  for (const [key, row] of liveByKey) deleted(key, row);
  return rows.sort((a, b) => compareStrings(a.key, b.key)).map(({ change }) => change);
}

function outputField(op: 'add' | 'remove', output: JsonValue): FieldChange {
  return op === 'add' ? { op, path: '/output', value: output } : { op, path: '/output', before: output };
}

/**
 * Structural difference of two values inside an item, sorted by path: objects key by key, lists of
 * equal length element by element, anything else as a whole.
 */
function diffValue(path: string, desired: JsonValue, live: JsonValue): FieldChange[] {
  const out: FieldChange[] = [];
  collectDifferences(path, desired, live, out);
  return out.sort(byPath);
}

function collectDifferences(
  path: string,
  desired: JsonValue | undefined,
  live: JsonValue | undefined,
  out: FieldChange[],
): void {
  if (desired === undefined) {
    if (live !== undefined) out.push({ op: 'remove', path, before: live });
  } else if (live === undefined) {
    out.push({ op: 'add', path, value: desired });
  } else if (isJsonObject(desired) && isJsonObject(live)) {
    for (const key of new Set([...Object.keys(live), ...Object.keys(desired)]))
      collectDifferences(`${path}${joinPointer(key)}`, ownValue(desired, key), ownValue(live, key), out);
  } else if (Array.isArray(desired) && Array.isArray(live) && desired.length === live.length) {
    desired.forEach((element, index) => collectDifferences(`${path}/${index}`, element, live[index], out));
  } else if (!isEqual(desired, live)) {
    out.push({ op: 'replace', path, value: desired, before: live });
  }
}

/** Structural equality of two JSON values (object key order does not matter). */
function isEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => isEqual(x, b[i]!));
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && isEqual(a[key]!, b[key]!))
    );
  }
  return false;
}

/**
 * The changes as one flat list of operations on the whole document, sorted by path
 * (`ResourceChange.changes`): items by key, rows by the canonical JSON of their input, a created or
 * deleted item or row as one operation on the whole of it.
 */
export function flatChanges(
  change: { fields: FieldChange[]; items: (ItemDiff & Pick<ItemChange, 'origin'>)[] },
  desired: AgentDoc,
  live: AgentDoc,
): FieldChange[] {
  const flat = [...change.fields];
  for (const item of change.items) {
    const itemPath = joinPointer(item.set, item.name);
    const origin = item.origin === undefined ? {} : { origin: item.origin };
    switch (item.action) {
      case 'create':
        flat.push({ op: 'add', path: itemPath, value: itemOf(desired, item.set, item.name), ...origin });
        break;
      case 'delete':
        flat.push({
          op: 'remove',
          path: itemPath,
          before: withoutWriteOnlyFields(item.set, itemOf(live, item.set, item.name)),
          ...origin,
        });
        break;
      case 'update': {
        flat.push(...item.fields.map((field) => ({ ...field, path: itemPath + field.path })));
        const { rowsField } = SET_RULES[item.set];
        if (rowsField !== undefined)
          for (const row of item.rows) flat.push(...flatRowChanges(`${itemPath}${joinPointer(rowsField)}`, row));
        break;
      }
      default:
        return assertNever(item.action, 'item action');
    }
  }
  return flat.sort(byPath);
}

function flatRowChanges(rowsPath: string, row: MockDataRowChange): FieldChange[] {
  const rowPath = `${rowsPath}${joinPointer(mockDataRowKey(row))}`;
  const [output] = row.fields;
  if (row.action === 'create' && output !== undefined)
    return [{ ...output, path: rowPath, value: { input: row.input, output: output.value ?? null } }];
  if (row.action === 'delete' && output !== undefined)
    return [{ ...output, path: rowPath, before: { input: row.input, output: output.before ?? null } }];
  return row.fields.map((field) => ({ ...field, path: rowPath + field.path }));
}

function itemOf(doc: AgentDoc, set: SetField, name: string): JsonObject {
  return ownValue(doc[set] as Record<string, JsonObject> | undefined, name) ?? {};
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
  return compareStrings(a, b);
}

/** Field changes in pointer order. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return comparePointers(a.path, b.path);
}

/** Items by set and name; a stable sort keeps items of one name in their order. */
export function byItem(a: Pick<ItemDiff, 'set' | 'name'>, b: Pick<ItemDiff, 'set' | 'name'>): number {
  return comparePointers(joinPointer(a.set, a.name), joinPointer(b.set, b.name));
}
