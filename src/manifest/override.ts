import { isJsonObject, ownValue, setOwnValue } from '../json.js';
import type { YamlPath } from './issues.js';
import type { ParsedFile } from './parse.js';

/** An `environments.<env>.agents.<key>` entry of the selected environment: a partial agent body. */
export interface AgentOverride {
  environment: string;
  key: string;
  body: Record<string, unknown>;
  /** The file it is written in, which may be another than its agent's. */
  parsed: ParsedFile;
}

/** An override merged onto its agent's body: mappings key by key, lists and other values replaced. */
export function mergeOverride(base: unknown, override: unknown): unknown {
  if (!isJsonObject(base) || !isJsonObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override))
    setOwnValue(merged, key, Object.hasOwn(base, key) ? mergeOverride(base[key], value) : value);
  return merged;
}

/** The file's value with each override merged onto its agent; overrides of other files' agents are left out. */
export function mergeOverrides(fileValue: unknown, overrides: ReadonlyMap<string, AgentOverride>): unknown {
  const agents = isJsonObject(fileValue) ? fileValue.agents : undefined;
  if (overrides.size === 0 || !isJsonObject(fileValue) || !isJsonObject(agents)) return fileValue;
  const merged = Object.fromEntries(
    Object.entries(agents).map(([key, body]) => [
      key,
      overrides.has(key) ? mergeOverride(body, overrides.get(key)!.body) : body,
    ]),
  );
  return { ...fileValue, agents: merged };
}

/**
 * `parsed` as seen after merging `overrides` into its agents: a path under `agents.<key>` that an
 * override wrote is located, quoted and reported at `environments.<env>.agents.<key>…` in the
 * override's file, so an error in an override points at the override's line.
 */
export function withOverrides(parsed: ParsedFile, overrides: ReadonlyMap<string, AgentOverride>): ParsedFile {
  if (overrides.size === 0) return parsed;
  const route = (path: YamlPath): { file: ParsedFile; path: YamlPath } => {
    const [top, key] = path;
    const override = top === 'agents' && typeof key === 'string' ? overrides.get(key) : undefined;
    if (override === undefined) return { file: parsed, path };
    const inside = path.slice(2);
    if (!isWrittenBy(override.body, agentBody(parsed.value, key as string), inside)) return { file: parsed, path };
    return { file: override.parsed, path: ['environments', override.environment, 'agents', override.key, ...inside] };
  };
  return {
    ...parsed,
    locate(path, at) {
      const routed = route(path);
      return routed.file.locate(routed.path, at);
    },
    scalarAt(path) {
      const routed = route(path);
      return routed.file.scalarAt(routed.path);
    },
    toIssue(issue) {
      const routed = route(issue.path);
      // An earlier duplicate is in the same list, which came whole from one side.
      const firstAt = issue.firstAt === undefined ? {} : { firstAt: route(issue.firstAt).path };
      return routed.file.toIssue({ ...issue, path: routed.path, ...firstAt });
    },
  };
}

/** Whether the override wrote the value at `path` of the merged agent, or a value above it that replaced the agent's. */
function isWrittenBy(override: unknown, base: unknown, path: YamlPath): boolean {
  if (path.length === 0) return false;
  let [written, original] = [override, base];
  for (const segment of path) {
    if (!isJsonObject(written) || typeof segment !== 'string' || !Object.hasOwn(written, segment)) return false;
    written = written[segment];
    original = isJsonObject(original) ? ownValue(original, segment) : undefined;
    if (!isJsonObject(written) || !isJsonObject(original)) return true;
  }
  return true;
}

function agentBody(fileValue: unknown, key: string): unknown {
  const agents = isJsonObject(fileValue) ? fileValue.agents : undefined;
  return isJsonObject(agents) ? ownValue(agents, key) : undefined;
}
