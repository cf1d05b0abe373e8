import { diffLines, diffSentences, diffWordsWithSpace, type ChangeObject } from 'diff';
import { assertNever } from '../errors.js';
import type { JsonValue } from '../json.js';
import type { FieldChange } from '../plan/types.js';
import type { LineKind, PlanLine } from './outline.js';
import { SENSITIVE_PLACEHOLDER } from '../secret.js';
import { displayValue, escapeUnprintable } from './values.js';

// How one field change reads, whatever the size of its values: nothing is ever cut. Short values stay
// on the field's line; long and multi-line ones become a word or line diff whose unchanged stretches
// are folded around the changes, as Terraform shows heredocs.

type Span = NonNullable<PlanLine['spans']>[number];

/** How much unchanged text a diff keeps around each change. */
export interface FoldContext {
  /** Unchanged lines kept on each side of a changed line. */
  lines: number;
  /** Unchanged words kept on each side of a changed word. */
  words: number;
}

export const FULL_CONTEXT: FoldContext = { lines: 3, words: 6 };
/** What the Markdown comment falls back to when the full one is over its size limit. */
export const TIGHT_CONTEXT: FoldContext = { lines: 1, words: 2 };

/** A value whose one-line JSON is longer than this gets lines of its own (or a diff) instead of sharing the field's line. */
const MAX_INLINE_CHARS = 80;

/** When less than this share of a long string is kept, its before and after are shown whole instead of as a word diff. */
const MIN_SHARED_SHARE = 0.5;

/**
 * Word diffs cost time in proportion to the text's length times the number of edits, so a long text
 * is compared sentence by sentence first and words only inside the sentences that changed; past this
 * many word and space edits in one stretch of changed sentences, the stretch is shown old and new whole.
 */
const MAX_WORD_EDITS = 400;

/** The lines of one field change: the field's own line at `depth`, and the value's lines under it when it needs them. */
export function fieldChangeLines(label: string, change: FieldChange, depth: number, context: FoldContext): PlanLine[] {
  if (change.sensitive === true) {
    const kind = opKind(change.op);
    return [{ kind, depth, text: labelled(label, SENSITIVE_PLACEHOLDER) }];
  }
  switch (change.op) {
    case 'add':
      return valueLines('create', label, change.value, depth);
    case 'remove':
      return valueLines('delete', label, change.before, depth);
    case 'replace':
      return replaceLines(label, change.before, change.value, depth, context);
    default:
      return assertNever(change.op, 'field change op');
  }
}

/** A value created or deleted as a whole: on the field's line when short, else a line of its own per line. */
export function valueLines(
  kind: 'create' | 'delete',
  label: string,
  value: JsonValue | undefined,
  depth: number,
  verb = '',
): PlanLine[] {
  const head = (text: string): string => labelled(label, verb === '' ? text : `${verb} ${text}`.trimEnd());
  if (typeof value === 'string' && value.includes('\n')) {
    const lines = value.split('\n');
    return [
      { kind, depth, text: head(`(${lines.length} lines)`) },
      ...lines.map((line) => ({ kind, depth: depth + 1, text: escapeLine(line) })),
    ];
  }
  if (value === undefined || typeof value === 'string' || isInline(value))
    return [{ kind, depth, text: head(displayValue(value)) }];
  return [
    { kind, depth, text: head('') },
    ...prettyJson(value).map((line) => ({ kind, depth: depth + 1, text: line })),
  ];
}

function replaceLines(
  label: string,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  depth: number,
  context: FoldContext,
): PlanLine[] {
  const isMultiline = (value: JsonValue | undefined): boolean => typeof value === 'string' && value.includes('\n');
  // A write-only field has no before (Cekura never returns it): nothing to diff against.
  const isShort = before === undefined || after === undefined || (isInline(before) && isInline(after));
  if (isShort && !isMultiline(before) && !isMultiline(after))
    return [{ kind: 'update', depth, text: labelled(label, `${displayValue(before)} → ${displayValue(after)}`) }];
  if (typeof before === 'string' && typeof after === 'string') {
    if (isMultiline(before) || isMultiline(after))
      return [
        { kind: 'update', depth, text: labelled(label, '(line diff)') },
        ...lineDiff(before, after, depth + 1, context, escapeLine),
      ];
    return wordDiff(label, before, after, depth, context);
  }
  return [
    { kind: 'update', depth, text: labelled(label, '(line diff of the JSON)') },
    ...lineDiff(prettyJson(before ?? null).join('\n'), prettyJson(after ?? null).join('\n'), depth + 1, context),
  ];
}

/**
 * A long one-line string as one line with the changed words marked `[-old-]{+new+}` (git's plain
 * word diff) and the unchanged stretches between them folded to `…`; when most of it changed, the
 * before and after whole, each on its own line.
 */
