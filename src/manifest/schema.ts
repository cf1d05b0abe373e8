import { z } from 'zod';
import { CHAT_TYPES, LANGUAGES, PROVIDER_TYPES, TOOL_NAME_PATTERN } from '../cekura/fields.js';
import { MOCK_MODE_VIAS } from '../cekura/generation.js';
import { ENVIRONMENT_NAME_PATTERN, VAR_NAME_PATTERN } from './environment-name.js';
import { SECRET_REFERENCE } from './interpolate.js';

// The manifest's structure, mirroring the Cekura v2 agent write schema (shared/cekura-api/create-agent.md).
// Every object is strict: an unknown key is an error, so a typo never silently does nothing.

export const AGENT_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const KNOWLEDGE_BASE_EXTENSION = /\.(pdf|txt|json|csv|xml|md)$/i;

/** A write-only secret: the loader accepts only `${env:NAME}` here (checked before this schema). */
const secret = z
  .string()
  .meta({ pattern: SECRET_REFERENCE.source, description: 'Write-only secret, given as ${env:NAME}.' });

/**
 * A name Cekura stores trimmed (DRF trims text fields): one with leading or trailing whitespace would
 * never match live, and lost-create recovery, which looks an agent up by name, would miss it.
 */
const trimmedName = (maxLength?: number) =>
  (maxLength === undefined ? z.string() : z.string().max(maxLength))
    .min(1)
    .regex(/^\S(?:[\s\S]*\S)?$/, { error: 'a name has no leading or trailing whitespace (Cekura trims it)' });

/** A value of a set Cekura grows: unknown values only warn (see rules.ts), so any string passes here. */
const openSet = (values: readonly string[], description: string, base = z.string()) =>
  base.meta({ description, examples: [...values] });

/** Inside `telephony` and `provider`: `null` clears the key on Cekura (merge patch); absent leaves it unmanaged. Secrets cannot be cleared. */
const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const basicAuth = z.object({ username: clearable(z.string()), password: secret.optional() }).strict();

const telephony = z
  .object({
    phone_number: clearable(z.string()).describe('E.164 number, quoted: "+14155551234".'),
    inbound: clearable(z.boolean()),
    sip_uri: clearable(z.string()),
    sip_auth: clearable(basicAuth),
    websocket_url: clearable(z.string()),
    websocket_auth: clearable(basicAuth),
    outbound_numbers: clearable(z.array(z.string())),
  })
  .strict();

const jsonValue = z.json();
const freeObject = z.record(z.string(), jsonValue);

/** The union of the per-provider `credentials.config` keys (create-agent.md, ProviderCredentialsConfig). */
const credentialsConfig = z
  .object({
    public_key: clearable(z.string()),
    trigger_url: clearable(z.string()),
    livekit_server_url: clearable(z.string()),
    elevenlabs_region: clearable(z.enum(['us', 'eu'])),
    elevenlabs_base_url_override: clearable(z.string()),
    encrypted_key: secret.optional(),
    api_secret: secret.optional(),
    url: clearable(z.string()),
    agent_name: clearable(z.string()),
    config: clearable(freeObject),
    tracing_enabled: clearable(z.boolean()),
    synthflow_base_url_override: clearable(z.string()),
    client_id: clearable(z.string()),
    bot_id: clearable(z.string()),
    host: clearable(z.string()),
    region: clearable(z.string()),
    pipecat_agent_name: clearable(z.string()),
    room_properties: clearable(freeObject),
    webhook_url: clearable(z.string()),
    send_post_conversation_metadata: clearable(z.boolean()),
    widget_id: clearable(z.string()),
    snippet_id: clearable(z.string()),
    connect_host: clearable(z.string()),
  })
  .strict();

/** The union of the per-type `chat_agent_details.config` keys (create-agent.md, ChatAgentConfig). */
const chatConfig = z
  .object({
    agent_id: clearable(z.string()),
    client_secret: secret.optional(),
    client_id: clearable(z.string()),
    domain: clearable(z.string()),
    url: clearable(z.string()),
    headers: clearable(z.record(z.string(), z.string().nullable())),
    websocket_secret: secret.optional(),
    widget_id: clearable(z.string()),
    snippet_id: clearable(z.string()),
    connect_host: clearable(z.string()),
    region: clearable(z.string()),
  })
  .strict();

const provider = z
  .object({
    type: clearable(openSet(PROVIDER_TYPES, 'Voice provider type.')),
    agent_id: clearable(z.string()),
    credentials: clearable(z.object({ api_key: secret.optional(), config: clearable(credentialsConfig) }).strict()),
    chat_agent_details: clearable(
      z.object({ type: clearable(openSet(CHAT_TYPES, 'Chat provider type.')), config: clearable(chatConfig) }).strict(),
    ),
    auto_dial_outbound: clearable(z.boolean()),
    auto_import_calls: clearable(z.boolean()),
    auto_sync_prompt: clearable(z.boolean()),
    send_post_conversation_metadata: clearable(z.boolean()),
  })
  .strict();

const servedVia = z
  .object({
    type: z
      .enum(['direct', 'mcp'])
      .optional()
      .describe("'direct' (default): a URL per tool; 'mcp': served by the MCP endpoint `mock_index`."),
    mock_index: z.number().int().min(1).optional(),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.type === 'mcp' && value.mock_index === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['mock_index'],
        message: '`type: mcp` needs `mock_index` (a whole number from 1)',
        params: { hint: 'tools with the same `mock_index` share one MCP endpoint' },
      });
    }
    if (value.type !== 'mcp' && value.mock_index !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['mock_index'],
        message: '`mock_index` is only for `type: mcp`',
        params: { hint: 'add `type: mcp`, or remove `mock_index`' },
      });
    }
  });

