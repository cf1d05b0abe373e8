import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emulatorCommand } from '../../src/cli/commands/emulator.js';
import type { CliIo } from '../../src/cli/io.js';
import { AGENTS, agentBody } from './helpers.js';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'cekuraform-emulator-cli-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Runs the command in process; `listening` resolves with the URL once it has printed it. */
function runCommand(
  env: Record<string, string | undefined>,
  data: string | null,
  api: '2026-06' | '2026-08' = '2026-06',
) {
  const controller = new AbortController();
  let stdout = '';
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const io: CliIo = {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        const match = /listening on (\S+)\n/.exec(stdout);
        if (match) announce(match[1]!);
        return true;
      },
    },
    stderr: { write: () => true },
    env,
    cwd: folder,
    signal: controller.signal,
  };
  const exitCode = emulatorCommand({ api, port: 0, host: '127.0.0.1', data, latencyMs: 0, toggleDurationMs: 0 }, io);
  return { exitCode, listening, stop: () => controller.abort(), output: () => stdout };
}

describe('cekuraform emulator', () => {
  it('serves with CEKURA_API_KEY until aborted, then saves the data file under the working folder', async () => {
    const run = runCommand({ CEKURA_API_KEY: 'my-local-key' }, '.cekuraform/emulator-data.json');
    const url = await run.listening;

    const created = await fetch(url + AGENTS, {
      method: 'POST',
      headers: { 'x-cekura-api-key': 'my-local-key', 'content-type': 'application/json' },
      body: JSON.stringify(agentBody()),
    });
    expect(created.status).toBe(201);
    run.stop();

    expect(await run.exitCode).toBe(0);
    expect(run.output()).toMatch(/^Cekura emulator \(API 2026-06\) listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const saved = JSON.parse(await readFile(join(folder, '.cekuraform', 'emulator-data.json'), 'utf8'));
    expect(saved.agents).toHaveLength(1);
  });

  it('says when it uses the default key', async () => {
    const run = runCommand({}, null);
    const url = await run.listening;
    const listed = await fetch(url + AGENTS, { headers: { 'x-cekura-api-key': 'cekura-emulator-dev-key' } });
    expect(listed.status).toBe(200);
    run.stop();

    expect(await run.exitCode).toBe(0);
    expect(run.output().split('\n')).toEqual([
      expect.stringMatching(/^Cekura emulator \(API 2026-06\) listening on http:\/\/127\.0\.0\.1:\d+$/),
      'Using the default API key cekura-emulator-dev-key (set CEKURA_API_KEY to choose another)',
      '',
    ]);
  });

  it('answers as the 2026-08 generation with --api 2026-08: no toggle routes', async () => {
    const run = runCommand({}, null, '2026-08');
    const url = await run.listening;
    const toggled = await fetch(url + AGENTS + '1/toggle-mock-tools/', {
      method: 'POST',
      headers: { 'x-cekura-api-key': 'cekura-emulator-dev-key', 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    expect(toggled.status).toBe(404);
    run.stop();
    expect(await run.exitCode).toBe(0);
    expect(run.output()).toMatch(/^Cekura emulator \(API 2026-08\) listening on/);
  });
});
