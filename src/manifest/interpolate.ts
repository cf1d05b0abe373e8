import { isSecretPath, SECRET_PATHS, type SecretPath } from '../cekura/fields.js';
import { isJsonObject, joinPointer, ownValue, splitPointer, type JsonValue } from '../json.js';
import { VAR_NAME_PATTERN } from './environment-name.js';
import { SENSITIVE_PLACEHOLDER, Secret } from '../secret.js';
import type { PathIssue, YamlPath } from './issues.js';
import { didYouMean } from './suggest.js';
import type { ResolvedSecret } from './types.js';

/** A secret found at one of `SECRET_PATHS` of an agent. */
export interface FoundSecret {
  agentKey: string;
  secret: ResolvedSecret;
}

/** A value after `${…}` interpolation, with what it found. */
export interface Interpolated {
  /**
   * The value with every `${env:…}` and `${var.…}` outside secret positions replaced. Secret positions
   * keep their `${env:NAME}` text (or a placeholder when invalid), so later checks never see a secret.
   */
  value: unknown;
  secrets: FoundSecret[];
  /** Each `${env:NAME}` replaced outside secret positions; one naming a secret's variable is refused by the loader. */
  envUses: EnvUse[];
  issues: PathIssue[];
}

/** A `${env:NAME}` resolved at `path`, a position that is not a secret. */
export interface EnvUse {
  path: YamlPath;
  name: string;
}

/** What `${…}` may refer to. */
export interface InterpolationContext {
  /** Read for `${env:NAME}`; nothing else of the environment is used. */
  env: Record<string, string | undefined>;
  /** `${var.NAME}` values in effect, their own `${env:…}` resolved; null inside a var's value, where vars may not be used. */
  vars: ReadonlyMap<string, JsonValue> | null;
  /** The `--env` environment, named when a var is not declared for it. */
  environment: string | undefined;
  /** False for `validate` without `--check-env`: a secret must be written as `${env:NAME}`, but NAME need not be set. */
  requireSecretValues?: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The only form a secret may take in a manifest. */
export const SECRET_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
/** A string that is exactly one var reference: it takes the var's value with its type. */
export const WHOLE_VAR_REFERENCE = /^\$\{var\.([^}]*)\}$/;
// `$${` escapes a literal `${`; `${…}` is a reference; a lone `${` is unterminated.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
// Declarations, not values: the selected environment's overrides are merged into `agents` before
// interpolation, vars are resolved on their own, and other environments' `${env:…}` need not be set.
const DECLARATION_KEYS: readonly string[] = ['vars', 'environments'];

/** Resolves `${env:…}` and `${var.…}` in every string of a manifest file's value, except its declarations, and collects the agents' secrets. */
export function interpolateManifest(value: unknown, context: InterpolationContext): Interpolated {
  const result: Interpolated = { value: undefined, secrets: [], envUses: [], issues: [] };
  result.value = isJsonObject(value)
    ? Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          DECLARATION_KEYS.includes(key) ? item : visit(item, [key], context, result),
        ]),
      )
    : visit(value, [], context, result);
  return result;
}

/** Resolves `${…}` in one value written at `path` (a var's own value, with `vars: null`). */
export function interpolateValue(value: unknown, path: YamlPath, context: InterpolationContext): Interpolated {
  const result: Interpolated = { value: undefined, secrets: [], envUses: [], issues: [] };
  result.value = visit(value, path, context, result);
  return result;
}

function visit(value: unknown, path: YamlPath, context: InterpolationContext, result: Interpolated): unknown {
  const secretPath = secretPathOf(path);
  if (secretPath !== undefined) return readSecret(value, path, secretPath, context, result);
  if (typeof value === 'string') return interpolateString(value, path, context, result);
  if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index], context, result));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key], context, result)]),
    );
  }
  return value;
}

/** The secret pointer of `agents.<key>.<…>`, if the path is one. */
/** The top fields that hold secrets: the rest of an agent (its mock tools above all) is not looked at. */
const SECRET_ROOTS: ReadonlySet<string> = new Set(SECRET_PATHS.map((pointer) => splitPointer(pointer)[0]!));

function secretPathOf(path: YamlPath): SecretPath | undefined {
  if (path[0] !== 'agents' || path.length < 3 || !SECRET_ROOTS.has(String(path[2]))) return undefined;
  const pointer = joinPointer(...path.slice(2));
  return isSecretPath(pointer) ? pointer : undefined;
}

