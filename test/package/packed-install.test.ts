import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_DEFAULT_API_KEY, startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { scrub, SECRETS } from '../integration/harness.js';

// README "Install": the package as `npm pack` writes it, installed into a project of its own, outside the
// clone, and run there through npx. Catches what in-repo tests cannot: a file the bin needs left out of
// `files`, a runtime import that is only a devDependency, a bin that does not start from node_modules.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAN_GOLDEN = fileURLToPath(new URL('../integration/golden/plan-examples-from-empty.txt', import.meta.url));
// `npm install` of the tarball: dependencies from the npm cache `npm ci` filled, the registry for any miss.
const INSTALL_TIMEOUT_MS = 180_000;

/** The environment without npm's `npm_*` variables: under `npm test` they would point npm at this clone. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, NO_COLOR: '1', ...extra };
}

/** When a source file last changed: a dist/ built before that would pack stale code. */
async function newestSourceChange(): Promise<number> {
  const files = await readdir(join(ROOT, 'src'), { recursive: true });
  const times = await Promise.all(files.map(async (file) => (await stat(join(ROOT, 'src', file))).mtimeMs));
  return Math.max(...times);
}

describe('the packed package, installed outside the clone', () => {
  let workDir: string;
  let projectDir: string;
  let emulator: EmulatorHandle;

  beforeAll(async () => {
    // dist/ is built by `prepare` on `npm ci`; packing skips scripts so the test neither rebuilds nor races
    // other tests over dist/.
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run `npm run build`');
    if ((await newestSourceChange()) > (await stat(join(ROOT, 'dist/cli/main.js'))).mtimeMs) {
      throw new Error('dist/ is older than src/: run `npm run build` (the package is packed from dist/)');
    }
    workDir = await mkdtemp(join(tmpdir(), 'cekuraform-pack-'));
    projectDir = join(workDir, 'gitops');
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], {
      cwd: ROOT,
      env: childEnv(),
    });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    await mkdir(projectDir);
    await writeFile(join(projectDir, 'package.json'), JSON.stringify({ name: 'gitops', private: true }));
    await run('npm', ['install', join(workDir, filename), '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: projectDir,
      env: childEnv(),
      timeout: INSTALL_TIMEOUT_MS,
    });
    emulator = await startEmulator({ port: 0, dataFile: null, toggleDurationMs: 0 });
  }, INSTALL_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await emulator?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** `npx --no -- cekuraform …` in the temp project: the installed bin only, never a download. */
  const npx = (args: string[], env: Record<string, string> = {}) =>
    run('npx', ['--no', '--', 'cekuraform', ...args], { cwd: projectDir, env: childEnv(env) }).then(
      (done) => ({ code: 0, ...done }),
      (failed: { code: number; stdout: string; stderr: string }) => failed,
    );

  it('installs as a dependency with its bin', async () => {
    const installed = JSON.parse(await readFile(join(projectDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(installed.dependencies.cekuraform).toMatch(/^file:.*cekuraform-.*\.tgz$/);
    expect(existsSync(join(projectDir, 'node_modules/.bin/cekuraform'))).toBe(true);
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await npx(['--version']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe(version);
  });

  it('plans the example manifest it ships against the emulator', async () => {
    const result = await npx(['plan', '--detailed-exitcode', '-f', 'node_modules/cekuraform/examples/agents.yaml'], {
      CEKURA_API_URL: emulator.url,
      CEKURA_API_KEY: EMULATOR_DEFAULT_API_KEY,
      ...SECRETS,
    });
    expect(result.stderr).toBe('');
    // The same plan the CLI prints in process (test/integration/plan.test.ts).
    expect(scrub(result.stdout, { dir: projectDir, emulator })).toBe(await readFile(PLAN_GOLDEN, 'utf8'));
    // --detailed-exitcode: 2 when the plan has changes.
    expect(result.code).toBe(2);
    expect(emulator.requests().map((request) => request.kind)).toContain('list');
    expect(emulator.agents()).toEqual([]);
  });
});
