import type { SourceLocation } from '../errors.js';
import type { ManifestAgent, ManifestIssue } from './types.js';

// What loading one manifest file yields, read by the merge and environment steps that combine files.

/** A manifest-wide setting as one file gives it. */
export interface FileSetting<T> {
  value: T;
  location: SourceLocation;
}

/** One file, validated and resolved as far as its issues allow. */
export interface LoadedFile {
  agents: ManifestAgent[];
  prune?: FileSetting<boolean>;
  max_deletes?: FileSetting<number>;
  issues: ManifestIssue[];
  warnings: ManifestIssue[];
  /** The environment variables that fill secrets here (and are set). */
  secretEnvNames: string[];
  /** `${env:NAME}` used outside secrets, with the issue to report should NAME fill a secret in any file. */
  envUses: LocatedEnvUse[];
}

export interface LocatedEnvUse {
  name: string;
  issue: ManifestIssue;
}
