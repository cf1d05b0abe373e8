import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentName, BENCH_SECRET_ENV, benchManifest, tenPercentEdit } from '../../bench/manifest.js';
import { countByKind, planRequestProblems, writeProblems } from '../../bench/requests.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { EMULATOR_DEFAULT_API_KEY, startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { CapturedStream, FakeClock } from '../fakes.js';

// The benchmark's request-count targets, exact at N = 20 with the CLI in process (BENCHMARKS.md has
// the timings): a plan sends only list requests, one per page; a converged apply writes nothing; an
// apply after editing 10% of the agents writes each changed agent exactly once.

const AGENTS = 20;
/** Small pages, so that "one request per page" is checked over several pages. */
const PAGE_SIZE = 8;

let emulator: EmulatorHandle;
let dir: string;
let clock: FakeClock;
const abort = new AbortController();

beforeEach(async () => {
  clock = new FakeClock();
  emulator = await startEmulator({ port: 0, dataFile: null, toggleDurationMs: 100, maxPageSize: PAGE_SIZE, clock });
  dir = await mkdtemp(join(tmpdir(), 'cekuraform-bench-test-'));
});

afterEach(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

/** `cekuraform …argv` in process; the request log is cleared first. Returns the exit code and output. */
async function run(...argv: string[]): Promise<{ code: number; output: string }> {
  emulator.clearRequests();
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const io: CliIo = {
    stdout,
    stderr,
    env: {
      CEKURA_API_URL: emulator.url,
      CEKURA_API_KEY: EMULATOR_DEFAULT_API_KEY,
      [BENCH_SECRET_ENV]: 'bench-vapi-key',
    },
    cwd: dir,
    clock,
    signal: abort.signal,
  };
  const code = await main([...argv, '-f', 'agents.yaml', '--no-color'], io);
  return { code, output: stdout.text + stderr.text };
}

function idsNamed(names: string[]): number[] {
  const wanted = new Set(names);
  return emulator
    .agents()
    .filter((agent) => wanted.has(agent.name))
    .map((agent) => agent.id);
}

describe('request counts of the benchmark scenarios (N = 20)', () => {
  it('plans with list pages only, applies one write per changed agent, and none when converged', async () => {
    const edit = tenPercentEdit(AGENTS);
    expect(edit).toEqual({ changed: [0, 10], flipped: [0] });
    await writeFile(join(dir, 'agents.yaml'), benchManifest(AGENTS));

    const emptyPlan = await run('plan');
    expect(emptyPlan.code, emptyPlan.output).toBe(0);
    expect(planRequestProblems(emulator.requests(), 0, PAGE_SIZE)).toEqual([]);
    expect(countByKind(emulator.requests())).toMatchObject({ list: 1, get: 0, create: 0, update: 0, toggle: 0 });

    const created = await run('apply', '--auto-approve');
    expect(created.code, created.output).toBe(0);
    expect(emulator.agents()).toHaveLength(AGENTS);
    expect(
      writeProblems(
        emulator.requests(),
        emulator.agents().map((agent) => agent.id),
      ),
    ).toEqual([]);
    // Half the agents have mock tools on: one toggle and one poll each (the toggle is done by the first poll),
    // and the plan made by apply probes the toggle route once.
    expect(countByKind(emulator.requests())).toMatchObject({
      list: 1,
      get: 0,
      create: AGENTS,
      update: 0,
      toggle: AGENTS / 2,
      toggle_progress: AGENTS / 2 + 1,
    });

    const convergedPlan = await run('plan', '--detailed-exitcode');
    expect(convergedPlan.code, convergedPlan.output).toBe(0);
    expect(planRequestProblems(emulator.requests(), AGENTS, PAGE_SIZE)).toEqual([]);
    expect(countByKind(emulator.requests()).list).toBe(3);

    const convergedApply = await run('apply', '--auto-approve');
    expect(convergedApply.code, convergedApply.output).toBe(0);
    expect(writeProblems(emulator.requests(), [])).toEqual([]);
    expect(planRequestProblems(emulator.requests(), AGENTS, PAGE_SIZE)).toEqual([]);

    await writeFile(join(dir, 'agents.yaml'), benchManifest(AGENTS, edit));
    const changed = await run('apply', '--auto-approve');
    expect(changed.code, changed.output).toBe(0);
    const changedIds = idsNamed(edit.changed.map(agentName));
    expect(changedIds).toHaveLength(2);
    expect(writeProblems(emulator.requests(), changedIds)).toEqual([]);
    expect(countByKind(emulator.requests())).toMatchObject({
      list: 3,
      get: 0,
      create: 0,
      update: 2,
      delete: 0,
      toggle: 1,
      toggle_progress: 1 + 1,
    });

    const afterChange = await run('plan', '--detailed-exitcode');
    expect(afterChange.code, afterChange.output).toBe(0);
    expect(planRequestProblems(emulator.requests(), AGENTS, PAGE_SIZE)).toEqual([]);
  });
});

describe('the benchmark request checks', () => {
  const entry = (
    seq: number,
    kind: 'list' | 'get' | 'create' | 'update' | 'toggle',
    agent_id?: number,
    page?: string,
  ) => ({
    seq,
    method: kind === 'list' || kind === 'get' ? 'GET' : 'POST',
    path: '/test_framework/v2/aiagents/',
    query: kind === 'list' ? { project_id: '42', ...(page === undefined ? {} : { page }) } : {},
    status: 200,
    kind,
    ...(agent_id === undefined ? {} : { agent_id }),
  });

  it('allows one toggle probe in a plan, not two', () => {
    const probe = {
      ...entry(2, 'get', 0),
      path: '/test_framework/v2/aiagents/0/toggle-mock-tools-progress/',
      query: { progress_id: 'cekuraform-probe' },
    };
    expect(planRequestProblems([entry(1, 'list'), probe], 8, 8)).toEqual([]);
    expect(planRequestProblems([entry(1, 'list'), probe, { ...probe, seq: 3 }], 8, 8)).toEqual([
      'toggle probes: 2, not at most one',
    ]);
  });

  it('reports a per-agent read, a missing page and a repeated page of a plan', () => {
    expect(planRequestProblems([entry(1, 'list'), entry(2, 'get', 7)], 8, 8)).toEqual([
      'requests other than list: 1 (get 1)',
    ]);
    expect(planRequestProblems([entry(1, 'list')], 9, 8)).toEqual(['list requests: 1 for 2 pages']);
    expect(planRequestProblems([entry(1, 'list'), entry(2, 'list')], 9, 8)).toEqual([
      'a list page was requested more than once',
    ]);
  });

  it('reports a changed agent not written, one written twice, and a write to an unchanged agent', () => {
    expect(
      writeProblems(
        [entry(1, 'update', 1), entry(2, 'update', 1), entry(3, 'update', 3), entry(4, 'toggle', 4)],
        [1, 2],
      ),
    ).toEqual([
      'changed agents not written: 1 (ids 2)',
      'agents written more than once: 1',
      'writes to agents that did not change: 1',
    ]);
  });
});

describe('request counts against the 2026-08 API (list items without description)', () => {
  it('a plan reads each listed agent once with GET, besides the list pages', async () => {
    await emulator.close();
    emulator = await startEmulator({ port: 0, dataFile: null, maxPageSize: PAGE_SIZE, clock, api: '2026-08' });
    await writeFile(join(dir, 'agents.yaml'), benchManifest(AGENTS));
    expect((await run('apply', '--auto-approve')).code).toBe(0);

    const converged = await run('plan', '--detailed-exitcode');

    expect(converged.code, converged.output).toBe(0);
    const counts = countByKind(emulator.requests());
    expect(counts).toMatchObject({ list: 3, get: AGENTS, create: 0, update: 0 });
    expect(
      new Set(
        emulator
          .requests()
          .filter((r) => r.kind === 'get')
          .map((r) => r.agent_id),
      ).size,
    ).toBe(AGENTS);
  });
});
