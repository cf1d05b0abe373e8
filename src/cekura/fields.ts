// What cekuraform knows about Cekura's v2 agent fields, in one place: the manifest schema, the
// normaliser, the planner and the emulator all read it. Sources: shared/cekura-api/create-agent.md
// and NOTES.md; values marked "inferred" are not on those pages.

/**
 * Write-only secret fields, as JSON Pointers into an agent document. The API accepts them and never
 * returns them, so they are compared through fingerprints in the state record, never against live.
 * A manifest must give each as `${env:NAME}`.
 */
export const SECRET_PATHS = [
  '/webhook_secret',
  '/provider/credentials/api_key',
  '/provider/credentials/config/api_secret',
  '/provider/credentials/config/encrypted_key',
  '/provider/chat_agent_details/config/client_secret',
  '/provider/chat_agent_details/config/websocket_secret',
  '/telephony/sip_auth/password',
  '/telephony/websocket_auth/password',
] as const;

export type SecretPath = (typeof SECRET_PATHS)[number];

export function isSecretPath(pointer: string): pointer is SecretPath {
  return (SECRET_PATHS as readonly string[]).includes(pointer);
}

/** Tool names the API accepts ("alphanumerics, underscores and hyphens only; under 64 characters"). */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;

/** `{{name}}` placeholders in a description; Cekura creates a dynamic variable for each (NOTES.md). */
const PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the `{{name}}` placeholders in a description, sorted, each once. */
export function descriptionPlaceholders(description: string): string[] {
  const names = new Set<string>();
  for (const match of description.matchAll(PLACEHOLDER_PATTERN)) names.add(match[1]!);
  return [...names].sort();
}

/** Voice provider types (`provider.type`). An open set: Cekura adds providers, so unknown values only warn. */
export const PROVIDER_TYPES = [
  'vapi',
  'retell',
  'elevenlabs',
  'self_hosted',
  'cisco',
  'bland',
  'livekit',
  'pipecat',
  'synthflow',
  'agora',
  'koreai',
  'genesys',
  'amazon_connect',
  'telnyx',
  'custom',
] as const;

/** Chat provider types (`provider.chat_agent_details.type`); also open. */
export const CHAT_TYPES = [
  'retell',
  'bland',
  'vapi',
  'elevenlabs',
  'livekit',
  'agora',
  'sms',
  'whatsapp',
  'self_hosted',
  'agentforce',
  'amazon_connect',
  'koreai',
] as const;

/** Agent languages; also open. */
export const LANGUAGES = [
  'af',
  'ar',
  'bn',
  'bg',
  'zh',
  'cs',
  'da',
  'nl',
  'en',
  'et',
  'fi',
  'fr',
  'de',
  'el',
  'gu',
  'hi',
  'he',
  'hu',
  'id',
  'it',
  'ja',
  'kn',
  'ko',
  'ms',
  'ml',
  'mr',
  'multi',
  'no',
  'pl',
  'pa',
  'pt',
  'ro',
  'ru',
  'sk',
  'es',
  'sv',
  'th',
  'tr',
  'tl',
  'ta',
  'te',
  'uk',
  'vi',
] as const;

/**
 * Credential keys each provider needs, as pointers under `provider/credentials`, checked when a
 * manifest gives `provider.credentials` (create-agent.md, "provider.credentials keys by type").
 */
export const REQUIRED_CREDENTIALS: Readonly<Record<string, readonly string[]>> = {
  vapi: ['/api_key'],
  retell: ['/api_key'],
  elevenlabs: ['/api_key'],
  bland: ['/api_key'],
  livekit: ['/api_key', '/config/api_secret', '/config/url'],
  pipecat: ['/api_key'],
  synthflow: ['/api_key'],
};

/**
 * Secret keys each chat type needs, as pointers under `provider/chat_agent_details/config`
 * (create-agent.md, the per-type ChatAgentConfig schemas that list a secret as required).
 */
export const REQUIRED_CHAT_CREDENTIALS: Readonly<Record<string, readonly string[]>> = {
  agentforce: ['/client_secret'],
};

/**
 * Provider types whose mock mode Cekura cannot switch: such agents point their own MCP client at the
 * mock URLs (Cekura's guides). The emulator refuses the toggle for them; the planner warns.
 */
export const SELF_MANAGED_MOCK_PROVIDERS: readonly string[] = ['custom', 'self_hosted'];

/** Server defaults the API fills in when a field is not sent (create-agent.md). */
export const SERVER_DEFAULTS = {
  language: 'en',
  served_via_type: 'direct',
  telephony_inbound: false,
} as const;
