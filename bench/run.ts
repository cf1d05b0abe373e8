import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  EMULATOR_DEFAULT_API_KEY,
  startEmulator,
  type EmulatorHandle,
  type EmulatorOptions,
} from '../src/emulator/server.js';
import { agentName, BENCH_SECRET_ENV, benchManifest, tenPercentEdit } from './manifest.js';
import {
  renderReport,
  type Machine,
  type RunRecord,
  type ScenarioKind,
  type SideBySideRecord,
  type SizeStages,
} from './report.js';
import { applyBound, countByKind, planBound, planRequestProblems, WRITE_KINDS, writeProblems } from './requests.js';
import type { RusageReport } from './rusage-hook.js';
import type { StageReport } from './stages.js';

// `npm run bench`: the built CLI, run as a child process like a user runs it, against the emulator
// started here with an injected per-request latency. Writes BENCHMARKS.md at the repository root.

const USAGE = `usage: npm run bench -- [--latency MS] [--toggle-duration MS] [--parallelism N] [--sizes 100,1000] [--help-runs N] [--out FILE]`;

/** The emulator's largest honoured `page_size` (its default); the client asks for 100. */
const MAX_PAGE_SIZE = 100;

interface Settings {
  latencyMs: number;
  toggleDurationMs: number;
  parallelism: number;
  sizes: number[];
  helpRuns: number;
  out: string;
}

interface Scenario {
  name: string;
  kind: ScenarioKind;
  argv: string[];
  /** Manifest text before the run; undefined keeps the previous one. */
  manifest?: string;
  /** The agents the run must write exactly once each: every live agent, none, or these names. */
  writes: 'all' | 'none' | string[];
  /** Counted in the table; false for the check that the change converged. */
  isReported: boolean;
}

const root = findRepoRoot();
const bin = join(root, 'bin/cekuraform.js');
const rusageHook = pathToFileURL(fileURLToPath(new URL('./rusage-hook.js', import.meta.url))).href;
const stagesScript = fileURLToPath(new URL('./stages.js', import.meta.url));
const naiveScript = fileURLToPath(new URL('./naive.js', import.meta.url));
/** The naive peer is sequential: at 1000 agents it alone would take minutes, and the issue sets its target at 100. */
const NAIVE_MAX_SIZE = 100;

const settings = readSettings();
const startLoad = os.loadavg()[0] ?? 0;
const benchStarted = performance.now();
const records: RunRecord[] = [];
const stages: SizeStages[] = [];
const sideBySide: SideBySideRecord[] = [];
const problems: string[] = [];

for (const size of settings.sizes) {
  const measured = await benchSize(size);
  records.push(...measured.records);
  if (measured.stages !== undefined) stages.push(measured.stages);
  if (problems.length === 0) sideBySide.push(...(await measureSideBySide(size, measured.records)));
}
const helpMs = await measureHelp(settings.helpRuns);
const report = renderReport({
  records,
  sideBySide,
  stages,
  helpMs,
  machine: describeMachine(),
  settings: { ...settings, maxPageSize: MAX_PAGE_SIZE },
  keptAnalysis: keptAnalysis(settings.out),
});
await writeFile(settings.out, report.markdown);
process.stdout.write('\n' + report.summary + `\nWrote ${settings.out}\n`);
for (const problem of problems) process.stderr.write(`bench: ${problem}\n`);
// Request counts are exact and fail the run; timing targets depend on the machine and are only reported.
process.exitCode = problems.length > 0 || report.countTargetsFailed ? 1 : 0;

/** An in-memory emulator with the bench's latency, toggle duration and page size. */
function benchEmulator(extra: Pick<EmulatorOptions, 'onRequest'> = {}): Promise<EmulatorHandle> {
  return startEmulator({
    port: 0,
    dataFile: null,
    latencyMs: settings.latencyMs,
    toggleDurationMs: settings.toggleDurationMs,
    maxPageSize: MAX_PAGE_SIZE,
    ...extra,
  });
}

