import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

// Where the CPU of one `plan` goes: the CLI's own steps (src/cli/commands/plan.ts) run one after
// another in this process, each timed alone. Run by bench/run.ts as a child process, like the CLI,
// against its emulator: `node stages.js plan FILE STATE` or `node stages.js yaml FILE` (the YAML
// parse alone, as src/manifest/parse.ts calls it, in a fresh process). Prints a `StageReport` as JSON.

/** One step of the run. */
export interface StageTiming {
  name: string;
  /** User + system CPU time of this process during the step, ms (GC threads included). */
  cpuMs: number;
  wallMs: number;
  /** Resident set size after the step, MiB. */
  rssMiB: number;
}

export interface StageReport {
  stages: StageTiming[];
  /** Peak resident set size of the process, MiB. */
  maxRssMiB: number;
}

// Node's own start-up, before this module ran.
const startupCpu = process.cpuUsage();
// As bin/cekuraform.js does: a plain copy of the environment, which the yaml parser reads per token.
process.env = { ...process.env };
const stages: StageTiming[] = [
  {
    name: 'node start-up',
    cpuMs: (startupCpu.user + startupCpu.system) / 1000,
    wallMs: performance.now(),
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  },
];

async function timed<T>(name: string, step: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await step();
  const used = process.cpuUsage(cpu);
  stages.push({
    name,
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - started,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  });
  return result;
}

const [mode, file, state] = process.argv.slice(2);
if (file === undefined || (mode === 'plan' && state === undefined) || (mode !== 'plan' && mode !== 'yaml')) {
  process.stderr.write('usage: node stages.js plan FILE STATE | yaml FILE\n');
  process.exit(2);
}

if (mode === 'yaml') {
  const { LineCounter, parseDocument } = await timed('imports', () => import('yaml'));
  const text = await readFile(file, 'utf8');
  const doc = await timed('YAML parseDocument', () =>
    parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, merge: true, logLevel: 'error' }),
  );
  await timed('YAML toJS', () => doc.toJS());
  // What loading a manifest with nothing to report does instead (src/manifest/parse.ts).
  const { fastManifestValue } = await import('../src/manifest/parse.js');
  await timed('fast path (js-yaml)', () => fastManifestValue(text));
} else {
  const modules = await timed('imports', async () => ({
    session: await import('../src/cli/session.js'),
    fetch: await import('../src/state/fetch.js'),
    record: await import('../src/state/record.js'),
    fingerprint: await import('../src/state/fingerprint.js'),
    text: await import('../src/render/text.js'),
    style: await import('../src/render/style.js'),
  }));
  const sink = { write: () => true };
  const io = { stdout: sink, stderr: sink, env: process.env, cwd: process.cwd() };
  const manifest = await timed('manifest: read, validate, resolve', () =>
    modules.session.readManifest([file], io, { color: false }),
  );
  const records = await timed('state record', () => modules.record.openStateRecord(state!));
  const api = modules.session.connect({ apiUrl: undefined, trace: undefined }, io);
  const { live } = await timed('live state: list pages, normalize', () =>
    modules.fetch.fetchLiveState(api, manifest.projects),
  );
  const result = await timed('plan', () =>
    modules.session.planRun({
      api,
      manifest,
      live,
      record: records.current(),
      args: { prune: false, deleteRelated: false, mockModeVia: undefined, targets: [], maxDeletes: undefined },
      target: modules.session.apiTargetOf({ apiUrl: undefined, trace: undefined }, io),
      fingerprintKeys: modules.fingerprint.fingerprintKeysOf(io.env, records.current()),
      scope: { files: {}, unread: [], isWhole: false },
    }),
  );
  await timed('render text', () => modules.text.renderPlanText(result, modules.style.createStyle(false)));
  await api.close();
}

const report: StageReport = { stages, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(JSON.stringify(report) + '\n');
