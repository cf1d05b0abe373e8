import { REQUIRED_CHAT_CREDENTIALS, REQUIRED_CREDENTIALS, SECRET_PATHS, type SecretPath } from '../cekura/fields.js';
import { assertNever } from '../errors.js';
import { getAtPointer, isJsonObject } from '../json.js';
import type { LiveAgentDoc } from '../state/types.js';
import type { SuggestedSecret } from './types.js';

/**
 * The secrets a manifest of this live agent should give, each with a suggested variable name.
 * Cekura never returns secret values, so a secret is asked for only where Cekura says one is set
 * (`webhook_secret_configured`, an auth object returned without its password) or where the
 * provider requires it.
 */
export function suggestedSecrets(key: string, doc: LiveAgentDoc, webhookSecretConfigured: boolean): SuggestedSecret[] {
  const facts: AgentFacts = {
    doc,
    webhookSecretConfigured,
    providerType: stringAt(doc, '/provider/type'),
    chatType: stringAt(doc, '/provider/chat_agent_details/type'),
  };
  return SECRET_PATHS.flatMap((path) => {
    const secret = secretOf(path, facts);
    return secret.isWanted ? [{ path, env: envName([key, ...secret.words]) }] : [];
  });
}

/** Whether Cekura's answer says the value is set: a boolean, or a string (the API page types it as one). */
export function isWebhookSecretConfigured(value: unknown): boolean {
  if (typeof value === 'string') return !['', '0', 'false', 'none', 'null'].includes(value.trim().toLowerCase());
  return value === true;
}

interface AgentFacts {
  doc: LiveAgentDoc;
  webhookSecretConfigured: boolean;
  providerType: string | undefined;
  chatType: string | undefined;
}

/** Whether the secret at `path` is set or required, and the words of its variable name after the agent key. */
function secretOf(path: SecretPath, facts: AgentFacts): { isWanted: boolean; words: string[] } {
  const provider = facts.providerType ?? 'provider';
  const chat = facts.chatType ?? 'chat';
  switch (path) {
    case '/webhook_secret':
      return { isWanted: facts.webhookSecretConfigured, words: ['webhook_secret'] };
    case '/provider/credentials/api_key':
      return {
        isWanted: isRequired(REQUIRED_CREDENTIALS, facts.providerType, '/api_key'),
        words: [provider, 'api_key'],
      };
    case '/provider/credentials/config/api_secret':
      return {
        isWanted: isRequired(REQUIRED_CREDENTIALS, facts.providerType, '/config/api_secret'),
        words: [provider, 'api_secret'],
      };
    case '/provider/credentials/config/encrypted_key':
      return {
        isWanted: isRequired(REQUIRED_CREDENTIALS, facts.providerType, '/config/encrypted_key'),
        words: [provider, 'encrypted_key'],
      };
    case '/provider/chat_agent_details/config/client_secret':
      return {
        isWanted: isRequired(REQUIRED_CHAT_CREDENTIALS, facts.chatType, '/client_secret'),
        words: [chat, 'client_secret'],
      };
    case '/provider/chat_agent_details/config/websocket_secret':
      return {
        isWanted: isRequired(REQUIRED_CHAT_CREDENTIALS, facts.chatType, '/websocket_secret'),
        words: [chat, 'websocket_secret'],
      };
    // Cekura returns the auth object without its password: one was given with the username.
    case '/telephony/sip_auth/password':
      return { isWanted: isJsonObject(getAtPointer(facts.doc, '/telephony/sip_auth')), words: ['sip_password'] };
    case '/telephony/websocket_auth/password':
      return {
        isWanted: isJsonObject(getAtPointer(facts.doc, '/telephony/websocket_auth')),
        words: ['websocket_password'],
      };
    default:
      return assertNever(path, 'secret path');
  }
}

function isRequired(
  table: Readonly<Record<string, readonly string[]>>,
  type: string | undefined,
  pointer: string,
): boolean {
  return type !== undefined && Object.hasOwn(table, type) && table[type]!.includes(pointer);
}

function stringAt(doc: LiveAgentDoc, pointer: string): string | undefined {
  const value = getAtPointer(doc, pointer);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `['support-bot', 'vapi', 'api_key']` → `SUPPORT_BOT_VAPI_API_KEY`; never starts with a digit. */
export function envName(words: string[]): string {
  const name = words
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
