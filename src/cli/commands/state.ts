import { compareStrings } from '../../compare.js';
import { splitPointer } from '../../json.js';
import { openStateRecord } from '../../state/record.js';
import type { RecordedAgent, StateRecord } from '../../state/types.js';
import { CekuraformError } from '../../errors.js';
import type { StateAddressArgs, StateArgs, StateMoveArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { statePathOf } from '../session.js';
import { displayPath, lockStateRecord, readExistingRecord, unknownAddress } from '../state-access.js';

// `cekuraform state list | show | rm`: reading and editing the bindings of the state record. None of
// them sends a request; `rm` changes only the record, never an agent in Cekura.

/** `state list`: every bound address with its agent id and project, sorted by address. */
export async function stateListCommand(args: StateArgs, io: CliIo): Promise<number> {
  const statePath = statePathOf(args.state, io, args.env);
  const record = await readExistingRecord(statePath, io);
  const entries = Object.entries(record.agents)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([address, entry]) => ({ address, id: entry.id, project: entry.project }));
  if (args.json) {
    io.stdout.write(JSON.stringify({ agents: entries }, null, 2) + '\n');
  } else if (entries.length === 0) {
    io.stdout.write(`The state record ${displayPath(statePath, io)} binds no agents.\n`);
  } else {
    const width = Math.max(...entries.map((entry) => entry.address.length));
    io.stdout.write(
      entries.map((entry) => `${entry.address.padEnd(width)}  id ${entry.id}  project ${entry.project}`).join('\n') +
        '\n',
    );
  }
  return 0;
}

/** `state show ADDRESS`: one binding, which secrets have a fingerprint (never the fingerprint) and any pending toggle. */
export async function stateShowCommand(args: StateAddressArgs, io: CliIo): Promise<number> {
  const record = await readExistingRecord(statePathOf(args.state, io, args.env), io);
  const entry = entryOf(record, args.address);
  const secretPaths = Object.keys(entry.secrets).sort();
  const toggle = entry.pending_toggle;
  if (args.json) {
    const shown = {
      address: args.address,
      id: entry.id,
      project: entry.project,
      secret_paths: secretPaths,
      pending_toggle: toggle ?? null,
    };
    io.stdout.write(JSON.stringify(shown, null, 2) + '\n');
    return 0;
  }
  const secrets =
    secretPaths.length === 0
      ? 'none'
      : `${secretPaths.map(dotted).join(', ')} (fingerprints only; values are never stored)`;
  const pending =
    toggle === undefined
      ? 'none'
      : `${toggle.enabled ? 'enable' : 'disable'} since ${toggle.started_at} (progress ${toggle.progress_id}); the next apply polls it`;
  io.stdout.write(
    [
      args.address,
      `  id              ${entry.id}`,
      `  project         ${entry.project}`,
      `  secrets         ${secrets}`,
      `  pending toggle  ${pending}`,
    ].join('\n') + '\n',
  );
  return 0;
}

/** `state rm ADDRESS`: forgets a binding, under the lock. The agent in Cekura is left as it is. */
export async function stateRmCommand(args: StateAddressArgs, io: CliIo): Promise<number> {
  const statePath = statePathOf(args.state, io, args.env);
  await readExistingRecord(statePath, io);
  const lock = await lockStateRecord(statePath, 'state rm', io);
  try {
    const records = await openStateRecord(statePath);
    const entry = entryOf(records.current(), args.address);
    await records.update((record) => {
      delete record.agents[args.address];
    });
    if (args.json) {
      io.stdout.write(
        JSON.stringify(
          { status: 'ok', removed: { address: args.address, id: entry.id, project: entry.project } },
          null,
          2,
        ) + '\n',
      );
    } else {
      io.stdout.write(
        `Removed ${args.address} (agent ${entry.id}, project ${entry.project}) from the state record; the agent in Cekura is untouched.\n` +
          `The next plan binds ${args.address} by \`id:\` or by name again, or plans to create it.\n`,
      );
    }
    return 0;
  } finally {
    await lock.release();
  }
}

function entryOf(record: StateRecord, address: string): RecordedAgent {
  const entry = Object.hasOwn(record.agents, address) ? record.agents[address] : undefined;
  if (entry === undefined) throw unknownAddress(address, Object.keys(record.agents).sort(), 'the state record');
  return entry;
}

function dotted(pointer: string): string {
  return splitPointer(pointer).join('.');
}

/**
 * `state mv FROM TO`: the binding of FROM becomes TO's, under the lock, as after renaming the key
 * under `agents:`; without it the next plan would delete the agent of FROM and create TO anew.
 */
export async function stateMoveCommand(args: StateMoveArgs, io: CliIo): Promise<number> {
  const statePath = statePathOf(args.state, io, args.env);
  await readExistingRecord(statePath, io);
  const lock = await lockStateRecord(statePath, 'state mv', io);
  try {
    const records = await openStateRecord(statePath);
    const entry = entryOf(records.current(), args.from);
    const taken = Object.hasOwn(records.current().agents, args.to) ? records.current().agents[args.to] : undefined;
    if (taken !== undefined) {
      throw new CekuraformError(
        'address_taken',
        `${args.to} is already bound to agent ${taken.id} in the state record`,
        {
          meta: { address: args.to, id: taken.id },
          hint: `forget it first with \`cekuraform state rm ${args.to}\`, or choose another address`,
        },
      );
    }
    await records.update((record) => {
      delete record.agents[args.from];
      record.agents[args.to] = entry;
    });
    const moved = { from: args.from, to: args.to, id: entry.id, project: entry.project };
    io.stdout.write(
      args.json
        ? JSON.stringify({ status: 'ok', moved }, null, 2) + '\n'
        : `Moved ${args.from} to ${args.to} (agent ${entry.id}, project ${entry.project}); the agent in Cekura is untouched.\n`,
    );
    return 0;
  } finally {
    await lock.release();
  }
}
