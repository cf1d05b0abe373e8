import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { WireAgent } from '../../src/api/types.js';
import { main } from '../../src/cli/main.js';
import { watchOutput, type CliIo, type InputStream } from '../../src/cli/io.js';
import {
  EMULATOR_DEFAULT_API_KEY,
  startEmulator,
  type EmulatorHandle,
  type EmulatorOptions,
} from '../../src/emulator/server.js';
import type { RequestKind, RequestLogEntry } from '../../src/emulator/types.js';
import type { StateRecord } from '../../src/state/types.js';
import { CapturedStream, FakeClock } from '../fakes.js';

// End-to-end scenarios: the real emulator on port 0, `main(argv, io)` in process, a temp working
// folder holding the manifests and the state record, and a clock that moves only when something sleeps.

export const AGENTS_PATH = '/test_framework/v2/aiagents/';
export const STATE_FILE = '.cekuraform/default.state.json';
export const EXAMPLES_MANIFEST = fileURLToPath(new URL('../../examples/agents.yaml', import.meta.url));
export const SCENARIOS_DIR = fileURLToPath(new URL('./scenarios/', import.meta.url));

/** Distinctive values, so a leak is found by a plain substring search of every output. */
export const SECRETS = {
  VAPI_API_KEY: 'vapi-secret-7f3a9c1e-LEAKCHECK',
  RETELL_API_KEY: 'retell-secret-b42d08aa-LEAKCHECK',
} as const;

/** What one CLI run printed and how it ended. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A terminal on stdin that answers the confirmation prompt with `answer`. */
export function ttyStdin(answer: string): InputStream {
  return {
    isTTY: true,
    async *[Symbol.asyncIterator]() {
      yield `${answer}\n`;
    },
  };
}

export interface RunOptions {
  /** Replaces the scenario's environment for this run only (merged over it). */
  env?: Record<string, string | undefined>;
  stdin?: InputStream;
  /** Ctrl-C for this run: abort it to interrupt. */
  signal?: AbortSignal;
  /** A real stream for stdout instead of a captured one, watched for write errors as the process's own. */
  stdout?: NodeJS.WritableStream;
}

export interface Scenario {
  emulator: EmulatorHandle;
  /** The working folder: manifests, the state record, backups, plan files. */
  dir: string;
  clock: FakeClock;
  /** The environment every run sees: API URL and key, and the provider secrets. */
  env: Record<string, string | undefined>;
  /** Every stdout and stderr text of this scenario's runs, for leak checks. */
  outputs: string[];
  /** Writes a file of the working folder (creating folders). */
  write(file: string, text: string): Promise<void>;
  /** Copies a scenario folder's file (`scenarios/<name>/<file>`) to `agents.yaml`. */
  useScenarioFile(name: string, file: string): Promise<void>;
  /** `cekuraform ...argv` in process. */
  run(argv: string[], options?: RunOptions): Promise<RunResult>;
  plan(...args: string[]): Promise<RunResult>;
  /** `apply --auto-approve …`. */
  apply(...args: string[]): Promise<RunResult>;
  /**
   * The subsequent-push check: a plan right after a successful apply must be empty, and exit 0
   * under `--detailed-exitcode`. Clears the request log first, and checks only reads were sent.
   */
  expectNoChanges(...args: string[]): Promise<void>;
  /** The state record as saved; null when there is none. */
  state(): Promise<StateRecord | null>;
  /** Every file under the working folder except manifests given by the test, as text. */
  filesText(): Promise<string>;
  /** Requests of these kinds in the request log. */
  requestsOf(...kinds: RequestKind[]): RequestLogEntry[];
  /** Write requests in the log: create, update, delete, toggle. */
  writes(): RequestLogEntry[];
  agentNamed(name: string): WireAgent;
  /** Creates an agent directly in the emulator ("in the UI"); `body` adds to a minimal valid one. Returns it. */
  createDirectly(body: Record<string, unknown>): Promise<WireAgent>;
  /** A direct request to the emulator, as "the UI" would send it. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface ScenarioOptions extends EmulatorOptions {
  env?: Record<string, string | undefined>;
}

/** Starts an in-memory emulator (toggles complete at the first poll unless told otherwise) and a temp working folder. */
export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const clock = new FakeClock();
  const { env: extraEnv, ...emulatorOptions } = options;
  const emulator = await startEmulator({ port: 0, dataFile: null, toggleDurationMs: 0, clock, ...emulatorOptions });
  const dir = await mkdtemp(join(tmpdir(), 'cekuraform-it-'));
  const abort = new AbortController();
  const given = new Set<string>();
  const env: Record<string, string | undefined> = {
    CEKURA_API_URL: emulator.url,
    CEKURA_API_KEY: options.apiKey ?? EMULATOR_DEFAULT_API_KEY,
    ...SECRETS,
    ...extraEnv,
  };

