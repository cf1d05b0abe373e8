import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
  it('starts a random lineage with no agents, and keeps no fingerprint key (it would be committed with the record)', () => {
    const first = newStateRecord();
    const second = newStateRecord();

    expect(first).toEqual({ version: 2, lineage: first.lineage, serial: 0, agents: {} });
    expect(first.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.lineage).not.toBe(first.lineage);
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

  it('tells the addresses bound to an agent', async () => {
    const store = await openStateRecord(path);
    await store.update((record) => {
      record.agents['agent.support'] = binding(7);
      record.agents['agent.legacy'] = binding(7);
      record.agents['agent.sales'] = binding(8);
    });

    expect(store.addressesOf(7)).toEqual(['agent.legacy', 'agent.support']);
    expect(store.addressesOf(9)).toEqual([]);
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

  it('saves the updates made during a save together, each once, and drops only a change that throws', async () => {
    const store = await openStateRecord(path);
    const first = store.update((record) => {
      record.agents['agent.first'] = binding(1);
    });
    const batched = Array.from({ length: 5 }, (_, i) =>
      store.update((record) => {
        record.agents[`agent.bot-${i}`] = binding(10 + i);
        if (i === 2) {
          record.agents['agent.half-written'] = binding(99);
          throw new Error('change failed');
        }
      }),
    );

    await first;
    const settled = await Promise.allSettled(batched);
    expect(settled.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const saved = await readStateRecord(path);
    expect(saved).toEqual(store.current());
    expect(saved?.serial).toBe(5);
    expect(Object.keys(saved!.agents).sort()).toEqual([
      'agent.bot-0',
      'agent.bot-1',
      'agent.bot-3',
      'agent.bot-4',
      'agent.first',
    ]);
  });

  it('rejects the updates of a save that fails, keeps the record as it was, and saves the next ones', async () => {
    const store = await openStateRecord(path);
    // A directory where the file goes makes every save fail.
    await mkdir(path, { recursive: true });
    const failing = [1, 2, 3].map((id) =>
      store.update((record) => {
        record.agents[`agent.bot-${id}`] = binding(id);
      }),
    );

    const settled = await Promise.allSettled(failing);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // A user error that says which file and why, not an unexplained failure reported as a bug.
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'state_unwritable',
      message: expect.stringContaining(`cannot save the state record ${path}: `),
    });
    expect(store.current()).toMatchObject({ serial: 0, agents: {} });

    await rm(path, { recursive: true });
    await store.update((record) => {
      record.agents['agent.bot-4'] = binding(4);
    });
    expect(await readStateRecord(path)).toMatchObject({ serial: 1, agents: { 'agent.bot-4': binding(4) } });
  });

  it('refuses a change that edits a saved entry in place, and keeps the record', async () => {
    const store = await openStateRecord(path);
    await store.update((record) => {
      record.agents['agent.support'] = binding(7);
    });

    await expect(
      store.update((record) => {
        record.agents['agent.support']!.id = 8;
      }),
    ).rejects.toThrow(TypeError);
    await store.update((record) => {
      record.agents['agent.support'] = { ...record.agents['agent.support']!, id: 9 };
    });

    expect(store.current()).toMatchObject({ serial: 2, agents: { 'agent.support': binding(9) } });
    expect(await readStateRecord(path)).toEqual(store.current());
  });

  it('keeps no reference to the objects a change stored', async () => {
    const store = await openStateRecord(path);
    const entry = binding(7);
    await store.update((record) => {
      record.agents['agent.support'] = entry;
    });
    entry.id = 8;

    expect(Object.isFrozen(entry)).toBe(false);
    expect(store.current().agents['agent.support']).toEqual(binding(7));
  });

  it('writes what it holds after batches that add, replace and delete entries', async () => {
    const store = await openStateRecord(path);
    const expectFileMatches = async () => {
      const text = await readFile(path, 'utf8');
      expect(text).toBe(JSON.stringify(JSON.parse(text)) + '\n');
      expect(JSON.parse(text)).toEqual(store.current());
    };
    await store.update(() => {});
    await expectFileMatches();
    await Promise.all([
      store.update((record) => {
        record.agents['agent.a/"quoted"'] = {
          ...binding(1),
          secrets: { '/provider/credentials/api_key': 'f1' },
          applied: { '/name': 'd1' },
        };
      }),
      store.update((record) => {
        record.agents['agent.b'] = {
          ...binding(2),
          pending_toggle: { progress_id: 'p\n1', enabled: true, started_at: '2026-05-01T12:00:00.000Z' },
        };
      }),
    ]);
    await expectFileMatches();
    await store.update((record) => {
      delete record.agents['agent.a/"quoted"'];
      record.agents['agent.c'] = binding(3);
    });
    await expectFileMatches();
    expect((await openStateRecord(path)).current()).toEqual(store.current());
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
    {
      name: 'a wrong shape',
      text: JSON.stringify({ ...newStateRecord(), serial: 'one' }),
      message: /is not a valid state record at serial/,
    },
    {
      name: 'an unknown key',
      text: JSON.stringify({ ...newStateRecord(), extra: true }),
      message: /is not a valid state record/,
    },
    {
      name: 'a newer version',
      text: JSON.stringify({ ...newStateRecord(), version: 3 }),
      message: /newer cekuraform \(record version 3/,
    },
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
