import { expect, it } from 'vitest';
import { loadText, textIssues } from './helpers.js';

// Names are unique per project because adoption and lost-create recovery look agents up by name;
// agents that all pin `id:` are never looked up so (an export of a project with twins writes them so).

const twins = (secondId: string) =>
  [
    'project: 42',
    'agents:',
    '  twin:',
    '    id: 2',
    '    name: Twin',
    '  twin-2:',
    `${secondId}    name: Twin`,
    '',
  ].join('\n');

it('accepts a repeated name when every agent of it pins `id:`', async () => {
  const manifest = await loadText(twins('    id: 3\n'));
  expect(manifest.agents.map((agent) => [agent.key, agent.id])).toEqual([
    ['twin', 2],
    ['twin-2', 3],
  ]);
});

it('refuses it when one of them is found by name', async () => {
  expect((await textIssues(twins(''))).map((issue) => issue.message)).toEqual([
    'agent `twin` (cekura.yaml:3:3) in project 42 has the same name `Twin`',
  ]);
});
