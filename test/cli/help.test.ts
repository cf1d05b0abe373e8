import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { HELP_PATHS } from '../../src/cli/help.js';
import type { CliIo } from '../../src/cli/io.js';

function helpOf(argv: string[]): string {
  const out: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => out.push(text) },
    env: {},
    cwd: '/repo',
  };
  expect(parseArgs([...argv, '--help'], io, '1.0.0')).toEqual({ command: 'exit', code: 0 });
  return out.join('');
}

describe('--help of each command', () => {
  it.each(HELP_PATHS)('%s lists its environment variables, exit codes and one example', (path) => {
    const help = helpOf(path.split(' '));
    expect(help).toContain('Exit codes:\n  0  ');
    expect(help).toMatch(new RegExp(`Example:\\n  cekuraform ${path} `));
  });

  it('plan names the API variables and exit code 2', () => {
    const help = helpOf(['plan']);
    expect(help).toContain('Environment variables:\n  CEKURA_API_URL');
    expect(help).toContain('CEKURA_API_KEY');
    expect(help).toContain('2  changes, with --detailed-exitcode');
  });

  it('covers every command the CLI has', () => {
    const top = helpOf([]);
    const commands = [...top.matchAll(/^ {2}([a-z-]+)(?= )/gm)]
      .map((match) => match[1]!)
      .filter((name) => name !== 'help');
    const state = [...helpOf(['state']).matchAll(/^ {2}([a-z-]+)(?= )/gm)]
      .map((match) => match[1]!)
      .filter((name) => name !== 'help')
      .map((name) => `state ${name}`);
    expect([...commands.filter((name) => name !== 'state'), ...state].sort()).toEqual([...HELP_PATHS].sort());
  });
});
