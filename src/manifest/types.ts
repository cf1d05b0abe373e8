import type { AgentDoc } from '../cekura/agent-doc.js';
import type { SecretPath } from '../cekura/fields.js';
import type { MockModeVia } from '../cekura/generation.js';
import { CekuraformError, type SourceLocation } from '../errors.js';
import type { Secret } from '../secret.js';

/**
 * The validated desired state: every manifest file read, `${env:…}` resolved, defaults of items
 * filled in. Made by `loadManifest`; read by the planner. Holds secret values only as `Secret`.
 */
export interface Manifest {
  /** Files read, as given or found, in the order read. */
  files: string[];
  /** The `--env` environment the agents were resolved for; absent when the manifest declares none. */
  environment?: string;
  /** Sorted by key. Keys are unique across all files. */
  agents: ManifestAgent[];
  /** Every project an agent of the manifest lives in, sorted. Live agents there that no address binds are unmanaged. */
  projects: number[];
  /** `prune: true` at the top of a manifest: unmanaged agents in managed projects become deletes. */
  prune: boolean;
  /** `max_deletes: N` at the top of a manifest; the `--max-deletes` flag wins over it. */
  max_deletes?: number;
  /** `mock_mode_via: toggle|patch` at the top of a manifest; the `--mock-mode-via` flag wins over it; absent means detect. */
  mock_mode_via?: MockModeVia;
  /** Digest of everything desired except secret values (secrets enter by env name); a saved plan records it. */
  hash: string;
  warnings: ManifestIssue[];
}

/** One `agents.<key>` entry. */
export interface ManifestAgent {
  /** The key under `agents:`; stable across renames of `name`. */
  key: string;
  /** `agent.<key>`: how plans, the state record and messages name this agent. */
  address: string;
  /** The agent's own `project:`, else the manifest's top-level one. */
  project: number;
  /** `id:` pins this address to a live agent. */
  id?: number;
  /** Managed fields only; secrets removed (they are in `secrets`). See `AgentDoc` for the rules. */
  doc: AgentDoc;
  /** Desired mock-tool mode; absent means not managed. Reached by toggling after the writes. */
  mock_tools_enabled?: boolean;
  /** Secrets at their document paths, sorted by path. Each came from `${env:NAME}`. */
  secrets: ResolvedSecret[];
  /** Local files behind `doc.knowledge_base_files`, keyed by file name. */
  knowledge_base_sources: Record<string, KnowledgeBaseSource>;
  /** The manifest file it is written in: `location.file`, known without locating (which builds the file's yaml Document). */
  file: string;
  /** Where `agents.<key>` is written. */
  location: SourceLocation;
  /**
   * Where the field at `pointer` of `doc` is written (items by name: `/mock_tools/get_order/served_via`);
   * undefined when the manifest does not write it. Points Cekura's validation errors back at a line.
   */
  locateField(pointer: string): SourceLocation | undefined;
}

export interface ResolvedSecret {
  path: SecretPath;
  /** The environment variable it came from; safe to print and to store. */
  env: string;
  value: Secret;
}

export interface KnowledgeBaseSource {
  /** Absolute path of the local file. */
  path: string;
  /** sha256 of the content, hex. */
  sha256: string;
  size: number;
}

/** One problem in a manifest, located. `path` is zod-style: `agents.support.mock_tools[1].served_via`. */
export interface ManifestIssue {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
  hint?: string;
}

/** Every error found in the manifest files, all at once. No request is sent when one is thrown. */
export class ManifestError extends CekuraformError {
  readonly issues: ManifestIssue[];

  constructor(issues: ManifestIssue[]) {
    const noun = issues.length === 1 ? 'error' : 'errors';
    super('manifest_invalid', `manifest has ${issues.length} ${noun}`, { meta: { issues } });
    this.issues = issues;
  }
}
