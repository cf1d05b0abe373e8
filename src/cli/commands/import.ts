import { ApiError } from '../../api/errors.js';
import type { CekuraApi, WireAgent } from '../../api/types.js';
import { CekuraformError } from '../../errors.js';
import type { Manifest, ManifestAgent } from '../../manifest/types.js';
import { openStateRecord } from '../../state/record.js';
import type { ImportArgs } from '../args.js';
import type { CliIo } from '../io.js';
import {
  connect,
  describeRetry,
  manifestFolderOf,
  manifestScopeOf,
  manifestSecretValues,
  readManifest,
  statePathOf,
} from '../session.js';
import { lockStateRecord, unknownAddress } from '../state-access.js';

/**
 * `cekuraform import ADDRESS AGENT_ID`: binds a manifest address to an existing agent in the state
 * record (Terraform's import), so the next plan updates that agent instead of creating one. Changes
 * nothing in Cekura. Refuses to replace a binding: `state rm` comes first.
 */
export async function importCommand(args: ImportArgs, io: CliIo): Promise<number> {
  const manifest = await readManifest(args.files, io, args);
  const agent = addressToImport(manifest, args);

  const statePath = statePathOf(args.state, io, manifest.environment, manifestFolderOf(manifest, io));
  const lock = await lockStateRecord(statePath, 'import', io, args.lockTimeoutMs);
  try {
    const records = await openStateRecord(statePath);
    const bound = records.current().agents;
    if (bound[agent.address]?.id === args.agentId) {
      writeResult(io, args, {
        agent,
        id: args.agentId,
        name: null,
        alreadyBound: true,
        environment: manifest.environment,
      });
      return 0;
    }
    refuseRebinding(agent, args.agentId, bound);

    const api = connect(
      args,
      io,
      (info) => io.stderr.write(describeRetry(info) + '\n'),
      manifestSecretValues(manifest),
    );
    const wire = await readAgent(api, args.agentId).finally(() => api.close());
    if (wire.project !== agent.project) {
      throw new CekuraformError(
        'import_wrong_project',
        `agent ${wire.id} is in project ${wire.project}, but ${agent.address} is in project ${agent.project}`,
        {
          meta: { address: agent.address, id: wire.id, project: wire.project, expected_project: agent.project },
          hint: `check the agent id, or set \`project: ${wire.project}\` under agents.${agent.key}`,
        },
      );
    }
    // No secret fingerprints and no history: the next plan sends the manifest's secrets once and counts every difference as a manifest change.
    const { files } = await manifestScopeOf(manifest, records.current(), statePath, io);
    const file = files[agent.location.file];
    await records.update((record) => {
      record.agents[agent.address] = {
        id: wire.id,
        project: wire.project,
        ...(file === undefined ? {} : { file }),
        secrets: {},
        applied: {},
      };
    });
    writeResult(io, args, {
      agent,
      id: wire.id,
      name: wire.name,
      alreadyBound: false,
      environment: manifest.environment,
    });
    return 0;
  } finally {
    await lock.release();
  }
}

/** The manifest agent at `args.address`, unless the manifest pins it, or pins the agent, elsewhere. */
function addressToImport(manifest: Manifest, args: ImportArgs): ManifestAgent {
  const agent = manifest.agents.find((candidate) => candidate.address === args.address);
  if (agent === undefined)
    throw unknownAddress(
      args.address,
      manifest.agents.map((candidate) => candidate.address),
      'the manifest',
    );
  if (agent.id !== undefined && agent.id !== args.agentId) {
    throw new CekuraformError(
      'import_conflict',
      `${agent.address} is pinned to agent ${agent.id} by \`id:\` in the manifest`,
      {
        meta: { address: agent.address, pinned: agent.id, id: args.agentId },
        hint: `remove \`id:\` under agents.${agent.key}, or set it to ${args.agentId}`,
      },
    );
  }
  const pinnedElsewhere = manifest.agents.find((candidate) => candidate.id === args.agentId && candidate !== agent);
  if (pinnedElsewhere !== undefined) {
    throw new CekuraformError(
      'import_conflict',
      `agent ${args.agentId} is pinned to ${pinnedElsewhere.address} by \`id:\` in the manifest`,
      {
        meta: { address: agent.address, pinned_address: pinnedElsewhere.address, id: args.agentId },
        hint: `remove \`id:\` under agents.${pinnedElsewhere.key} first, or import another agent`,
      },
    );
  }
  return agent;
}

function refuseRebinding(agent: ManifestAgent, id: number, bound: Record<string, { id: number }>): void {
  const current = bound[agent.address];
  if (current !== undefined) {
    throw new CekuraformError(
      'import_conflict',
      `${agent.address} is already bound to agent ${current.id} in the state record`,
      {
        meta: { address: agent.address, bound_id: current.id, id },
        hint: `to bind it to agent ${id} instead, run \`cekuraform state rm ${agent.address}\` first, then import again`,
      },
    );
  }
  const owner = Object.keys(bound).find((address) => bound[address]!.id === id);
  if (owner !== undefined) {
    throw new CekuraformError('import_conflict', `agent ${id} is already bound to ${owner} in the state record`, {
      meta: { address: agent.address, bound_address: owner, id },
      hint: `to move it to ${agent.address}, run \`cekuraform state rm ${owner}\` first, then import again`,
    });
  }
}

async function readAgent(api: CekuraApi, id: number): Promise<WireAgent> {
  try {
    return await api.getAgent(id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CekuraformError('agent_not_found', `there is no agent ${id} on Cekura`, {
        meta: { id },
        hint: "check the id: it is the number in the agent's URL in the Cekura dashboard",
        cause: error,
      });
    }
    throw error;
  }
}

function writeResult(
  io: CliIo,
  args: ImportArgs,
  result: {
    agent: ManifestAgent;
    id: number;
    name: string | null;
    alreadyBound: boolean;
    environment: string | undefined;
  },
): void {
  const { agent, id, name, alreadyBound, environment } = result;
  if (args.json) {
    const shown = {
      status: 'ok',
      address: agent.address,
      id,
      project: agent.project,
      ...(name === null ? {} : { name }),
      already_bound: alreadyBound,
    };
    io.stdout.write(JSON.stringify(shown, null, 2) + '\n');
  } else if (alreadyBound) {
    io.stdout.write(`${agent.address} is already bound to agent ${id}; nothing to do.\n`);
  } else {
    io.stdout.write(
      `Imported agent ${id} ${JSON.stringify(name)} (project ${agent.project}) as ${agent.address}.\n` +
        `Run \`cekuraform plan${environment === undefined ? '' : ` --env ${environment}`}\` to see what apply would change to make it match the manifest.\n`,
    );
  }
}
