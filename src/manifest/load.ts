import { UsageError } from '../errors.js';
import { digest, lazyProperty, ownValue } from '../json.js';
import { findManifestFiles } from './discover.js';
import { selectEnvironment, type SelectedEnvironment } from './environments.js';
import { loadManifestFile } from './file.js';
import type { LocatedEnvUse } from './loaded-file.js';
import { mergeFiles } from './merge.js';
import { parseManifestText, type ParsedFile } from './parse.js';
import { readManifestText } from './read-text.js';
import { scrubSecretValues } from '../secret.js';
import { ManifestError, type Manifest, type ManifestAgent, type ManifestIssue } from './types.js';

export interface LoadManifestOptions {
  /** Files or directories (`-f`); empty: `cekura.yaml` or `agents.yaml` in `cwd`. */
  paths: string[];
  cwd: string;
  /** Read for `${env:…}`; nothing else of the environment is used. */
  env: Record<string, string | undefined>;
  /** `--env`: the declared environment to resolve the agents for; required when any is declared. */
  environment?: string | undefined;
  /** `--var NAME=VALUE`: each wins over the declared var of that name, which must exist. */
  vars?: Record<string, string>;
  /**
   * False for `validate`: each secret must be written as `${env:NAME}`, but NAME need not be set, and
   * the agents then hold no value for it (nothing may plan from such a manifest). Default true.
   */
  requireSecretValues?: boolean;
}

/**
 * Reads, validates and resolves the manifest files into the desired state of one environment.
 * Throws a `ManifestError` with every issue of every file at once, a `UsageError` when the
 * environment requested does not fit the declared ones, or a `CekuraformError` when no file can be
 * found or read. Reads files only (manifests and knowledge-base files); no network I/O.
 */
export async function loadManifest(options: LoadManifestOptions): Promise<Manifest> {
  const refs = await findManifestFiles(options.paths, options.cwd);
  const order = refs.map((ref) => ref.file);
  const parsed = await Promise.all(refs.map(async (ref) => parseManifestText(ref.file, await readManifestText(ref))));
  const environment = environmentOf(parsed, options, order);
  const files = await Promise.all(
    refs.map((ref, index) =>
      loadManifestFile(ref, parsed[index]!, environment, options.env, options.requireSecretValues),
    ),
  );
  const merged = mergeFiles(files);
  const secretEnvNames = new Set(files.flatMap((file) => file.secretEnvNames));
  const secretEnvValues = [...secretEnvNames].flatMap((name) => ownValue(options.env, name) || []);
  // By name, and by value: another variable holding a secret's value would show it just the same.
  const reused = [...files.flatMap((file) => file.envUses), ...environment.envUses].flatMap((use) => {
    if (secretEnvNames.has(use.name)) return [use];
    const value = ownValue(options.env, use.name) ?? '';
    return secretEnvValues.some((secret) => value.includes(secret)) ? [{ ...use, issue: sameValueIssue(use) }] : [];
  });
  // A secret's value reached a readable field only when it is reused; other messages may quote that field.
  const secretValues = reused.length === 0 ? [] : secretEnvValues;
  const scrubbed = (issue: ManifestIssue): ManifestIssue => ({
    ...issue,
    message: scrubSecretValues(issue.message, secretValues),
    ...(issue.hint === undefined ? {} : { hint: scrubSecretValues(issue.hint, secretValues) }),
  });
  const found = [
    ...files.flatMap((file) => file.issues),
    ...environment.issues,
    ...merged.issues,
    ...reused.map((use) => use.issue),
  ];
  const issues = sortIssues(found.map(scrubbed), order);
  if (issues.length > 0) throw new ManifestError(issues);

  const prune = merged.prune?.value ?? false;
  const max_deletes = merged.max_deletes?.value;
  const manifest = {
    files: order,
    ...(environment.name === undefined ? {} : { environment: environment.name }),
    agents: merged.agents,
    projects: [...new Set(merged.agents.map((agent) => agent.project))].sort((a, b) => a - b),
    prune,
    ...(max_deletes === undefined ? {} : { max_deletes }),
    ...(merged.mock_mode_via === undefined ? {} : { mock_mode_via: merged.mock_mode_via.value }),
    warnings: sortIssues(
      files.flatMap((file) => file.warnings),
      order,
    ),
  };
  // Hashing every agent is only needed for a saved or JSON plan.
  return lazyProperty(manifest, 'hash', () => manifestHash(environment.name, merged.agents, prune, max_deletes));
}

function environmentOf(parsed: ParsedFile[], options: LoadManifestOptions, order: string[]): SelectedEnvironment {
  try {
    return selectEnvironment(parsed, options.environment, options.env, options.vars ?? {});
  } catch (error) {
    // A file whose YAML is broken may hold the `environments:` that the choice missed: its errors come first.
    const syntaxIssues = parsed.filter((file) => !file.isReadable).flatMap((file) => file.issues);
    if (error instanceof UsageError && syntaxIssues.length > 0)
      throw new ManifestError(sortIssues(syntaxIssues, order));
    throw error;
  }
}

function sameValueIssue(use: LocatedEnvUse): ManifestIssue {
  return {
    ...use.issue,
    message: `\`\${env:${use.name}}\` holds the value of a secret elsewhere in the manifest, so it cannot be used here: the value would be shown`,
  };
}

/** Everything desired except secret values (a secret enters as its path and env name) and local paths. */
function manifestHash(
  environment: string | undefined,
  agents: ManifestAgent[],
  prune: boolean,
  max_deletes: number | undefined,
): string {
  return digest({
    environment,
    prune,
    max_deletes,
    agents: agents.map((agent) => ({
      key: agent.key,
      project: agent.project,
      id: agent.id,
      doc: agent.doc,
      mock_tools_enabled: agent.mock_tools_enabled,
      secrets: agent.secrets.map(({ path, env }) => ({ path, env })),
      knowledge_base: Object.fromEntries(
        Object.entries(agent.knowledge_base_sources).map(([name, source]) => [name, source.sha256]),
      ),
    })),
  });
}

function sortIssues(issues: ManifestIssue[], fileOrder: string[]): ManifestIssue[] {
  return [...issues].sort(
    (a, b) => fileOrder.indexOf(a.file) - fileOrder.indexOf(b.file) || a.line - b.line || a.col - b.col,
  );
}
