import { compareStrings } from '../compare.js';
import { InternalError } from '../errors.js';
import type { Action, MockModeChange, Plan, ResourceChange } from './types.js';

/**
 * The ordering table. Per agent: the action's request (POST and record the id, PATCH, record only,
 * or DELETE), then, if the plan has one and the request succeeded, the mock-mode toggle. Every agent
 * of a phase finishes before the next phase starts, so an apply that fails or is interrupted midway
 * has created and updated before it deleted anything.
 */
export const ACTION_ORDER: Readonly<Record<Action, { phase: number; canToggle: boolean }>> = {
  create: { phase: 0, canToggle: true },
  update: { phase: 0, canToggle: true },
  'no-op': { phase: 0, canToggle: true },
  delete: { phase: 1, canToggle: false },
};

/** What apply does for one address. */
export interface AgentWork {
  address: string;
  change: ResourceChange;
  /** The mock-tool mode to reach after the change; null when the plan has none for this address. */
  mockMode: MockModeChange | null;
}

/**
 * The plan's entries as apply runs them: phases in order, agents of a phase by address (they run in
 * parallel), each with its mock-mode change. Throws `InternalError` for a plan whose mock-mode
 * changes do not fit its resource changes.
 */
export function orderPlan(plan: Plan): AgentWork[][] {
  const mockModes = new Map(plan.mock_mode_changes.map((change) => [change.address, change]));
  const phases: AgentWork[][] = [];

  for (const change of [...plan.resource_changes].sort((a, b) => compareStrings(a.address, b.address))) {
    const mockMode = mockModes.get(change.address) ?? null;
    mockModes.delete(change.address);
    const order = ACTION_ORDER[change.action];
    if (mockMode !== null && !order.canToggle) {
      throw new InternalError(`the plan toggles mock-tool mode of ${change.address}, which it deletes`);
    }
    (phases[order.phase] ??= []).push({ address: change.address, change, mockMode });
  }

  const orphan = mockModes.keys().next();
  if (!orphan.done)
    throw new InternalError(`the plan toggles mock-tool mode of ${orphan.value} but has no resource change for it`);
  return phases.filter((phase) => phase !== undefined);
}
