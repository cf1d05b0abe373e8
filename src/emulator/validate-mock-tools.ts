import type { MockDataRow, ServedVia } from '../cekura/agent-doc.js';
import { TOOL_NAME_PATTERN } from '../cekura/fields.js';
import { canonicalJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import {
  addError,
  finishList,
  flagDuplicates,
  hasErrors,
  MESSAGES,
  readInteger,
  readObjectList,
  type ErrorTree,
  type FieldErrors,
} from './field-errors.js';
import type { StoredMockTool } from './types.js';

/** One item of a valid `mock_tools` write, already matched to the tool it updates. */
export interface MockToolWrite {
  /** The existing tool this item updates (matched by id, else by name), or null for a new tool. */
  target: StoredMockTool | null;
  /** The tool's name after the write. */
  name: string;
  /** Fields the item gave; a matched tool keeps the ones left out. */
  description?: string;
  mock_data?: MockDataRow[];
  served_via?: ServedVia;
  freetext_params?: string[];
}

interface ToolItem {
  id?: number;
  hasId: boolean;
  name?: string;
  description?: string;
  mock_data?: MockDataRow[];
  served_via?: ServedVia;
  freetext_params?: string[];
  target: StoredMockTool | null;
}

/**
 * Checks a `mock_tools` full-set write against the agent's tools and matches each item: by `id`
 * (which must be one of this agent's tools), else by `name` among tools no item claimed by id.
 */
export function validateMockTools(
  value: JsonValue,
  existing: readonly StoredMockTool[],
): { items: MockToolWrite[] } | { errors: ErrorTree } {
  const list = readObjectList(value, readToolItem);
  if ('errors' in list) return list;
  const { items } = list;

  const byId = new Map(existing.map((tool) => [tool.id, tool]));
  const claimed = new Set<number>();
  for (const item of items) {
    const tool = item.value;
    if (tool?.id === undefined) continue;
    const target = byId.get(tool.id);
    if (target === undefined) addError(item.errors, 'id', `Mock tool ${tool.id} does not belong to this agent.`);
    else if (claimed.has(tool.id)) addError(item.errors, 'id', `Mock tool ${tool.id} appears more than once.`);
    else {
      claimed.add(tool.id);
      tool.target = target;
    }
  }
  const unclaimedByName = new Map(existing.filter((tool) => !claimed.has(tool.id)).map((tool) => [tool.name, tool]));
  for (const item of items) {
    const tool = item.value;
    if (tool === undefined || tool.hasId) continue;
    if (tool.name === undefined) {
      if (!item.errors.name) addError(item.errors, 'name', MESSAGES.required);
      continue;
    }
    const target = unclaimedByName.get(tool.name);
    if (target === undefined) continue;
    tool.target = target;
    unclaimedByName.delete(tool.name);
  }
  flagDuplicates(items, finalName, 'name', (name) => `Mock tool name "${name}" appears more than once.`);

  const result = finishList(items);
  if ('errors' in result) return result;
  return { items: result.items.map(toWrite) };
}

function finalName(tool: ToolItem): string | undefined {
  return tool.name ?? tool.target?.name;
}

function toWrite(tool: ToolItem): MockToolWrite {
  const write: MockToolWrite = { target: tool.target, name: finalName(tool) ?? '' };
  if (tool.description !== undefined) write.description = tool.description;
  if (tool.mock_data !== undefined) write.mock_data = tool.mock_data;
  if (tool.served_via !== undefined) write.served_via = tool.served_via;
  if (tool.freetext_params !== undefined) write.freetext_params = tool.freetext_params;
  return write;
}

function readToolItem(item: JsonObject, errors: FieldErrors): ToolItem {
  const tool: ToolItem = { hasId: item.id !== undefined && item.id !== null, target: null };
  if (tool.hasId) {
    const id = readInteger(item.id);
    if (id === undefined) addError(errors, 'id', MESSAGES.integer);
    else tool.id = id;
  }
  if (item.name !== undefined) {
    if (typeof item.name !== 'string')
      addError(errors, 'name', item.name === null ? MESSAGES.notNull : MESSAGES.string);
    else if (!TOOL_NAME_PATTERN.test(item.name)) {
      addError(errors, 'name', 'Use only letters, digits, underscores and hyphens, 1 to 63 characters.');
    } else tool.name = item.name;
  }
  if (item.description !== undefined) {
    if (typeof item.description === 'string') tool.description = item.description;
    else addError(errors, 'description', item.description === null ? MESSAGES.notNull : MESSAGES.string);
  }
  if (item.mock_data !== undefined) {
    const mockData = readMockData(item.mock_data);
    if ('errors' in mockData) errors.mock_data = mockData.errors;
    else tool.mock_data = mockData.rows;
  }
  if (item.served_via !== undefined) {
    const servedVia = readServedVia(item.served_via);
    if ('errors' in servedVia) errors.served_via = servedVia.errors;
    else tool.served_via = servedVia.value;
  }
  if (item.freetext_params !== undefined) {
    const params = item.freetext_params;
    if (Array.isArray(params) && params.every((param) => typeof param === 'string'))
      tool.freetext_params = params as string[];
    else addError(errors, 'freetext_params', 'Expected a list of strings.');
  }
  return tool;
}

/** The rows, or the messages when they are not a list of `{input, output}` with distinct inputs. */
function readMockData(value: JsonValue): { rows: MockDataRow[] } | { errors: string[] } {
  if (!Array.isArray(value)) return { errors: [MESSAGES.list(value)] };
  const problems: string[] = [];
  const rows: MockDataRow[] = [];
  const rowByInput = new Map<string, number>();
  value.forEach((row, index) => {
    if (!isJsonObject(row) || row.input === undefined || row.output === undefined) {
      problems.push(`Row ${index + 1} must be an object with "input" and "output".`);
      return;
    }
    const input = canonicalJson(row.input);
    const first = rowByInput.get(input);
    if (first !== undefined) problems.push(`Rows ${first} and ${index + 1} have the same input.`);
    else rowByInput.set(input, index + 1);
    rows.push({ input: row.input, output: row.output });
  });
  return problems.length > 0 ? { errors: problems } : { rows };
}

function readServedVia(value: JsonValue): { value: ServedVia } | { errors: ErrorTree } {
  if (!isJsonObject(value)) return { errors: [value === null ? MESSAGES.notNull : MESSAGES.object(value)] };
  const errors: FieldErrors = {};
  const type = value.type ?? 'direct';
  if (type === 'direct') return { value: { type: 'direct' } };
  if (type !== 'mcp') {
    addError(errors, 'type', MESSAGES.choice(type));
    return { errors };
  }
  const index = value.mock_index;
  if (index === undefined || index === null)
    addError(errors, 'mock_index', 'This field is required when type is "mcp".');
  else if (typeof index !== 'number' || !Number.isSafeInteger(index)) addError(errors, 'mock_index', MESSAGES.integer);
  else if (index < 1) addError(errors, 'mock_index', MESSAGES.minValue(1));
  if (hasErrors(errors)) return { errors };
  return { value: { type: 'mcp', mock_index: index as number } };
}
