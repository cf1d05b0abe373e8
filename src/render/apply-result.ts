import type { AgentOutcome, ApplyResult } from '../apply/events.js';
import type { Style } from './style.js';
import { displayPath, oneLine } from './values.js';
import { applyCountsText, applySummaryLine, isApplyComplete, operationWords } from './wording.js';

/**
 * What an apply did, after its progress output: failures, MCP endpoints from completed enables, the
 * backup file, then the summary line (and, when it applies, how many agents failed and that the run
 * was interrupted). Ends with a newline.
 */
export function renderApplyResultText(result: ApplyResult, style: Style): string {
  const sections: string[] = [];
  const failed = result.outcomes.filter((outcome) => outcome.status === 'failed');
  if (failed.length > 0)
    sections.push([style.error('Failed:'), ...failed.flatMap((outcome) => failureLines(outcome, style))].join('\n'));

  const withEndpoints = result.outcomes.filter((outcome) => (outcome.mcp_endpoints ?? []).length > 0);
  if (withEndpoints.length > 0)
    sections.push(['MCP endpoints registered by mock mode:', ...withEndpoints.flatMap(endpointLines)].join('\n'));

  const skipped = result.outcomes.filter((outcome) => outcome.status === 'skipped');
  if (skipped.length > 0)
    sections.push(['Not started:', ...skipped.map((outcome) => `  ${outcome.address}`)].join('\n'));

  if (result.backup_file !== null)
    sections.push(`Backup of the agents as they were before this apply: ${result.backup_file}`);

  const closing = isApplyComplete(result)
    ? [style.heading(applySummaryLine(result))]
    : [style.error(applySummaryLine(result)), ...doneLines(result)];
  if (result.interrupted) closing.push(style.warn('Interrupted: agents not yet started were left as they are.'));
  if (!isApplyComplete(result)) closing.push('Run apply again to finish; what was done is in the state record.');
  sections.push(closing.join('\n'));
  return sections.join('\n\n') + '\n';
}

/** After a failed apply: what was done (with the counts) and what was not, one address each. */
function doneLines(result: ApplyResult): string[] {
  const done = result.outcomes.filter(
    (outcome) => outcome.status === 'applied' && (outcome.action !== 'no-op' || outcome.toggled),
  );
  const notDone = result.outcomes.filter((outcome) => outcome.status !== 'applied');
  const doneWords = (outcome: AgentOutcome) =>
    `${outcome.address} (${[...(outcome.action === 'no-op' ? [] : [outcome.action]), ...(outcome.toggled ? ['mock mode'] : [])].join(', ')})`;
  const notDoneWords = (outcome: AgentOutcome) =>
    outcome.status === 'skipped'
      ? `${outcome.address} (${outcome.action}, not started)`
      : `${outcome.address} (${outcome.error === undefined ? 'failed' : `${operationWords(outcome.error.operation)} failed`})`;
  return [
    `Done: ${applyCountsText(result)}${done.length === 0 ? '' : ` — ${done.map(doneWords).join(', ')}`}.`,
    `Not done: ${notDone.length === 0 ? 'nothing' : notDone.map(notDoneWords).join(', ')}.`,
  ];
}

function failureLines(outcome: AgentOutcome, style: Style): string[] {
  const error = outcome.error;
  if (error === undefined) return [`  ${outcome.address}: failed`];
  const lines = [
    `  ${outcome.address}: ${operationWords(error.operation)} failed: ${oneLine(error.message)} ${style.dim(`(${error.code})`)}`,
  ];
  if (error.paths !== undefined && error.paths.length > 0) {
    lines.push(`      at ${error.paths.map(displayPath).join(', ')}`);
  }
  if (error.hint !== undefined) lines.push(`      hint: ${oneLine(error.hint)}`);
  return lines;
}

function endpointLines(outcome: AgentOutcome): string[] {
  return [
    `  ${outcome.address}:`,
    ...(outcome.mcp_endpoints ?? []).map(
      (endpoint) =>
        `      mock_index ${endpoint.mock_index}: ${endpoint.url} (tools: ${endpoint.tool_names.join(', ')})`,
    ),
  ];
}
