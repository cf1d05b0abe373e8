import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStyle, shouldUseColor } from '../../src/render/style.js';

describe('shouldUseColor', () => {
  it.each([
    { isTTY: true, env: {}, expected: true },
    { isTTY: false, env: {}, expected: false },
    { isTTY: undefined, env: {}, expected: false },
    { isTTY: true, env: { NO_COLOR: '' }, expected: true },
    { isTTY: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' }, expected: false },
    { isTTY: true, env: { TERM: 'dumb' }, expected: false },
    { isTTY: false, env: { FORCE_COLOR: '1' }, expected: true },
    { isTTY: true, env: { TERM: 'dumb', FORCE_COLOR: '' }, expected: true },
    { isTTY: true, env: { FORCE_COLOR: '0' }, expected: false },
    { isTTY: true, env: { FORCE_COLOR: 'false' }, expected: false },
  ])('isTTY $isTTY, env $env → $expected', ({ isTTY, env, expected }) => {
    expect(shouldUseColor({ isTTY, env })).toBe(expected);
  });
});

describe('createStyle', () => {
  it('returns text unchanged when disabled and wraps it in ANSI codes when enabled', () => {
    expect(createStyle(false).add('+')).toBe('+');
    expect(createStyle(true).add('+')).toBe('\u001b[32m+\u001b[39m');
  });
});

describe('src/render', () => {
  it('imports listr2 only in progress.ts, so plan and --help stay cheap', () => {
    const directory = new URL('../../src/render/', import.meta.url);
    const importers = readdirSync(directory).filter((file) =>
      /from 'listr2'/.test(readFileSync(new URL(file, directory), 'utf8')),
    );
    expect(importers).toEqual(['progress.ts']);
  });
});
