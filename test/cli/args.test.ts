import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import type { CliIo } from '../../src/cli/io.js';
import { UsageError } from '../../src/errors.js';

function io(): CliIo & { out: string[] } {
  const out: string[] = [];
  return {
    out,
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => out.push(s) },
    env: {},
    cwd: '/repo',
  };
}

describe('parseArgs', () => {
  it.each([
    [['apply', '-auto-approve'], "unknown option '-auto-approve'", '`--auto-approve`'],
    [['plan', '-detailed-exitcode'], "unknown option '-detailed-exitcode'", '`--detailed-exitcode`'],
    [['plan', '-target=agent.bot'], "unknown option '-target=agent.bot'", '`--target agent.bot`'],
    [['plan', '-out=tfplan'], "unknown option '-out=tfplan'", '`--out tfplan`'],
    [['apply', 'cekura.yaml'], 'is a manifest', '`cekuraform apply -f cekura.yaml`'],
    [['plan', 'cekura.yaml'], 'too many arguments', '`-f cekura.yaml`'],
  ])('%j is a usage error whose hint says the fix', (argv, message, fix) => {
    const error = (() => {
      try {
        parseArgs(argv, io(), '1');
      } catch (thrown) {
        return thrown as UsageError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(message);
    expect(error.hint).toContain(fix);
  });

  it('plan: defaults and repeated -f', () => {
    expect(parseArgs(['plan', '-f', 'a.yaml', '-f', 'dir'], io(), '1.0.0')).toEqual({
      command: 'plan',
      args: {
        files: ['a.yaml', 'dir'],
        state: undefined,
        apiUrl: undefined,
        json: false,
        color: true,
        markdown: false,
        out: undefined,
        detailedExitcode: false,
        prune: false,
        deleteRelated: false,
        targets: [],
        vars: {},
        mockModeVia: undefined,
        showUnmanaged: false,
      },
    });
  });

  it('plan and apply take --mock-mode-via; emulator --api and doctor parse', () => {
    expect(parseArgs(['plan', '--mock-mode-via', 'patch'], io(), '1')).toMatchObject({
      args: { mockModeVia: 'patch' },
    });
    expect(parseArgs(['apply', '--mock-mode-via', 'toggle'], io(), '1')).toMatchObject({
      args: { mockModeVia: 'toggle' },
    });
    expect(parseArgs(['emulator', '--api', '2026-08'], io(), '1')).toMatchObject({ args: { api: '2026-08' } });
    expect(parseArgs(['doctor', '-f', 'a.yaml', '--json'], io(), '1')).toEqual({
      command: 'doctor',
      args: { files: ['a.yaml'], env: undefined, apiUrl: undefined, json: true, color: true },
    });
  });

  it('apply: a saved plan and numeric options', () => {
    const parsed = parseArgs(
      ['apply', 'plan.json', '--auto-approve', '--parallelism', '8', '--toggle-timeout', '90s', '--max-deletes', '0'],
      io(),
      '1.0.0',
    );
    expect(parsed).toMatchObject({
      command: 'apply',
      args: {
        planFile: 'plan.json',
        files: [],
        autoApprove: true,
        parallelism: 8,
        toggleTimeoutMs: 90_000,
        maxDeletes: 0,
      },
    });
  });

  it.each([
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1500ms', 1500],
    ['45', 45_000],
  ])('--toggle-timeout %s is %i ms', (value, ms) => {
    expect(parseArgs(['apply', '--toggle-timeout', value], io(), '1')).toMatchObject({ args: { toggleTimeoutMs: ms } });
  });

  it.each([
    [['apply', '--parallelism', '0'], /whole number of 1 or more/],
    [['apply', '--toggle-timeout', 'soon'], /duration such as 90s/],
    [['apply', 'plan.json', '-f', 'agents.yaml'], /either a saved plan or -f/],
    [['plan', '--json', '--markdown'], /cannot be used together/],
    [['emulator', '--port', '70000'], /port from 0 to 65535/],
    [['plna'], /unknown command/],
    [['plan', '--target', 'bot'], /expected an address: agent.<key> or agent\[<id>\]/],
    [['plan', '--var', 'phone'], /expected NAME=VALUE/],
    [['apply', 'plan.json', '--prune'], /a saved plan is applied as it was made: --prune would change nothing/],
    [['apply', 'cekura.yaml'], /apply takes a plan saved by `plan --out`, and cekura.yaml is a manifest/],
    [['plan', '--mock-mode-via', 'poll'], /Allowed choices are toggle, patch/],
    [['apply', 'plan.json', '--mock-mode-via', 'patch'], /--mock-mode-via cannot change a saved plan/],
    [['emulator', '--api', '2026-07'], /Allowed choices are 2026-06, 2026-08/],
  ])('refuses %j before any I/O', (argv, message) => {
    expect(() => parseArgs(argv, io(), '1')).toThrow(UsageError);
    expect(() => parseArgs(argv, io(), '1')).toThrow(message);
  });

  it('emulator: --in-memory means no data file', () => {
    expect(parseArgs(['emulator', '--in-memory', '--port', '0'], io(), '1')).toEqual({
      command: 'emulator',
      args: { api: '2026-06', port: 0, host: '127.0.0.1', data: null, latencyMs: 0, toggleDurationMs: 1500 },
    });
  });

  it('--help and --version print and exit 0', () => {
    const streams = io();
    expect(parseArgs(['--version'], streams, '9.9.9')).toEqual({ command: 'exit', code: 0 });
    expect(streams.out.join('')).toBe('9.9.9\n');
    expect(parseArgs(['plan', '--help'], io(), '1')).toEqual({ command: 'exit', code: 0 });
  });
});
