import { dirname } from 'node:path';
import type { SelectedEnvironment } from './environments.js';
import { interpolateManifest } from './interpolate.js';
import type { PathIssue } from './issues.js';
import { mergeOverrides, withOverrides } from './override.js';
import { fileSetting, locatedEnvUse, type LoadedFile } from './loaded-file.js';
import type { ParsedFile } from './parse.js';
import type { ResolvedSecret } from './types.js';
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
  // By agent once: filtering every secret of the file for each agent made loading quadratic.
  const secretsByAgent = new Map<string, ResolvedSecret[]>();
  for (const found of interpolated.secrets) {
    const secrets = secretsByAgent.get(found.agentKey) ?? [];
    secrets.push(found.secret);
    secretsByAgent.set(found.agentKey, secrets);
  }
  loaded.envUses = interpolated.envUses.map((use) => locatedEnvUse(use, parsed));
  const warnings: PathIssue[] = [];
  const header = fileHeaderSchema.safeParse(interpolated.value);
  if (header.success) {
    const { prune, max_deletes, mock_mode_via } = header.data;
    if (prune !== undefined) loaded.prune = fileSetting(prune, parsed, ['prune']);
    if (max_deletes !== undefined) loaded.max_deletes = fileSetting(max_deletes, parsed, ['max_deletes']);
    if (mock_mode_via !== undefined) loaded.mock_mode_via = fileSetting(mock_mode_via, parsed, ['mock_mode_via']);
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
    const secrets = secretsByAgent.get(key) ?? [];
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
