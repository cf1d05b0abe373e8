import { isJsonObject, joinPointer, splitPointer } from '../json.js';
import { assertNever } from '../errors.js';
import type {
  ChangeOrigin,
  FieldChange,
  ItemChange,
  MockModeChange,
  Plan,
  ResourceChange,
  UnmanagedAgent,
} from '../plan/types.js';
import { SENSITIVE_PLACEHOLDER } from '../secret.js';
import { displayPath, displayTokens, displayValue, quote } from './values.js';
import {
  actionWord,
  deleteRelatedNote,
  itemLine,
  mockModeWord,
  originNote,
  planSummaryLine,
  resourceReasonNote,
  warningText,
  type Note,
} from './wording.js';

// The content of a plan as lines with a kind and a depth, built once; the text and Markdown
// renderers only choose symbols, indentation and colour for it.

/** What a line shows; each renderer maps it to its own symbol (`+`, `~`/`!`, `-`, `#`, `!`). */
export type LineKind = 'create' | 'update' | 'delete' | 'note' | 'caution';

export interface PlanLine {
  kind: LineKind;
  /** Nesting: 0 the agent, 1 its fields and items, 2 an item's fields or a note on a field, … */
  depth: number;
  /** Plain text, no symbol, no colour. */
  text: string;
}

/** One agent that changes. */
export interface AgentBlock {
  address: string;
  /** `agent.support-bot will be updated in place` */
  title: string;
  /** Null only for a mock-mode change whose address has no resource change. */
  name: string | null;
  project: number | null;
  /** `create`, `update, mock mode on`, `mock mode off`: for tables. */
  actions: string;
  /** Starts with the agent's own line at depth 0. */
  lines: PlanLine[];
}

export interface PlanOutline {
  /** Agents that change, in plan order (by address). */
  blocks: AgentBlock[];
  warnings: { address: string; text: string }[];
  unmanaged: UnmanagedAgent[];
  /** The plan's summary line. */
  summary: string;
}

/** Keys of a created item that restate its name, which its own line already shows. */
const ITEM_NAME_KEYS: readonly string[] = ['name', 'file_name'];

/** The plan as the lines a reader sees; no-op agents are left out. */
export function outlinePlan(plan: Plan): PlanOutline {
  const mockModeByAddress = new Map(plan.mock_mode_changes.map((change) => [change.address, change]));
  const blocks = plan.resource_changes
    .filter((change) => change.action !== 'no-op' || mockModeByAddress.has(change.address))
    .map((change) => agentBlock(change, mockModeByAddress.get(change.address)));
  const addresses = new Set(plan.resource_changes.map((change) => change.address));
  for (const mockMode of plan.mock_mode_changes) {
    if (!addresses.has(mockMode.address)) blocks.push(mockModeOnlyBlock(mockMode));
  }
  return {
    blocks,
    warnings: plan.warnings.map((warning) => ({ address: warning.address, text: warningText(warning) })),
    unmanaged: plan.unmanaged,
    summary: planSummaryLine(plan),
  };
}

function agentBlock(change: ResourceChange, mockMode: MockModeChange | undefined): AgentBlock {
  const idPart = change.id === null ? '' : `id ${change.id}, `;
  const lines: PlanLine[] = [
    {
      kind: headerKind(change),
      depth: 0,
      text: `${change.address} ${quote(change.name)} (${idPart}project ${change.project})`,
    },
  ];
  pushNote(lines, resourceReasonNote(change), 1);
  if (change.action === 'delete') pushNote(lines, deleteRelatedNote(change.request.delete_related), 1);
  lines.push(...changeLines(change));
  if (mockMode !== undefined)
    lines.push(mockModeLine(mockMode, change.action === 'create' || change.action === 'update'));
  return {
    address: change.address,
    title: `${change.address} ${titleVerb(change)}`,
    name: change.name,
    project: change.project,
    actions: [
      change.action === 'no-op' ? null : actionWord(change.action),
      mockMode === undefined ? null : `mock mode ${mockModeWord(mockMode.to)}`,
    ]
      .filter((word) => word !== null)
      .join(', '),
    lines,
  };
}

function mockModeOnlyBlock(mockMode: MockModeChange): AgentBlock {
  const idPart = mockMode.id === null ? '' : ` (id ${mockMode.id})`;
  return {
    address: mockMode.address,
    title: `${mockMode.address} will have its mock mode switched`,
    name: null,
    project: null,
    actions: `mock mode ${mockModeWord(mockMode.to)}`,
    lines: [{ kind: 'update', depth: 0, text: `${mockMode.address}${idPart}` }, mockModeLine(mockMode, false)],
  };
}