async function benchSize(size: number): Promise<{ records: RunRecord[]; stages?: SizeStages }> {
  // When the run's first write came back: everything before it was planning.
  let firstWriteAt: number | undefined;
  const emulator = await benchEmulator({
    onRequest: (entry) => {
      if (firstWriteAt === undefined && WRITE_KINDS.includes(entry.kind)) firstWriteAt = performance.now();
    },
  });
  const dir = await mkdtemp(join(tmpdir(), `cekuraform-bench-${size}-`));
  const edit = tenPercentEdit(size);
  const scenarios: Scenario[] = [
    {
      name: 'plan, from empty',
      kind: 'plan',
      argv: ['plan'],
      manifest: benchManifest(size),
      writes: 'none',
      isReported: true,
    },
    { name: 'apply, from empty', kind: 'apply', argv: ['apply', '--auto-approve'], writes: 'all', isReported: true },
    { name: 'plan, converged', kind: 'plan', argv: ['plan', '--detailed-exitcode'], writes: 'none', isReported: true },
    {
      name: 'apply, converged',
      kind: 'apply-converged',
      argv: ['apply', '--auto-approve'],
      writes: 'none',
      isReported: true,
    },
    {
      name: 'apply, 10% changed',
      kind: 'apply',
      argv: ['apply', '--auto-approve'],
      manifest: benchManifest(size, edit),
      writes: edit.changed.map(agentName),
      isReported: true,
    },
    {
      name: 'plan after the change',
      kind: 'plan',
      argv: ['plan', '--detailed-exitcode'],
      writes: 'none',
      isReported: false,
    },
  ];

  const results: RunRecord[] = [];
  let sizeStages: SizeStages | undefined;
  try {
    for (const [index, scenario] of scenarios.entries()) {
      if (scenario.manifest !== undefined) await writeFile(join(dir, 'agents.yaml'), scenario.manifest);
      const liveBefore = emulator.agents().length;
      emulator.clearRequests();
      firstWriteAt = undefined;
      const argv = [...scenario.argv, '-f', 'agents.yaml', '--state', 'bench.state.json', '--no-color'];
      if (scenario.kind !== 'plan') argv.push('--parallelism', String(settings.parallelism));
      const run = await runCli(argv, { dir, apiUrl: emulator.url, name: `${index + 1}-${scenario.argv[0]}` });
      const label = `N=${size} ${scenario.name}`;
      process.stdout.write(`${label}: ${(run.wallMs / 1000).toFixed(2)} s, exit ${run.exitCode}\n`);
      if (run.exitCode !== 0) {
        problems.push(`${label}: the CLI exited with ${run.exitCode}; its output is in ${run.logFile}`);
        break;
      }

      const requests = emulator.requests();
      const countProblems =
        scenario.kind === 'plan' || scenario.kind === 'apply-converged'
          ? planRequestProblems(requests, liveBefore, MAX_PAGE_SIZE)
          : [];
      countProblems.push(...writeProblems(requests, idsOf(emulator, scenario.writes)));
      if (!scenario.isReported) {
        problems.push(...countProblems.map((problem) => `${label}: ${problem}`));
        continue;
      }
      const bound =
        scenario.kind === 'apply' ? applyBound(requests, { ...settings }) : planBound(requests, settings.latencyMs);
      // The first write was sent one latency before its response was logged.
      const firstWriteMs =
        firstWriteAt === undefined ? undefined : Math.max(0, firstWriteAt - settings.latencyMs - run.startedAt);
      results.push({
        size,
        scenario: scenario.name,
        kind: scenario.kind,
        wallMs: run.wallMs,
        cpuMs: (run.usage.userMicros + run.usage.systemMicros) / 1000,
        rssMiB: run.usage.maxRssKiB / 1024,
        counts: countByKind(requests),
        bound,
        countProblems,
        ...(firstWriteMs === undefined ? {} : { firstWriteMs }),
      });
    }
    if (problems.length === 0) sizeStages = await measureStages(size, dir, emulator.url);
  } finally {
    await emulator.close();
    if (problems.length === 0) await rm(dir, { recursive: true, force: true });
  }
  return { records: results, ...(sizeStages === undefined ? {} : { stages: sizeStages }) };
}

/** A converged plan of the last manifest, step by step (bench/stages.ts), and the YAML parse alone, each in a fresh child process. */
async function measureStages(size: number, dir: string, apiUrl: string): Promise<SizeStages | undefined> {
  const plan = await runStages(['plan', 'agents.yaml', 'bench.state.json'], dir, apiUrl);
  const yaml = await runStages(['yaml', 'agents.yaml'], dir, apiUrl);
  if (plan === undefined || yaml === undefined) return undefined;
  process.stdout.write(
    `N=${size} plan stages: ${plan.stages.map((stage) => `${stage.name} ${(stage.cpuMs / 1000).toFixed(2)} s`).join(', ')}\n`,
  );
  return { size, plan, yaml };
}

