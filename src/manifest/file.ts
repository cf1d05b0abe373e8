import { dirname } from 'node:path';
import type { SelectedEnvironment } from './environments.js';
import { interpolateManifest, secretReuseIssue } from './interpolate.js';
import type { PathIssue } from './issues.js';
import { mergeOverrides, withOverrides } from './override.js';
import type { LoadedFile } from './loaded-file.js';
import type { ParsedFile } from './parse.js';
import { resolveAgent } from './resolve.js';
import { checkAgentRules } from './rules.js';
import { agentSchema, fileHeaderSchema, manifestFileSchema } from './schema.js';
import { fromZodIssues } from './zod-issues.js';

/** A manifest file to read: `file` as the user gave or we found it (shown in messages), `absolute` to read. */
export interface ManifestFileRef {
  file: string;
  absolute: string;
}

/**
 * Merges the environment's overrides into one parsed manifest file's agents, then interpolates,
 * validates and resolves it. Reads only knowledge-base files.
 */
export async function loadManifestFile(
  ref: ManifestFileRef,
  file: ParsedFile,
  environment: SelectedEnvironment,
  env: Record<string, string | undefined>,
  requireSecretValues = true,
): Promise<LoadedFile> {
  const loaded: LoadedFile = {
    agents: [],
    issues: [...file.issues],
    warnings: [...file.warnings],
    secretEnvNames: [],
    envUses: [],
  };
  if (!file.isReadable) return loaded;

  const parsed = withOverrides(file, environment.overrides);
  const interpolated = interpolateManifest(mergeOverrides(file.value ?? {}, environment.overrides), {
    env,
    vars: environment.vars,
    environment: environment.name,
    requireSecretValues,
  });
  const issues: PathIssue[] = [...interpolated.issues];
  loaded.secretEnvNames = interpolated.secrets.map((found) => found.secret.env);
  loaded.envUses = interpolated.envUses.map((use) => ({
    name: use.name,
    issue: parsed.toIssue(secretReuseIssue(use)),
  }));
  const warnings: PathIssue[] = [];
  const header = fileHeaderSchema.safeParse(interpolated.value);
  if (header.success) {
    const { prune, max_deletes } = header.data;
    if (prune !== undefined) loaded.prune = { value: prune, location: parsed.locate(['prune'], 'key') };
    if (max_deletes !== undefined)
      loaded.max_deletes = { value: max_deletes, location: parsed.locate(['max_deletes'], 'key') };
  } else {
    issues.push(
      ...fromZodIssues(header.error.issues, {
        schema: manifestFileSchema,
        prefix: [],
        value: interpolated.value,
        parsed,
      }),
    );
  }

  const resolving = Object.entries(agentsOf(interpolated.value)).map(async ([key, value]) => {
    const rules = checkAgentRules(key, value, parsed);
    issues.push(...rules.issues);
    warnings.push(...rules.warnings);
    const agent = agentSchema.safeParse(value);
    if (!agent.success) {
      issues.push(
        ...fromZodIssues(agent.error.issues, { schema: agentSchema, prefix: ['agents', key], value, parsed }),
      );
      return;
    }
    const project = agent.data.project ?? environment.project ?? header.data?.project;
    if (project === undefined) {
      // An invalid header was reported already; its project may be the one that is missing.
      if (header.success) issues.push(missingProject(key, environment.name));
      return;
    }
    const secrets = interpolated.secrets.filter((found) => found.agentKey === key).map((found) => found.secret);
    const resolved = await resolveAgent(agent.data, {
      key,
      project,
      parsed,
      directory: dirname(ref.absolute),
      secrets,
    });
    loaded.agents.push(resolved.agent);
    issues.push(...resolved.issues);
  });
  await Promise.all(resolving);

  loaded.issues.push(...issues.map(parsed.toIssue));
  loaded.warnings.push(...warnings.map(parsed.toIssue));
  return loaded;
}

function agentsOf(value: unknown): Record<string, unknown> {
  const agents = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).agents : undefined;
  return typeof agents === 'object' && agents !== null && !Array.isArray(agents)
    ? (agents as Record<string, unknown>)
    : {};
}

function missingProject(key: string, environment: string | undefined): PathIssue {
  return {
    path: ['agents', key, 'project'],
    message: `agent \`${key}\` has no project`,
    hint:
      environment === undefined
        ? 'set `project:` on the agent, or at the top of the file for all of its agents'
        : `set \`project:\` on the agent, at the top of the file for all of its agents, or under \`environments.${environment}\``,
  };
}
