import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { errnoCode, UsageError } from '../../errors.js';
import { isJsonObject } from '../../json.js';
import { hasChanges } from '../../plan/types.js';
import { renderPlanJson } from '../../render/json.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { expectedAgentIds, fetchLiveState } from '../../state/fetch.js';
import { openStateRecord } from '../../state/record.js';
import type { PlanArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { apiTargetOf, connect, describeRetry, planRun, readManifest, statePathOf, styleFor } from '../session.js';

/** `cekuraform plan`: read → fetch → plan → render → exit code (2 for changes under --detailed-exitcode). */
export async function planCommand(args: PlanArgs, io: CliIo): Promise<number> {
  const manifest = await readManifest(args.files, io, args);
  const statePath = statePathOf(args.state, io, manifest.environment);
  if (args.out !== undefined) await checkPlanTarget(args.out, resolve(io.cwd, args.out), statePath);
  const records = await openStateRecord(statePath);
  // A saved plan and the later apply must share the record's lineage and fingerprint key.
  if (args.out !== undefined && records.current().serial === 0) await records.update(() => {});

  const api = connect(args, io, (info) => io.stderr.write(describeRetry(info) + '\n'));
  try {
    const { live } = await fetchLiveState(
      api,
      manifest.projects,
      expectedAgentIds(
        records.current(),
        manifest.agents.map((agent) => agent.address),
        manifest.projects,
      ),
    );
    const result = await planRun({
      api,
      manifest,
      live,
      record: records.current(),
      args,
      target: apiTargetOf(args, io),
    });

    const shown = { showAllUnmanaged: args.showUnmanaged };
    if (args.json) io.stdout.write(renderPlanJson(result));
    else if (args.markdown) io.stdout.write(renderPlanMarkdown(result, shown));
    else io.stdout.write(renderPlanText(result, styleFor(args, io.stdout, io), shown));

    if (args.out !== undefined) {
      await writeFileAtomic(resolve(io.cwd, args.out), renderPlanJson(result));
      if (!args.json)
        io.stderr.write(`Saved the plan to ${args.out}; apply it with \`cekuraform apply ${args.out}\`.\n`);
    }
    return args.detailedExitcode && hasChanges(result) ? 2 : 0;
  } finally {
    await api.close();
  }
}

/** `--out` replaces only a saved plan (or nothing): never the state record, a manifest or any other file. */
async function checkPlanTarget(out: string, target: string, statePath: string): Promise<void> {
  const refuse = (what: string) =>
    new UsageError(`--out ${out} ${what}; refusing to overwrite it`, {
      meta: { out },
      hint: 'save the plan to a new file, such as `--out plan.json`',
    });
  if ((await realPathOf(target)) === (await realPathOf(resolve(statePath)))) throw refuse('is the state record');
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    if (errnoCode(error) === 'EISDIR') throw refuse('is a directory');
    throw error;
  }
  if (!isSavedPlanText(text)) throw refuse('is not a saved plan');
}

/** Whether a file holds a plan that `plan --out` wrote (of any format version). */
function isSavedPlanText(text: string): boolean {
  try {
    const data: unknown = JSON.parse(text);
    return isJsonObject(data) && typeof data.format_version === 'string' && Array.isArray(data.resource_changes);
  } catch {
    return false;
  }
}

async function realPathOf(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}