async function runStages(argv: string[], dir: string, apiUrl: string): Promise<StageReport | undefined> {
  const env = {
    ...process.env,
    CEKURA_API_URL: apiUrl,
    CEKURA_API_KEY: EMULATOR_DEFAULT_API_KEY,
    [BENCH_SECRET_ENV]: 'bench-vapi-key',
  };
  const output = await new Promise<{ code: number; stdout: string; stderr: string }>((resolveRun, reject) => {
    const child = spawn(process.execPath, [stagesScript, ...argv], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
  });
  if (output.code !== 0) {
    problems.push(`stages ${argv.join(' ')} exited with ${output.code}: ${output.stderr.trim()}`);
    return undefined;
  }
  return JSON.parse(output.stdout) as StageReport;
}

/**
 * The same apply from empty in a pseudo-terminal (the live view, colour on), and the naive sequential
 * peer from empty and again when converged, each against a fresh emulator, next to the runs above.
 */
async function measureSideBySide(size: number, measured: RunRecord[]): Promise<SideBySideRecord[]> {
  const plainApply = measured.find((record) => record.scenario === 'apply, from empty');
  const convergedApply = measured.find((record) => record.scenario === 'apply, converged');
  const found: SideBySideRecord[] = [];
  const inFreshEmulator = async (
    name: string,
    runs: { label: string; run: (dir: string, url: string) => Promise<CliRun> }[],
  ) => {
    const emulator = await benchEmulator();
    const dir = await mkdtemp(join(tmpdir(), `cekuraform-bench-${name}-${size}-`));
    const results: CliRun[] = [];
    try {
      await writeFile(join(dir, 'agents.yaml'), benchManifest(size));
      for (const { label, run } of runs) {
        const result = await run(dir, emulator.url);
        process.stdout.write(`N=${size} ${label}: ${(result.wallMs / 1000).toFixed(2)} s, exit ${result.exitCode}\n`);
        if (result.exitCode !== 0) {
          problems.push(`N=${size} ${label}: exited with ${result.exitCode}; its output is in ${result.logFile}`);
          return undefined;
        }
        results.push(result);
      }
      if (emulator.agents().length !== size)
        problems.push(`N=${size} ${name}: ${emulator.agents().length} agents, not ${size}`);
    } finally {
      await emulator.close();
      if (problems.length === 0) await rm(dir, { recursive: true, force: true });
    }
    return results;
  };
  const record = (
    run: string,
    cli: CliRun,
    comparedTo: RunRecord | undefined,
    kind: SideBySideRecord['kind'],
  ): void => {
    if (comparedTo === undefined) return;
    found.push({
      size,
      run,
      kind,
      wallMs: cli.wallMs,
      cpuMs: (cli.usage.userMicros + cli.usage.systemMicros) / 1000,
      comparedTo: comparedTo.scenario,
      comparedWallMs: comparedTo.wallMs,
      comparedCpuMs: comparedTo.cpuMs,
    });
  };

  const argv = ['apply', '--auto-approve', '-f', 'agents.yaml', '--state', 'bench.state.json'];
  const terminal = await inFreshEmulator('terminal', [
    {
      label: 'apply, from empty, in a terminal',
      run: (dir, url) =>
        runCli([...argv, '--parallelism', String(settings.parallelism)], {
          dir,
          apiUrl: url,
          name: 'tty-apply',
          terminal: true,
        }),
    },
  ]);
  if (terminal !== undefined) record('apply, from empty, in a terminal', terminal[0]!, plainApply, 'terminal');

  if (size <= NAIVE_MAX_SIZE) {
    const naive = await inFreshEmulator('naive', [
      {
        label: 'naive peer, from empty',
        run: (dir, url) => runCli(['agents.yaml'], { dir, apiUrl: url, name: 'naive-1', script: naiveScript }),
      },
      {
        label: 'naive peer, converged',
        run: (dir, url) => runCli(['agents.yaml'], { dir, apiUrl: url, name: 'naive-2', script: naiveScript }),
      },
    ]);
    if (naive !== undefined) {
      record('naive peer, from empty', naive[0]!, plainApply, 'peer');
      record('naive peer, converged', naive[1]!, convergedApply, 'peer');
    }
  }
  return found;
}

/** Ids of the agents a run had to write: all live agents, none, or these names. */
function idsOf(emulator: EmulatorHandle, writes: 'all' | 'none' | string[]): number[] {
  if (writes === 'none') return [];
  const agents = emulator.agents();
  if (writes === 'all') return agents.map((agent) => agent.id);
  const names = new Set(writes);
  return agents.filter((agent) => names.has(agent.name)).map((agent) => agent.id);
}

interface CliRun {
  exitCode: number;
  /** `performance.now()` at spawn. */
  startedAt: number;
  wallMs: number;
  usage: RusageReport;
  logFile: string;
}

/**
 * `node bin/cekuraform.js …` (or `script`, the naive peer) in `dir`, output to a log file, with the
 * rusage hook preloaded. `terminal`: on a pseudo-terminal of 120 columns (util-linux `script`), colour on
 * and CI unset, as a person runs it; the hook measures the CLI process, not `script`.
 */
async function runCli(
  argv: string[],
  {
    dir,
    apiUrl,
    name,
    terminal = false,
    script = bin,
  }: { dir: string; apiUrl: string; name: string; terminal?: boolean; script?: string },
): Promise<CliRun> {
  const logFile = join(dir, `${name}.log`);
  const rusageFile = join(dir, `${name}.rusage.json`);
  const log = await open(logFile, 'w');
  const env: Record<string, string | undefined> = {
    ...process.env,
    CEKURA_API_URL: apiUrl,
    CEKURA_API_KEY: EMULATOR_DEFAULT_API_KEY,
    [BENCH_SECRET_ENV]: 'bench-vapi-key',
    CEKURAFORM_BENCH_RUSAGE: rusageFile,
    NO_COLOR: '1',
  };
  const command = [process.execPath, '--import', rusageHook, script, ...argv];
  if (terminal) {
    delete env.NO_COLOR;
    delete env.CI;
  }
  try {
    const started = performance.now();
    const exitCode = await new Promise<number>((resolveExit, reject) => {
      const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
      const child = terminal
        ? spawn('script', ['-qec', `stty cols 120 rows 40; exec ${quoted}`, '/dev/null'], {
            cwd: dir,
            env,
            stdio: ['ignore', log.fd, log.fd],
          })
        : spawn(command[0]!, command.slice(1), { cwd: dir, env, stdio: ['ignore', log.fd, log.fd] });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolveExit(code ?? (signal === null ? 1 : 128)));
    });
    const wallMs = performance.now() - started;
    const usage = JSON.parse(await readFile(rusageFile, 'utf8')) as RusageReport;
    return { exitCode, startedAt: started, wallMs, usage, logFile };
  } finally {
    await log.close();
  }
}

