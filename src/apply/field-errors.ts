import { isSetField } from '../cekura/agent-doc.js';
import { getAtPointer, isJsonObject, joinPointer, type JsonObject, type JsonValue } from '../json.js';

/** The server's messages about one field, located in the agent document. */
export interface LocatedFieldError {
  /** JSON Pointer in document form (`/mock_tools/get_order/name`); `''` for the agent as a whole. */
  pointer: string;
  messages: string[];
}

/**
 * DRF field errors (`{"mock_tools": [{}, {}, {"name": ["…"]}]}`) located through the body that was
 * sent: an index into a set becomes the item's name, as the plan and the manifest sources key it.
 * In the order the server gave them.
 */
export function locateFieldErrors(fieldErrors: Record<string, JsonValue>, body: JsonObject): LocatedFieldError[] {
  const located: LocatedFieldError[] = [];
  collect(fieldErrors, [], (tokens, messages) => located.push({ pointer: documentPointer(tokens, body), messages }));
  return located;
}

function collect(errors: JsonValue, tokens: string[], report: (tokens: string[], messages: string[]) => void): void {
  if (typeof errors === 'string') {
    report(tokens, [errors]);
  } else if (Array.isArray(errors)) {
    // DRF gives a field's messages as a list of strings, and a list field's errors as one entry per item.
    const messages = errors.filter((entry): entry is string => typeof entry === 'string');
    if (messages.length > 0) report(tokens, messages);
    errors.forEach((entry, index) => {
      if (typeof entry !== 'string') collect(entry, [...tokens, String(index)], report);
    });
  } else if (isJsonObject(errors)) {
    for (const [key, value] of Object.entries(errors)) {
      collect(value, key === 'non_field_errors' ? tokens : [...tokens, key], report);
    }
  }
}

function documentPointer(tokens: string[], body: JsonObject): string {
  const [field, index, ...rest] = tokens;
  if (field !== undefined && index !== undefined && isSetField(field)) {
    const item = getAtPointer(body, joinPointer(field, index));
    const name = isJsonObject(item) ? (item.name ?? item.file_name) : undefined;
    if (typeof name === 'string') return joinPointer(field, name, ...rest);
  }
  return joinPointer(...tokens);
}
