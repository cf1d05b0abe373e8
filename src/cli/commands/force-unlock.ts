import { forceUnlock } from '../../state/lock.js';
import type { ForceUnlockArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { statePathOf } from '../session.js';

/** `cekuraform force-unlock`: removes a lock whose holder cannot release it (a killed CI job on another host). */
export async function forceUnlockCommand(args: ForceUnlockArgs, io: CliIo): Promise<number> {
  const holder = await forceUnlock(statePathOf(args.state, io, args.env));
  io.stdout.write(
    holder === null
      ? 'The state record was not locked.\n'
      : `Removed the lock held by process ${holder.pid} on ${holder.host} since ${holder.time} (${holder.command}).\n`,
  );
  return 0;
}
