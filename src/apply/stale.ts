import { StalePlanError } from '../errors.js';
import type { ApiTarget, Plan } from '../plan/types.js';
import type { LiveState, StateRecord } from '../state/types.js';
import { splitPointer } from '../json.js';
import { liveUnitDigests } from '../plan/units.js';
import { resolveInserts, type InsertSources } from './inserts.js';

/**
 * Refuses a saved plan made against another Cekura API than this apply would write to (staging's
 * plan applied to production, say). Runs before any request.
 */
export function checkSavedPlanTarget(plan: Plan, api: ApiTarget): void {
  const planned = plan.created_from.api;
  if (planned === undefined || planned.url === api.url) return;
  throw new StalePlanError(`the plan was made against ${planned.url}, and this apply would act on ${api.url}`, {
    meta: { plan_api_url: planned.url, api_url: api.url },
    hint: `apply it with the API it was made for (--api-url or CEKURA_API_URL ${planned.url}), or plan again against ${api.url}`,
  });
}

/**
 * Refuses a saved plan that no longer describes what apply would do: another state record, an
 * apply since, an agent the plan touches changed in Cekura (other agents may change freely), a name
 * it gives taken by another agent, or a secret or file that is not the one planned.
 * Runs before anything is sent.
 */
export async function checkSavedPlan(
  plan: Plan,
  live: LiveState,
  record: StateRecord,
  sources: InsertSources,
): Promise<void> {
  const from = plan.created_from;
  if (from.state_lineage !== record.lineage) {
    throw new StalePlanError('the plan was made with another state record', {
      meta: { plan_lineage: from.state_lineage, lineage: record.lineage },
    });
  }
  if (from.state_serial !== record.serial) {
    throw new StalePlanError(
      `the state record changed since the plan was made (serial ${from.state_serial} → ${record.serial}); another apply ran`,
      {
        meta: { plan_serial: from.state_serial, serial: record.serial },
      },
    );
  }
  if (from.touched === undefined) {
    if (from.live_fingerprint !== live.fingerprint) {
      throw new StalePlanError('the agents in Cekura changed since the plan was made', {
        meta: { plan_fingerprint: from.live_fingerprint, fingerprint: live.fingerprint },
      });
    }
  } else {
    checkTouchedAgents(plan, from.touched, live);
    checkClaimedNames(plan, from.claimed_names ?? [], from.touched, live);
  }
  const liveProjects = new Map(live.agents.map((agent) => [agent.id, agent.project]));
  for (const change of plan.resource_changes) {
    // The digest vouches for the plan, the fingerprint for live: each agent it changes must still be where it says.
    if (change.id !== null && liveProjects.get(change.id) !== change.project) {
      throw new StalePlanError(`${change.address}: agent ${change.id} is not in project ${change.project} in Cekura`, {
        meta: { address: change.address, id: change.id, project: change.project },
      });
    }
    if (change.action === 'create' || change.action === 'update') await resolveInserts(change.request, sources);
  }
}

/** Each agent the plan writes, deletes or toggles must be as it was read: the refusal names the agent and the fields. */
function checkTouchedAgents(plan: Plan, touched: Record<string, Record<string, string>>, live: LiveState): void {
  const liveById = new Map(live.agents.map((agent) => [String(agent.id), agent]));
  for (const [id, planned] of Object.entries(touched)) {
    const address = addressOf(plan, Number(id));
    const agent = liveById.get(id);
    if (agent === undefined) {
      throw new StalePlanError(`${address} (agent ${id}) was deleted in Cekura since the plan was made`, {
        meta: { address, id: Number(id) },
      });
    }
    const current = liveUnitDigests(agent);
    const changed = [...new Set([...Object.keys(planned), ...Object.keys(current)])]
      .filter((unit) => planned[unit] !== current[unit])
      .sort();
    if (changed.length > 0) {
      const fields = changed.map((unit) => splitPointer(unit).join('.'));
      throw new StalePlanError(
        `${address} (agent ${id}) changed in Cekura since the plan was made: ${fields.join(', ')}`,
        { meta: { address, id: Number(id), fields } },
      );
    }
  }
}

/** A name the plan gives must still be free of agents it does not touch, or apply would make two agents of one name. */
function checkClaimedNames(
  plan: Plan,
  claimed: { project: number; name: string }[],
  touched: Record<string, Record<string, string>>,
  live: LiveState,
): void {
  for (const { project, name } of claimed) {
    const holder = live.agents.find(
      (agent) => agent.project === project && agent.doc.name === name && !(String(agent.id) in touched),
    );
    if (holder === undefined) continue;
    const address = plan.resource_changes.find((change) => change.project === project && change.name === name)?.address;
    throw new StalePlanError(
      `agent ${holder.id} in project ${project} is now named "${name}", the name the plan gives ${address ?? 'an agent'}`,
      { meta: { id: holder.id, project, name, ...(address === undefined ? {} : { address }) } },
    );
  }
}

function addressOf(plan: Plan, id: number): string {
  return (
    plan.resource_changes.find((change) => change.id === id)?.address ??
    plan.mock_mode_changes.find((change) => change.id === id)?.address ??
    `agent[${id}]`
  );
}
