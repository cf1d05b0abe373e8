import { CekuraformError } from '../errors.js';
import type { ManifestAgent } from '../manifest/types.js';
import type { LiveAgent, LiveState, StateRecord } from '../state/types.js';
import type { ResourceReason } from './types.js';

/** How one manifest address meets live state. */
export type Binding =
  | { kind: 'bound'; agent: ManifestAgent; live: LiveAgent; reason?: ResourceReason }
  | { kind: 'new'; agent: ManifestAgent; reason?: ResourceReason };

/**
 * Binds each address to a live agent (DESIGN.md, semantic 1): the state record, else the pinned
 * `id:`, else the only live agent of the same name in the project; otherwise it is created.
 * Throws when a pin is missing or disagrees with the record, when the bound agent is in another
 * project than the manifest says, when a name has several candidates, or when two addresses would
 * bind one agent.
 */
export function bindAgents(agents: ManifestAgent[], live: LiveState, record: StateRecord): Binding[] {
  const liveById = new Map(live.agents.map((agent) => [agent.id, agent]));
  const claimed = claimedIds(agents, record, liveById);
  const owners = new Map<number, string>();

  return agents.map((agent) => {
    const binding = bindOne(agent, record, live.projects, liveById, claimed);
    if (binding.kind === 'bound') {
      const owner = owners.get(binding.live.id);
      if (owner !== undefined) {
        throw new CekuraformError(
          'binding_conflict',
          `${owner} and ${agent.address} both bind agent ${binding.live.id}`,
          {
            meta: { addresses: [owner, agent.address], id: binding.live.id },
            hint: 'give each address its own agent: fix the `id:` or `name:` of one of them',
          },
        );
      }
      owners.set(binding.live.id, agent.address);
    }
    return binding;
  });
}

/** Ids already taken by an address through the record or a pin; name adoption must not take them. */
function claimedIds(
  agents: ManifestAgent[],
  record: StateRecord,
  liveById: Map<number, LiveAgent>,
): Map<number, string> {
  const claimed = new Map<number, string>();
  for (const agent of agents) {
    const recordedId = record.agents[agent.address]?.id;
    if (recordedId !== undefined && liveById.has(recordedId)) claimed.set(recordedId, agent.address);
    else if (agent.id !== undefined) claimed.set(agent.id, agent.address);
  }
  return claimed;
}

function bindOne(
  agent: ManifestAgent,
  record: StateRecord,
  listedProjects: number[],
  liveById: Map<number, LiveAgent>,
  claimed: Map<number, string>,
): Binding {
  const entry = record.agents[agent.address];
  const recordedId = entry?.id;
  const recorded = recordedId === undefined ? undefined : liveById.get(recordedId);

  // Live says where the bound agent is; when its project was not listed, the record does.
  const boundProject =
    recorded?.project ?? (entry !== undefined && !listedProjects.includes(entry.project) ? entry.project : undefined);
  if (entry !== undefined && boundProject !== undefined && boundProject !== agent.project) {
    throw new CekuraformError(
      'binding_conflict',
      `${agent.address} is bound to agent ${entry.id} in project ${boundProject}, but the manifest puts it in project ${agent.project}`,
      {
        meta: { address: agent.address, id: entry.id, project: boundProject, manifest_project: agent.project },
        hint: `cekuraform does not move agents between projects: set \`project: ${boundProject}\` again, or give the agent a new key under \`agents:\` to create a new one in project ${agent.project}`,
      },
    );
  }

  if (recorded !== undefined) {
    if (agent.id !== undefined && agent.id !== recorded.id) {
      throw new CekuraformError(
        'binding_conflict',
        `${agent.address} is pinned to agent ${agent.id}, but the state record binds it to agent ${recorded.id}`,
        {
          meta: { address: agent.address, pinned: agent.id, recorded: recorded.id },
          hint: `set \`id: ${recorded.id}\` or remove the address from the state record`,
        },
      );
    }
    return { kind: 'bound', agent, live: recorded };
  }

  if (agent.id !== undefined) {
    const pinned = liveById.get(agent.id);
    if (pinned === undefined || pinned.project !== agent.project) {
      throw new CekuraformError(
        'pinned_agent_missing',
        `${agent.address} is pinned to agent ${agent.id}, which is not in project ${agent.project}`,
        {
          meta: { address: agent.address, id: agent.id, project: agent.project },
          hint: 'check the `id:` and `project:` of this agent, or remove `id:` to create it',
        },
      );
    }
    return { kind: 'bound', agent, live: pinned, reason: 'pinned_id' };
  }

  const candidates = [...liveById.values()].filter(
    (live) =>
      live.project === agent.project && live.doc.name === agent.doc.name && !isClaimedByOther(live.id, agent, claimed),
  );
  if (candidates.length > 1) {
    const ids = candidates.map((live) => live.id);
    throw new CekuraformError(
      'binding_ambiguous',
      `${agent.address}: ${ids.length} agents named "${agent.doc.name}" in project ${agent.project} (ids ${ids.join(', ')})`,
      {
        meta: { address: agent.address, ids },
        hint: `pin one with \`id:\` under agents.${agent.key}`,
      },
    );
  }
  const [adopted] = candidates;
  if (adopted !== undefined) return { kind: 'bound', agent, live: adopted, reason: 'adopted_by_name' };
  return recordedId === undefined ? { kind: 'new', agent } : { kind: 'new', agent, reason: 'bound_agent_missing' };
}

function isClaimedByOther(id: number, agent: ManifestAgent, claimed: Map<number, string>): boolean {
  const owner = claimed.get(id);
  return owner !== undefined && owner !== agent.address;
}

/**
 * Adoption and lost-create recovery find agents by name, so a name is unique in its project: throws
 * when an address would be renamed to the name of a live agent that stays after the apply (in
 * `unbound`: no address binds it, and prune does not delete it).
 */
export function checkRenames(bindings: Binding[], unbound: LiveAgent[]): void {
  for (const binding of bindings) {
    if (binding.kind !== 'bound') continue;
    const name = binding.agent.doc.name;
    if (name === undefined || name === binding.live.doc.name) continue;
    const holder = unbound.find((other) => other.project === binding.live.project && other.doc.name === name);
    if (holder === undefined) continue;
    throw new CekuraformError(
      'name_taken',
      `${binding.agent.address} would be renamed to "${name}", which agent ${holder.id} in project ${holder.project} already has`,
      {
        meta: { address: binding.agent.address, name, id: holder.id, project: holder.project },
        hint: `choose another name, or rename or delete agent ${holder.id} in Cekura (no address manages it; --prune deletes it)`,
      },
    );
  }
}
