import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertNever, CekuraformError, errnoCode } from '../errors.js';
import type { ManifestFileRef } from './file.js';

/** Looked for in the working directory when no `-f` is given. */
export const DEFAULT_MANIFEST_NAMES = ['cekura.yaml', 'agents.yaml'] as const;

const YAML_FILE = /\.ya?ml$/;

/**
 * The manifest files to read: each path a file, or a directory whose `*.yaml`/`*.yml` files (not
 * sub-directories; symbolic links followed to files) are read in name order; no paths means
 * `cekura.yaml` or `agents.yaml` in `cwd`. A file reached twice (by two paths or links) is read once.
 */
export async function findManifestFiles(paths: string[], cwd: string): Promise<ManifestFileRef[]> {
  if (paths.length === 0) return [await findDefaultManifest(cwd)];
  const refs: ManifestFileRef[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    for (const ref of await expandPath(path, cwd)) {
      const real = await realpath(ref.absolute);
      if (!seen.has(real)) refs.push(ref);
      seen.add(real);
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
      const candidates = entries.filter(
        (entry) => (entry.isFile() || entry.isSymbolicLink()) && YAML_FILE.test(entry.name),
      );
      const isFile = await Promise.all(
        candidates.map(async (entry) =>
          entry.isFile() ? true : linksToFile(join(path, entry.name), join(absolute, entry.name)),
        ),
      );
      const names = candidates
        .filter((_, index) => isFile[index])
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

/** Whether a symbolic link leads to a file (a link to a directory is skipped, as directories are); throws for a broken or looping one. */
async function linksToFile(path: string, absolute: string): Promise<boolean> {
  try {
    return (await stat(absolute)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'leads to nothing (a broken link)'
        : code === 'ELOOP'
          ? 'loops'
          : `cannot be followed (${code})`;
    throw new CekuraformError('manifest_unreadable', `${path}: the symbolic link ${problem}`, {
      meta: { path },
      hint: 'point the link at a manifest file, or remove it from the directory',
    });
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
