import { Command, CommanderError, InvalidArgumentError, Option, type OptionValues } from '@commander-js/extra-typings';
import {
  API_GENERATIONS,
  DEFAULT_API_GENERATION,
  MOCK_MODE_VIAS,
  type ApiGeneration,
  type MockModeVia,
} from '../cekura/generation.js';
import { DEFAULT_KEEP_BACKUPS, DEFAULT_PARALLELISM, DEFAULT_TOGGLE_TIMEOUT_MS } from '../apply/defaults.js';
import { UsageError } from '../errors.js';
import { ENVIRONMENT_NAME_PATTERN } from '../manifest/environment-name.js';
import { helpFooter } from './help.js';
import type { CliIo } from './io.js';

/** Options every command that talks to Cekura takes. */
export interface ConnectionArgs {
  /** `--api-url`; else `CEKURA_API_URL`; else the public API. */
  apiUrl: string | undefined;
  /** `--trace FILE`; else `CEKURAFORM_TRACE`: append each request and response, redacted, as JSON lines. */
  trace: string | undefined;
}

/** Options of the commands that read manifests and the state record. */
export interface ManifestArgs {
  /** `-f FILE|DIR`, repeatable; empty means the default file in the working folder. */
  files: string[];
  /** `--state PATH`; else `.cekuraform/<env>.state.json`, or `.cekuraform/default.state.json` without environments, beside the manifest. */
  state: string | undefined;
  /** `--env NAME`: one of the manifest's `environments:`; required when it declares any. */
  env: string | undefined;
  /** `--var NAME=VALUE`, repeatable: wins over the manifest's `vars:` of that name. */
  vars: Record<string, string>;
}

export interface OutputArgs {
  json: boolean;
  /** `--no-color`; colour is also off without a TTY and with NO_COLOR. */
  color: boolean;
}

export interface PlanArgs extends ConnectionArgs, ManifestArgs, OutputArgs {
  markdown: boolean;
  /** `--out PLANFILE`: save the plan for `apply PLANFILE`. */
  out: string | undefined;
  /** Exit 2 when the plan has changes. */
  detailedExitcode: boolean;
  prune: boolean;
  deleteRelated: boolean;
  /** `--target ADDRESS`, repeatable; empty plans every address. */
  targets: string[];
  /** `--max-deletes N`: warn when the plan deletes more; a saved plan keeps it for apply. */
  maxDeletes: number | undefined;
  /** `--mock-mode-via toggle|patch`; else the manifest's `mock_mode_via`; else detected from the API. */
  mockModeVia: MockModeVia | undefined;
  /** `--show-unmanaged`: list every unmanaged agent, not only the first few (JSON always has all). */
  showUnmanaged: boolean;
}

export interface ApplyArgs extends ConnectionArgs, ManifestArgs, OutputArgs {
  /** A plan saved by `plan --out`; when given, no manifest is read. */
  planFile: string | undefined;
  autoApprove: boolean;
  prune: boolean;
  deleteRelated: boolean;
  /** As for plan; refused with a saved plan, which fixed the way already. */
  mockModeVia: MockModeVia | undefined;
  parallelism: number;
  toggleTimeoutMs: number;
  maxDeletes: number | undefined;
  /** `--target ADDRESS`, repeatable; empty applies every address. */
  targets: string[];
  /** `destroy`: delete every agent the state record owns instead of reading manifests. */
  isDestroy: boolean;
  /** `--lock-timeout`: how long to wait for a state lock another run holds (0: fail at once). */
  lockTimeoutMs: number;
  /** `--keep-backups N`: the newest backups kept in the backups folder; 0 keeps all. */
  keepBackups: number;
  /** `--show-unmanaged`, as for plan. */
  showUnmanaged: boolean;
}

export interface ValidateArgs extends Omit<ManifestArgs, 'state'>, OutputArgs {
  /** `--check-env`: also require every secret's environment variable to be set. */
  checkEnv: boolean;
}

/** `cekuraform doctor`: the manifest only names the projects to look at. */
export interface DoctorArgs extends ConnectionArgs, Omit<ManifestArgs, 'state' | 'vars'>, OutputArgs {}

export interface EmulatorArgs {
  /** `--api`: the generation of Cekura's API to answer as. */
  api: ApiGeneration;
  port: number;
  host: string;
  /** Null keeps agents in memory only. */
  data: string | null;
  latencyMs: number;
  toggleDurationMs: number;
}

