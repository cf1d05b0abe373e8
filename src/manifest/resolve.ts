import {
  sortMockData,
  type AgentDoc,
  type MockDataRow,
  type MockToolDoc,
  type ServedVia,
} from '../cekura/agent-doc.js';
import { SECRET_PATHS, type SecretPath } from '../cekura/fields.js';
import { compareStrings } from '../compare.js';
import {
  deleteAtPointer,
  getAtPointer,
  isJsonObject,
  joinPointer,
  keyedRecord,
  splitPointer,
  type JsonObject,
} from '../json.js';
import type { SourceLocation } from '../errors.js';
import type { PathIssue } from './issues.js';
import { readKnowledgeBase } from './knowledge-base.js';
import type { ParsedFile } from './parse.js';
import type { AgentInput, MockToolInput } from './schema.js';
import { collectSources } from './sources.js';
import type { ManifestAgent, ResolvedSecret } from './types.js';

/** What resolving one agent needs beyond its validated body. */
export interface AgentContext {
  /** The key under `agents:`. */
  key: string;
  /** The agent's own project, else its file's. */
  project: number;
  parsed: ParsedFile;
  /** The manifest file's directory: knowledge-base paths are relative to it. */
  directory: string;
  /** This agent's secrets, as interpolation found them. */
  secrets: ResolvedSecret[];
}

/** A validated agent → the desired agent: items keyed by name with server defaults, secrets apart, files read. */
export async function resolveAgent(
  input: AgentInput,
  context: AgentContext,
): Promise<{ agent: ManifestAgent; issues: PathIssue[] }> {
  const { key, project, parsed } = context;
  const doc = agentDoc(input);
  const knowledgeBase = await readKnowledgeBase(input.knowledge_base_files ?? [], context.directory, [
    'agents',
    key,
    'knowledge_base_files',
  ]);
  if (input.knowledge_base_files !== undefined) doc.knowledge_base_files = knowledgeBase.docs;
  let sources: Record<string, SourceLocation> | undefined;

  const agent: ManifestAgent = {
    key,
    address: `agent.${key}`,
    project,
    ...(input.id === undefined ? {} : { id: input.id }),
    doc,
    ...(input.mock_tools_enabled === undefined ? {} : { mock_tools_enabled: input.mock_tools_enabled }),
    secrets: [...context.secrets].sort((a, b) => compareStrings(a.path, b.path)),
    knowledge_base_sources: knowledgeBase.sources,
    // Located when read: only error messages need it, and locating needs the file's yaml Document.
    get location() {
      return parsed.locate(['agents', key], 'key');
    },
    // Located on first use: only error messages need it, and locating every field of 1000 agents took a second.
    locateField: (pointer) => (sources ??= collectSources(key, input, parsed))[pointer],
  };
  return { agent, issues: knowledgeBase.issues };
}

function agentDoc(input: AgentInput): AgentDoc {
  const { project, id, mock_tools_enabled, mock_tools, dynamic_variables, knowledge_base_files, ...fields } = input;
  // The schema admits only JSON from YAML, and zod adds no keys for absent fields: absent stays absent.
  const doc = structuredClone(fields) as AgentDoc & JsonObject;
  for (const path of SECRET_PATHS) removeSecret(doc, path);
  if (mock_tools !== undefined) doc.mock_tools = keyedRecord(mock_tools.map((tool) => [tool.name, mockToolDoc(tool)]));
  if (dynamic_variables !== undefined) {
    doc.dynamic_variables = keyedRecord(
      // A description left out stays out: the planner decides its default (`effectiveDesired`).
      dynamic_variables.map(
        ({ name, description }) => [name, description === undefined ? { name } : { name, description }] as const,
      ),
    );
  }
  return doc;
}

function mockToolDoc(tool: MockToolInput): MockToolDoc {
  const servedVia: ServedVia =
    tool.served_via?.type === 'mcp' ? { type: 'mcp', mock_index: tool.served_via.mock_index! } : { type: 'direct' };
  return {
    name: tool.name,
    description: tool.description ?? '',
    mock_data: sortMockData(structuredClone(tool.mock_data ?? []) as MockDataRow[]),
    served_via: servedVia,
    // A set of parameter names: sorted so that reordering them is no change.
    ...(tool.freetext_params === undefined ? {} : { freetext_params: [...tool.freetext_params].sort() }),
  };
}

/** Removes a secret and the objects it leaves empty: `sip_auth: {password}` manages nothing else. */
function removeSecret(doc: JsonObject, path: SecretPath): void {
  if (!deleteAtPointer(doc, path)) return;
  const tokens = splitPointer(path);
  for (let depth = tokens.length - 1; depth > 0; depth--) {
    const parent = joinPointer(...tokens.slice(0, depth));
    const value = getAtPointer(doc, parent);
    if (!isJsonObject(value) || Object.keys(value).length > 0) return;
    deleteAtPointer(doc, parent);
  }
}
