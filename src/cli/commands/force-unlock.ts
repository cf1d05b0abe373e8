import { forceUnlock } from '../../state/lock.js';
import type { ForceUnlockArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { statePathOf } from '../session.js';

/**
 * `cekuraform force-unlock [LOCK_ID] [--force]`: removes a lock whose holder cannot release it. A lock
 * of a process of this host that is gone goes without more; any other needs `--force` and its id.
 */
export async function forceUnlockCommand(args: ForceUnlockArgs, io: CliIo): Promise<number> {
  const removed = await forceUnlock(statePathOf(args.state, io, args.env), { lockId: args.lockId, force: args.force });
  if (removed === null) io.stdout.write('The state record was not locked.\n');
  else if (removed.holder === null)
    io.stdout.write(
      `Removed the lock ${removed.id}, a lock file that names no holder (left by a run that stopped while taking it).\n`,
    );
  else {
    const { holder } = removed;
    io.stdout.write(
      `Removed the lock ${removed.id} held by process ${holder.pid} on ${holder.host} since ${holder.time} (${holder.command}).\n`,
    );
  }
  return 0;
}