export interface ForceUnlockArgs {
  /** The id of the lock to remove, as the lock error printed it; needed with `force`. */
  lockId: string | undefined;
  /** Remove a lock whose holder may still run (on this host, or another); only with `lockId`. */
  force: boolean;
  state: string | undefined;
  /** `--env NAME`: the environment whose state record to unlock. */
  env: string | undefined;
}

export interface ExportArgs extends ConnectionArgs, OutputArgs {
  /** `--project ID`: the project whose agents are exported. */
  project: number;
  /** `--agent ID`, repeatable; empty exports every agent of the project. */
  agents: number[];
  /** `-o FILE`; without it the manifest goes to stdout. */
  output: string | undefined;
  /** Overwrite `output` when it exists. */
  force: boolean;
}

export interface ImportArgs extends ConnectionArgs, ManifestArgs, OutputArgs {
  /** `--lock-timeout`: how long to wait for a state lock another run holds (0: fail at once). */
  lockTimeoutMs: number;
  /** `agent.<key>` of the manifest. */
  address: string;
  /** The live agent to bind it to. */
  agentId: number;
}

export interface StateArgs extends OutputArgs {
  state: string | undefined;
  /** `--env NAME`: the environment whose state record to read or edit. */
  env: string | undefined;
}

export interface StateAddressArgs extends StateArgs {
  address: string;
}

export interface StateMoveArgs extends StateArgs {
  from: string;
  to: string;
}

export interface ShowArgs extends OutputArgs {
  planFile: string;
  markdown: boolean;
}

export type ParsedCommand =
  | { command: 'plan'; args: PlanArgs }
  | { command: 'apply'; args: ApplyArgs }
  | { command: 'validate'; args: ValidateArgs }
  | { command: 'doctor'; args: DoctorArgs }
  | { command: 'schema' }
  | { command: 'emulator'; args: EmulatorArgs }
  | { command: 'force-unlock'; args: ForceUnlockArgs }
  | { command: 'export'; args: ExportArgs }
  | { command: 'import'; args: ImportArgs }
  | { command: 'state list'; args: StateArgs }
  | { command: 'state show'; args: StateAddressArgs }
  | { command: 'state rm'; args: StateAddressArgs }
  | { command: 'state mv'; args: StateMoveArgs }
  | { command: 'show'; args: ShowArgs }
  | { command: 'version'; args: OutputArgs }
  /** Help or version was printed; nothing to run. */
  | { command: 'exit'; code: number };

export const DEFAULT_EMULATOR_DATA = '.cekuraform/emulator-data.json';

/**
 * Parses argv into one typed command, validating every value before any I/O (Terraform's
 * `arguments` package). Help and version are printed here.
 */
export function parseArgs(argv: string[], io: CliIo, version: string): ParsedCommand {
  let parsed: ParsedCommand | undefined;
  const program = buildProgram(io, version, (command) => {
    parsed = command;
  });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { command: 'exit', code: 0 };
      // `cekuraform state` without a subcommand: commander has printed the group's help.
      if (error.code === 'commander.help') return { command: 'exit', code: error.exitCode };
      throw new UsageError(error.message.replace(/^error: /, ''), { hint: usageHint(error, argv), cause: error });
    }
    throw error;
  }
  if (parsed === undefined) {
    program.outputHelp();
    return { command: 'exit', code: 1 };
  }
  return parsed;
}

