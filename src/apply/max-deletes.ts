import { CekuraformError } from '../errors.js';
import type { Plan } from '../plan/types.js';

/** Everything the plan deletes, one entry each: `agent[12]`, `agent.support-bot mock_tools/get_order`. */
export function listDeletes(plan: Plan): string[] {
  return plan.resource_changes.flatMap((change) => {
    if (change.action === 'delete') return [change.address];
    return change.items
      .filter((item) => item.action === 'delete')
      .map(
        (item) =>
          `${change.address} ${item.set}/${item.name}${item.reason === 'duplicate_name' ? ` (id ${item.id})` : ''}`,
      );
  });
}

/**
 * The `--max-deletes` guard, checked before anything is sent: agents and set items (mock tools,
 * dynamic variables, knowledge-base files) deleted by the plan, together, must not exceed `maxDeletes`.
 */
export function checkMaxDeletes(plan: Plan, maxDeletes: number | undefined): void {
  if (maxDeletes === undefined) return;
  const deletes = listDeletes(plan);
  if (deletes.length <= maxDeletes) return;
  throw new CekuraformError(
    'max_deletes_exceeded',
    `the plan deletes ${deletes.length} agents and items, more than the ${maxDeletes} allowed by max-deletes; nothing was changed`,
    {
      meta: { deletes, max_deletes: maxDeletes },
      hint: 'check the plan; if these deletes are intended, raise --max-deletes (or max_deletes in the manifest)',
    },
  );
}
