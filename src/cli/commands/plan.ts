import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { hasChanges } from '../../plan/types.js';
import { renderPlanJson } from '../../render/json.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { fetchLiveState } from '../../state/fetch.js';
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
  const records = await openStateRecord(statePath);
  if (records.current().serial === 0) {
    const pinned = manifest.agents.filter((agent) => agent.id !== undefined).map((agent) => agent.address);
    const warning = await missingRecordWarning(statePath, pinned, io);
    if (warning !== null) io.stderr.write(`warning: ${warning}\n`);
  }
  // A saved plan and the later apply must share the record's lineage and fingerprint key.
  if (args.out !== undefined && records.current().serial === 0) await records.update(() => {});

  const api = connect(args, io, (info) => io.stderr.write(describeRetry(info) + '\n'));
  try {
    const record = records.current();
    const { live } = await fetchLiveState(api, projectsToRead(manifest, record));
    const scope = await manifestScopeOf(manifest, record, statePath, io);
    const result = await planRun({ api, manifest, live, record, args, target: apiTargetOf(args, io), scope });

    const maxDeletes = maxDeletesWarning(result);
    for (const warning of [maxDeletes, deleteRelatedWarning(result, args)])
      if (warning !== null) io.stderr.write(`warning: ${warning}\n`);
    const shown = { showAllUnmanaged: args.showUnmanaged };
    if (args.json) io.stdout.write(renderPlanJson(result));
    else if (args.markdown) io.stdout.write(renderPlanMarkdown(result, shown));
    else io.stdout.write(renderPlanText(result, styleFor(args, io.stdout, io), shown));

    if (args.out !== undefined) {
      const file = resolve(io.cwd, args.out);
      await writeFileAtomic(file, renderPlanJson(result));
      if (!args.json)
        io.stderr.write(`Saved the plan to ${args.out}; apply it with \`cekuraform apply ${args.out}\`.\n`);
    }
    return args.detailedExitcode && hasChanges(result) ? 2 : 0;
  } finally {
    await api.close();
  }
}