function buildProgram(io: CliIo, version: string, accept: (command: ParsedCommand) => void) {
  const program = new Command('cekuraform')
    .description('Declarative configuration for Cekura agents: plan and apply agents kept as YAML.')
    .version(version)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {},
    });

  // Generic over the command's own arguments and options, so each command's action sees its options typed.
  const withManifest = <Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) =>
    command
      .option('-f, --file <path>', 'manifest file or directory of *.yaml (repeatable)', collect)
      .option(
        '--state <path>',
        'state record file (default .cekuraform/<env>.state.json, or default.state.json, beside the manifest)',
      )
      .addOption(environmentOption())
      .addOption(varOption());
  const withConnection = <Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) =>
    command
      .option('--api-url <url>', 'Cekura API base URL (default $CEKURA_API_URL or https://api.cekura.ai)')
      .option(
        '--trace <file>',
        'append every request and response to FILE as JSON lines, secrets redacted (or $CEKURAFORM_TRACE)',
      );
  const mockModeViaOption = () =>
    new Option(
      '--mock-mode-via <way>',
      'how mock mode is changed: toggle (toggle-mock-tools routes) or patch (mock_tools_enabled in the write); default: detected',
    ).choices(MOCK_MODE_VIAS);
  const withOutput = <Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) =>
    command.option('--json', 'print one JSON document').option('--no-color', 'never use colour');

  withOutput(withConnection(withManifest(program.command('plan').description('show what apply would change'))))
    .option('--markdown', 'print the plan as Markdown for a pull-request comment')
    .option('--out <planfile>', 'save the plan for `cekuraform apply PLANFILE`')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none')
    .option('--prune', 'delete live agents of managed projects that no manifest names')
    .option('--delete-related', "let those deletes take the agents' calls, evaluators, results and runs")
    .addOption(targetOption())
    .addOption(maxDeletesOption('warn when the plan deletes more agents, tools or variables than this'))
    .addOption(mockModeViaOption())
    .option('--show-unmanaged', 'list every unmanaged agent, not only the first 5')
    .action((options) => {
      if (options.json === true && options.markdown === true)
        throw new UsageError('--json and --markdown cannot be used together');
      accept({
        command: 'plan',
        args: {
          ...manifestArgs(options),
          ...outputArgs(options),
          apiUrl: options.apiUrl,
          trace: options.trace,
          markdown: options.markdown === true,
          out: options.out,
          detailedExitcode: options.detailedExitcode === true,
          prune: options.prune === true,
          deleteRelated: options.deleteRelated === true,
          targets: options.target ?? [],
          maxDeletes: options.maxDeletes,
          mockModeVia: options.mockModeVia,
          showUnmanaged: options.showUnmanaged === true,
        },
      });
    });

  withOutput(withConnection(withManifest(program.command('apply').description('make Cekura match the manifest'))))
    .argument('[planfile]', 'a plan saved by `cekuraform plan --out`')
    .option('--auto-approve', 'apply without asking for confirmation')
    .option('--prune', 'delete live agents of managed projects that no manifest names')
    .option('--delete-related', "let those deletes take the agents' calls, evaluators, results and runs")
    .addOption(mockModeViaOption())
    .option('--show-unmanaged', 'list every unmanaged agent, not only the first 5')
    .addOption(
      new Option('--parallelism <n>', 'agents sending requests at once (one waiting for its toggle frees its slot)')
        .argParser(positiveInteger)
        .default(DEFAULT_PARALLELISM),
    )
    .addOption(
      new Option('--toggle-timeout <duration>', 'how long to wait for a mock-mode toggle (e.g. 90s, 5m)')
        .argParser(duration)
        .default(DEFAULT_TOGGLE_TIMEOUT_MS, '5m'),
    )
    .addOption(maxDeletesOption('refuse a plan deleting more agents, tools or variables than this'))
    .addOption(
      new Option('--keep-backups <n>', 'backups kept in the backups folder, the newest (0 keeps all)')
        .argParser(nonNegativeInteger)
        .default(DEFAULT_KEEP_BACKUPS),
    )
    .addOption(targetOption())
    .addOption(lockTimeoutOption())
    .action((planFile, options) => {
      if (planFile !== undefined && options.file !== undefined) {
        throw new UsageError('give either a saved plan or -f manifests, not both', {
          hint: 'a saved plan already holds what to apply',
        });
      }
      if (planFile !== undefined && MANIFEST_FILE.test(planFile)) {
        throw new UsageError(`apply takes a plan saved by \`plan --out\`, and ${planFile} is a manifest`, {
          hint: `name manifests with -f: \`cekuraform apply -f ${planFile}\``,
        });
      }
      if (planFile !== undefined && options.mockModeVia !== undefined) {
        throw new UsageError('--mock-mode-via cannot change a saved plan', {
          hint: 'a saved plan applies mock mode the way it was planned; give --mock-mode-via to `plan --out`',
        });
      }
      const ignored = [
        ['--prune', options.prune],
        ['--delete-related', options.deleteRelated],
        ['--target', options.target],
        ['--var', options.var],
      ].flatMap(([flag, value]) => (value === undefined ? [] : [String(flag)]));
      if (planFile !== undefined && ignored.length > 0) {
        throw new UsageError(`a saved plan is applied as it was made: ${ignored.join(', ')} would change nothing`, {
          hint: `give ${ignored.join(', ')} to \`cekuraform plan --out\` instead, and apply that plan`,
        });
      }
      accept({
        command: 'apply',
        args: {
          ...manifestArgs(options),
          ...outputArgs(options),
          apiUrl: options.apiUrl,
          trace: options.trace,
          planFile,
          autoApprove: options.autoApprove === true,
          prune: options.prune === true,
          deleteRelated: options.deleteRelated === true,
          mockModeVia: options.mockModeVia,
          parallelism: options.parallelism,
          toggleTimeoutMs: options.toggleTimeout,
          maxDeletes: options.maxDeletes,
          targets: options.target ?? [],
          isDestroy: false,
          lockTimeoutMs: options.lockTimeout,
          keepBackups: options.keepBackups,
          showUnmanaged: options.showUnmanaged === true,
        },
      });
    });

  withOutput(
    withConnection(
      program
        .command('destroy')
        .description('delete every agent the state record owns (the manifest is not read)')
        .option('--state <path>', 'state record file (default .cekuraform/<env>.state.json, or default.state.json)')
        .addOption(environmentOption()),
    ),
  )
    .option('--auto-approve', 'destroy without asking for confirmation')
    .option('--delete-related', "let the deletes take the agents' calls, evaluators, results and runs")
    .addOption(maxDeletesOption('refuse when the record owns more agents than this'))
    .addOption(targetOption())
    .addOption(lockTimeoutOption())
    .action((options) => {
      accept({
        command: 'apply',
        args: {
          files: [],
          vars: {},
          state: options.state,
          env: options.env,
          ...outputArgs(options),
          apiUrl: options.apiUrl,
          planFile: undefined,
          autoApprove: options.autoApprove === true,
          prune: false,
          deleteRelated: options.deleteRelated === true,
          parallelism: DEFAULT_PARALLELISM,
          toggleTimeoutMs: DEFAULT_TOGGLE_TIMEOUT_MS,
          maxDeletes: options.maxDeletes,
          targets: options.target ?? [],
          isDestroy: true,
          showUnmanaged: false,
          mockModeVia: undefined,
          keepBackups: DEFAULT_KEEP_BACKUPS,
          trace: options.trace,
          lockTimeoutMs: options.lockTimeout,
        },
      });
    });

  withOutput(program.command('show').description('print a plan saved by `plan --out` (text, --markdown or --json)'))
    .argument('<planfile>', 'a plan saved by `cekuraform plan --out`')
    .option('--markdown', 'print the plan as Markdown')
    .action((planFile, options) => {
      if (options.json === true && options.markdown === true)
        throw new UsageError('--json and --markdown cannot be used together');
      accept({ command: 'show', args: { planFile, markdown: options.markdown === true, ...outputArgs(options) } });
    });

  withOutput(program.command('version').description('print the version of cekuraform')).action((options) =>
    accept({ command: 'version', args: outputArgs(options) }),
  );

  withOutput(program.command('validate').description('check manifests without contacting Cekura'))
    .option('-f, --file <path>', 'manifest file or directory of *.yaml (repeatable)', collect)
    .addOption(environmentOption())
    .addOption(varOption())
    .option('--check-env', "also require each secret's environment variable to be set")
    .action((options) => {
      accept({
        command: 'validate',
        args: {
          files: options.file ?? [],
          env: options.env,
          vars: Object.fromEntries(options.var ?? []),
          checkEnv: options.checkEnv === true,
          ...outputArgs(options),
        },
      });
    });

  withOutput(
    withConnection(
      program.command('doctor').description('check, read-only, that the configured Cekura API works with cekuraform'),
    ),
  )
    .option(
      '-f, --file <path>',
      'manifest whose projects to look at (repeatable; default: the usual one, if any)',
      collect,
    )
    .addOption(environmentOption())
    .action((options) => {
      accept({
        command: 'doctor',
        args: {
          files: options.file ?? [],
          env: options.env,
          apiUrl: options.apiUrl,
          trace: options.trace,
          ...outputArgs(options),
        },
      });
    });

  program
    .command('schema')
    .description("print the manifest's JSON Schema (for editor completion)")
    .action(() => accept({ command: 'schema' }));

  program
    .command('emulator')
    .description('run a local Cekura API emulator')
    .addOption(
      new Option('--api <generation>', "generation of Cekura's API to answer as (2026-08: no toggle routes)")
        .choices(API_GENERATIONS)
        .default(DEFAULT_API_GENERATION),
    )
    .addOption(new Option('--port <port>', 'port to listen on (0 = any free port)').argParser(port).default(4010))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .option(
      '--data <file>',
      'file that keeps the agents across restarts (saved before each answer)',
      DEFAULT_EMULATOR_DATA,
    )
    .option('--in-memory', 'keep agents in memory only')
    .addOption(
      new Option('--latency <ms>', 'delay added to every API request').argParser(nonNegativeInteger).default(0),
    )
    .addOption(
      new Option('--toggle-duration <ms>', 'how long a mock-mode toggle stays in progress')
        .argParser(nonNegativeInteger)
        .default(1500),
    )
    .action((options) => {
      accept({
        command: 'emulator',
        args: {
          api: options.api,
          port: options.port,
          host: options.host,
          data: options.inMemory === true ? null : options.data,
          latencyMs: options.latency,
          toggleDurationMs: options.toggleDuration,
        },
      });
    });

  program
    .command('force-unlock')
    .description(
      'remove the lock of a state record left by a run that cannot release it (a gone process of this host; any other with --force LOCK_ID)',
    )
    .argument('[lock-id]', 'the id of the lock, as the lock error prints it')
    .option('--force', 'remove the lock even if its holder may still run; needs LOCK_ID')
    .option('--state <path>', 'state record file (default .cekuraform/<env>.state.json, or default.state.json)')
    .addOption(environmentOption())
    .action((lockId, options) => {
      if (options.force === true && lockId === undefined)
        throw new UsageError('--force needs the id of the lock to remove', {
          hint: 'the lock error prints it: `cekuraform force-unlock --force LOCK_ID`',
        });
      accept({
        command: 'force-unlock',
        args: { lockId, force: options.force === true, state: options.state, env: options.env },
      });
    });

  withOutput(withConnection(program.command('export').description('write a manifest of live agents, to adopt them')))
    .addOption(new Option('--project <id>', 'the project to export').argParser(positiveInteger).makeOptionMandatory())
    .addOption(new Option('--agent <id>', 'only this agent (repeatable)').argParser(collectPositiveIntegers))
    .option('-o, --output <file>', 'write the manifest to this file instead of stdout')
    .option('--force', 'overwrite the -o file if it exists')
    .action((options) => {
      if (options.force === true && options.output === undefined)
        throw new UsageError('--force needs -o FILE', { hint: 'without -o the manifest goes to stdout' });
      accept({
        command: 'export',
        args: {
          ...outputArgs(options),
          apiUrl: options.apiUrl,
          trace: options.trace,
          project: options.project,
          agents: options.agent ?? [],
          output: options.output,
          force: options.force === true,
        },
      });
    });

  withOutput(
    withConnection(
      withManifest(
        program.command('import').description('bind a manifest address to an existing agent in the state record'),
      ),
    ),
  )
    .argument('<address>', 'the manifest address, agent.<key>')
    .argument('<agent-id>', 'the id of the live agent', positiveInteger)
    .addOption(lockTimeoutOption())
    .action((address, agentId, options) => {
      accept({
        command: 'import',
        args: {
          ...manifestArgs(options),
          ...outputArgs(options),
          apiUrl: options.apiUrl,
          trace: options.trace,
          address,
          agentId,
          lockTimeoutMs: options.lockTimeout,
        },
      });
    });

  const state = program.command('state').description('read or edit the bindings in the state record');
  const withState = <Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) =>
    withOutput(
      command
        .option('--state <path>', 'state record file (default .cekuraform/<env>.state.json, or default.state.json)')
        .addOption(environmentOption()),
    );
  const stateArgs = (options: { state?: string; env?: string } & OutputOptions): StateArgs => ({
    state: options.state,
    env: options.env,
    ...outputArgs(options),
  });
  withState(state.command('list').description('list the bound addresses with their agent ids')).action((options) =>
    accept({ command: 'state list', args: stateArgs(options) }),
  );
  withState(state.command('show').description('show one binding').argument('<address>', 'agent.<key>')).action(
    (address, options) => accept({ command: 'state show', args: { ...stateArgs(options), address } }),
  );
  withState(
    state
      .command('rm')
      .description('forget a binding; the agent in Cekura is untouched')
      .argument('<address>', 'agent.<key>'),
  ).action((address, options) => accept({ command: 'state rm', args: { ...stateArgs(options), address } }));
  withState(
    state
      .command('mv')
      .description('rename an address in the state record (after renaming the key in the manifest)')
      .argument('<from>', 'agent.<old key>')
      .argument('<to>', 'agent.<new key>'),
  ).action((from, to, options) => accept({ command: 'state mv', args: { ...stateArgs(options), from, to } }));

  for (const command of program.commands) {
    command.addHelpText('after', helpFooter(command.name()));
    for (const sub of command.commands) sub.addHelpText('after', helpFooter(`${command.name()} ${sub.name()}`));
  }
  return program;
}