const mockTool = z
  .object({
    name: z.string().regex(TOOL_NAME_PATTERN, { error: 'a mock tool name has 1 to 63 letters, digits, `_` or `-`' }),
    description: z.string().optional(),
    mock_data: z.array(z.object({ input: jsonValue, output: jsonValue }).strict()).optional(),
    served_via: servedVia.optional(),
    freetext_params: z.array(z.string()).optional().describe('Parameter names skipped during mock matching.'),
  })
  .strict();

const dynamicVariable = z.object({ name: trimmedName(255), description: z.string().optional() }).strict();

const knowledgeBaseFile = z
  .object({
    path: z.string().min(1).describe('Local file, relative to this manifest file.'),
    file_name: trimmedName().optional().describe('Name on Cekura; default: the base name of `path`.'),
  })
  .strict();

const projectId = z.number().int().positive();

/** One agent under `agents:`: the Cekura v2 write fields plus `mock_tools_enabled`. */
export const agentSchema = z
  .object({
    name: trimmedName(255),
    description: z.string().optional(),
    project: projectId.optional().describe("Overrides the file's top-level `project`."),
    id: z.number().int().positive().optional().describe('Pins this address to an existing Cekura agent.'),
    language: openSet(LANGUAGES, 'Agent language; Cekura defaults to en.', z.string().min(1)).optional(),
    agent_speaks_first: z.boolean().nullable().optional(),
    telephony: telephony.optional(),
    provider: provider.optional(),
    webhook_url: z.string().nullable().optional(),
    webhook_secret: secret.optional(),
    mock_tools: z.array(mockTool).optional().describe('The complete set: tools missing here are deleted on Cekura.'),
    dynamic_variables: z
      .array(dynamicVariable)
      .optional()
      .describe('The complete set: variables missing here are deleted on Cekura.'),
    knowledge_base_files: z
      .array(knowledgeBaseFile)
      .optional()
      .describe('The complete set: files missing here are deleted on Cekura.'),
    mock_tools_enabled: z
      .boolean()
      .optional()
      .describe('Desired mock-tool mode, reached by toggling after the writes.'),
  })
  .strict();

/** One agent as validated: still a list of items, secrets as their `${env:NAME}` text. */
export type AgentInput = z.infer<typeof agentSchema>;
export type MockToolInput = z.infer<typeof mockTool>;

const agentKey = z.string().regex(AGENT_KEY_PATTERN, {
  error: 'an agent key starts with a letter or digit and has only letters, digits, `_` or `-`',
});

const settings = {
  project: projectId.optional().describe("Default project for this file's agents."),
  prune: z.boolean().optional().describe('Delete agents of managed projects that no manifest names.'),
  max_deletes: z.number().int().min(0).optional().describe('Refuse a plan that deletes more agents than this.'),
  mock_mode_via: z
    .enum(MOCK_MODE_VIAS)
    .optional()
    .describe(
      'How mock mode is changed: toggle (the toggle-mock-tools routes) or patch (mock_tools_enabled in the write). Default: detected from the API.',
    ),
};

const vars = z
  .record(
    z
      .string()
      .regex(VAR_NAME_PATTERN, { error: 'a var name has letters, digits and `_`, and does not start with a digit' }),
    jsonValue,
  )
  .describe('Values for `${var.NAME}` in strings; an exact `${var.NAME}` takes the value with its type.');

const environmentName = z.string().regex(ENVIRONMENT_NAME_PATTERN, {
  error: 'an environment name starts with a letter or digit and has only letters, digits, `_` or `-`',
});

/** One `environments.<name>` entry; `override` checks each `agents.<key>` entry (a partial agent body). */
const environment = <T extends z.ZodType>(override: T) =>
  z
    .object({
      project: projectId
        .optional()
        .describe("Replaces the files' top-level `project` in this environment; an agent's own `project` still wins."),
      vars: vars.optional().describe('Var values in this environment; they win over the top-level `vars`.'),
      agents: z
        .record(agentKey, override)
        .optional()
        .describe(
          'Fields that differ in this environment, merged onto `agents.<key>`: mappings key by key, lists and values replaced.',
        ),
    })
    .strict();

const environments = <T extends z.ZodType>(override: T) =>
  z
    .record(environmentName, environment(override))
    .describe('Environments to plan and apply the same agents in, chosen with `--env NAME`.');

/**
 * The top level of one file with the agents and overrides left unchecked: each agent is checked by
 * `agentSchema` on its own, an override after it is merged onto its agent.
 */
export const fileHeaderSchema = z
  .object({
    ...settings,
    vars: vars.optional(),
    environments: environments(z.record(z.string(), z.unknown())).optional(),
    agents: z.record(agentKey, z.unknown()).optional(),
  })
  .strict();

/** A whole manifest file; the source of the JSON Schema. */
export const manifestFileSchema = z
  .object({
    ...settings,
    vars: vars.optional(),
    environments: environments(agentSchema.partial()).optional(),
    agents: z.record(agentKey, agentSchema).optional().describe('Agents by address key (`agent.<key>`).'),
  })
  .strict()
  .meta({
    title: 'cekuraform manifest',
    description: 'Cekura agents kept in Git; see https://docs.cekura.ai for each field.',
  });
