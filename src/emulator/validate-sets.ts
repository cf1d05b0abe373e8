import type { JsonObject, JsonValue } from '../json.js';
import {
  addError,
  finishList,
  flagDuplicates,
  MESSAGES,
  readInteger,
  readObjectList,
  readRequiredText,
  type ErrorTree,
  type FieldErrors,
} from './field-errors.js';
import type { StoredKnowledgeBaseFile } from './types.js';

/** One item of a valid `dynamic_variables` write; variables are matched by name, ids are ignored. */
export interface DynamicVariableWrite {
  name: string;
  description: string;
}

/** One item of a valid `knowledge_base_files` write: an existing file kept by id, or a new upload. */
export type KnowledgeBaseFileWrite =
  | { kind: 'keep'; file: StoredKnowledgeBaseFile }
  | { kind: 'upload'; file_name: string; file_size: number; file_type: string };

/** MIME type by the extensions the API accepts (create-agent.md, `KnowledgeBaseFile.file`). */
const KNOWLEDGE_BASE_FILE_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  json: 'application/json',
  csv: 'text/csv',
  xml: 'application/xml',
  md: 'text/markdown',
};

export function validateDynamicVariables(value: JsonValue): { items: DynamicVariableWrite[] } | { errors: ErrorTree } {
  const list = readObjectList(value, (item, errors): DynamicVariableWrite => {
    const name = readRequiredText(item, 'name', errors, { maxLength: 255 });
    const description = readRequiredText(item, 'description', errors, { allowBlank: true });
    return { name: name ?? '', description: description ?? '' };
  });
  if ('errors' in list) return list;
  flagDuplicates(
    list.items,
    (variable) => variable.name,
    'name',
    (name) => `Dynamic variable "${name}" appears more than once.`,
  );
  return finishList(list.items);
}

export function validateKnowledgeBaseFiles(
  value: JsonValue,
  existing: readonly StoredKnowledgeBaseFile[],
): { items: KnowledgeBaseFileWrite[] } | { errors: ErrorTree } {
  const byId = new Map(existing.map((file) => [file.id, file]));
  const list = readObjectList(value, (item, errors) => readKnowledgeBaseFile(item, errors, byId));
  if ('errors' in list) return list;
  flagDuplicates(
    list.items,
    (file) => (file?.kind === 'keep' ? String(file.file.id) : undefined),
    'id',
    (id) => `Knowledge base file ${id} appears more than once.`,
  );
  flagDuplicates(
    list.items,
    (file) => fileName(file),
    'file_name',
    (name) => `Knowledge base file "${name}" appears more than once.`,
  );
  const result = finishList(list.items);
  if ('errors' in result) return result;
  return { items: result.items.filter((file) => file !== undefined) };
}

function fileName(file: KnowledgeBaseFileWrite | undefined): string | undefined {
  if (file === undefined) return undefined;
  return file.kind === 'keep' ? file.file.file_name : file.file_name;
}

function readKnowledgeBaseFile(
  item: JsonObject,
  errors: FieldErrors,
  byId: ReadonlyMap<number, StoredKnowledgeBaseFile>,
): KnowledgeBaseFileWrite | undefined {
  if (item.id !== undefined && item.id !== null) {
    const id = readInteger(item.id);
    const file = id === undefined ? undefined : byId.get(id);
    if (id === undefined) addError(errors, 'id', MESSAGES.integer);
    else if (file === undefined) addError(errors, 'id', `Knowledge base file ${id} does not belong to this agent.`);
    return file === undefined ? undefined : { kind: 'keep', file };
  }
  const nameField = item.file_name === undefined && item.name !== undefined ? 'name' : 'file_name';
  const name = readRequiredText(item, nameField, errors);
  const content = readRequiredText(item, 'content_base64', errors, { allowBlank: true });
  const extension = name?.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  const fileType = KNOWLEDGE_BASE_FILE_TYPES[extension];
  if (name !== undefined && fileType === undefined) {
    addError(
      errors,
      nameField,
      `Unsupported file extension; use one of: ${Object.keys(KNOWLEDGE_BASE_FILE_TYPES).join(', ')}.`,
    );
  }
  const size = content === undefined ? undefined : decodedSize(content);
  if (content !== undefined && size === undefined) addError(errors, 'content_base64', 'Enter valid base64 content.');
  if (name === undefined || fileType === undefined || size === undefined) return undefined;
  return { kind: 'upload', file_name: name, file_size: size, file_type: fileType };
}

const DATA_URI_PREFIX = /^data:[^,]*;base64,/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes the base64 content decodes to, or undefined when it is not base64; a data-URI prefix is accepted. */
function decodedSize(content: string): number | undefined {
  const payload = content.replace(DATA_URI_PREFIX, '').replace(/\s+/g, '');
  if (!BASE64.test(payload)) return undefined;
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return (payload.length / 4) * 3 - padding;
}
