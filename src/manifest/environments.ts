import { UsageError, type SourceLocation } from '../errors.js';
import { isJsonObject, ownValue, type JsonValue } from '../json.js';
import { locatedEnvUse, type FileSetting, type LocatedEnvUse } from './loaded-file.js';
import { interpolateValue } from './interpolate.js';
import { formatPath, type YamlPath } from './issues.js';
import { agreeingSetting, issueAt, where } from './merge.js';
import type { AgentOverride } from './override.js';
import type { ParsedFile } from './parse.js';
import { closestMatch, didYouMean } from './suggest.js';
import type { ManifestIssue } from './types.js';

// `environments:` and `vars:` are manifest-wide: any file may declare them, and files that declare
// the same setting must agree, as for `prune`. An override may be written in another file than its agent.

/** The environment the agents are resolved for, as all files together declare it. */
export interface SelectedEnvironment {
  /** The `--env` name; undefined when the manifest declares no environments. */
  name: string | undefined;
  /** `environments.<name>.project`: replaces each file's top-level `project`. */
  project?: number;
  /** The vars in effect (top-level ones, overlaid with the environment's), their own `${env:…}` resolved. */
  vars: Map<string, JsonValue>;
  /** The environment's overrides by agent key. */
  overrides: Map<string, AgentOverride>;
  /** Disagreeing declarations, overrides of agents that do not exist, and problems in the vars' values. */
  issues: ManifestIssue[];
  /** `${env:NAME}` in the vars' values, refused should NAME fill a secret. */
  envUses: LocatedEnvUse[];
}

/** A setting or override as one file writes it, before interpolation. */
interface Declaration {
  /** `vars.<name>`, `environments.<env>.project`, `environments.<env>.vars.<name>` or `environments.<env>.agents.<key>`. */
  path: YamlPath;
  value: unknown;
  parsed: ParsedFile;
}

/**
 * Reads what the files declare and selects the environment `requested` (`--env`). Throws a
 * `UsageError` when environments are declared and none or an unknown one is requested, or when one is
 * requested and none are declared. Reads defensively: each file's schema reports malformed declarations.
 */
export function selectEnvironment(
  files: ParsedFile[],
  requested: string | undefined,
  env: Record<string, string | undefined>,
  given: Record<string, string> = {},
): SelectedEnvironment {
  const readable = files.filter((file) => file.isReadable);
  const declared = [
    ...new Set(readable.flatMap((file) => Object.keys(mappingAt(file.value, ['environments']) ?? {}))),
  ].sort();
  // `environments:` that is not a mapping declares none; the file's schema reports it, not `--env`.
  const isMalformed = readable.some(
    (file) => isJsonObject(file.value) && file.value.environments != null && !isJsonObject(file.value.environments),
  );
  const name = declared.length === 0 && isMalformed ? undefined : chooseEnvironment(declared, requested);
  const issues: ManifestIssue[] = [];
  const settings = agreedSettings(readable.flatMap(settingsOf), issues);
  const agentKeys = readable.flatMap((file) => Object.keys(mappingAt(file.value, ['agents']) ?? {}));
  const overrides = checkedOverrides(readable.flatMap(overridesOf), agentKeys, issues);

  const selected: SelectedEnvironment = { name, vars: new Map(), overrides: new Map(), issues, envUses: [] };
  const inEnvironment = (path: YamlPath): boolean =>
    name !== undefined && path[0] === 'environments' && path[1] === name;
  const project = settings.find(({ path }) => inEnvironment(path) && path[2] === 'project')?.value;
  if (typeof project === 'number') selected.project = project;
  // The environment's vars win over the top-level ones; a var overridden needs no `${env:…}` it uses.
  const effectiveVars = new Map<string, Declaration>();
  for (const declaration of settings)
    if (declaration.path[0] === 'vars') effectiveVars.set(String(declaration.path[1]), declaration);
  for (const declaration of settings)
    if (inEnvironment(declaration.path) && declaration.path[2] === 'vars')
      effectiveVars.set(String(declaration.path[3]), declaration);
  for (const [varName, { path, value, parsed }] of effectiveVars) {
    const resolved = interpolateValue(value, path, { env, vars: null, environment: name });
    issues.push(...resolved.issues.map(parsed.toIssue));
    selected.envUses.push(...resolved.envUses.map((use) => locatedEnvUse(use, parsed)));
    selected.vars.set(varName, resolved.value as JsonValue);
  }
  for (const [varName, text] of Object.entries(given)) {
    const declared = effectiveVars.get(varName);
    if (declared === undefined) throw undeclaredVar(varName, [...effectiveVars.keys()]);
    selected.vars.set(varName, varValue(varName, text, declared.value));
  }
  for (const { path, value, parsed } of overrides) {
    if (inEnvironment(path) && isJsonObject(value))
      selected.overrides.set(String(path[3]), { environment: name!, key: String(path[3]), body: value, parsed });
  }
  return selected;
}

