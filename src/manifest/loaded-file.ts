import type { MockModeVia } from '../cekura/generation.js';
import type { SourceLocation } from '../errors.js';
import { secretReuseIssue, type EnvUse } from './interpolate.js';
import type { YamlPath } from './issues.js';
import type { ParsedFile } from './parse.js';
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
  mock_mode_via?: FileSetting<MockModeVia>;
  issues: ManifestIssue[];
  warnings: ManifestIssue[];
  /** The environment variables that fill secrets here (and are set). */
  secretEnvNames: string[];
  /** `${env:NAME}` used outside secrets, with the issue to report should NAME fill a secret in any file. */
  envUses: LocatedEnvUse[];
}

export interface LocatedEnvUse {
  name: string;
  /** Located when read: only a reuse that is reported needs it. */
  readonly issue: ManifestIssue;
}

/** `${env:NAME}` outside a secret, with the issue that reports it should NAME fill a secret. */
export function locatedEnvUse(use: EnvUse, parsed: ParsedFile): LocatedEnvUse {
  return {
    name: use.name,
    get issue() {
      return parsed.toIssue(secretReuseIssue(use));
    },
  };
}

/** A setting's value, located when read: only a disagreement between files is reported with its place. */
export function fileSetting<T>(value: T, parsed: ParsedFile, path: YamlPath): FileSetting<T> {
  return {
    value,
    get location() {
      return parsed.locate(path, 'key');
    },
  };
}
