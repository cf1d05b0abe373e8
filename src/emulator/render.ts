import type { ServedVia } from '../cekura/agent-doc.js';
import type { JsonObject } from '../json.js';
import type { StoredAgent, StoredKnowledgeBaseFile, StoredMockTool } from './types.js';
import { withoutSecrets } from './write-only.js';

// Stored agent → the JSON the API answers (create-agent.md, 201 example). `base` is the scheme and
// host the client used, so server-computed URLs point back at this emulator. A render shares
// unchanged parts with the store: serialize it, never keep or change it.

export function renderAgent(agent: StoredAgent, base: string): JsonObject {
  return {
    id: agent.id,
    name: agent.name,
    description: agent.description,
    project: agent.project,
    language: agent.language,
    telephony: { inbound: false, phone_number: null, sip_uri: null, ...withoutSecrets('telephony', agent.telephony) },
    provider: withoutSecrets('provider', agent.provider),
    agent_speaks_first: agent.agent_speaks_first,
    knowledge_base_files: agent.knowledge_base_files.map((file) => renderKnowledgeBaseFile(agent.id, file, base)),
    mock_tools: agent.mock_tools.map((tool) => renderMockTool(agent.id, tool, base)),
    mock_tools_enabled: agent.mock_tools_enabled,
    mock_tools_provider: agent.mock_tools_provider,
    dynamic_variables: agent.dynamic_variables.map(({ id, name, description }) => ({ id, name, description })),
    webhook_url: agent.webhook_url,
    webhook_secret_configured: agent.webhook_secret !== null,
    created_at: agent.created_at,
    updated_at: agent.updated_at,
  };
}

function renderMockTool(agentId: number, tool: StoredMockTool, base: string): JsonObject {
  return {
    id: tool.id,
    name: tool.name,
    description: tool.description,
    mock_data: tool.mock_data.map(({ input, output }) => ({ input, output })),
    served_via: { ...tool.served_via, url: mockToolUrl(base, agentId, tool.name, tool.served_via) },
    is_shared: tool.is_shared,
    subscriber_count: tool.subscriber_count,
  };
}

function renderKnowledgeBaseFile(agentId: number, file: StoredKnowledgeBaseFile, base: string): JsonObject {
  return {
    id: file.id,
    file_name: file.file_name,
    file_size: file.file_size,
    file_url: `${base}/media/knowledge_base_files/${agentId}/${file.id}/${encodeURIComponent(file.file_name)}`,
    file_type: file.file_type,
  };
}

/** Where the agent reaches a tool at runtime: its own URL, or its MCP group's endpoint. */
function mockToolUrl(base: string, agentId: number, name: string, servedVia: ServedVia): string {
  return servedVia.type === 'mcp'
    ? mcpEndpointUrl(base, agentId, servedVia.mock_index)
    : `${base}/test_framework/v1/aiagents/${agentId}/tool/${name}/`;
}

export function mcpEndpointUrl(base: string, agentId: number, mockIndex: number): string {
  return `${base}/test_framework/v1/aiagents/${agentId}/mcp/${mockIndex}/`;
}