/** The first declaration of each setting; a later one with another value is an issue. */
function agreedSettings(declarations: Declaration[], issues: ManifestIssue[]): Declaration[] {
  const agreed = new Map<string, FileSetting<unknown> & Declaration>();
  for (const declaration of declarations) {
    const id = formatPath(declaration.path);
    const setting = {
      ...declaration,
      // Located when read: only a disagreement between files is reported with its place.
      get location() {
        return declaration.parsed.locate(declaration.path, 'key');
      },
    };
    agreed.set(id, agreeingSetting(declaration.path, agreed.get(id), setting, issues) as typeof setting);
  }
  return [...agreed.values()];
}

/** Overrides of every environment: one per agent and environment, each naming an agent some file defines. */
function checkedOverrides(declarations: Declaration[], agentKeys: string[], issues: ManifestIssue[]): Declaration[] {
  // Located only for an issue: locating needs the file's yaml Document, which a file with no issue never builds.
  const firstAt = new Map<string, Declaration>();
  const checked: Declaration[] = [];
  for (const declaration of declarations) {
    const { path, parsed } = declaration;
    const location = (): SourceLocation => parsed.locate(path, 'key');
    const first = firstAt.get(formatPath(path));
    const key = String(path[3]);
    if (first !== undefined) {
      issues.push(
        issueAt(
          location(),
          path,
          `this override is also written at ${where(first.parsed.locate(first.path, 'key'))}`,
          'give each agent one override per environment',
        ),
      );
    } else if (!agentKeys.includes(key)) {
      const message = `environment ${String(path[1])} overrides agent \`${key}\`, which no manifest file defines`;
      issues.push(
        issueAt(location(), path, message, didYouMean(key, agentKeys) ?? 'an override names a key under `agents:`'),
      );
    } else {
      firstAt.set(formatPath(path), declaration);
      checked.push(declaration);
    }
  }
  return checked;
}

function chooseEnvironment(names: string[], requested: string | undefined): string | undefined {
  const meta = { environments: names };
  if (names.length === 0) {
    if (requested === undefined) return undefined;
    throw new UsageError(`--env ${requested}: the manifest declares no environments`, {
      meta,
      hint: 'declare them under `environments:`, or leave out --env',
    });
  }
  if (requested === undefined) {
    throw new UsageError(`the manifest declares environments ${names.join(', ')}: choose one with --env NAME`, {
      meta,
      hint: `for example \`--env ${names[0]!}\``,
    });
  }
  if (!names.includes(requested)) {
    // `prod` for `production` is too far for an edit distance, and the likeliest slip.
    const abbreviated = names.filter((name) => name.startsWith(requested));
    const hint =
      didYouMean(requested, names) ?? (abbreviated.length === 1 ? `did you mean \`${abbreviated[0]!}\`?` : undefined);
    throw new UsageError(`unknown environment \`${requested}\`: the manifest declares ${names.join(', ')}`, {
      meta,
      ...(hint === undefined ? {} : { hint }),
    });
  }
  return requested;
}

/** Top-level vars, and each environment's project and vars, as the file writes them. */
function settingsOf(parsed: ParsedFile): Declaration[] {
  const environments = Object.entries(mappingAt(parsed.value, ['environments']) ?? {});
  return [
    ...entriesAt(parsed, ['vars']),
    ...environments.flatMap(([name, body]) => [
      ...(isJsonObject(body) && body.project !== undefined
        ? [{ path: ['environments', name, 'project'], value: body.project, parsed }]
        : []),
      ...entriesAt(parsed, ['environments', name, 'vars']),
    ]),
  ];
}

function overridesOf(parsed: ParsedFile): Declaration[] {
  return Object.keys(mappingAt(parsed.value, ['environments']) ?? {}).flatMap((name) =>
    entriesAt(parsed, ['environments', name, 'agents']),
  );
}

/** Each entry of the mapping at `path`, as a declaration. */
function entriesAt(parsed: ParsedFile, path: YamlPath): Declaration[] {
  return Object.entries(mappingAt(parsed.value, path) ?? {}).map(([key, value]) => ({
    path: [...path, key],
    value,
    parsed,
  }));
}

function mappingAt(value: unknown, path: YamlPath): Record<string, unknown> | undefined {
  let current = value;
  for (const segment of path) current = isJsonObject(current) ? ownValue(current, String(segment)) : undefined;
  return isJsonObject(current) ? current : undefined;
}

/** `--var NAME=VALUE` naming a var no file declares: a typo would otherwise change nothing. */
function undeclaredVar(name: string, declared: string[]): UsageError {
  const closest = closestMatch(name, declared);
  return new UsageError(`--var ${name}: no var \`${name}\` is declared under \`vars:\``, {
    hint:
      closest !== undefined
        ? `did you mean \`${closest}\`?`
        : declared.length > 0
          ? `declared: ${declared.sort().join(', ')}`
          : 'declare it under `vars:` in the manifest first',
  });
}

/** A `--var` value takes the type of the declared value it replaces: a number or boolean var stays one (`project: ${var.project}`). */
function varValue(name: string, text: string, declared: unknown): JsonValue {
  if (typeof declared === 'number') {
    const number = Number(text);
    if (text.trim() !== '' && Number.isFinite(number)) return number;
    throw new UsageError(`--var ${name}=${text}: the manifest declares a number`);
  }
  if (typeof declared === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new UsageError(`--var ${name}=${text}: the manifest declares true or false`);
  }
  return text;
}
