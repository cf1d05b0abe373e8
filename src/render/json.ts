import type { ApplyResult } from '../apply/events.js';
import type { Plan } from '../plan/types.js';
import { escapeUnprintable } from './values.js';

/** The plan as it is: it already is the JSON contract, secrets redacted in the data. */
export function renderPlanJson(plan: Plan): string {
  return escapeUnprintable(JSON.stringify(plan, null, 2)) + '\n';
}

/** The apply result as it is, for `apply --json`. */
export function renderApplyResultJson(result: ApplyResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
