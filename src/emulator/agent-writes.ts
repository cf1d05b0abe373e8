import { descriptionPlaceholders } from '../cekura/fields.js';
import type { ApiGeneration } from '../cekura/generation.js';
import { compareStrings } from '../compare.js';
import { assertNever } from '../errors.js';
import { isJsonObject, keyedRecord, ownValue, type JsonObject, type JsonValue } from '../json.js';
import type { NextIds, StoredAgent, StoredDynamicVariable, StoredKnowledgeBaseFile, StoredMockTool } from './types.js';
import type { AgentWrite, ObjectWrite } from './validate-agent.js';
import type { MockToolWrite } from './validate-mock-tools.js';
import type { DynamicVariableWrite, KnowledgeBaseFileWrite } from './validate-sets.js';

/** Hands out the next id of a kind. */
export type NextId = (kind: keyof NextIds) => number;

/** A new agent with the server defaults, before its create body is applied. */
export function blankAgent(id: number, now: string): StoredAgent {
  return {
    id,
    name: '',
    description: '',
    project: 0,
    language: 'en',
    agent_speaks_first: null,
    telephony: {},
    provider: {},
    webhook_url: null,
    webhook_secret: null,
    mock_tools: [],
    mock_tools_enabled: false,
    mock_tools_provider: null,
    dynamic_variables: [],
    knowledge_base_files: [],
    created_at: now,
    updated_at: now,
  };
}

/** How one write is applied: new ids, whether it creates the agent, its time, the API generation. */
export interface WriteSettings {
  nextId: NextId;
  isCreate: boolean;
  now: string;
  api: ApiGeneration;
}

/**
 * Applies a validated write to `agent` in place. Cannot fail: everything that could is checked by
 * `validateAgentWrite` first, so a rejected write changes nothing.
 */
export function applyAgentWrite(agent: StoredAgent, write: AgentWrite, settings: WriteSettings): void {
  const { nextId, isCreate, now } = settings;
  if (write.name !== undefined) agent.name = write.name;
  if (write.description !== undefined) agent.description = write.description;
  if (write.project !== undefined) agent.project = write.project;
  if (write.language !== undefined) agent.language = write.language;
  if (write.agent_speaks_first !== undefined) agent.agent_speaks_first = write.agent_speaks_first;
  if (write.webhook_url !== undefined) agent.webhook_url = write.webhook_url;
  if (write.webhook_secret !== undefined) agent.webhook_secret = write.webhook_secret;
  if (write.mock_tools_enabled !== undefined) agent.mock_tools_enabled = write.mock_tools_enabled;
  if (write.telephony !== undefined) agent.telephony = mergeObject(agent.telephony, write.telephony);
  if (write.provider !== undefined) agent.provider = mergeObject(agent.provider, write.provider);
  if (write.mock_tools !== undefined) agent.mock_tools = writeMockTools(write.mock_tools, nextId);
  if (write.knowledge_base_files !== undefined) {
    agent.knowledge_base_files = write.knowledge_base_files
      .map((file) => writeKnowledgeBaseFile(file, nextId))
      .sort(byId);
  }
  if (write.dynamic_variables !== undefined)
    agent.dynamic_variables = writeDynamicVariables(agent.dynamic_variables, write.dynamic_variables, nextId);
  // Cekura derives variables from the description on create and on each save of it (NOTES.md), after the body's own set.
  if (isCreate || write.description !== undefined) addPlaceholderVariables(agent, settings);
  agent.updated_at = now;
}

function mergeObject(current: JsonObject, write: ObjectWrite): JsonObject {
  return mergePatch(write.clear ? {} : current, write.patch);
}

/** RFC 7386: keys absent from the patch stay, `null` removes, objects merge recursively, anything else replaces. */
function mergePatch(target: JsonValue | undefined, patch: JsonObject): JsonObject {
  const merged: JsonObject = keyedRecord(isJsonObject(target) ? Object.entries(target) : []);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = isJsonObject(value) ? mergePatch(ownValue(merged, key), value) : value;
  }
  return merged;
}

function writeMockTools(items: MockToolWrite[], nextId: NextId): StoredMockTool[] {
  return items
    .map((item): StoredMockTool => {
      const tool: StoredMockTool = item.target
        ? { ...item.target }
        : {
            id: nextId('mock_tool'),
            name: item.name,
            description: '',
            mock_data: [],
            served_via: { type: 'direct' },
            freetext_params: null,
            is_shared: false,
            subscriber_count: 1,
          };
      tool.name = item.name;
      if (item.description !== undefined) tool.description = item.description;
      if (item.mock_data !== undefined) tool.mock_data = item.mock_data;
      if (item.served_via !== undefined) tool.served_via = item.served_via;
      if (item.freetext_params !== undefined) tool.freetext_params = item.freetext_params;
      return tool;
    })
    .sort(byId);
}

function writeKnowledgeBaseFile(file: KnowledgeBaseFileWrite, nextId: NextId): StoredKnowledgeBaseFile {
  switch (file.kind) {
    case 'keep':
      return file.file;
    case 'upload':
      return {
        id: nextId('knowledge_base_file'),
        file_name: file.file_name,
        file_size: file.file_size,
        file_type: file.file_type,
      };
    default:
      return assertNever(file, 'knowledge base file write');
  }
}

function writeDynamicVariables(
  current: StoredDynamicVariable[],
  items: DynamicVariableWrite[],
  nextId: NextId,
): StoredDynamicVariable[] {
  // Of two stored variables of one name (see `duplicateItem`), a write keeps the older.
  const idByName = new Map([...current].reverse().map((variable) => [variable.name, variable.id]));
  return items
    .map((item) => ({
      id: idByName.get(item.name) ?? nextId('dynamic_variable'),
      name: item.name,
      description: item.description,
    }))
    .sort(byName);
}

function addPlaceholderVariables(agent: StoredAgent, { nextId, api }: WriteSettings): void {
  const names = new Set(agent.dynamic_variables.map((variable) => variable.name));
  const missing = descriptionPlaceholders(agent.description).filter((name) => !names.has(name));
  if (missing.length === 0) return;
  // The 2026-08 generation describes a derived variable from how the prompt uses it (NOTES.md); ours is a fixed sentence.
  const describe = (name: string): string => (api === '2026-08' ? `What the prompt fills in for {{${name}}}.` : '');
  const derived = missing.map((name) => ({ id: nextId('dynamic_variable'), name, description: describe(name) }));
  agent.dynamic_variables = [...agent.dynamic_variables, ...derived].sort(byName);
}

function byId(a: { id: number }, b: { id: number }): number {
  return a.id - b.id;
}

function byName(a: { name: string }, b: { name: string }): number {
  return compareStrings(a.name, b.name);
}
