import type { AgentDoc } from '../cekura/agent-doc.js';
import { descriptionPlaceholders } from '../cekura/fields.js';
import { keyedRecord, ownValue } from '../json.js';
import type { ManifestAgent } from '../manifest/types.js';
import type { LiveAgentDoc } from '../state/types.js';

export interface EffectiveDesired {
  doc: AgentDoc;
  /** Dynamic variables added because the description has a `{{name}}` placeholder the manifest does not list. */
  placeholderVariables: string[];
}

/**
 * The document the planner compares with live: the manifest's, plus what Cekura derives itself
 * (a variable per description placeholder, when the manifest manages variables) and the content
 * digests of local knowledge-base files (write-only, compared through the state record). A
 * placeholder's variable is desired by name, its description only when the manifest gives one; any
 * other variable without a description gets the server default `''`.
 */
export function effectiveDesired(agent: ManifestAgent, live: LiveAgentDoc | undefined): EffectiveDesired {
  const doc: AgentDoc = { ...agent.doc };
  const placeholderVariables: string[] = [];

  if (doc.dynamic_variables !== undefined) {
    const description = doc.description ?? live?.description ?? '';
    const placeholders = descriptionPlaceholders(description);
    const variables = keyedRecord(
      Object.entries(doc.dynamic_variables).map(
        ([name, variable]) =>
          [
            name,
            variable.description !== undefined || placeholders.includes(name) ? variable : { name, description: '' },
          ] as const,
      ),
    );
    for (const name of placeholders) {
      if (Object.hasOwn(variables, name)) continue;
      variables[name] = { name };
      placeholderVariables.push(name);
    }
    doc.dynamic_variables = variables;
  }

  if (doc.knowledge_base_files !== undefined) {
    doc.knowledge_base_files = keyedRecord(
      Object.entries(doc.knowledge_base_files).map(([name, file]) => {
        const source = ownValue(agent.knowledge_base_sources, name);
        return [name, source === undefined ? file : { ...file, content_sha256: source.sha256 }];
      }),
    );
  }
  return { doc, placeholderVariables };
}