/** `cekuraform --help`, as a user starts it (no preload): the median wall time of `runs` runs after one warm-up. */
async function measureHelp(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    const exitCode = await new Promise<number>((resolveExit, reject) => {
      const child = spawn(process.execPath, [bin, '--help'], { cwd: root, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => resolveExit(code ?? 1));
    });
    if (exitCode !== 0) problems.push(`cekuraform --help exited with ${exitCode}`);
    if (run > 0) times.push(performance.now() - started);
  }
  return times;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      latency: { type: 'string', default: '20' },
      'toggle-duration': { type: 'string', default: '100' },
      parallelism: { type: 'string', default: '4' },
      sizes: { type: 'string', default: '100,1000' },
      'help-runs': { type: 'string', default: '7' },
      out: { type: 'string', default: join(root, 'BENCHMARKS.md') },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const whole = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) {
      process.stderr.write(`bench: --${name} must be a whole number of ${min} or more\n${USAGE}\n`);
      process.exit(1);
    }
    return value;
  };
  return {
    latencyMs: whole('latency', values.latency, 0),
    toggleDurationMs: whole('toggle-duration', values['toggle-duration'], 0),
    parallelism: whole('parallelism', values.parallelism, 1),
    sizes: values.sizes.split(',').map((size) => whole('sizes', size.trim(), 1)),
    helpRuns: whole('help-runs', values['help-runs'], 1),
    out: resolve(values.out),
  };
}

function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 10),
    loadAverage: { start: startLoad, end: os.loadavg()[0] ?? 0 },
    benchMs: performance.now() - benchStarted,
  };
}

/** The hand-written analysis of an existing report, kept across runs. */
function keptAnalysis(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const match = /<!-- analysis:start -->\n([\s\S]*?)<!-- analysis:end -->/.exec(readFileSync(file, 'utf8'));
  return match?.[1];
}

/** The folder of the package.json named cekuraform above this file (the compiled bench lives in node_modules/.cache). */
function findRepoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cekuraform')
      return dir;
    if (dirname(dir) === dir)
      throw new Error('bench: cannot find the cekuraform package.json above ' + fileURLToPath(import.meta.url));
  }
}
