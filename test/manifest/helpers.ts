import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../src/manifest/load.js';
import { ManifestError, type Manifest, type ManifestIssue } from '../../src/manifest/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

export type Env = Record<string, string | undefined>;

/** The issues of loading `paths` from the fixtures directory (for `environment`); fails when the load succeeds. */
export async function fixtureIssues(paths: string[], env: Env = {}, environment?: string): Promise<ManifestIssue[]> {
  return (await loadError(loadManifest({ paths, cwd: FIXTURES, env, environment }))).issues;
}

export async function loadFixture(paths: string[], env: Env = {}, environment?: string): Promise<Manifest> {
  return loadManifest({ paths, cwd: FIXTURES, env, environment });
}

export async function loadError(loading: Promise<Manifest>): Promise<ManifestError> {
  try {
    await loading;
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

/** Runs `use` in a fresh temporary directory holding `files` (paths relative to it), then removes it. */
export async function inTempDir<T>(files: Record<string, string>, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cekuraform-manifest-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Loads one manifest given as text (as `cekura.yaml`, found by default discovery). */
export async function loadText(yaml: string, env: Env = {}): Promise<Manifest> {
  return inTempDir({ 'cekura.yaml': yaml }, (cwd) => loadManifest({ paths: [], cwd, env }));
}

export async function textIssues(yaml: string, env: Env = {}): Promise<ManifestIssue[]> {
  return (await loadError(loadText(yaml, env))).issues;
}
