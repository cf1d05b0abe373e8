import { compareStrings } from '../compare.js';
import type { SourceLocation } from '../errors.js';
import { deepEqual } from '../json.js';
import type { FileSetting, LoadedFile } from './loaded-file.js';
import { formatPath, type YamlPath } from './issues.js';
import type { ManifestAgent, ManifestIssue } from './types.js';

/** The files' agents and settings as one manifest: what one file gives, without its per-file lists. */
export type MergedFiles = Pick<LoadedFile, 'agents' | 'prune' | 'max_deletes' | 'mock_mode_via' | 'issues'>;

/** Merges files: an agent key lives in one file, settings agree, and names are unique per project. */
export function mergeFiles(files: LoadedFile[]): MergedFiles {
  const merged: MergedFiles = { agents: [], issues: [] };
  const byKey = new Map<string, ManifestAgent>();
  for (const file of files) {
    for (const agent of file.agents) {
      const first = byKey.get(agent.key);
      if (first === undefined) byKey.set(agent.key, agent);
      else
        merged.issues.push(
          issueAt(
            agent.location,
            ['agents', agent.key],
            `agent \`${agent.key}\` is also defined at ${where(first.location)}`,
            'an agent key may appear in one file only',
          ),
        );
    }
    merged.prune = agreeingSetting(['prune'], merged.prune, file.prune, merged.issues);
    merged.max_deletes = agreeingSetting(['max_deletes'], merged.max_deletes, file.max_deletes, merged.issues);
    merged.mock_mode_via = agreeingSetting(['mock_mode_via'], merged.mock_mode_via, file.mock_mode_via, merged.issues);
  }
  merged.agents = [...byKey.values()].sort((a, b) => compareStrings(a.key, b.key));
  merged.issues.push(...duplicateNames(merged.agents));
  return merged;
}

/** A manifest-wide setting (at `path`) that more than one file may give, if with the same value; the first one given. */
export function agreeingSetting<T>(
  path: YamlPath,
  first: FileSetting<T> | undefined,
  next: FileSetting<T> | undefined,
  issues: ManifestIssue[],
): FileSetting<T> | undefined {
  if (first === undefined) return next;
  if (next !== undefined && !deepEqual(next.value, first.value)) {
    const name = formatPath(path);
    issues.push(
      issueAt(
        next.location,
        path,
        `\`${name}: ${JSON.stringify(next.value)}\` disagrees with \`${name}: ${JSON.stringify(first.value)}\` at ${where(first.location)}`,
        `give \`${name}\` once, or the same value in every file`,
      ),
    );
  }
  return first;
}

/**
 * Adoption and lost-create recovery find agents by name, so a name must be unique in its project,
 * unless the agents sharing it all pin `id:` (as `cekuraform export` writes them): those are never found by name.
 */
function duplicateNames(agents: ManifestAgent[]): ManifestIssue[] {
  const byName = new Map<string, ManifestAgent>();
  const issues: ManifestIssue[] = [];
  for (const agent of agents) {
    const id = JSON.stringify([agent.project, agent.doc.name]);
    const first = byName.get(id);
    if (first === undefined) {
      byName.set(id, agent);
      continue;
    }
    if (first.id !== undefined && agent.id !== undefined) continue;
    issues.push(
      issueAt(
        agent.locateField('/name') ?? agent.location,
        ['agents', agent.key, 'name'],
        `agent \`${first.key}\` (${where(first.location)}) in project ${agent.project} has the same name \`${agent.doc.name ?? ''}\``,
        'cekuraform finds agents by name in a project; give each its own name',
      ),
    );
  }
  return issues;
}

export function issueAt(location: SourceLocation, path: YamlPath, message: string, hint: string): ManifestIssue {
  return { file: location.file, line: location.line, col: location.col, path: formatPath(path), message, hint };
}

export function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}
