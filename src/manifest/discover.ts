import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertNever, CekuraformError, errnoCode } from '../errors.js';
import type { ManifestFileRef } from './file.js';

/** Looked for in the working directory when no `-f` is given. */
export const DEFAULT_MANIFEST_NAMES = ['cekura.yaml', 'agents.yaml'] as const;

const YAML_FILE = /\.ya?ml$/;

/**
 * The manifest files to read: each path a file, or a directory whose `*.yaml`/`*.yml` files (not
 * sub-directories) are read in name order; no paths means `cekura.yaml` or `agents.yaml` in `cwd`.
 */
export async function findManifestFiles(paths: string[], cwd: string): Promise<ManifestFileRef[]> {
  if (paths.length === 0) return [await findDefaultManifest(cwd)];
  const refs: ManifestFileRef[] = [];
  for (const path of paths) {
    for (const ref of await expandPath(path, cwd)) {
      if (!refs.some((seen) => seen.absolute === ref.absolute)) refs.push(ref);
    }
  }
  return refs;
}

async function findDefaultManifest(cwd: string): Promise<ManifestFileRef> {
  const found: ManifestFileRef[] = [];
  for (const name of DEFAULT_MANIFEST_NAMES) {
    const absolute = resolve(cwd, name);
    if ((await kindOf(absolute)) === 'file') found.push({ file: name, absolute });
  }
  const [only, other] = found;
  if (only === undefined) {
    throw new CekuraformError(
      'manifest_not_found',
      `no manifest found: looked for ${DEFAULT_MANIFEST_NAMES.join(' and ')} in ${cwd}`,
      {
        hint: 'create cekura.yaml, or name a file or directory with -f',
      },
    );
  }
  if (other !== undefined) {
    throw new CekuraformError('manifest_ambiguous', `both ${only.file} and ${other.file} are in ${cwd}`, {
      hint: 'choose one with -f FILE',
    });
  }
  return only;
}

async function expandPath(path: string, cwd: string): Promise<ManifestFileRef[]> {
  const absolute = resolve(cwd, path);
  const kind = await kindOf(absolute);
  switch (kind) {
    case 'file':
      return [{ file: path, absolute }];
    case 'directory': {
      const entries = await readdir(absolute, { withFileTypes: true });
      const names = entries
        .filter((entry) => entry.isFile() && YAML_FILE.test(entry.name))
        .map((entry) => entry.name)
        .sort();
      if (names.length === 0)
        throw new CekuraformError('manifest_not_found', `no *.yaml or *.yml files in ${path}`, { meta: { path } });
      return names.map((name) => ({ file: join(path, name), absolute: join(absolute, name) }));
    }
    case 'missing':
      throw new CekuraformError('manifest_not_found', `manifest not found: ${path}`, { meta: { path } });
    default:
      return assertNever(kind, 'file kind');
  }
}

async function kindOf(absolute: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    return (await stat(absolute)).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'missing';
    throw new CekuraformError('manifest_unreadable', `cannot read ${absolute}`, { cause: error });
  }
}
