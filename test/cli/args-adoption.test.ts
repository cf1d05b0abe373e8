import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import type { CliIo } from '../../src/cli/io.js';
import { UsageError } from '../../src/errors.js';

// Arguments of the adoption commands: export, import, state list | show | rm.

function io(): CliIo {
  return { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/repo' };
}

describe('parseArgs: adoption commands', () => {
  it.each([
    {
      argv: ['export', '--project', '42', '--agent', '7', '--agent', '9', '-o', 'agents.yaml', '--force'],
      parsed: {
        command: 'export',
        args: {
          project: 42,
          agents: [7, 9],
          output: 'agents.yaml',
          force: true,
          json: false,
          color: true,
          apiUrl: undefined,
        },
      },
    },
    {
      argv: ['export', '--project', '42', '--json'],
      parsed: {
        command: 'export',
        args: { project: 42, agents: [], output: undefined, force: false, json: true, color: true, apiUrl: undefined },
      },
    },
    {
      argv: ['import', 'agent.bot', '12', '-f', 'agents', '--state', 's.json'],
      parsed: {
        command: 'import',
        args: {
          address: 'agent.bot',
          agentId: 12,
          lockTimeoutMs: 0,
          files: ['agents'],
          vars: {},
          state: 's.json',
          json: false,
          color: true,
          apiUrl: undefined,
        },
      },
    },
    {
      argv: ['state', 'list', '--json'],
      parsed: { command: 'state list', args: { state: undefined, json: true, color: true } },
    },
    {
      argv: ['state', 'show', 'agent.bot', '--state', 's.json'],
      parsed: { command: 'state show', args: { address: 'agent.bot', state: 's.json', json: false, color: true } },
    },
    {
      argv: ['state', 'rm', 'agent.bot', '--no-color'],
      parsed: { command: 'state rm', args: { address: 'agent.bot', state: undefined, json: false, color: false } },
    },
    {
      argv: ['import', 'agent.bot', '12', '--env', 'staging'],
      parsed: {
        command: 'import',
        args: {
          address: 'agent.bot',
          agentId: 12,
          lockTimeoutMs: 0,
          files: [],
          vars: {},
          state: undefined,
          env: 'staging',
          json: false,
          color: true,
          apiUrl: undefined,
        },
      },
    },
    {
      argv: ['state', 'list', '--env', 'production'],
      parsed: { command: 'state list', args: { state: undefined, env: 'production', json: false, color: true } },
    },
    {
      argv: ['state', 'show', 'agent.bot', '--env', 'staging'],
      parsed: {
        command: 'state show',
        args: { address: 'agent.bot', state: undefined, env: 'staging', json: false, color: true },
      },
    },
    {
      argv: ['state', 'rm', 'agent.bot', '--env', 'staging', '--json'],
      parsed: {
        command: 'state rm',
        args: { address: 'agent.bot', state: undefined, env: 'staging', json: true, color: true },
      },
    },
  ])('$argv', ({ argv, parsed }) => {
    expect(parseArgs(argv, io(), '1')).toEqual(parsed);
  });

  it('`state` alone prints its subcommands and exits 1', () => {
    const out: string[] = [];
    const printed = {
      ...io(),
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => out.push(text) },
    };
    expect(parseArgs(['state'], printed, '1')).toEqual({ command: 'exit', code: 1 });
    expect(out.join('')).toContain('rm [options] <address>');
  });

  it.each([
    [['export'], /--project <id>' not specified/],
    [['export', '--project', 'x'], /whole number of 1 or more/],
    [['export', '--project', '42', '--agent', '0'], /whole number of 1 or more/],
    [['export', '--project', '42', '--force'], /--force needs -o FILE/],
    [['import', 'agent.bot'], /missing required argument 'agent-id'/],
    [['import', 'agent.bot', 'twelve'], /whole number of 1 or more/],
    [['state', 'show'], /missing required argument 'address'/],
    [['state', 'move', 'a', 'b'], /unknown command 'move'/],
    [['state', 'list', '--env', '../prod'], /expected an environment name/],
    [['state', 'rm', 'agent.bot', '--env'], /argument missing/],
  ])('refuses %j before any I/O', (argv, message) => {
    expect(() => parseArgs(argv, io(), '1')).toThrow(UsageError);
    expect(() => parseArgs(argv, io(), '1')).toThrow(message);
  });
});
