import { forceUnlock } from '../../state/lock.js';
import type { ForceUnlockArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { statePathOf } from '../session.js';

/** `cekuraform force-unlock`: removes a lock whose holder cannot release it (a killed CI job on another host). */
export async function forceUnlockCommand(args: ForceUnlockArgs, io: CliIo): Promise<number> {
  const removed = await forceUnlock(statePathOf(args.state, io, args.env));
  const holder = removed?.holder;
  io.stdout.write(
    removed === null
      ? 'The state record was not locked.\n'
      : holder === null || holder === undefined
        ? 'Removed a lock file that names no holder (left by a run that stopped while taking it).\n'
        : `Removed the lock held by process ${holder.pid} on ${holder.host} since ${holder.time} (${holder.command}).\n`,
  );
  return 0;
}
