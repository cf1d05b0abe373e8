import {
  sortMockData,
  type DynamicVariableDoc,
  type KnowledgeBaseFileDoc,
  type MockDataRow,
  type MockToolDoc,
  type ServedVia,
  type SetField,
} from '../cekura/agent-doc.js';
import { SECRET_PATHS, SERVER_DEFAULTS } from '../cekura/fields.js';
import type { WireAgent, WireMockTool } from '../api/types.js';
import { deleteAtPointer, isJsonObject, keyedRecord, type JsonObject, type JsonValue } from '../json.js';
import type { DuplicateItem, LiveAgent, LiveAgentDoc } from './types.js';

/**
 * An agent as the API returned it → the canonical live form (see `AgentDoc`). Pure. Drops
 * server-computed fields (ids go to `item_ids`, `served_via.url`, timestamps), fills server
 * defaults the API may leave out, keys sets by name, and removes any secret a server might echo.
 */
export function normalizeAgent(wire: WireAgent): LiveAgent {
  const tools = firstOfEachName(wire.mock_tools ?? [], (tool) => tool.name);
  const variables = firstOfEachName(wire.dynamic_variables ?? [], (variable) => variable.name);
  const files = firstOfEachName(wire.knowledge_base_files ?? [], (file) => file.file_name);

  const doc: LiveAgentDoc = {
    name: wire.name,
    description: wire.description ?? '',
    language: wire.language || SERVER_DEFAULTS.language,
    agent_speaks_first: wire.agent_speaks_first ?? null,
    telephony: { inbound: SERVER_DEFAULTS.telephony_inbound, ...objectOrEmpty(wire.telephony) },
    provider: objectOrEmpty(wire.provider),
    webhook_url: wire.webhook_url ?? null,
    mock_tools: keyByName(tools.kept.map(normalizeMockTool)),
    dynamic_variables: keyByName(
      variables.kept.map((v): DynamicVariableDoc => ({ name: v.name, description: v.description ?? '' })),
    ),
    knowledge_base_files: keyedRecord(
      files.kept.map((file): [string, KnowledgeBaseFileDoc] => [
        file.file_name,
        file.file_size === undefined
          ? { file_name: file.file_name }
          : { file_name: file.file_name, file_size: file.file_size },
      ]),
    ),
  };
  removeSecrets(doc);

  return {
    id: wire.id,
    project: wire.project,
    doc,
    mock_tools_enabled: wire.mock_tools_enabled === true,
    item_ids: {
      mock_tools: keyedRecord(tools.kept.map((tool) => [tool.name, tool.id])),
      dynamic_variables: keyedRecord(variables.kept.map((v) => [v.name, v.id])),
      knowledge_base_files: keyedRecord(files.kept.map((file) => [file.file_name, file.id])),
    },
    shared_tools: keyedRecord(
      tools.kept.filter((tool) => tool.is_shared === true).map((tool) => [tool.name, tool.subscriber_count ?? 1]),
    ),
    duplicate_items: [
      ...duplicateItems('mock_tools', tools.duplicates),
      ...duplicateItems('dynamic_variables', variables.duplicates),
      ...duplicateItems('knowledge_base_files', files.duplicates),
    ],
  };
}

export function normalizeMockTool(
  tool: Pick<WireMockTool, 'name' | 'description' | 'mock_data' | 'served_via'>,
): MockToolDoc {
  return {
    name: tool.name,
    description: tool.description ?? '',
    mock_data: sortMockData(mockDataRows(tool.mock_data)),
    served_via: servedVia(tool.served_via),
  };
}

function mockDataRows(value: JsonValue | undefined): MockDataRow[] {
  if (!Array.isArray(value)) return [];
  return value.map((row) =>
    isJsonObject(row) ? { input: row.input ?? null, output: row.output ?? null } : { input: row, output: null },
  );
}

function servedVia(value: WireMockTool['served_via'] | undefined): ServedVia {
  if (value?.type === 'mcp') return { type: 'mcp', mock_index: value.mock_index ?? 1 };
  return { type: 'direct' };
}

function objectOrEmpty(value: JsonObject | null | undefined): JsonObject {
  return isJsonObject(value) ? structuredClone(value) : {};
}

/** The oldest item (lowest id) of each name, and the others as `duplicates` named by `nameOf`. */
function firstOfEachName<T extends { id: number }>(
  items: readonly T[],
  nameOf: (item: T) => string,
): { kept: T[]; duplicates: { name: string; id: number }[] } {
  const seen = new Set<string>();
  const kept: T[] = [];
  const duplicates: { name: string; id: number }[] = [];
  for (const item of [...items].sort((a, b) => a.id - b.id)) {
    const name = nameOf(item);
    if (seen.has(name)) duplicates.push({ name, id: item.id });
    else kept.push(item);
    seen.add(name);
  }
  return { kept, duplicates };
}

function duplicateItems(set: SetField, duplicates: { name: string; id: number }[]): DuplicateItem[] {
  return duplicates
    .map(({ name, id }) => ({ set, name, id }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
}

function keyByName<T extends { name: string }>(items: T[]): Record<string, T> {
  return keyedRecord(items.map((item) => [item.name, item]));
}

function removeSecrets(doc: LiveAgentDoc): void {
  for (const path of SECRET_PATHS) deleteAtPointer(doc as unknown as JsonObject, path);
}
