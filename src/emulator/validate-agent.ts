import { CHAT_TYPES, LANGUAGES, PROVIDER_TYPES } from '../cekura/fields.js';
import type { ApiGeneration } from '../cekura/generation.js';
import { assertNever } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import {
  addError,
  hasErrors,
  MESSAGES,
  readInteger,
  readRequiredText,
  type ErrorTree,
  type FieldErrors,
} from './field-errors.js';
import type { StoredAgent } from './types.js';
import { validateMockTools, type MockToolWrite } from './validate-mock-tools.js';
import {
  validateDynamicVariables,
  validateKnowledgeBaseFiles,
  type DynamicVariableWrite,
  type KnowledgeBaseFileWrite,
} from './validate-sets.js';

/** `create` is POST, `replace` is PUT (name and description required), `patch` is PATCH. */
export type WriteMode = 'create' | 'replace' | 'patch';

/**
 * A write body that passed validation, in the form `applyAgentWrite` takes. An absent field is left
 * alone; read-only fields (`id`, timestamps, `mock_tools_enabled` before 2026-08) and unknown fields
 * never get here.
 */
export interface AgentWrite {
  name?: string;
  description?: string;
  project?: number;
  language?: string;
  agent_speaks_first?: boolean | null;
  webhook_url?: string | null;
  /** Null clears the secret (the body sent null or ''). */
  webhook_secret?: string | null;
  telephony?: ObjectWrite;
  provider?: ObjectWrite;
  mock_tools?: MockToolWrite[];
  dynamic_variables?: DynamicVariableWrite[];
  knowledge_base_files?: KnowledgeBaseFileWrite[];
  /** Writable since 2026-07-22 (NOTES.md); read-only in the 2026-06 generation. */
  mock_tools_enabled?: boolean;
}

/** A JSON Merge Patch (RFC 7386) for an object field; `clear` empties the field first (the body sent null). */
export interface ObjectWrite {
  clear: boolean;
  patch: JsonObject;
}

/** The allowed type of one known key of `telephony` or `provider`. */
type FieldRule =
  | { type: 'string' }
  | { type: 'boolean' }
  | { type: 'string_list' }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'object'; fields: Record<string, FieldRule> };

const text: FieldRule = { type: 'string' };
const flag: FieldRule = { type: 'boolean' };
const credentialsAuth: FieldRule = { type: 'object', fields: { username: text, password: text } };

// Only known keys are checked; other keys are stored as sent, since provider configs vary by type.
const TELEPHONY_FIELDS: Record<string, FieldRule> = {
  inbound: flag,
  phone_number: text,
  sip_uri: text,
  sip_auth: credentialsAuth,
  websocket_url: text,
  websocket_auth: credentialsAuth,
  outbound_numbers: { type: 'string_list' },
};

const PROVIDER_FIELDS: Record<string, FieldRule> = {
  type: { type: 'choice', choices: [...PROVIDER_TYPES, ''] },
  agent_id: text,
  credentials: {
    type: 'object',
    fields: { api_key: text, config: { type: 'object', fields: { api_secret: text, encrypted_key: text } } },
  },
  chat_agent_details: {
    type: 'object',
    fields: {
      type: { type: 'choice', choices: [...CHAT_TYPES, ''] },
      config: { type: 'object', fields: { client_secret: text, websocket_secret: text } },
    },
  },
  auto_dial_outbound: flag,
  auto_import_calls: flag,
  auto_sync_prompt: flag,
  send_post_conversation_metadata: flag,
};

// Self-hosted left the provider enum on 2026-08-06 (NOTES.md): it is `custom` with a self-hosted chat type.
const PROVIDER_FIELDS_2026_08: Record<string, FieldRule> = {
  ...PROVIDER_FIELDS,
  type: { type: 'choice', choices: [...PROVIDER_TYPES.filter((type) => type !== 'self_hosted'), ''] },
};

/**
 * Checks a write body for `mode` as generation `api` does; `agent` is the agent being updated (null on
 * create). Changes nothing.
 */
