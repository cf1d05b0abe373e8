import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CekuraformError, errnoCode } from '../../errors.js';
import { exportManifest } from '../../export/export.js';
import { renderExport } from '../../export/render.js';
import type { ExportedManifest } from '../../export/types.js';
import { fetchLiveState } from '../../state/fetch.js';
import type { ExportArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { connect, describeRetry, exists } from '../session.js';

/**
 * `cekuraform export --project ID [--agent ID]… [-o FILE [--force]]`: live agents as a manifest
 * that plans as no change (apart from the secrets it asks for). Without `-o` the YAML goes to stdout.
 */
export async function exportCommand(args: ExportArgs, io: CliIo): Promise<number> {
  const file = args.output === undefined ? undefined : resolve(io.cwd, args.output);
  // Checked before any request so that a refusal is quick; the write itself refuses too (`wx`).
  if (file !== undefined && !args.force && (await exists(file))) throw outputExists(args.output!);

  const api = connect(args, io, (info) => io.stderr.write(describeRetry(info) + '\n'));
  let exported: ExportedManifest;
  try {
    const { documents } = await fetchLiveState(api, [args.project]);
    exported = exportManifest(args.project, documents, args.agents);
  } finally {
    await api.close();
  }
  const manifest = renderExport(exported);

  if (file !== undefined) await writeManifest(file, manifest, args);
  if (args.json)
    io.stdout.write(
      JSON.stringify(exportSummary(exported, args.output, file === undefined ? manifest : undefined), null, 2) + '\n',
    );
  else if (file === undefined) io.stdout.write(manifest);
  else io.stdout.write(exportLines(exported, args.output!));
  return 0;
}

async function writeManifest(file: string, manifest: string, args: ExportArgs): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  if (args.force) {
    await writeFileAtomic(file, manifest);
    return;
  }
  try {
    await writeFile(file, manifest, { flag: 'wx' });
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw outputExists(args.output!);
    throw error;
  }
}

function outputExists(output: string): CekuraformError {
  return new CekuraformError('output_exists', `${output} already exists`, {
    meta: { file: output },
    hint: 'pass --force to overwrite it, or give another file with -o',
  });
}

/** The `--json` result (docs/json-output.md); `manifest` only when no file was written. */
function exportSummary(exported: ExportedManifest, output: string | undefined, manifest: string | undefined): object {
  return {
    status: 'ok',
    project: exported.project,
    file: output ?? null,
    agents: exported.agents.map((agent) => ({
      address: agent.address,
      id: agent.id,
      name: agent.name,
      pinned: agent.pinned,
      knowledge_base_files: agent.knowledge_base_files,
      unsupported_fields: agent.unsupported_fields,
    })),
    secrets: exported.agents.flatMap((agent) =>
      agent.secrets.map((secret) => ({ env: secret.env, address: agent.address, path: secret.path })),
    ),
    ...(manifest === undefined ? {} : { manifest }),
  };
}

function exportLines(exported: ExportedManifest, output: string): string {
  const count = exported.agents.length === 1 ? '1 agent' : `${exported.agents.length} agents`;
  const lines = [`Exported ${count} of project ${exported.project} to ${output}.`];
  const envNames = exported.agents.flatMap((agent) => agent.secrets.map((secret) => secret.env));
  if (envNames.length > 0)
    lines.push(
      `Secrets are written as comments, not managed: to manage one, uncomment it and set its variable (${envNames.join(', ')}).`,
    );
  const withFiles = exported.agents
    .filter((agent) => agent.knowledge_base_files.length > 0)
    .map((agent) => agent.address);
  if (withFiles.length > 0)
    lines.push(`Knowledge-base files were left out (their contents cannot be read back): ${withFiles.join(', ')}.`);
  return lines.join('\n') + '\n';
}
