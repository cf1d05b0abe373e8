import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createChange, setUp, updateChange, type Harness } from './harness.js';
import { deleted, plan, unchanged } from '../render/builders.js';

let h: Harness;
beforeEach(async () => {
  h = await setUp();
});
afterEach(async () => {
  await h.cleanup();
});

it('saves the live documents of updated and deleted agents before the first write', async () => {
  const support = h.api.seed({
    name: 'Support Bot',
    project: 42,
    description: 'before the apply',
    provider: { type: 'vapi', agent_id: 'asst_1' },
  });
  const old = h.api.seed({ name: 'Old Bot', project: 42 });
  const untouched = h.api.seed({ name: 'Quiet Bot', project: 42 });
  const dir = join(h.dir, 'backups');

  const result = await h.apply(
    plan({
      resource_changes: [
        updateChange('support', support.id, { name: 'Support Bot', description: 'after the apply' }),
        deleted('agent.old', old.id, 'Old Bot'),
        createChange('new', { name: 'New Bot' }),
        unchanged('quiet', untouched.id, { name: 'Quiet Bot' }),
      ],
    }),
    { backup: { dir, documents: [support] } },
  );

  const [file] = await readdir(dir);
  expect(file).toBe('2026-05-01T12-00-00.000Z.json');
  expect(result.backup_file).toBe(join(dir, file!));
  expect(JSON.parse(await readFile(join(dir, file!), 'utf8'))).toEqual({
    format_version: '1',
    created_at: '2026-05-01T12:00:00.000Z',
    agents: [
      { address: 'agent.old', action: 'delete', document: old },
      { address: 'agent.support', action: 'update', document: support },
    ],
  });
  expect((await stat(join(dir, file!))).mode & 0o777).toBe(0o600);
  // Given documents are not read again; the others are.
  expect(h.api.requests.filter((request) => request.operation === 'getAgent').map((request) => request.id)).toEqual([
    old.id,
  ]);
  const backupAt = h.events.findIndex((event) => event.type === 'backup_saved');
  const firstWrite = h.events.findIndex((event) => event.type === 'write_started');
  expect(h.events[backupAt]).toEqual({ type: 'backup_saved', file: join(dir, file!), agents: 2 });
  expect(backupAt).toBeLessThan(firstWrite);
});

it('writes no backup when the plan overwrites nothing', async () => {
  const result = await h.apply(plan({ resource_changes: [createChange('new', { name: 'New Bot' })] }), {
    backup: { dir: join(h.dir, 'backups') },
  });

  expect(result.backup_file).toBeNull();
  expect(h.events.map((event) => event.type)).not.toContain('backup_saved');
});

it('sends nothing when a document to back up cannot be read', async () => {
  const refusal = h.apply(plan({ resource_changes: [updateChange('support', 999, { name: 'Support Bot' })] }), {
    backup: { dir: join(h.dir, 'backups') },
  });

  await expect(refusal).rejects.toMatchObject({ code: 'api_not_found' });
  expect(h.api.count('updateAgent')).toBe(0);
});

it('keeps the newest backups only, as many as told, and leaves other files alone', async () => {
  const support = h.api.seed({ name: 'Support Bot', project: 42, description: 'v0' });
  const dir = join(h.dir, 'backups');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'restore-notes.txt'), 'mine');

  for (let version = 1; version <= 5; version++) {
    await h.apply(
      plan({
        resource_changes: [updateChange('support', support.id, { name: 'Support Bot', description: `v${version}` })],
      }),
      {
        backup: { dir, keep: 3 },
      },
    );
    await h.clock.sleep(60_000);
  }

  expect((await readdir(dir)).sort()).toEqual([
    '2026-05-01T12-02-00.000Z.json',
    '2026-05-01T12-03-00.000Z.json',
    '2026-05-01T12-04-00.000Z.json',
    'restore-notes.txt',
  ]);
});
