import { describe, expect, it } from 'vitest';
import { InternalError } from '../../src/errors.js';
import { orderPlan } from '../../src/plan/order.js';
import { createChange, updateChange } from './harness.js';
import { deleted, mockMode, plan, unchanged } from '../render/builders.js';

describe('orderPlan', () => {
  it('puts creates, updates and no-ops first, deletes last, each phase by address, with its mock-mode change', () => {
    const ordered = plan({
      resource_changes: [
        deleted('agent.a-old', 1, 'Old'),
        createChange('c-new', { name: 'New' }),
        updateChange('b-support', 2, { name: 'Support' }),
        unchanged('d-quiet', 3, { name: 'Quiet' }),
      ],
      mock_mode_changes: [mockMode('agent.c-new', null, false, true)],
    });

    const phases = orderPlan(ordered).map((phase) =>
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
      plan: plan({
        resource_changes: [deleted('agent.old', 1, 'Old')],
        mock_mode_changes: [mockMode('agent.old', 1, false, true)],
      }),
    },
    {
      name: 'a toggle without a resource change',
      plan: plan({ resource_changes: [], mock_mode_changes: [mockMode('agent.ghost', 1, false, true)] }),
    },
  ])('rejects $name', ({ plan }) => {
    expect(() => orderPlan(plan)).toThrow(InternalError);
  });
});
