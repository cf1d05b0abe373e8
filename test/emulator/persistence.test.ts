import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { AGENTS, call, createAgent, manualClock } from './helpers.js';

let folder: string;
let dataFile: string;
const running: EmulatorHandle[] = [];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'cekuraform-emulator-'));
  dataFile = join(folder, 'nested', 'emulator-data.json');
});

afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
  await rm(folder, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startEmulator>[0] = {}): Promise<EmulatorHandle> {
  const emulator = await startEmulator({ port: 0, dataFile, ...options });
  running.push(emulator);
  return emulator;
}

/** Agents with this emulator's URL taken out, to compare across restarts on different ports. */
function portable(emulator: EmulatorHandle): unknown {
  return JSON.parse(JSON.stringify(emulator.agents()).replaceAll(emulator.url, 'BASE'));
}

describe('data file', () => {
  it('keeps agents, write-only values and id counters across a restart', async () => {
    const first = await start();
    const agent = await createAgent(first, {
      provider: { type: 'vapi', credentials: { api_key: 'SECRET-k' } },
      mock_tools: [
        { name: 'a', freetext_params: ['notes'] },
        { name: 'b', served_via: { type: 'mcp', mock_index: 1 } },
      ],
      dynamic_variables: [{ name: 'v', description: 'V' }],
    });
    await createAgent(first, { name: 'Second' });
    await call(first, 'DELETE', `${AGENTS}2/`);
    const before = portable(first);
    await first.close();

    expect((await stat(dataFile)).mode & 0o777).toBe(0o600);
    const second = await start();

    expect(portable(second)).toEqual(before);
    expect(second.storedWriteOnly(agent.id)).toEqual({
      '/provider/credentials/api_key': 'SECRET-k',
      '/mock_tools/a/freetext_params': ['notes'],
    });
    const next = await createAgent(second, { mock_tools: [{ name: 'c' }] });
    expect(next.id).toBe(3);
    expect(next.mock_tools[0].id).toBe(3);
  });

  it('saves each acknowledged write before answering, so a kill loses none and reuses no id (issue 11, item 8)', async () => {
    const first = await start();
    const agent = await createAgent(first, { mock_tools: [{ name: 'a' }] });
    const patched = await call(first, 'PATCH', `${AGENTS}${agent.id}/`, { description: 'saved before the answer' });
    expect(patched.status).toBe(200);

    // Read as a restart after SIGKILL would: the first emulator is never closed, so it never flushes.
    const saved = JSON.parse(await readFile(dataFile, 'utf8'));
    expect(saved.agents.map((stored: { id: number; description: string }) => [stored.id, stored.description])).toEqual([
      [agent.id, 'saved before the answer'],
    ]);
    const second = await start();
    const next = await createAgent(second, { name: 'After the kill', mock_tools: [{ name: 'b' }] });
    expect(next.id).toBe(agent.id + 1);
    expect(next.mock_tools[0].id).toBe(agent.mock_tools[0].id + 1);
  });

  it('keeps a pending toggle, which completes after the restart', async () => {
    const clock = manualClock();
    const first = await start({ clock, toggleDurationMs: 1000 });
    const agent = await createAgent(first, { provider: { type: 'retell' } });
    const started = await call(first, 'POST', `${AGENTS}${agent.id}/toggle-mock-tools/`, { enabled: true });
    await first.close();

    const second = await start({ clock, toggleDurationMs: 1000 });
    const progressPath = `${AGENTS}${agent.id}/toggle-mock-tools-progress/?progress_id=${started.body.progress_id}`;
    expect((await call(second, 'GET', progressPath)).body.status).toBe('in_progress');
    clock.advance(1000);
    expect((await call(second, 'GET', progressPath)).body.status).toBe('completed');
    await second.close();

    const third = await start({ clock });
    expect(third.agents()[0]!.mock_tools_enabled).toBe(true);
    expect((await call(third, 'GET', progressPath)).body.status).toBe('completed');
  });

  it('saves the last state of a burst of writes when closed', async () => {
    const first = await start();
    const agent = await createAgent(first);
    for (let round = 1; round <= 20; round++)
      await call(first, 'PATCH', `${AGENTS}${agent.id}/`, { name: `Round ${round}` });
    await first.close();

    const saved = JSON.parse(await readFile(dataFile, 'utf8'));
    expect(saved.agents.map((stored: { name: string }) => stored.name)).toEqual(['Round 20']);
  });

  it('saves a reset', async () => {
    const first = await start();
    await createAgent(first);
    await call(first, 'POST', '/_emulator/reset');
    await first.close();

    const second = await start();
    expect(second.agents()).toEqual([]);
    expect((await createAgent(second)).id).toBe(1);
  });

  it('refuses a file that is not emulator data', async () => {
    await writeFile(join(folder, 'bad.json'), '{"agents": "no"}');
    await expect(startEmulator({ port: 0, dataFile: join(folder, 'bad.json') })).rejects.toMatchObject({
      code: 'emulator_data_invalid',
    });
    await writeFile(join(folder, 'bad.json'), 'not json');
    await expect(startEmulator({ port: 0, dataFile: join(folder, 'bad.json') })).rejects.toMatchObject({
      code: 'emulator_data_invalid',
    });
  });

  it('writes no file when kept in memory', async () => {
    const emulator = await start({ dataFile: null });
    await createAgent(emulator);
    await emulator.close();
    await expect(stat(dataFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
