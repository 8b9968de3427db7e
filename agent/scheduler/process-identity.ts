/**
 * Telling a live process from a dead one across restarts and reboots. A pid alone is not
 * enough: after a reboot the new daemon may get the very pid its crashed predecessor had.
 * On Linux the identity adds the boot id and the process start time (field 22 of
 * /proc/PID/stat), which together never repeat; elsewhere it falls back to the pid.
 */
import { readFileSync } from 'node:fs';

let bootId: string | undefined;

function readBootId(): string {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = '';
    }
  }
  return bootId;
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** A string naming this incarnation of process `pid`: `pid:boot:start` on Linux, `pid` elsewhere. */
export function processIdentity(pid: number = process.pid): string {
  const start = startTime(pid);
  return start === undefined ? String(pid) : `${pid}:${readBootId()}:${start}`;
}

/** True when the process that wrote `identity` (or `pid`, when no identity was kept) still runs. */
export function isProcessAlive(pid: number | null | undefined, identity?: string | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!identity || !identity.includes(':')) return true;
  return processIdentity(pid) === identity;
}
