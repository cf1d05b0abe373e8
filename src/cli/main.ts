import { readFileSync } from 'node:fs';
import { assertNever } from '../errors.js';
import { createStyle, shouldUseColor } from '../render/style.js';
import { parseArgs, type ParsedCommand } from './args.js';
import { asCekuraformError, renderErrorJson, renderErrorText } from './errors.js';
import { INTERRUPTED_EXIT_CODE, watchOutput, type CliIo } from './io.js';
import { isDebug } from './debug.js';

/**
 * The whole CLI: argv in, exit code out. The only place that maps errors to exit codes: 0 success,
 * 1 error, 2 changes under `--detailed-exitcode`, 130 interrupted. Never calls `process.exit`.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const code = await runAndReport(argv, io);
  const outputError = await io.finishOutput?.();
  if (outputError === undefined) return code;
  // The reader went away (`plan --json | head`): nobody is left to tell.
  if (outputError.code !== 'EPIPE') io.stderr.write(`error: cannot write the output: ${outputError.message}\n`);
  return 1;
}

async function runAndReport(argv: string[], io: CliIo): Promise<number> {
  let command: ParsedCommand | undefined;
  try {
    command = parseArgs(argv, io, packageVersion());
    return await run(command, io);
  } catch (thrown) {
    const error = asCekuraformError(thrown);
    if (command !== undefined && 'args' in command && 'json' in command.args && command.args.json) {
      io.stdout.write(renderErrorJson(error));
    } else {
      const colour = !(command !== undefined && 'args' in command && 'color' in command.args && !command.args.color);
      io.stderr.write(
        renderErrorText(
          error,
          createStyle(colour && shouldUseColor({ isTTY: io.stderr.isTTY, env: io.env })),
          isDebug(io),
        ),
      );
    }
    return error.exitCode;
  }
}

// Each command is imported when it runs, so `--help` loads nothing heavy.
async function run(command: ParsedCommand, io: CliIo): Promise<number> {
  switch (command.command) {
    case 'exit':
      return command.code;
    case 'plan':
      return (await import('./commands/plan.js')).planCommand(command.args, io);
    case 'apply':
      return (await import('./commands/apply.js')).applyCommand(command.args, withInterrupt(io));
    case 'validate':
      return (await import('./commands/validate.js')).validateCommand(command.args, io);
    case 'doctor':
      return (await import('./commands/doctor.js')).doctorCommand(command.args, io);
    case 'schema':
      return (await import('./commands/schema.js')).schemaCommand(io);
    case 'emulator':
      return (await import('./commands/emulator.js')).emulatorCommand(command.args, withInterrupt(io));
    case 'force-unlock':
      return (await import('./commands/force-unlock.js')).forceUnlockCommand(command.args, io);
    case 'export':
      return (await import('./commands/export.js')).exportCommand(command.args, io);
    case 'import':
      return (await import('./commands/import.js')).importCommand(command.args, io);
    case 'state list':
      return (await import('./commands/state.js')).stateListCommand(command.args, io);
    case 'state show':
      return (await import('./commands/state.js')).stateShowCommand(command.args, io);
    case 'state rm':
      return (await import('./commands/state.js')).stateRmCommand(command.args, io);
    case 'state mv':
      return (await import('./commands/state.js')).stateMoveCommand(command.args, io);
    case 'show':
      return (await import('./commands/show.js')).showCommand(command.args, io);
    case 'version':
      io.stdout.write(
        command.args.json ? JSON.stringify({ version: packageVersion() }) + '\n' : `cekuraform ${packageVersion()}\n`,
      );
      return 0;
    default:
      return assertNever(command, 'command');
  }
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    finishOutput: watchOutput(process.stdout, process.stderr),
  };
}

/** Wires Ctrl-C to an abort signal when the caller gave none; a second Ctrl-C ends at once. */
function withInterrupt(io: CliIo): CliIo {
  if (io.signal !== undefined) return io;
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { ...io, signal: controller.signal };
}

function packageVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return packageJson.version;
}
