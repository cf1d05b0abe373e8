import { SET_FIELDS, type SetField } from '../cekura/agent-doc.js';
import type { AgentOutcome, ApplyResult } from '../apply/events.js';
import { assertNever } from '../errors.js';
import {
  hasChanges,
  type Action,
  type ApiTarget,
  type ChangeOrigin,
  type ItemChange,
  type Plan,
  type PlanWarning,
  type ResourceChange,
} from '../plan/types.js';
import { quote } from './values.js';

// The words for the codes in a Plan or ApplyResult, shared by the text, Markdown and progress output.

/** A sentence about a change, and whether the reader should stop and look at it. */
export interface Note {
  text: string;
  isCaution: boolean;
}

/**
 * `Plan: 0 to add, 3 to change, 0 to destroy; inside agents: 1 mock tool added, 2 mock tools and
 * 1 dynamic variable deleted; 1 mock-mode change.`, or `No changes.` The part inside agents is there
 * only when items are added or deleted.
 */
export function planSummaryLine(plan: Plan): string {
  if (!hasChanges(plan)) return 'No changes.';
  const { add, change, destroy, mock_mode_toggles, items } = plan.summary;
  const counted = (action: 'add' | 'destroy'): string =>
    joinWords(
      SET_FIELDS.filter((set) => items[set][action] > 0).map((set) => countOf(items[set][action], itemKind(set))),
    );
  const inside = [
    counted('add') === '' ? null : `${counted('add')} added`,
    counted('destroy') === '' ? null : `${counted('destroy')} deleted`,
  ].filter((part) => part !== null);
  const insideAgents = inside.length === 0 ? '' : `; inside agents: ${inside.join(', ')}`;
  return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy${insideAgents}; ${mockModeCount(mock_mode_toggles)}.`;
}

/** `1 mock-mode change`: a toggle or a patch of `mock_tools_enabled`, whichever the API takes. */
function mockModeCount(count: number): string {
  return countOf(count, 'mock-mode change');
}

/** `1 mock tool`, `2 mock tools`. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `a`, `a and b`, `a, b and c`. */
function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/**
 * What the plan acts on: `Target: https://api.cekura.ai (the default API: neither --api-url nor
 * CEKURA_API_URL is set); projects 42 and 43`. The default API is called out, since reaching the public
 * API by accident is the mistake to catch.
 */
export function targetLine(plan: Plan): string {
  return `Target: ${targetWords(plan)}`;
}

/** The target without its label, for the apply prompt. */
export function targetWords(plan: Plan): string {
  const { api, environment, projects } = plan.created_from;
  return [
    api === undefined ? null : `${api.url} (${apiSourceWords(api.source)})`,
    environment === undefined ? null : `environment ${environment}`,
    projects.length === 0
      ? 'no project: the manifest has no agents'
      : `${projects.length === 1 ? 'project' : 'projects'} ${joinWords(projects.map(String))}`,
  ]
    .filter((part) => part !== null)
    .join('; ');
}

function apiSourceWords(source: ApiTarget['source']): string {
  switch (source) {
    case 'flag':
      return 'from --api-url';
    case 'env':
      return 'from CEKURA_API_URL';
    case 'default':
      return 'the default API: neither --api-url nor CEKURA_API_URL is set';
    default:
      return assertNever(source, 'API URL source');
  }
}

/** `Plan for environment production`: the plan's heading when it was made for an environment. */
export function environmentHeading(environment: string): string {
  return `Plan for environment ${environment}`;
}

/** True when every agent of the plan was applied and nothing stopped the run. */
export function isApplyComplete(result: ApplyResult): boolean {
  return result.summary.failed === 0 && result.summary.skipped === 0 && !result.interrupted;
}

/** `1 added, 2 changed, 0 destroyed; 1 mock-mode change` */
export function applyCountsText(result: ApplyResult): string {
  const { added, changed, destroyed, mock_mode_toggles } = result.summary;
  return `${added} added, ${changed} changed, ${destroyed} destroyed; ${mockModeCount(mock_mode_toggles)}`;
}

/**
 * `Apply complete: 1 added, 2 changed, 0 destroyed; 1 mock-mode change.` only when the apply is
 * complete; otherwise `Apply failed: 2 agents failed, 1 not started (interrupted).`
 */
export function applySummaryLine(result: ApplyResult): string {
  if (isApplyComplete(result)) return `Apply complete: ${applyCountsText(result)}.`;
  const { failed, skipped } = result.summary;
  const parts = [
    ...(failed > 0 ? [`${failed} ${failed === 1 ? 'agent' : 'agents'} failed`] : []),
    ...(skipped > 0 ? [`${skipped} not started`] : []),
  ];
  const what = parts.length === 0 ? 'interrupted' : parts.join(', ') + (result.interrupted ? ' (interrupted)' : '');
  return `Apply failed: ${what}.`;
}

/** What happens to an agent: `create`, `update`, `destroy`, `no change`. */
export function actionWord(action: Action): string {
  switch (action) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return 'destroy';
    case 'no-op':
      return 'no change';
    default:
      return assertNever(action, 'action');
  }
}

export function mockModeWord(isEnabled: boolean): string {
  return isEnabled ? 'on' : 'off';
}

/** Where a change comes from, in words; nothing for a plain manifest change. */
export function originNote(origin: ChangeOrigin | undefined): Note | null {
  switch (origin) {
    case undefined:
    case 'manifest':
      return null;
    case 'drift':
      return { text: 'drift: changed in Cekura since the last apply; apply reverts it', isCaution: false };
    case 'conflict':
      return {
        text: 'conflict: changed both in the manifest and in Cekura since the last apply; apply overwrites the change made in Cekura',
        isCaution: true,
      };
    default:
      return assertNever(origin, 'change origin');
  }
}

/** Why an agent has its action, in words. */
export function resourceReasonNote(change: ResourceChange): Note | null {
  const reason = change.reason;
  switch (reason) {
    case undefined:
      return null;
    case 'adopted_by_name':
      return {
        text: `adopted: the only agent named ${quote(change.name)} in project ${change.project}, not yet in the state record`,
        isCaution: false,
      };
    case 'pinned_id':
      return { text: 'bound through the `id:` in the manifest', isCaution: false };
    case 'bound_agent_missing':
      return {
        text: 'the agent in the state record no longer exists in Cekura, so it is created anew',
        isCaution: true,
      };
    case 'not_in_manifest':
      return { text: 'no manifest names this agent, and prune is on', isCaution: false };
    case 'removed_from_manifest':
      return {
        text: 'cekuraform manages this agent and the manifest no longer names it (`state rm` lets go of it without deleting)',
        isCaution: true,
      };
    default:
      return assertNever(reason, 'resource reason');
  }
}

/** What a delete does to the agent's history (`request.delete_related`). */
export function deleteRelatedNote(deletesRelated: boolean): Note {
  return deletesRelated
    ? { text: 'its calls, evaluators, results and runs are deleted with it (--delete-related)', isCaution: true }
    : {
        text: 'its calls, evaluators, results and runs are kept (--delete-related would delete them)',
        isCaution: false,
      };
}

/** `mock tool`, `dynamic variable`, `knowledge-base file`. */
export function itemKind(set: SetField): string {
  switch (set) {
    case 'mock_tools':
      return 'mock tool';
    case 'dynamic_variables':
      return 'dynamic variable';
    case 'knowledge_base_files':
      return 'knowledge-base file';
    default:
      return assertNever(set, 'set field');
  }
}

/** `mock tool "legacy_lookup" (id 12) — not in manifest, will be deleted` */
export function itemLine(item: ItemChange): string {
  const details = [
    item.id === null ? null : `id ${item.id}`,
    item.subscriber_count === undefined ? null : `shared by ${item.subscriber_count} agents`,
  ]
    .filter((detail) => detail !== null)
    .join(', ');
  const why = itemReasonWords(item);
  const outcome = why === null ? itemActionWords(item) : `${why}, ${itemActionWords(item)}`;
  return `${itemKind(item.set)} ${quote(item.name)}${details === '' ? '' : ` (${details})`} — ${outcome}`;
}

function itemReasonWords(item: ItemChange): string | null {
  const reason = item.reason;
  switch (reason) {
    case undefined:
      return null;
    case 'not_in_manifest':
      return 'not in manifest';
    case 'description_placeholder':
      return `from the {{${item.name}}} placeholder in the description`;
    case 'content_changed':
      return 'content changed';
    case 'duplicate_name':
      return 'a second item of this name (the older one is kept)';
    default:
      return assertNever(reason, 'item reason');
  }
}

function itemActionWords(item: ItemChange): string {
  switch (item.action) {
    case 'create':
      return 'will be created';
    case 'update':
      // Cekura changes a knowledge-base file only by a new upload.
      return item.set === 'knowledge_base_files' ? 'will be replaced by a new upload' : 'will be changed';
    case 'delete':
      return 'will be deleted';
    default:
      return assertNever(item.action, 'item action');
  }
}

/** A plan warning in words, without its address. */
export function warningText(warning: PlanWarning): string {
  switch (warning.code) {
    case 'shared_mock_tool':
      return `mock tool ${quote(warning.tool)} is shared by ${warning.subscriber_count} agents: this plan's change to it reaches all of them`;
    case 'self_managed_mock_mode':
      return `mock mode is asked for on provider ${quote(warning.provider)}: Cekura switches mocks only for providers it manages, so this agent must point its own MCP client at the mock URLs`;
    case 'description_auto_sync':
      return 'description is set while provider.auto_sync_prompt is true: the provider rewrites it on its next sync, and the next plan shows that as drift';
    case 'owned_agent_not_read':
      return warning.file === null
        ? `not deleted: agent ${warning.id} is in the state record but no manifest read names it, and the record does not say which file wrote it; name it with --target to delete it, or \`state rm\` to let go of it`
        : `not deleted: agent ${warning.id} was written in ${warning.file}, which this plan did not read; to delete it, read that file too (-f), delete the file, or name the agent with --target`;
    default:
      return assertNever(warning, 'plan warning');
  }
}

/** How an agent not in any manifest is named: `agent[205] "Legacy Bot" (project 42)`. */
export function unmanagedLabel(agent: { id: number; name: string; project: number }): string {
  return `agent[${agent.id}] ${quote(agent.name)} (project ${agent.project})`;
}

/** Heads the list of live agents that no manifest names: `2 unmanaged agents, left alone (--prune deletes them)`. */
export function unmanagedHeading(count: number): string {
  return `${count} unmanaged agent${count === 1 ? '' : 's'}, left alone (--prune deletes them)`;
}

/** Ends a list of unmanaged agents that leaves some out; null when it lists all. */
export function unmanagedRestLine(listed: number, count: number): string | null {
  if (listed >= count) return null;
  return `… and ${count - listed} more, ${count} in all (--show-unmanaged lists them all)`;
}

/** The step of an agent's apply that failed, in words. */
export function operationWords(operation: NonNullable<AgentOutcome['error']>['operation']): string {
  switch (operation) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'toggle':
      return 'mock-mode toggle';
    case 'read_back':
      return 'read-back check';
    default:
      return assertNever(operation, 'apply operation');
  }
}
