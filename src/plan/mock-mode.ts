import type { MockModeChange, MockModeVia, Plan, ResourceChange } from './types.js';

/**
 * The plan with its mock-mode changes made `via` one way. Pure; the planner ends with it, and plan
 * and apply call it again when the way is detected only after planning (a probe costs a request, so
 * it is made only for a plan that changes mock mode). With `patch`, each create or update of an agent
 * whose mode changes carries `mock_tools_enabled` in its body; an agent with nothing else to write
 * gets its own PATCH from apply, from the mock-mode change alone.
 */
export function withMockModeVia(plan: Plan, via: MockModeVia): Plan {
  const targets = new Map(plan.mock_mode_changes.map((change) => [change.address, change.to]));
  return {
    ...plan,
    options: { ...plan.options, mock_mode_via: via },
    mock_mode_changes: plan.mock_mode_changes.map((change): MockModeChange => ({ ...change, via })),
    resource_changes: plan.resource_changes.map((change) => {
      const to = targets.get(change.address);
      return to === undefined ? change : withMockModeInBody(change, via === 'patch' ? to : undefined);
    }),
  };
}

function withMockModeInBody(change: ResourceChange, to: boolean | undefined): ResourceChange {
  if (change.action !== 'create' && change.action !== 'update') return change;
  const { mock_tools_enabled: _previous, ...body } = change.request.body;
  return {
    ...change,
    request: { ...change.request, body: to === undefined ? body : { ...body, mock_tools_enabled: to } },
  };
}
