import { assertNever } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { outlinePlan, type AgentBlock, type LineKind, type OutlineOptions, type PlanLine } from './outline.js';
import { FULL_CONTEXT, TIGHT_CONTEXT, type FoldContext } from './value-lines.js';
import { escapeUnprintable } from './values.js';
import { environmentHeading, targetLine, unmanagedHeading, unmanagedRestLine } from './wording.js';

/** GitHub refuses comments over 65,536 characters; stay a little under it. */
export const DEFAULT_MARKDOWN_MAX_LENGTH = 65_000;

export interface MarkdownOptions extends Pick<OutlineOptions, 'showAllUnmanaged'> {
  /** Longest comment to produce, in UTF-16 code units (what GitHub counts); default 65,000. */
  maxLength?: number;
}

/**
 * The plan as a pull-request comment: a heading with the environment (if any) and the summary, the
 * target, a table of the agents that change, a collapsed diff per agent, warnings and unmanaged agents.
 * Over `maxLength`, long values first keep less unchanged context around their changes; then the
 * diffs of the largest agents are left out, and the comment says which and points at `--json`; the
 * table and summary stay.
 */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const full = renderWithin(plan, options, FULL_CONTEXT, maxLength);
  return full.isWhole ? full.comment : renderWithin(plan, options, TIGHT_CONTEXT, maxLength).comment;
}

/** The comment with long values keeping `context`; `isWhole` when nothing had to be left out or cut. */
function renderWithin(
  plan: Plan,
  options: MarkdownOptions,
  context: FoldContext,
  maxLength: number,
): { comment: string; isWhole: boolean } {
  const outline = outlinePlan(plan, { ...options, context });
  const environment = plan.created_from.environment;
  const title =
    environment === undefined ? 'cekuraform' : `cekuraform — ${escapeMarkdown(environmentHeading(environment))}`;
  const head = [`### ${title} — ${escapeMarkdown(outline.summary)}\n\n${escapeMarkdown(targetLine(plan))}`];
  if (outline.blocks.length > 0) head.push(agentTable(outline.blocks));
  const tail: string[] = [];
  if (outline.warnings.length > 0) {
    tail.push(
      [
        '#### Warnings',
        '',
        ...outline.warnings.map(({ address, text }) => `- **${escapeMarkdown(address)}**: ${escapeMarkdown(text)}`),
      ].join('\n'),
    );
  }
  if (outline.unmanagedCount > 0) {
    const rest = unmanagedRestLine(outline.unmanaged.length, outline.unmanagedCount);
    tail.push(
      [
        `#### ${escapeMarkdown(unmanagedHeading(outline.unmanagedCount))}`,
        '',
        table(
          ['Id', 'Name', 'Project'],
          outline.unmanaged.map((agent) => [String(agent.id), agent.name, String(agent.project)]),
        ),
        ...(rest === null ? [] : ['', escapeMarkdown(rest)]),
      ].join('\n'),
    );
  }
  const details = outline.blocks.map(renderDetails);
  const isKept = fitDetails(head, details, tail, maxLength, outline.blocks);
  const omitted = outline.blocks.filter((_, index) => !isKept[index]);
  const comment = joinSections([
    ...head,
    ...(omitted.length > 0 ? [omittedNote(omitted, maxLength)] : []),
    ...details.filter((_, index) => isKept[index]),
    ...tail,
  ]);
  if (comment.length > maxLength) return { comment: cutComment(comment, maxLength), isWhole: false };
  return { comment, isWhole: omitted.length === 0 };
}

function joinSections(sections: string[]): string {
  return sections.join('\n\n') + '\n';
}

