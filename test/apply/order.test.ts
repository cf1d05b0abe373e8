import { describe, expect, it } from 'vitest';
import { InternalError } from '../../src/errors.js';
import { orderPlan } from '../../src/plan/order.js';
import { createChange, deleteChange, mockModeChange, noOpChange, planOf, updateChange } from './harness.js';

describe('orderPlan', () => {
  it('puts creates, updates and no-ops first, deletes last, each phase by address, with its mock-mode change', () => {
    const plan = planOf(
      [
        deleteChange('agent.a-old', 1, 'Old'),
        createChange('c-new', { name: 'New' }),
        updateChange('b-support', 2, { name: 'Support' }),
        noOpChange('d-quiet', 3, 'Quiet'),
      ],
      [mockModeChange('c-new', null, true)],
    );

    const phases = orderPlan(plan).map((phase) =>
      phase.map((work) => [work.address, work.change.action, work.mockMode?.to ?? null]),
    );

    expect(phases).toEqual([
      [
        ['agent.b-support', 'update', null],
        ['agent.c-new', 'create', true],
        ['agent.d-quiet', 'no-op', null],
      ],
      [['agent.a-old', 'delete', null]],
    ]);
  });

  it.each([
    {
      name: 'a toggle of a deleted agent',
      plan: planOf([deleteChange('agent.old', 1, 'Old')], [mockModeChange('old', 1, true)]),
    },
    { name: 'a toggle without a resource change', plan: planOf([], [mockModeChange('ghost', 1, true)]) },
  ])('rejects $name', ({ plan }) => {
    expect(() => orderPlan(plan)).toThrow(InternalError);
  });
});
