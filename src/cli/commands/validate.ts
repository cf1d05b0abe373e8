import type { ValidateArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { readManifest } from '../session.js';

/** `cekuraform validate`: the manifest checks alone; no request is sent. */
export async function validateCommand(args: ValidateArgs, io: CliIo): Promise<number> {
  const manifest = await readManifest(args.files, io, args);
  const environment = manifest.environment;
  if (args.json) {
    const summary = {
      status: 'ok',
      ...(environment === undefined ? {} : { environment }),
      files: manifest.files,
      agents: manifest.agents.map((agent) => agent.address),
      warnings: manifest.warnings,
    };
    io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } else {
    const agents = manifest.agents.length === 1 ? '1 agent' : `${manifest.agents.length} agents`;
    const files = manifest.files.length === 1 ? '1 file' : `${manifest.files.length} files`;
    const scope = environment === undefined ? '' : ` for environment ${environment}`;
    io.stdout.write(`The manifest is valid${scope}: ${agents} in ${files}.\n`);
  }
  return 0;
}
