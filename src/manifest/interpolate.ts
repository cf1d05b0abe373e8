import { isSecretPath, type SecretPath } from '../cekura/fields.js';
import { joinPointer } from '../json.js';
import { SENSITIVE_PLACEHOLDER, Secret } from './secret.js';
import type { PathIssue, YamlPath } from './issues.js';
import type { ResolvedSecret } from './types.js';

/** A secret found at one of `SECRET_PATHS` of an agent. */
export interface FoundSecret {
  agentKey: string;
  secret: ResolvedSecret;
}

/** A file's value after `${env:…}` interpolation, with what it found. */
export interface Interpolated {
  /**
   * The file's value with every `${env:…}` outside secret positions replaced. Secret positions keep
   * their `${env:NAME}` text (or a placeholder when invalid), so later checks never see a secret.
   */
  value: unknown;
  secrets: FoundSecret[];
  issues: PathIssue[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The only form a secret may take in a manifest. */
export const SECRET_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
// `$${` escapes a literal `${`; `${…}` is a reference; a lone `${` is unterminated.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;

/** Resolves `${env:NAME}` in every string of a manifest file's value and collects the agents' secrets. */
export function interpolateManifest(value: unknown, env: Record<string, string | undefined>): Interpolated {
  const result: Interpolated = { value: undefined, secrets: [], issues: [] };
  result.value = visit(value, [], env, result);
  return result;
}

function visit(value: unknown, path: YamlPath, env: Record<string, string | undefined>, result: Interpolated): unknown {
  const secretPath = secretPathOf(path);
  if (secretPath !== undefined) return readSecret(value, path, secretPath, env, result);
  if (typeof value === 'string') return interpolateString(value, path, env, result.issues);
  if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index], env, result));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key], env, result)]));
  }
  return value;
}

/** The secret pointer of `agents.<key>.<…>`, if the path is one. */
function secretPathOf(path: YamlPath): SecretPath | undefined {
  if (path[0] !== 'agents' || path.length < 3) return undefined;
  const pointer = joinPointer(...path.slice(2));
  return isSecretPath(pointer) ? pointer : undefined;
}

function readSecret(value: unknown, path: YamlPath, secretPath: SecretPath, env: Record<string, string | undefined>, result: Interpolated): unknown {
  const agentKey = String(path[1]);
  const reference = typeof value === 'string' ? SECRET_REFERENCE.exec(value) : null;
  if (reference === null) {
    const field = String(path.at(-1));
    const suggested = `${agentKey}_${field}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    result.issues.push({
      path,
      message: `\`${field}\` is a secret and must be exactly \`\${env:NAME}\`: secrets do not belong in Git`,
      hint: `write \`${field}: \${env:${suggested}}\` and set ${suggested} in the environment`,
    });
    return SENSITIVE_PLACEHOLDER;
  }
  const name = reference[1]!;
  const secretValue = env[name];
  if (secretValue === undefined || secretValue === '') {
    result.issues.push(unsetVariable(path, name, secretValue === '' ? 'is empty' : 'is not set'));
  } else {
    result.secrets.push({ agentKey, secret: { path: secretPath, env: name, value: new Secret(secretValue) } });
  }
  return value;
}

function interpolateString(text: string, path: YamlPath, env: Record<string, string | undefined>, issues: PathIssue[]): string {
  return text.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === '$${') return '${';
    if (inner === undefined) {
      issues.push({ path, message: 'unterminated `${`', hint: 'close it with `}`, or write `$${` for a literal `${`' });
      return match;
    }
    if (!inner.startsWith('env:')) {
      issues.push({ path, message: `unknown reference \`${match}\`: only \`\${env:NAME}\` is supported`, hint: 'write `$${` for a literal `${`' });
      return match;
    }
    const name = inner.slice('env:'.length);
    if (!ENV_NAME.test(name)) {
      issues.push({ path, message: `\`${match}\`: an environment variable name has letters, digits and \`_\`, and does not start with a digit` });
      return match;
    }
    const replacement = env[name];
    if (replacement === undefined) {
      issues.push(unsetVariable(path, name, 'is not set'));
      return match;
    }
    return replacement;
  });
}

function unsetVariable(path: YamlPath, name: string, state: string): PathIssue {
  return { path, message: `environment variable ${name} ${state}`, hint: `set ${name} before running cekuraform` };
}