/** The fix for a mistake Terraform habits make (`-auto-approve`, a manifest as an argument), else where usage is. */
function usageHint(error: CommanderError, argv: string[]): string {
  const singleDash = /unknown option '(-([a-z][a-z-]+)(?:=(.*))?)'/.exec(error.message);
  if (singleDash !== null) {
    const value = singleDash[3] === undefined ? '' : ` ${singleDash[3]}`;
    return `options take two dashes here: \`--${singleDash[2]}${value}\` (Terraform's single-dash \`${singleDash[1]}\` is not read)`;
  }
  const manifest = argv.find((arg) => MANIFEST_FILE.test(arg));
  if (error.code === 'commander.excessArguments' && manifest !== undefined)
    return `name manifests with -f: \`-f ${manifest}\``;
  return 'run `cekuraform --help` for usage';
}

const MANIFEST_FILE = /^[^-].*\.ya?ml$/;

function manifestArgs(options: {
  file?: string[];
  state?: string;
  env?: string;
  var?: [string, string][];
}): ManifestArgs {
  return {
    files: options.file ?? [],
    state: options.state,
    env: options.env,
    vars: Object.fromEntries(options.var ?? []),
  };
}

function varOption() {
  return new Option('--var <name=value>', "set a manifest var, over the manifest's value (repeatable)").argParser(
    collectVar,
  );
}