export function validateAgentWrite(
  body: JsonValue,
  mode: WriteMode,
  agent: StoredAgent | null,
  api: ApiGeneration,
): { write: AgentWrite } | { errors: FieldErrors } {
  if (!isJsonObject(body)) return { errors: { non_field_errors: [MESSAGES.object(body)] } };
  const errors: FieldErrors = {};
  const write: AgentWrite = {};
  const isFullWrite = mode !== 'patch';

  if (isFullWrite || body.name !== undefined) {
    const name = readRequiredText(body, 'name', errors, { maxLength: 255 });
    // DRF's CharField trims by default; the 2026-08 reference shows it.
    if (name !== undefined) write.name = api === '2026-08' ? name.trim() : name;
  }
  if (isFullWrite || body.description !== undefined) {
    const description = readRequiredText(body, 'description', errors, { allowBlank: true });
    if (description !== undefined) write.description = description;
  }
  if (mode === 'create' || body.project !== undefined) {
    const project = readInteger(body.project);
    if (project === undefined)
      addError(errors, 'project', body.project === undefined ? MESSAGES.required : MESSAGES.integer);
    else write.project = project;
  }
  if (body.language !== undefined) {
    const language = body.language;
    if (typeof language === 'string' && (LANGUAGES as readonly string[]).includes(language)) write.language = language;
    else addError(errors, 'language', language === null ? MESSAGES.notNull : MESSAGES.choice(language));
  }
  if (body.agent_speaks_first !== undefined) {
    const speaksFirst = body.agent_speaks_first;
    if (speaksFirst === null || typeof speaksFirst === 'boolean') write.agent_speaks_first = speaksFirst;
    else addError(errors, 'agent_speaks_first', MESSAGES.boolean);
  }
  if (body.webhook_url !== undefined) {
    const url = body.webhook_url;
    if (url === null || url === '' || (typeof url === 'string' && isHttpUrl(url))) write.webhook_url = url;
    else addError(errors, 'webhook_url', MESSAGES.url);
  }
  if (body.webhook_secret !== undefined) {
    const secret = body.webhook_secret;
    if (secret === null || typeof secret === 'string') write.webhook_secret = secret === '' ? null : secret;
    else addError(errors, 'webhook_secret', MESSAGES.string);
  }

  const telephony = readTelephony(body, mode, errors);
  if (telephony !== undefined) write.telephony = telephony;
  const provider = readProvider(body.provider, api === '2026-08' ? PROVIDER_FIELDS_2026_08 : PROVIDER_FIELDS, errors);
  if (provider !== undefined) write.provider = provider;

  if (body.mock_tools !== undefined) {
    const tools = validateMockTools(body.mock_tools, agent?.mock_tools ?? []);
    if ('errors' in tools) errors.mock_tools = tools.errors;
    else write.mock_tools = tools.items;
  }
  if (body.dynamic_variables !== undefined) {
    const variables = validateDynamicVariables(body.dynamic_variables);
    if ('errors' in variables) errors.dynamic_variables = variables.errors;
    else write.dynamic_variables = variables.items;
  }
  if (api === '2026-08' && body.mock_tools_enabled !== undefined) {
    if (typeof body.mock_tools_enabled === 'boolean') write.mock_tools_enabled = body.mock_tools_enabled;
    else addError(errors, 'mock_tools_enabled', MESSAGES.boolean);
  }
  if (body.knowledge_base_files !== undefined) {
    const files = validateKnowledgeBaseFiles(body.knowledge_base_files, agent?.knowledge_base_files ?? []);
    if ('errors' in files) errors.knowledge_base_files = files.errors;
    else write.knowledge_base_files = files.items;
  }
  return hasErrors(errors) ? { errors } : { write };
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

/** Flat `inbound`/`phone_number` folded into `telephony`; keys of a `telephony` object win over flat ones. */
function readTelephony(body: JsonObject, mode: WriteMode, errors: FieldErrors): ObjectWrite | undefined {
  const patch: JsonObject = {};
  for (const field of ['inbound', 'phone_number'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    const problem = value === null ? undefined : checkField(value, TELEPHONY_FIELDS[field]!);
    if (problem) errors[field] = problem;
    else patch[field] = value;
  }
  let clear = false;
  if (body.telephony === null) clear = true;
  else if (body.telephony !== undefined) {
    const problem = checkField(body.telephony, { type: 'object', fields: TELEPHONY_FIELDS });
    if (problem) errors.telephony = problem;
    else Object.assign(patch, body.telephony);
  }
  if (mode === 'create' && typeof patch.inbound !== 'boolean' && !errors.inbound && !errors.telephony) {
    addError(errors, 'inbound', MESSAGES.required);
  }
  return clear || Object.keys(patch).length > 0 ? { clear, patch } : undefined;
}

function readProvider(
  value: JsonValue | undefined,
  fields: Record<string, FieldRule>,
  errors: FieldErrors,
): ObjectWrite | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { clear: true, patch: {} };
  const problem = checkField(value, { type: 'object', fields });
  if (problem) {
    errors.provider = problem;
    return undefined;
  }
  const { configure_from_provider: importsFromProvider, ...patch } = value as JsonObject;
  if (importsFromProvider === true) {
    errors.provider = {
      configure_from_provider: ['The emulator cannot import an agent from its provider; send its fields instead.'],
    };
    return undefined;
  }
  // An empty chat type clears the chat overlay (create-agent.md, ChatAgentDetails.type).
  if (isJsonObject(patch.chat_agent_details) && patch.chat_agent_details.type === '') patch.chat_agent_details = null;
  return { clear: false, patch };
}

/** DRF's messages for a value that breaks `rule`; null inside an object is allowed (it clears the key). */
function checkField(value: JsonValue, rule: FieldRule): ErrorTree | undefined {
  switch (rule.type) {
    case 'string':
      return typeof value === 'string' ? undefined : [MESSAGES.string];
    case 'boolean':
      return typeof value === 'boolean' ? undefined : [MESSAGES.boolean];
    case 'string_list':
      return Array.isArray(value) && value.every((item) => typeof item === 'string')
        ? undefined
        : ['Expected a list of strings.'];
    case 'choice':
      return typeof value === 'string' && rule.choices.includes(value) ? undefined : [MESSAGES.choice(value)];
    case 'object': {
      if (!isJsonObject(value)) return [MESSAGES.object(value)];
      const errors: FieldErrors = {};
      for (const [key, keyRule] of Object.entries(rule.fields)) {
        const keyValue = value[key];
        if (keyValue === undefined || keyValue === null) continue;
        const problem = checkField(keyValue, keyRule);
        if (problem) errors[key] = problem;
      }
      return hasErrors(errors) ? errors : undefined;
    }
    default:
      return assertNever(rule, 'field rule');
  }
}
