import { assertNever } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { outlinePlan, type AgentBlock, type LineKind, type OutlineOptions, type PlanLine } from './outline.js';
import type { Style } from './style.js';
import { environmentHeading, targetLine, unmanagedHeading, unmanagedLabel, unmanagedRestLine } from './wording.js';

export type PlanTextOptions = Pick<OutlineOptions, 'showAllUnmanaged'>;

/**
 * The plan for a terminal, Terraform-like: the environment, API and projects it acts on, one block per
 * agent that changes, then warnings, unmanaged agents and the summary line. Ends with a newline.
 */
export function renderPlanText(plan: Plan, style: Style, options: PlanTextOptions = {}): string {
  const outline = outlinePlan(plan, options);
  const sections: string[] = [];
  const environment = plan.created_from.environment;
  sections.push(
    [...(environment === undefined ? [] : [style.heading(environmentHeading(environment))]), targetLine(plan)].join(
      '\n',
    ),
  );
  if (outline.blocks.length > 0) {
    sections.push(style.heading('cekuraform will perform the following actions:'));
    sections.push(...outline.blocks.map((block) => renderBlock(block, style)));
  }
  if (outline.warnings.length > 0) {
    sections.push(
      [
        style.warn('Warnings:'),
        ...outline.warnings.map(({ address, text }) => style.warn(`  ! ${address}: ${text}`)),
      ].join('\n'),
    );
  }
  if (outline.unmanagedCount > 0) {
    const rest = unmanagedRestLine(outline.unmanaged.length, outline.unmanagedCount);
    sections.push(
      [
        `${unmanagedHeading(outline.unmanagedCount)}:`,
        ...outline.unmanaged.map((agent) => `  ${unmanagedLabel(agent)}`),
        ...(rest === null ? [] : [`  ${rest}`]),
      ].join('\n'),
    );
  }
  sections.push(style.heading(outline.summary));
  return sections.join('\n\n') + '\n';
}

function renderBlock(block: AgentBlock, style: Style): string {
  return [style.bold(`  # ${block.title}`), ...block.lines.map((line) => renderLine(line, style))].join('\n');
}

function renderLine(line: PlanLine, style: Style): string {
  const indent = '  ' + '    '.repeat(line.depth);
  const { symbol, colour, isWholeLine } = lineLook(line.kind, style);
  if (isWholeLine) return colour(`${indent}${symbol} ${line.text}`);
  const text = line.spans === undefined ? line.text : line.spans.map((span) => spanLook(span, style)).join('');
  return `${indent}${colour(symbol)} ${text}`;
}

/** The words a word diff deletes and adds, in the colours of their markers. */
function spanLook(span: NonNullable<PlanLine['spans']>[number], style: Style): string {
  switch (span.kind) {
    case 'same':
      return span.text;
    case 'create':
      return style.add(span.text);
    case 'delete':
      return style.remove(span.text);
    default:
      return assertNever(span.kind, 'span kind');
  }
}

/** Changes colour their symbol only; notes and cautions are coloured whole, so they stand apart. */
function lineLook(
  kind: LineKind,
  style: Style,
): { symbol: string; colour: (text: string) => string; isWholeLine: boolean } {
  switch (kind) {
    case 'create':
      return { symbol: '+', colour: style.add, isWholeLine: false };
    case 'update':
      return { symbol: '~', colour: style.change, isWholeLine: false };
    case 'delete':
      return { symbol: '-', colour: style.remove, isWholeLine: false };
    case 'same':
      return { symbol: ' ', colour: (text) => text, isWholeLine: false };
    case 'note':
      return { symbol: '#', colour: style.dim, isWholeLine: true };
    case 'caution':
      return { symbol: '!', colour: style.warn, isWholeLine: true };
    default:
      return assertNever(kind, 'line kind');
  }
}