function targetOption() {
  return new Option('--target <address>', 'only this address: agent.<key>, or agent[<id>] (repeatable)').argParser(
    collectAddress,
  );
}

function lockTimeoutOption() {
  return new Option('--lock-timeout <duration>', 'wait this long for a state lock another run holds (e.g. 30s, 5m)')
    .argParser(durationOrZero)
    .default(0, '0s');
}

function maxDeletesOption(description: string) {
  return new Option('--max-deletes <n>', description).argParser(nonNegativeInteger);
}

const ADDRESS_PATTERN = /^agent(\.[A-Za-z0-9_-]+|\[\d+\])$/;

function collectAddress(value: string, previous: string[] | undefined): string[] {
  if (!ADDRESS_PATTERN.test(value)) throw new InvalidArgumentError('expected an address: agent.<key> or agent[<id>]');
  return [...(previous ?? []), value];
}

function collectVar(value: string, previous: [string, string][] | undefined): [string, string][] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (match === null) throw new InvalidArgumentError('expected NAME=VALUE, e.g. --var support_phone=+14155550100');
  return [...(previous ?? []), [match[1]!, match[2]!]];
}

function environmentOption() {
  return new Option(
    '--env <name>',
    'the environment of the manifest to use (required when it declares environments)',
  ).argParser(environmentName);
}

/** Checked here as well as against the manifest: `apply PLANFILE --env` reads none, and the name becomes a file name. */
function environmentName(value: string): string {
  if (!ENVIRONMENT_NAME_PATTERN.test(value))
    throw new InvalidArgumentError('expected an environment name: letters, digits, `_` or `-`');
  return value;
}

/** `--json` and `--no-color` as commander gives them. */
interface OutputOptions {
  json?: true;
  color: boolean;
}

function outputArgs(options: OutputOptions): OutputArgs {
  return { json: options.json === true, color: options.color };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectPositiveIntegers(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), positiveInteger(value)];
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return number;
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('expected a whole number of 0 or more');
  return number;
}

function port(value: string): number {
  const number = nonNegativeInteger(value);
  if (number > 65_535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return number;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration, or `0` (`0s`): do not wait. */
function durationOrZero(value: string): number {
  return /^0+(ms|s|m|h)?$/.test(value.trim()) ? 0 : duration(value);
}

/** `90s`, `5m`, `1h`, `1500ms`; a bare number is seconds. */
function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('expected a duration such as 90s, 5m or 1h');
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's']!;
  if (ms <= 0) throw new InvalidArgumentError('expected a duration above zero');
  return ms;
}
