import { isJsonObject, type JsonObject } from '../json.js';

/**
 * A DRF-style validation error: messages for a field, an object for a nested object's fields, a
 * list (one entry per item, `{}` for a valid one) for a list of objects.
 */
export type ErrorTree = string[] | FieldErrors | FieldErrors[];

/** The body of a 400 with field errors: `{"name": ["This field is required."]}`. */
export interface FieldErrors {
  [field: string]: ErrorTree;
}

/** DRF's wording, so a client that maps errors back to fields sees what the real server says. */
export const MESSAGES = {
  required: 'This field is required.',
  notNull: 'This field may not be null.',
  blank: 'This field may not be blank.',
  string: 'Not a valid string.',
  integer: 'A valid integer is required.',
  boolean: 'Must be a valid boolean.',
  url: 'Enter a valid URL.',
  maxLength: (max: number) => `Ensure this field has no more than ${max} characters.`,
  minValue: (min: number) => `Ensure this value is greater than or equal to ${min}.`,
  choice: (value: unknown) => `"${String(value)}" is not a valid choice.`,
  list: (value: unknown) => `Expected a list of items but got type "${pythonType(value)}".`,
  object: (value: unknown) => `Invalid data. Expected a dictionary, but got ${pythonType(value)}.`,
} as const;

/** The Python type name DRF puts in its messages. */
function pythonType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (isJsonObject(value)) return 'dict';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'str';
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** Per-item errors of a list, or undefined when every item is valid. */
export function listErrors(items: FieldErrors[]): FieldErrors[] | undefined {
  return items.some(hasErrors) ? items : undefined;
}

/** Appends a message to a field's list of messages. */
export function addError(errors: FieldErrors, field: string, message: string): void {
  const existing = errors[field];
  if (Array.isArray(existing) && existing.every((entry) => typeof entry === 'string'))
    (existing as string[]).push(message);
  else errors[field] = [message];
}

/** One item of a list of objects; `value` is undefined when the item is not an object. */
export interface ListItem<T> {
  value: T | undefined;
  errors: FieldErrors;
}

/**
 * Reads a list of objects item by item; `readItem` records the item's problems in `errors`.
 * Answers the list-level message when the value is not a list.
 */
export function readObjectList<T>(
  value: unknown,
  readItem: (item: JsonObject, errors: FieldErrors) => T,
): { items: ListItem<T>[] } | { errors: string[] } {
  if (!Array.isArray(value)) return { errors: [MESSAGES.list(value)] };
  const items = value.map((item): ListItem<T> => {
    const errors: FieldErrors = {};
    if (!isJsonObject(item)) return { value: undefined, errors: { non_field_errors: [MESSAGES.object(item)] } };
    return { value: readItem(item, errors), errors };
  });
  return { items };
}

/** The items' values when none has an error, else the per-item errors (DRF's nested list shape). */
export function finishList<T>(items: ListItem<T>[]): { items: T[] } | { errors: FieldErrors[] } {
  const errors = listErrors(items.map((item) => item.errors));
  if (errors) return { errors };
  return { items: items.map((item) => item.value as T) };
}

/** Flags every item whose `key` repeats an earlier item's, on the item's `field`. */
export function flagDuplicates<T>(
  items: ListItem<T>[],
  key: (value: T) => string | undefined,
  field: string,
  message: (key: string) => string,
): void {
  const seen = new Set<string>();
  for (const item of items) {
    const itemKey = item.value === undefined ? undefined : key(item.value);
    if (itemKey === undefined) continue;
    if (seen.has(itemKey)) addError(item.errors, field, message(itemKey));
    seen.add(itemKey);
  }
}

/** An integer, also from a string of digits as DRF's IntegerField accepts; else undefined. */
export function readInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** A required string field; records DRF's message and answers undefined when it is missing or wrong. */
export function readRequiredText(
  item: JsonObject,
  field: string,
  errors: FieldErrors,
  rules: { allowBlank?: boolean; maxLength?: number } = {},
): string | undefined {
  const value = item[field];
  if (value === undefined) addError(errors, field, MESSAGES.required);
  else if (value === null) addError(errors, field, MESSAGES.notNull);
  else if (typeof value !== 'string') addError(errors, field, MESSAGES.string);
  else if (!rules.allowBlank && value.trim() === '') addError(errors, field, MESSAGES.blank);
  else if (rules.maxLength !== undefined && value.length > rules.maxLength)
    addError(errors, field, MESSAGES.maxLength(rules.maxLength));
  else return value;
  return undefined;
}