function agentTable(blocks: AgentBlock[]): string {
  return table(
    ['Agent', 'Name', 'Project', 'Action'],
    blocks.map((block) => [
      block.address,
      block.name ?? '',
      block.project === null ? '' : String(block.project),
      block.actions,
    ]),
  );
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

function renderDetails(block: AgentBlock): string {
  const body = block.lines.map(diffLine).join('\n');
  // A fence longer than any backtick run inside, so a user string cannot close it.
  const longestRun = Math.max(0, ...Array.from(body.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [
    `<details><summary>${escapeHtml(block.title)}</summary>`,
    '',
    `${fence}diff`,
    body,
    fence,
    '',
    '</details>',
  ].join('\n');
}

/** The text form's line with its symbol moved to column 0, where GitHub's diff highlighting looks. */
function diffLine(line: PlanLine): string {
  const indent = '    '.repeat(line.depth);
  return `${diffSymbol(line.kind)} ${indent}${line.kind === 'note' || line.kind === 'caution' ? '# ' : ''}${line.text}`;
}

function diffSymbol(kind: LineKind): string {
  switch (kind) {
    case 'create':
      return '+';
    case 'update':
    case 'caution':
      return '!';
    case 'delete':
      return '-';
    case 'same':
    case 'note':
      return ' ';
    default:
      return assertNever(kind, 'line kind');
  }
}

/**
 * Which agents keep their details: drops the largest first (the later one among equals) until
 * the comment, with the note naming the agents left out, fits; or none are left.
 */
function fitDetails(
  head: string[],
  details: string[],
  tail: string[],
  maxLength: number,
  blocks: AgentBlock[],
): boolean[] {
  const isKept = details.map(() => true);
  const sectionsLength = (sections: string[]): number => sections.reduce((sum, section) => sum + section.length + 2, 0);
  const fixedLength = sectionsLength(head) + sectionsLength(tail) - 1;
  const dropOrder = details.map((_, index) => index).sort((a, b) => details[b]!.length - details[a]!.length || b - a);
  let keptLength = sectionsLength(details);
  const omitted: AgentBlock[] = [];
  for (const index of dropOrder) {
    const noteLength = omitted.length === 0 ? 0 : omittedNote(omitted, maxLength).length + 2;
    if (fixedLength + keptLength + noteLength <= maxLength) break;
    isKept[index] = false;
    keptLength -= details[index]!.length + 2;
    omitted.push(blocks[index]!);
  }
  return isKept;
}

function omittedNote(omitted: AgentBlock[], maxLength: number): string {
  return [
    '> [!NOTE]',
    `> The details of ${omitted.length} agent(s), the largest first, are left out to keep this comment under ${maxLength} characters (GitHub's limit is 65,536): ${omitted.map((block) => escapeMarkdown(block.address)).join(', ')}. Run \`cekuraform plan\` to see the whole plan, or \`cekuraform plan --json\` for every value.`,
  ].join('\n');
}

/** The last resort when even the table and lists are too long: cut at a line and say so. */
function cutComment(comment: string, maxLength: number): string {
  const totalLines = comment.trimEnd().split('\n').length;
  const noteFor = (leftOut: number): string =>
    `\n\n_This comment was cut to stay under ${maxLength} characters: its last ${leftOut} of ${totalLines} lines are left out. Run \`cekuraform plan\` to see the whole plan, or \`cekuraform plan --json\` for every value._\n`;
  // The note's own length depends on the count it gives; the longest count it can give bounds it.
  const longestNote = noteFor(totalLines);
  if (longestNote.length >= maxLength) return comment.slice(0, maxLength);
  const kept = comment.slice(0, maxLength - longestNote.length);
  const lastLineEnd = kept.lastIndexOf('\n');
  const shown = lastLineEnd > 0 ? kept.slice(0, lastLineEnd) : kept;
  return shown + noteFor(totalLines - shown.split('\n').length);
}

/**
 * User text inside a table cell, list item or heading line: inline Markdown and HTML made inert, `|`
 * escaped, on one line. Block markers (`#`, `-`, `>`) need no escape, since the text never starts a line.
 */
function escapeMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

/** HTML made inert, and control characters (an ANSI escape in a live name) shown as `\uXXXX`; line breaks stay for the caller. */
function escapeHtml(text: string): string {
  const visible = escapeUnprintable(
    text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (char) => JSON.stringify(char).slice(1, -1)),
  );
  return visible.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