function readSecret(
  value: unknown,
  path: YamlPath,
  secretPath: SecretPath,
  context: InterpolationContext,
  result: Interpolated,
): unknown {
  const agentKey = String(path[1]);
  const reference = typeof value === 'string' ? SECRET_REFERENCE.exec(value) : null;
  if (reference === null) {
    const field = String(path.at(-1));
    const suggested = `${agentKey}_${field}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    const isVar = typeof value === 'string' && value.includes('${var.');
    result.issues.push({
      path,
      message: isVar
        ? `\`${field}\` is a secret and must be exactly \`\${env:NAME}\`, not a var: var values are written in Git`
        : `\`${field}\` is a secret and must be exactly \`\${env:NAME}\`: secrets do not belong in Git`,
      hint: isVar
        ? `write \`${field}: \${env:${suggested}}\` and give ${suggested} each environment's value where that environment runs`
        : `write \`${field}: \${env:${suggested}}\` and set ${suggested} in the environment`,
    });
    return SENSITIVE_PLACEHOLDER;
  }
  const name = reference[1]!;
  const secretValue = ownValue(context.env, name);
  if ((secretValue === undefined || secretValue === '') && context.requireSecretValues === false) return value;
  if (secretValue === undefined || secretValue === '') {
    result.issues.push(unsetVariable(path, name, secretValue === '' ? 'is empty' : 'is not set'));
  } else {
    result.secrets.push({ agentKey, secret: { path: secretPath, env: name, value: new Secret(secretValue) } });
  }
  return value;
}

function interpolateString(text: string, path: YamlPath, context: InterpolationContext, result: Interpolated): unknown {
  const { issues } = result;
  const wholeVar = WHOLE_VAR_REFERENCE.exec(text);
  if (wholeVar !== null) {
    const value = lookUpVar(wholeVar[1]!, path, context, issues);
    return value === undefined ? text : structuredClone(value);
  }
  return text.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === '$${') return '${';
    if (inner === undefined) {
      issues.push({ path, message: 'unterminated `${`', hint: 'close it with `}`, or write `$${` for a literal `${`' });
      return match;
    }
    if (inner.startsWith('var.')) return varText(inner.slice('var.'.length), path, context, issues) ?? match;
    if (!inner.startsWith('env:')) {
      const hint = inner.startsWith('var:')
        ? `a var is written \`\${var.${inner.slice('var:'.length)}}\``
        : 'write `$${` for a literal `${`';
      issues.push({
        path,
        message: `unknown reference \`${match}\`: only \`\${env:NAME}\` and \`\${var.NAME}\` are supported`,
        hint,
      });
      return match;
    }
    const name = inner.slice('env:'.length);
    if (!ENV_NAME.test(name)) {
      issues.push({
        path,
        message: `\`${match}\`: an environment variable name has letters, digits and \`_\`, and does not start with a digit`,
      });
      return match;
    }
    const replacement = ownValue(context.env, name);
    if (replacement === undefined) {
      issues.push(unsetVariable(path, name, 'is not set'));
      return match;
    }
    result.envUses.push({ path, name });
    return replacement;
  });
}

/** A var's value inside a longer string: only a string, number or boolean reads as text. */
function varText(name: string, path: YamlPath, context: InterpolationContext, issues: PathIssue[]): string | undefined {
  const value = lookUpVar(name, path, context, issues);
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  issues.push({
    path,
    message: `var \`${name}\` is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'a mapping'}: only a string, number or true/false can be part of a longer string`,
    hint: `write \`\${var.${name}}\` alone to use the value itself`,
  });
  return undefined;
}

function lookUpVar(
  name: string,
  path: YamlPath,
  context: InterpolationContext,
  issues: PathIssue[],
): JsonValue | undefined {
  if (context.vars === null) {
    issues.push({
      path,
      message: `\`\${var.${name}}\`: a var's value cannot use another var`,
      hint: 'write the value itself; `${env:NAME}` may be used',
    });
    return undefined;
  }
  if (!VAR_NAME_PATTERN.test(name)) {
    issues.push({
      path,
      message: `\`\${var.${name}}\`: a var name has letters, digits and \`_\`, and does not start with a digit`,
    });
    return undefined;
  }
  const value = context.vars.get(name);
  if (value === undefined) {
    const where = context.environment === undefined ? '' : ` for environment ${context.environment}`;
    issues.push({
      path,
      message: `var \`${name}\` is not declared${where}`,
      hint:
        didYouMean(name, [...context.vars.keys()]) ??
        'declare it under `vars:` (for every environment) or `environments.<name>.vars:`',
    });
  }
  return value;
}

/**
 * A secret's variable used outside secret positions would put the secret where it is shown (plans,
 * errors, Cekura's readable fields): `use` is refused when `use.name` also fills a secret.
 */
export function secretReuseIssue(use: EnvUse): PathIssue {
  return {
    path: use.path,
    message: `\`\${env:${use.name}}\` fills a secret elsewhere in the manifest, so it cannot be used here: the value would be shown`,
    hint: `give this field its own environment variable, or write the value itself`,
  };
}

function unsetVariable(path: YamlPath, name: string, state: string): PathIssue {
  return { path, message: `environment variable ${name} ${state}`, hint: `set ${name} before running cekuraform` };
}
