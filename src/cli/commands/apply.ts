import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RetryInfo } from '../../api/retry.js';
import { applyPlan } from '../../apply/apply.js';
import type { ApplyEvent, ApplyResult } from '../../apply/events.js';
import { checkSavedPlan, checkSavedPlanTarget } from '../../apply/stale.js';
import { systemClock } from '../../clock.js';
import { CekuraformError, errnoCode, UsageError } from '../../errors.js';
import { splitPointer, joinPointer } from '../../json.js';
import type { Manifest } from '../../manifest/types.js';
import { checkPlanDigest, parseSavedPlan } from '../../plan/saved.js';
import { hasChanges, type Plan } from '../../plan/types.js';
import { renderApplyResultText } from '../../render/apply-result.js';
import { renderApplyResultJson } from '../../render/json.js';
import { createApplyProgress, type ProgressMode } from '../../render/progress.js';
import type { Style } from '../../render/style.js';
import { renderPlanText } from '../../render/text.js';
import { targetWords } from '../../render/wording.js';
import { expectedAgentIds, fetchLiveState } from '../../state/fetch.js';
import { fingerprintKeysOf } from '../../state/fingerprint.js';
import { forgetLegacyFingerprintKey, openStateRecord } from '../../state/record.js';
import type { ApplyArgs } from '../args.js';
import { INTERRUPTED_EXIT_CODE, type CliIo, type InputStream } from '../io.js';
import {
  apiTargetOf,
  connect,
  deleteRelatedWarning,
  describeRetry,
  manifestForDestroy,
  manifestFolderOf,
  manifestScopeOf,
  manifestSecretValues,
  planRun,
  planSecretValues,
  projectsToRead,
  readManifest,
  statePathOf,
  styleFor,
} from '../session.js';
import { lockStateRecord } from '../state-access.js';

/**
 * `cekuraform apply [PLANFILE]`: under the state record's lock, compute the plan (or check a saved
 * one is still current), show it, confirm, then apply it with progress and report the outcome.
 */
export async function applyCommand(args: ApplyArgs, io: CliIo): Promise<number> {
  const saved = args.planFile === undefined ? undefined : await readSavedPlan(args.planFile, io);
  const manifest =
    saved !== undefined
      ? undefined
      : args.isDestroy
        ? manifestForDestroy(args.env)
        : await readManifest(args.files, io, args);
  const statePath =
    manifest === undefined
      ? statePathOf(args.state, io, savedPlanEnvironment(saved!, args.env))
      : statePathOf(args.state, io, manifest.environment, manifestFolderOf(manifest, io));
  const style = styleFor(args, io.stdout, io);
  const target = apiTargetOf(args, io);
  if (saved !== undefined) checkSavedPlanTarget(saved, target);

  // Retries during the read go to stderr; during apply they join the progress output, named by address.
  let onEvent: (event: ApplyEvent) => void = (event) => {
    if (event.type === 'retrying') io.stderr.write(describeRetry(retryInfoOf(event)) + '\n');
  };
  const addresses = new Map<number, string>();
  const secrets = saved === undefined ? manifestSecretValues(manifest!) : planSecretValues(saved, io.env);
  const api = connect(
    args,
    io,
    (info) => {
      const address = info.agentId === undefined ? undefined : addresses.get(info.agentId);
      // The event counts the attempt about to be made, as apply's own retries do.
      onEvent({
        type: 'retrying',
        ...(address === undefined ? {} : { address }),
        operation: info.operation,
        attempt: info.attempt + 1,
        delay_ms: info.delayMs,
        reason: info.reason,
      });
    },
    secrets,
  );
  // Taken once the arguments and settings are known good, so that no error before the try leaves it behind.
  const lock = await lockStateRecord(statePath, args.isDestroy ? 'destroy' : 'apply', io, args.lockTimeoutMs).catch(
    async (error: unknown) => {
      await api.close();
      throw error;
    },
  );
  try {
    const records = await openStateRecord(statePath);
    const clock = io.clock ?? systemClock;
    const sources = {
      env: io.env,
      readFile: (path: string) => readFile(path),
      fingerprintKeys: fingerprintKeysOf(io.env, records.current()),
    };
    const record = records.current();
    const projects = saved?.created_from.projects ?? projectsToRead(manifest!, record);
    const plannedAddresses =
      saved?.resource_changes.map((change) => change.address) ?? manifest!.agents.map((agent) => agent.address);
    const snapshot = await fetchLiveState(api, projects, expectedAgentIds(record, plannedAddresses, projects));

    let plan: Plan;
    if (saved !== undefined) {
      await checkSavedPlan(saved, snapshot.live, record, sources);
      plan = saved;
    } else {
      const scope = args.isDestroy
        ? { files: {}, unread: [], isWhole: true }
        : await manifestScopeOf(manifest!, record, statePath, io);
      plan = await planRun({
        api,
        manifest: manifest!,
        live: snapshot.live,
        record,
        args,
        target,
        fingerprintKeys: sources.fingerprintKeys,
        scope,
      });
    }

    const deleteRelated = saved === undefined ? deleteRelatedWarning(plan, args) : null;
    if (deleteRelated !== null) io.stderr.write(`warning: ${deleteRelated}\n`);
    if (!args.json) io.stdout.write(renderPlanText(plan, style, { showAllUnmanaged: args.showUnmanaged }));
    // A saved plan was reviewed when it was made (as Terraform applies one without asking).
    if (hasChanges(plan) && saved === undefined && !args.autoApprove && !(await confirm(io, plan, args.isDestroy))) {
      io.stdout.write('Apply cancelled.\n');
      return 1;
    }

    const progress = createApplyProgress({ plan, stream: io.stdout, mode: progressMode(args, io), style });
    for (const change of plan.resource_changes) if (change.id !== null) addresses.set(change.id, change.address);
    onEvent = (event) => {
      if (event.type === 'write_finished') addresses.set(event.id, event.address);
      progress.onEvent(event);
    };
    const result = await applyPlan(plan, {
      api,
      records,
      env: io.env,
      fingerprintKeys: sources.fingerprintKeys,
      readFile: sources.readFile,
      clock,
      onEvent: (event) => onEvent(event),
      ...(io.signal ? { signal: io.signal } : {}),
      parallelism: args.parallelism,
      toggleTimeoutMs: args.toggleTimeoutMs,
      // The flag wins over the manifest's max_deletes, which the plan carries (a saved one too).
      ...((args.maxDeletes ?? plan.options.max_deletes) === undefined
        ? {}
        : { maxDeletes: args.maxDeletes ?? plan.options.max_deletes }),
      backup: { dir: join(dirname(statePath), 'backups'), documents: snapshot.documents, keep: args.keepBackups },
    });
    await progress.finish();
    // Every agent of the plan has stored its re-keyed fingerprints by now (no-ops too).
    if (!result.interrupted) await forgetLegacyFingerprintKey(records);

    if (args.json) io.stdout.write(renderApplyResultJson(result));
    else io.stdout.write(renderApplyResultText(result, style) + manifestLocations(result, manifest, style));
    if (result.interrupted) return INTERRUPTED_EXIT_CODE;
    return result.summary.failed > 0 ? 1 : 0;
  } finally {
    await api.close();
    await lock.release();
  }
}

