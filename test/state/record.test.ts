import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newStateRecord, openStateRecord, readStateRecord } from '../../src/state/record.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cekuraform-record-'));
  path = join(dir, '.cekuraform', 'prod.state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const binding = (id: number) => ({ id, project: 42, secrets: {}, applied: {} });

describe('newStateRecord', () => {
  it('starts a lineage with a random 32-byte key and no agents', () => {
    const first = newStateRecord();
    const second = newStateRecord();

    expect(first).toMatchObject({ version: 1, serial: 0, agents: {} });
    expect(Buffer.from(first.fingerprint_key, 'base64')).toHaveLength(32);
    expect(first.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.lineage).not.toBe(first.lineage);
    expect(second.fingerprint_key).not.toBe(first.fingerprint_key);
  });
});

describe('openStateRecord', () => {
  it('writes nothing until the first update', async () => {
    const store = await openStateRecord(path);

    expect(store.current().serial).toBe(0);
    expect(await readStateRecord(path)).toBeNull();
  });

  it('saves each update with a raised serial, mode 0600, readable by the next run', async () => {
    const store = await openStateRecord(path);
    await store.update((record) => {
      record.agents['agent.support'] = binding(7);
    });
    await store.update((record) => {
      record.agents['agent.sales'] = binding(8);
    });

    const saved = await readStateRecord(path);
    expect(saved).toEqual(store.current());
    expect(saved).toMatchObject({ serial: 2, agents: { 'agent.support': binding(7), 'agent.sales': binding(8) } });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await openStateRecord(path)).current()).toEqual(saved);
  });

  it('writes atomically: no temporary file is left beside the record', async () => {
    const store = await openStateRecord(path);
    await store.update((record) => {
      record.agents['agent.support'] = binding(7);
    });

    expect(await readdir(join(dir, '.cekuraform'))).toEqual(['prod.state.json']);
  });

  it('serializes concurrent updates so none is lost', async () => {
    const store = await openStateRecord(path);

    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.update((record) => {
          record.agents[`agent.bot-${i}`] = binding(i);
        }),
      ),
    );

    const saved = await readStateRecord(path);
    expect(saved?.serial).toBe(20);
    expect(Object.keys(saved!.agents)).toHaveLength(20);
  });

  it('keeps the record as it was when a change throws, and goes on with the next update', async () => {
    const store = await openStateRecord(path);
    const failing = store.update(() => {
      throw new Error('change failed');
    });
    const next = store.update((record) => {
      record.agents['agent.support'] = binding(7);
    });

    await expect(failing).rejects.toThrow('change failed');
    await next;
    expect(store.current()).toMatchObject({ serial: 1, agents: { 'agent.support': binding(7) } });
  });

  it('hands out copies: changing one changes nothing', async () => {
    const store = await openStateRecord(path);
    store.current().agents['agent.sneaky'] = binding(1);

    expect(store.current().agents).toEqual({});
  });
});

describe('readStateRecord', () => {
  it.each([
    { name: 'not JSON', text: '{"version": 1, ', message: /is not valid JSON/ },
    { name: 'a wrong shape', text: JSON.stringify({ ...newStateRecord(), serial: 'one' }), message: /is not a valid state record at serial/ },
    { name: 'an unknown key', text: JSON.stringify({ ...newStateRecord(), extra: true }), message: /is not a valid state record/ },
    { name: 'a newer version', text: JSON.stringify({ ...newStateRecord(), version: 2 }), message: /newer cekuraform \(record version 2/ },
  ])('refuses $name with state_corrupt naming the file, and leaves it alone', async ({ text, message }) => {
    await openStateRecord(path).then((store) => store.update(() => {}));
    await writeFile(path, text);

    const error = await readStateRecord(path).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'state_corrupt', meta: { file: path } });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(path);
    await expect(openStateRecord(path)).rejects.toMatchObject({ code: 'state_corrupt' });
    expect(await readFile(path, 'utf8')).toBe(text);
  });
});