function headerKind(change: ResourceChange): LineKind {
  switch (change.action) {
    case 'create':
      return 'create';
    case 'update':
    case 'no-op':
      return 'update';
    case 'delete':
      return 'delete';
    default:
      return assertNever(change, 'resource change');
  }
}

function titleVerb(change: ResourceChange): string {
  switch (change.action) {
    case 'create':
      return 'will be created';
    case 'update':
      return 'will be updated in place';
    case 'delete':
      return 'will be destroyed';
    case 'no-op':
      return 'will have its mock mode switched';
    default:
      return assertNever(change, 'resource change');
  }
}

function mockModeLine(mockMode: MockModeChange, followsWrite: boolean): PlanLine {
  const when = followsWrite ? 'toggle after the write' : 'toggle only, no write';
  return {
    kind: 'update',
    depth: 1,
    text: `mock mode: ${mockModeWord(mockMode.from)} → ${mockModeWord(mockMode.to)} (${when})`,
  };
}

/** Field lines first, then each item with its own field changes under it. */
function changeLines(change: ResourceChange): PlanLine[] {
  const itemsByPath = new Map(change.items.map((item) => [joinPointer(item.set, item.name), item]));
  const changesByItem = new Map<ItemChange, FieldChange[]>();
  const lines: PlanLine[] = [];
  for (const fieldChange of change.changes) {
    const item = itemsByPath.get(joinPointer(...splitPointer(fieldChange.path).slice(0, 2)));
    if (item === undefined) {
      lines.push(...fieldLines(displayPath(fieldChange.path), fieldChange, 1, null));
    } else {
      const itemChanges = changesByItem.get(item) ?? [];
      itemChanges.push(fieldChange);
      changesByItem.set(item, itemChanges);
    }
  }
  for (const item of change.items) lines.push(...itemLines(item, changesByItem.get(item) ?? []));
  return lines;
}

function itemLines(item: ItemChange, fieldChanges: FieldChange[]): PlanLine[] {
  const lines: PlanLine[] = [{ kind: item.action, depth: 1, text: itemLine(item) }];
  pushNote(lines, originNote(item.origin), 2);
  // A deleted item is gone as a whole; its line says so.
  if (item.action === 'delete') return lines;
  for (const fieldChange of fieldChanges) {
    const inside = splitPointer(fieldChange.path).slice(2);
    const value = fieldChange.value;
    if (inside.length === 0 && fieldChange.op === 'add' && isJsonObject(value)) {
      for (const [key, keyValue] of Object.entries(value)) {
        if (!ITEM_NAME_KEYS.includes(key))
          lines.push({ kind: 'create', depth: 2, text: `${displayTokens([key])}: ${displayValue(keyValue)}` });
      }
    } else {
      lines.push(...fieldLines(displayTokens(inside), fieldChange, 2, item.origin ?? null));
    }
  }
  return lines;
}

/** One field change, then its origin unless the enclosing item already said the same. */
function fieldLines(label: string, change: FieldChange, depth: number, shownOrigin: ChangeOrigin | null): PlanLine[] {
  const lines: PlanLine[] = [fieldLine(label, change, depth)];
  if (change.origin !== shownOrigin) pushNote(lines, originNote(change.origin), depth + 1);
  return lines;
}

function fieldLine(label: string, change: FieldChange, depth: number): PlanLine {
  const isSensitive = change.sensitive === true;
  const labelled = (values: string): string => (label === '' ? values : `${label}: ${values}`);
  switch (change.op) {
    case 'add':
      return { kind: 'create', depth, text: labelled(displayValue(change.value, isSensitive)) };
    case 'remove':
      return { kind: 'delete', depth, text: labelled(displayValue(change.before, isSensitive)) };
    case 'replace':
      return {
        kind: 'update',
        depth,
        text: labelled(
          isSensitive ? SENSITIVE_PLACEHOLDER : `${displayValue(change.before)} → ${displayValue(change.value)}`,
        ),
      };
    default:
      return assertNever(change.op, 'field change op');
  }
}

function pushNote(lines: PlanLine[], note: Note | null, depth: number): void {
  if (note !== null) lines.push({ kind: note.isCaution ? 'caution' : 'note', depth, text: note.text });
}