function wordDiff(label: string, before: string, after: string, depth: number, context: FoldContext): PlanLine[] {
  const parts = wordParts(before, after);
  const sharedChars = parts.filter((part) => !part.added && !part.removed).reduce((sum, p) => sum + p.value.length, 0);
  if (sharedChars < MIN_SHARED_SHARE * Math.max(before.length, after.length)) {
    return [
      { kind: 'update', depth, text: labelled(label, '') },
      { kind: 'delete', depth: depth + 1, text: displayValue(before) },
      { kind: 'create', depth: depth + 1, text: displayValue(after) },
    ];
  }
  const pieces = parts.map((part, index): Span => {
    const escaped = escapeInString(part.value);
    if (part.removed) return { kind: 'delete', text: `[-${escaped}-]` };
    if (part.added) return { kind: 'create', text: `{+${escaped}+}` };
    const isFirst = index === 0;
    const isLast = index === parts.length - 1;
    return { kind: 'same', text: escapeInString(foldWords(part.value, context.words, isFirst, isLast)) };
  });
  const lengths = before.length === after.length ? `${after.length} chars` : `${before.length} → ${after.length} chars`;
  const spans: Span[] = [
    { kind: 'same', text: labelled(label, '"') },
    ...pieces,
    { kind: 'same', text: `" (word diff, ${lengths})` },
  ];
  return [{ kind: 'update', depth, text: spans.map((span) => span.text).join(''), spans }];
}

/** `before` against `after` in word and space pieces, each added, removed or the same, adjacent pieces of one kind merged. */
function wordParts(before: string, after: string): ChangeObject<string>[] {
  const parts: ChangeObject<string>[] = [];
  const push = (value: string, kind: 'added' | 'removed' | 'same'): void => {
    const last = parts.at(-1);
    const lastKind = last === undefined ? undefined : last.added ? 'added' : last.removed ? 'removed' : 'same';
    if (value === '') return;
    if (last !== undefined && lastKind === kind) last.value += value;
    else parts.push({ value, added: kind === 'added', removed: kind === 'removed', count: 1 });
  };
  let removed = '';
  let added = '';
  const flushChanged = (): void => {
    const words = diffWordsWithSpace(removed, added, { maxEditLength: MAX_WORD_EDITS });
    if (words === undefined) {
      push(removed, 'removed');
      push(added, 'added');
    } else for (const word of words) push(word.value, word.added ? 'added' : word.removed ? 'removed' : 'same');
    removed = '';
    added = '';
  };
  for (const sentence of diffSentences(before, after)) {
    if (sentence.removed) removed += sentence.value;
    else if (sentence.added) added += sentence.value;
    else {
      flushChanged();
      push(sentence.value, 'same');
    }
  }
  flushChanged();
  return parts;
}

/** An unchanged stretch of words with only `keep` words kept next to each change around it. */
function foldWords(text: string, keep: number, isFirst: boolean, isLast: boolean): string {
  // Each chunk is a word with the space after it; the first may start with space.
  const chunks = text.split(/(?<=\s)(?=\S)/);
  if (chunks.length > 1 && chunks[0]!.trim() === '') chunks.splice(0, 2, chunks[0]! + chunks[1]!);
  if (isFirst && isLast) return text;
  if (isFirst) return chunks.length > keep ? `… ${chunks.slice(-keep).join('')}` : text;
  if (isLast) return chunks.length > keep ? `${chunks.slice(0, keep).join('')}…` : text;
  if (chunks.length <= 2 * keep + 1) return text;
  return `${chunks.slice(0, keep).join('')}… ${chunks.slice(-keep).join('')}`;
}

/**
 * Lines of `after` against `before`, each marked added, deleted or the same; runs of unchanged
 * lines farther than `context.lines` from a change are folded into one note saying how many.
 */
function lineDiff(
  before: string,
  after: string,
  depth: number,
  context: FoldContext,
  escape: (line: string) => string = (line) => line,
): PlanLine[] {
  const lines: { kind: LineKind; text: string }[] = [];
  for (const part of diffLines(before, after)) {
    const kind: LineKind = part.added ? 'create' : part.removed ? 'delete' : 'same';
    const partLines = part.value.endsWith('\n') ? part.value.slice(0, -1).split('\n') : part.value.split('\n');
    for (const line of partLines) lines.push({ kind, text: escape(line) });
  }
  const isNearChange = lines.map((_, index) =>
    lines.slice(Math.max(0, index - context.lines), index + context.lines + 1).some((line) => line.kind !== 'same'),
  );
  const shown: PlanLine[] = [];
  let hidden = 0;
  const flushHidden = (): void => {
    if (hidden > 0)
      shown.push({ kind: 'note', depth, text: `(${hidden} unchanged line${hidden === 1 ? '' : 's'} hidden)` });
    hidden = 0;
  };
  lines.forEach((line, index) => {
    if (line.kind === 'same' && !isNearChange[index]) {
      hidden += 1;
      return;
    }
    flushHidden();
    shown.push({ kind: line.kind, depth, text: line.text });
  });
  flushHidden();
  return shown;
}

function isInline(value: JsonValue): boolean {
  return Array.from(JSON.stringify(value)).length <= MAX_INLINE_CHARS;
}

function prettyJson(value: JsonValue): string[] {
  return JSON.stringify(value, null, 2).split('\n');
}

/** A line of a multi-line string shown bare: control characters escaped, so none reaches a terminal. */
function escapeLine(line: string): string {
  return escapeUnprintable(line.replace(/[\u0000-\u001f]/g, (char) => JSON.stringify(char).slice(1, -1)));
}

/** A piece of a string shown inside quotes, escaped as in JSON. */
function escapeInString(text: string): string {
  return escapeUnprintable(JSON.stringify(text).slice(1, -1));
}

function labelled(label: string, text: string): string {
  if (label === '') return text;
  return text === '' ? `${label}:` : `${label}: ${text}`;
}

function opKind(op: FieldChange['op']): 'create' | 'update' | 'delete' {
  switch (op) {
    case 'add':
      return 'create';
    case 'replace':
      return 'update';
    case 'remove':
      return 'delete';
    default:
      return assertNever(op, 'field change op');
  }
}
