import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

// What runs leave in .cekuraform/: temporary record files of a killed save, and a backup per apply.

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
});
afterEach(() => scenario.close());

const manifest = (description: string) =>
  `project: 42\nagents:\n  bot:\n    name: Bot\n    description: ${description}\n`;

it('removes the temporary record files a killed save left, and nothing else, on the next locked run', async () => {
  await scenario.write('agents.yaml', manifest('first'));
  const folder = join(scenario.dir, '.cekuraform');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'default.state.json.3284729384'), '{"half":');
  await writeFile(join(folder, 'default.state.json.bak'), 'a copy the user keeps');
  await writeFile(join(folder, 'staging.state.json.99'), 'another record is not ours to clean');

  expect((await scenario.apply()).code).toBe(0);

  expect((await readdir(folder)).filter((name) => name !== 'backups').sort()).toEqual([
    'default.state.json',
    'default.state.json.bak',
    'staging.state.json.99',
  ]);
});

it('apply --keep-backups N keeps the newest N backups', async () => {
  for (const description of ['one', 'two', 'three', 'four']) {
    await scenario.write('agents.yaml', manifest(description));
    expect((await scenario.apply('--keep-backups', '2')).code).toBe(0);
    await scenario.clock.sleep(1000);
  }

  // The first apply created the agent: three applies overwrote it, each with a backup.
  expect(await readdir(join(scenario.dir, '.cekuraform', 'backups'))).toHaveLength(2);
});