/**
 * The saved plan at `file`, checked: its shape and consistency, and its digest under the key it was
 * made with (derived from the environment and the plan's lineage), before anything else is read.
 */
async function readSavedPlan(file: string, io: CliIo): Promise<Plan> {
  const saved = parseSavedPlan(await readPlanFile(file, io), file);
  checkPlanDigest(saved, fingerprintKeysOf(io.env, { lineage: saved.plan.created_from.state_lineage }), file);
  return saved.plan;
}

async function readPlanFile(file: string, io: CliIo): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const reason =
      errnoCode(error) === 'ENOENT'
        ? 'there is no such file'
        : errnoCode(error) === 'EISDIR'
          ? 'it is a folder'
          : (error as Error).message;
    throw new CekuraformError('plan_unreadable', `cannot read the saved plan ${file}: ${reason}`, {
      meta: { file },
      hint: 'give the file `cekuraform plan --out FILE` wrote',
    });
  }
}

/** The environment a saved plan was made for; refuses one made for another than `--env` names. */
function savedPlanEnvironment(plan: Plan, requested: string | undefined): string | undefined {
  const planned = plan.created_from.environment;
  if (requested === undefined || requested === planned) return planned;
  throw new CekuraformError(
    'plan_environment_mismatch',
    `the plan was made ${planned === undefined ? 'without an environment' : `for environment ${planned}`}, not for ${requested}`,
    {
      meta: { plan_environment: planned ?? null, environment: requested },
      hint: `make a plan for it with \`cekuraform plan --env ${requested} --out FILE\``,
    },
  );
}

/** Asks on a terminal; without one, apply needs `--auto-approve` (a CI job must say so explicitly). */
async function confirm(io: CliIo, plan: Plan, isDestroy: boolean): Promise<boolean> {
  if (io.stdin?.isTTY !== true) {
    throw new UsageError('apply needs confirmation, and there is no terminal to ask on', {
      hint: 'run with --auto-approve to apply without asking (as in CI)',
    });
  }
  const question = isDestroy
    ? `Do you really want to destroy every agent the state record owns on ${targetWords(plan)}?`
    : `Do you want to apply these changes to ${targetWords(plan)}?`;
  io.stdout.write(`\n${question} Only 'yes' is accepted: `);
  return (await readLine(io.stdin)).trim() === 'yes';
}

async function readLine(stdin: InputStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const end = text.indexOf('\n');
    if (end >= 0) return text.slice(0, end);
  }
  return text;
}

function progressMode(args: ApplyArgs, io: CliIo): ProgressMode {
  if (args.json) return 'silent';
  const isCI = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false';
  return io.stdout.isTTY === true && !isCI ? 'tty' : 'lines';
}

function retryInfoOf(event: Extract<ApplyEvent, { type: 'retrying' }>): RetryInfo {
  return { operation: event.operation, attempt: event.attempt - 1, delayMs: event.delay_ms, reason: event.reason };
}

/** Where in the manifest each field a server rejected is written (the nearest located ancestor). */
function manifestLocations(result: ApplyResult, manifest: Manifest | undefined, style: Style): string {
  if (manifest === undefined) return '';
  const agents = new Map(manifest.agents.map((agent) => [agent.address, agent]));
  const lines: string[] = [];
  for (const outcome of result.outcomes) {
    const agent = agents.get(outcome.address);
    for (const path of outcome.error?.paths ?? []) {
      const tokens = splitPointer(path);
      for (let length = tokens.length; length > 0; length--) {
        const location = agent?.locateField(joinPointer(...tokens.slice(0, length)));
        if (location === undefined) continue;
        lines.push(`  ${outcome.address} ${path} ${style.dim(`at ${location.file}:${location.line}:${location.col}`)}`);
        break;
      }
    }
  }
  return lines.length === 0 ? '' : `Where the rejected fields are written:\n${lines.join('\n')}\n`;
}
