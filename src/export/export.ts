import type { WireAgent } from '../api/types.js';
import { compareStrings } from '../compare.js';
import { CekuraformError } from '../errors.js';
import { normalizeAgent } from '../state/normalize.js';
import { exportAgentBody } from './agent.js';
import { agentKeys } from './keys.js';
import { isWebhookSecretConfigured, suggestedSecrets } from './secrets.js';
import type { ExportedAgent, ExportedManifest, SuggestedSecret } from './types.js';

/**
 * The live agents of `project` as a manifest: all of them, or those in `selected`. Pure. `documents`
 * are the project's agents as the API returned them; all of them are needed even for a selection,
 * since keys and pins depend on the other names. Throws when a selected id is not in the project.
 */
export function exportManifest(project: number, documents: WireAgent[], selected: number[] = []): ExportedManifest {
  const inProject = documents.filter((agent) => agent.project === project);
  const missing = selected.filter((id) => !inProject.some((agent) => agent.id === id));
  if (missing.length > 0) {
    throw new CekuraformError('agent_not_in_project', `no agent ${missing.join(', ')} in project ${project}`, {
      meta: { project, ids: missing },
      hint: 'check the ids given with --agent and the --project they belong to',
    });
  }
  const chosen = selected.length === 0 ? inProject : inProject.filter((agent) => selected.includes(agent.id));
  if (chosen.length === 0) {
    throw new CekuraformError('nothing_to_export', `project ${project} has no agents`, {
      meta: { project },
      hint: 'check the --project id',
    });
  }

  const keys = agentKeys(inProject);
  const namesake = new Map<string, number>();
  for (const agent of inProject) namesake.set(agent.name, (namesake.get(agent.name) ?? 0) + 1);
  const takenEnvNames = new Set<string>();

  const agents = chosen
    .map((wire) => ({ wire, key: keys.get(wire.id)! }))
    .sort((a, b) => compareStrings(a.key, b.key))
    .map(({ wire, key }): ExportedAgent => {
      const live = normalizeAgent(wire);
      const pinned = namesake.get(wire.name)! > 1;
      const secrets = withUniqueNames(
        suggestedSecrets(key, live.doc, isWebhookSecretConfigured(wire.webhook_secret_configured)),
        takenEnvNames,
      );
      const { body, unsupported_fields } = exportAgentBody(live, { pinned, secrets });
      return {
        key,
        address: `agent.${key}`,
        id: wire.id,
        name: wire.name,
        pinned,
        body,
        secrets,
        knowledge_base_files: Object.keys(live.doc.knowledge_base_files).sort(),
        unsupported_fields,
      };
    });
  return { project, agents };
}

/** Keys are unique, but a key and a provider type may still spell another agent's name (`a-self` + `hosted`, `a` + `self_hosted`). */
function withUniqueNames(secrets: SuggestedSecret[], taken: Set<string>): SuggestedSecret[] {
  return secrets.map((secret) => {
    let env = secret.env;
    for (let suffix = 2; taken.has(env); suffix++) env = `${secret.env}_${suffix}`;
    taken.add(env);
    return { ...secret, env };
  });
}
