import { SET_RULES } from '../cekura/sets.js';
import { splitPointer } from '../json.js';
import { assertNever } from '../errors.js';
import type {
  ChangeOrigin,
  FieldChange,
  ItemChange,
  MockDataRowChange,
  MockModeChange,
  Plan,
  ResourceChange,
  UnmanagedAgent,
} from '../plan/types.js';
import { fieldChangeLines, FULL_CONTEXT, valueLines, type FoldContext } from './value-lines.js';
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

/** What a line shows; each renderer maps it to its own symbol (`+`, `~`/`!`, `-`, none for an unchanged line of a diff, `#`, `!`). */
export type LineKind = 'create' | 'update' | 'delete' | 'same' | 'note' | 'caution';

export interface PlanLine {
  kind: LineKind;
  /** Nesting: 0 the agent, 1 its fields and items, 2 an item's fields or a note on a field, … */
  depth: number;
  /** Plain text, no symbol, no colour. */
  text: string;
  /** A word diff's pieces, whose texts make up `text`: lets a terminal colour the deleted and added words. */
  spans?: { kind: 'same' | 'create' | 'delete'; text: string }[];
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
  /** The unmanaged agents to list: the first few, or all of them with `showAllUnmanaged`. */
  unmanaged: UnmanagedAgent[];
  /** How many unmanaged agents the plan has, listed or not. */
  unmanagedCount: number;
  /** The plan's summary line. */
  summary: string;
}

export interface OutlineOptions {
  /** How much unchanged text long values keep around their changes; default `FULL_CONTEXT`. */
  context?: FoldContext;
  /** List every unmanaged agent (`--show-unmanaged`), not only the first `UNMANAGED_LISTED`. */
  showAllUnmanaged?: boolean;
}

/** How many unmanaged agents a plan lists unless asked for all; the count always covers all. */
export const UNMANAGED_LISTED = 5;

/** The plan as the lines a reader sees; no-op agents are left out. */
export function outlinePlan(plan: Plan, options: OutlineOptions = {}): PlanOutline {
  const context = options.context ?? FULL_CONTEXT;
  const mockModeByAddress = new Map(plan.mock_mode_changes.map((change) => [change.address, change]));
  const blocks = plan.resource_changes
    .filter((change) => change.action !== 'no-op' || mockModeByAddress.has(change.address))
    .map((change) => agentBlock(change, mockModeByAddress.get(change.address), context));
  const addresses = new Set(plan.resource_changes.map((change) => change.address));
  for (const mockMode of plan.mock_mode_changes) {
    if (!addresses.has(mockMode.address)) blocks.push(mockModeOnlyBlock(mockMode));
  }
  return {
    blocks,
    warnings: plan.warnings.map((warning) => ({ address: warning.address, text: warningText(warning) })),
    unmanaged: options.showAllUnmanaged === true ? plan.unmanaged : plan.unmanaged.slice(0, UNMANAGED_LISTED),
    unmanagedCount: plan.unmanaged.length,
    summary: planSummaryLine(plan),
  };
}

function agentBlock(change: ResourceChange, mockMode: MockModeChange | undefined, context: FoldContext): AgentBlock {
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
  lines.push(...changeLines(change, context));
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
  const when = mockModeWay(mockMode.via, followsWrite);
  return {
    kind: 'update',
    depth: 1,
    text: `mock mode: ${mockModeWord(mockMode.from)} → ${mockModeWord(mockMode.to)} (${when})`,
  };
}

function mockModeWay(via: MockModeChange['via'], followsWrite: boolean): string {
  switch (via) {
    case 'toggle':
      return followsWrite ? 'toggle after the write' : 'toggle only, no write';
    case 'patch':
      return followsWrite ? 'patch: mock_tools_enabled in the write' : 'patch: mock_tools_enabled alone';
    default:
      return assertNever(via, 'mock mode via');
  }
}

/** Field lines first, then each item with its own field changes and mock data rows under it. */
function changeLines(change: ResourceChange, context: FoldContext): PlanLine[] {
  return [
    ...change.fields.flatMap((field) => fieldLines(displayPath(field.path), field, 1, null, context)),
    ...change.items.flatMap((item) => itemLines(item, context)),
  ];
}

function itemLines(item: ItemChange, context: FoldContext): PlanLine[] {
  const lines: PlanLine[] = [{ kind: item.action, depth: 1, text: itemLine(item) }];
  pushNote(lines, originNote(item.origin), 2);
  // A deleted item is gone as a whole; its line says so.
  if (item.action === 'delete') return lines;
  const shownOrigin = item.origin ?? null;
  for (const field of item.fields) lines.push(...fieldLines(relativePath(field.path), field, 2, shownOrigin, context));
  for (const row of item.rows) lines.push(...rowLines(row, shownOrigin, context));
  return lines;
}

/** A created or deleted row is one line (its output under it when long); a changed row lists its changed leaves. */
function rowLines(row: MockDataRowChange, shownOrigin: ChangeOrigin | null, context: FoldContext): PlanLine[] {
  const label = `${SET_RULES.mock_tools.rowsField} row ${displayValue(row.input)}`;
  const [output] = row.fields;
  switch (row.action) {
    case 'create':
      return valueLines('create', label, output?.value, 2, 'returns');
    case 'delete':
      return valueLines('delete', label, output?.before, 2, 'returned');
    case 'update':
      return [
        { kind: 'update', depth: 2, text: `${label}:` },
        ...row.fields.flatMap((field) => fieldLines(relativePath(field.path), field, 3, shownOrigin, context)),
      ];
    default:
      return assertNever(row.action, 'row action');
  }
}

/** One field change, then its origin unless the enclosing item already said the same. */
function fieldLines(
  label: string,
  change: FieldChange,
  depth: number,
  shownOrigin: ChangeOrigin | null,
  context: FoldContext,
): PlanLine[] {
  const lines = fieldChangeLines(label, change, depth, context);
  if ((change.origin ?? null) !== shownOrigin) pushNote(lines, originNote(change.origin), depth + 1);
  return lines;
}

/** A path inside an item or row as a reader writes it: `/output/status` → `output.status`. */
function relativePath(pointer: string): string {
  return displayTokens(splitPointer(pointer));
}

function pushNote(lines: PlanLine[], note: Note | null, depth: number): void {
  if (note !== null) lines.push({ kind: note.isCaution ? 'caution' : 'note', depth, text: note.text });
}
