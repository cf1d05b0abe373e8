import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CekuraformError, errnoCode } from '../../errors.js';
import { isJsonObject } from '../../json.js';
import { savedPlanText } from '../../plan/saved.js';
import { hasChanges } from '../../plan/types.js';
import { renderPlanJson } from '../../render/json.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { expectedAgentIds, fetchLiveState } from '../../state/fetch.js';
import { fingerprintKeysOf } from '../../state/fingerprint.js';
import { openStateRecord } from '../../state/record.js';
import type { PlanArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { missingRecordWarning } from '../state-access.js';
import {
  apiTargetOf,
  connect,
  deleteRelatedWarning,
  describeRetry,
  manifestFolderOf,
  manifestScopeOf,
  manifestSecretValues,
  maxDeletesWarning,
  planRun,
  projectsToRead,
  readManifest,
  statePathOf,
  styleFor,
} from '../session.js';

/** `cekuraform plan`: read → fetch → plan → render → exit code (2 for changes under --detailed-exitcode). */
export async function planCommand(args: PlanArgs, io: CliIo): Promise<number> {
  const manifest = await readManifest(args.files, io, args);
  const statePath = statePathOf(args.state, io, manifest.environment, manifestFolderOf(manifest, io));
  if (args.out !== undefined) await checkPlanTarget(args.out, io, statePath);
  const records = await openStateRecord(statePath);
  if (records.current().serial === 0) {
    const pinned = manifest.agents.filter((agent) => agent.id !== undefined).map((agent) => agent.address);
    const warning = await missingRecordWarning(statePath, pinned, io);
    if (warning !== null) io.stderr.write(`warning: ${warning}\n`);
  }
  // A saved plan and the later apply must share the record's lineage (it salts the fingerprint key).
  if (args.out !== undefined && records.current().serial === 0) await records.update(() => {});

  const api = connect(args, io, (info) => io.stderr.write(describeRetry(info) + '\n'), manifestSecretValues(manifest));
  try {
    const record = records.current();
    const projects = projectsToRead(manifest, record);
    const addresses = manifest.agents.map((agent) => agent.address);
    const { live } = await fetchLiveState(api, projects, expectedAgentIds(record, addresses, projects));
    const scope = await manifestScopeOf(manifest, record, statePath, io);
    const result = await planRun({
      api,
      manifest,
      live,
      record,
      args,
      target: apiTargetOf(args, io),
      fingerprintKeys: fingerprintKeysOf(io.env, record),
      scope,
    });

    const maxDeletes = maxDeletesWarning(result);
    for (const warning of [maxDeletes, deleteRelatedWarning(result, args)])
      if (warning !== null) io.stderr.write(`warning: ${warning}\n`);
    const shown = { showAllUnmanaged: args.showUnmanaged };
    if (args.json) io.stdout.write(renderPlanJson(result));
    else if (args.markdown) io.stdout.write(renderPlanMarkdown(result, shown));
    else io.stdout.write(renderPlanText(result, styleFor(args, io.stdout, io), shown));

    if (args.out !== undefined) {
      // It names every secret's variable and fingerprint: readable by its owner only, as the state record.
      await writeFileAtomic(resolve(io.cwd, args.out), savedPlanText(result, fingerprintKeysOf(io.env, record)), {
        mode: 0o600,
      }).catch((error: unknown) => {
        throw planUnwritable(args.out!, (error as Error).message);
      });
      if (!args.json)
        io.stderr.write(`Saved the plan to ${args.out}; apply it with \`cekuraform apply ${args.out}\`.\n`);
    }
    return args.detailedExitcode && hasChanges(result) ? 2 : 0;
  } finally {
    await api.close();
  }
}

/**
 * Before anything is read from Cekura: `--out` must name a file in a folder that exists, and replaces
 * only a saved plan (or nothing): never the state record, a manifest or any other file.
 */
async function checkPlanTarget(out: string, io: CliIo, statePath: string): Promise<void> {
  const file = resolve(io.cwd, out);
  const folder = await stat(dirname(file)).catch(() => null);
  if (folder === null || !folder.isDirectory()) throw planUnwritable(out, `the folder ${dirname(out)} does not exist`);
  if ((await stat(file).catch(() => null))?.isDirectory() === true) throw planUnwritable(out, 'it is a folder');
  const notAPlan = (what: string) =>
    planUnwritable(
      out,
      `it ${what}, which a plan must not overwrite`,
      'save the plan to a new file, such as `--out plan.json`',
    );
  if ((await realPathOf(file)) === (await realPathOf(resolve(io.cwd, statePath))))
    throw notAPlan('is the state record');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!isSavedPlanText(text)) throw notAPlan('is not a saved plan');
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

function planUnwritable(
  out: string,
  reason: string,
  hint = 'give --out a file in a folder that exists',
): CekuraformError {
  return new CekuraformError('plan_unwritable', `cannot save the plan to ${out}: ${reason}`, {
    meta: { file: out },
    hint,
  });
}
