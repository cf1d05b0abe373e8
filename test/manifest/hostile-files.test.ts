import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CekuraformError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import { inTempDir, loadError } from './helpers.js';

// Manifest files built to hurt: too deep, an alias bomb, bytes that are not UTF-8, a FIFO. Each is a
// located error or a plain one; none hangs, overflows the stack or reaches Cekura altered.

const load = (cwd: string) => loadManifest({ paths: ['agents.yaml'], cwd, env: {} });

/** A manifest whose first tool's mock output is nested `depth` mappings deep, in flow style on line 9. */
function nestedManifest(depth: number): string {
  return [
    'project: 1',
    'agents:',
    '  bot:',
    '    name: Bot',
    '    mock_tools:',
    '      - name: deep',
    '        mock_data:',
    '          - input: {}',
    `            output: ${'{ a: '.repeat(depth)}1${' }'.repeat(depth)}`,
    '',
  ].join('\n');
}

describe('nesting depth', () => {
  it('refuses a value nested past the limit, at the line and path where it goes too deep', async () => {
    const error = await inTempDir({ 'agents.yaml': nestedManifest(5000) }, (cwd) => loadError(load(cwd)));

    expect(error.issues[0]).toMatchObject({
      file: 'agents.yaml',
      line: 9,
      message: 'nested deeper than 100 levels',
    });
    expect(error.issues[0]!.path).toMatch(/^agents\.bot\.mock_tools\[0\]\.mock_data\[0\]\.output(\.a)+$/);
  });

  it('accepts nesting within the limit', async () => {
    const manifest = await inTempDir({ 'agents.yaml': nestedManifest(20) }, load);

    expect(manifest.agents).toHaveLength(1);
  });
});

it('locates an alias bomb at its first alias, not at 1:1', async () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 9; level++)
    lines.push(
      `a${level}: &a${level} [${Array(10)
        .fill(`*a${level - 1}`)
        .join(', ')}]`,
    );
  const error = await inTempDir({ 'agents.yaml': lines.join('\n') + '\n' }, (cwd) => loadError(load(cwd)));

  expect(error.issues[0]).toMatchObject({ file: 'agents.yaml', line: 2, col: 10 });
  expect(error.issues[0]!.message).toMatch(/alias/i);
});

it('refuses bytes that are not UTF-8 as a located error, instead of sending U+FFFD', async () => {
  const error = await inTempDir({}, async (cwd) => {
    const text = Buffer.concat([
      Buffer.from('project: 1\nagents:\n  bot:\n    name: Caf'),
      Buffer.from([0xe9]),
      Buffer.from(' Bot\n'),
    ]);
    await writeFile(join(cwd, 'agents.yaml'), text);
    return loadError(load(cwd));
  });

  expect(error.issues).toEqual([
    {
      file: 'agents.yaml',
      line: 4,
      col: 14,
      path: '',
      message: 'the file is not UTF-8 text (byte 0xe9)',
      hint: 'save the file as UTF-8',
    },
  ]);
});

it('accepts UTF-8 text with multi-byte characters', async () => {
  const manifest = await inTempDir({ 'agents.yaml': 'project: 1\nagents:\n  bot:\n    name: Café Bot ✓\n' }, load);

  expect(manifest.agents[0]!.doc.name).toBe('Café Bot ✓');
});

it.runIf(process.platform !== 'win32')('refuses a FIFO at once instead of waiting for a writer', async () => {
  const error = await inTempDir({}, async (cwd) => {
    execFileSync('mkfifo', [join(cwd, 'agents.yaml')]);
    return load(cwd).catch((caught: unknown) => caught);
  });

  expect(error).toBeInstanceOf(CekuraformError);
  expect(error).toMatchObject({
    code: 'manifest_unreadable',
    message: 'cannot read agents.yaml: it is not a regular file',
  });
});