  const scenario: Scenario = {
    emulator,
    dir,
    clock,
    env,
    outputs: [],
    async write(file, text) {
      given.add(file);
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), text);
    },
    async useScenarioFile(name, file) {
      given.add('agents.yaml');
      await copyFile(join(SCENARIOS_DIR, name, file), join(dir, 'agents.yaml'));
    },
    async run(argv, runOptions = {}) {
      const stdout = new CapturedStream();
      const stderr = new CapturedStream();
      const io: CliIo = {
        stdout: runOptions.stdout ?? stdout,
        stderr,
        ...(runOptions.stdout ? { finishOutput: watchOutput(runOptions.stdout) } : {}),
        env: { ...env, ...runOptions.env },
        cwd: dir,
        clock,
        // main wires Ctrl-C to the process only when no signal is given.
        signal: runOptions.signal ?? abort.signal,
        ...(runOptions.stdin ? { stdin: runOptions.stdin } : {}),
      };
      const code = await main(argv, io);
      scenario.outputs.push(stdout.text, stderr.text);
      return { code, stdout: stdout.text, stderr: stderr.text };
    },
    plan: (...args) => scenario.run(['plan', '--no-color', ...args]),
    apply: (...args) => scenario.run(['apply', '--auto-approve', '--no-color', ...args]),
    async expectNoChanges(...args) {
      emulator.clearRequests();
      const result = await scenario.plan('--detailed-exitcode', ...args);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('No changes.');
      expect(result.code).toBe(0);
      // Reads only: list pages, and on the 2026-08 API a GET of each agent its list item leaves incomplete.
      expect(emulator.requests().filter((request) => request.kind !== 'list' && request.kind !== 'get')).toEqual([]);
    },
    async state() {
      const text = await readFile(join(dir, STATE_FILE), 'utf8').catch(() => null);
      return text === null ? null : (JSON.parse(text) as StateRecord);
    },
    async filesText() {
      const files = await listFiles(dir);
      const texts = await Promise.all(
        files.filter((file) => !given.has(file)).map((file) => readFile(join(dir, file), 'utf8')),
      );
      return texts.join('\n');
    },
    requestsOf: (...kinds) => emulator.requests().filter((request) => kinds.includes(request.kind)),
    writes: () => scenario.requestsOf('create', 'update', 'delete', 'toggle'),
    agentNamed(name) {
      const found = emulator.agents().filter((agent) => agent.name === name);
      if (found.length !== 1) throw new Error(`expected one agent named ${name}, found ${found.length}`);
      return found[0]!;
    },
    async createDirectly(body) {
      const response = await scenario.call('POST', AGENTS_PATH, {
        project: 42,
        description: 'made in the UI',
        inbound: false,
        ...body,
      });
      if (response.status !== 201)
        throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as WireAgent;
    },
    async call(method, path, body) {
      const response = await fetch(emulator.url + path, {
        method,
        headers: {
          'x-cekura-api-key': env.CEKURA_API_KEY!,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    async close() {
      abort.abort();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return scenario;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(root, join(prefix, entry.name)) : Promise.resolve([join(prefix, entry.name)]),
    ),
  );
  return nested.flat();
}

/**
 * Output with the values that vary between runs replaced, as changesets' `replaceHumanIds` does:
 * agent and item ids, the emulator's port, the temp folder, timestamps, progress ids.
 */
export function scrub(text: string, scenario: Pick<Scenario, 'dir' | 'emulator'>): string {
  return text
    .replaceAll(scenario.dir, '<dir>')
    .replaceAll(scenario.emulator.url, '<api>')
    .replace(/\d{4}-\d\d-\d\dT\d\d[-:]\d\d[-:]\d\d(?:\.\d+)?Z/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
    .replace(/\b(id|ids|agent|agents|pid) (\d+(?:, \d+)*)/g, (_, word: string) => `${word} <n>`)
    .replace(/\[(\d+)\]/g, '[<n>]')
    .replace(/\/aiagents\/\d+\//g, '/aiagents/<n>/')
    .replace(/\(id (\d+)\)/g, '(id <n>)');
}
