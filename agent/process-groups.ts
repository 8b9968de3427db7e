/**
 * Process groups of job children. A child spawned `detached` leads its own group (pgid = its
 * pid), so signalling `-pgid` reaches its grandchildren too. A recorded pgid may be reused by
 * an unrelated process after a reboot or a long time: before ending an orphan group, a member's
 * environment must carry the run's id (`SWITCHBOARD_RUN_ID`), which the command skill sets.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `signal` to every process of group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM: the group exists but is not ours to signal; nothing more can be done from here.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while any process of group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0 as unknown as NodeJS.Signals);
}

/** Pids of the live processes in group `pgid` (Linux /proc); empty elsewhere or when none. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Field 3 is the state (Z: a zombie, already dead), field 5 the process group.
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/** True when a member of group `pgid` carries `SWITCHBOARD_RUN_ID=<runId>` in its environment. */
export function groupBelongsToRun(pgid: number, runId: number): boolean {
  const wanted = `SWITCHBOARD_RUN_ID=${runId}`;
  return groupMembers(pgid).some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(wanted);
    } catch {
      return false;
    }
  });
}

/**
 * `endGroup` that blocks: for start-up, where the orphans of a dead run must be gone before
 * the run may be retried, and nothing else runs yet. Blocks at most about `graceMs`.
 */
export function endGroupNow(pgid: number, graceMs: number): void {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    Atomics.wait(pause, 0, 0, 25);
    if (groupMembers(pgid).length === 0) return;
  }
  signalGroup(pgid, 'SIGKILL');
  for (let spin = 0; spin < 40 && groupMembers(pgid).length > 0; spin++) Atomics.wait(pause, 0, 0, 25);
}

/**
 * Ends group `pgid`: SIGTERM now, SIGKILL after `graceMs` if anything is left. Resolves once
 * the group is gone or the SIGKILL was sent.
 */
export async function endGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, graceMs)));
    if (groupMembers(pgid).length === 0) return;
  }
  signalGroup(pgid, 'SIGKILL');
}
