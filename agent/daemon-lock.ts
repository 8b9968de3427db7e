/**
 * The data directory's daemon lock file and the heartbeat key: what `start` takes and what
 * `status` reads. Kept apart from daemon.ts so that reading it loads no scheduler or services.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive, processIdentity } from './scheduler/process-identity.ts';

export const LOCK_FILE = 'switchboard.pid';
export const HEARTBEAT_KEY = 'daemon.heartbeat';

export interface LockInfo {
  pid: number;
  identity: string;
  startedAt: string;
  configPath: string;
}

export class DaemonLockedError extends Error {
  constructor(path: string, holder: LockInfo) {
    super(
      `another Switchboard daemon (pid ${holder.pid}, started ${holder.startedAt}) is running on this data directory ` +
        `(lock ${path}); stop it first, or use another --data-dir`,
    );
    this.name = 'DaemonLockedError';
  }
}

/** The lock file's content, or undefined when there is none (or it is unreadable). */
export function readDaemonLock(dataDir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** True when the lock file names a live process. */
export function daemonAlive(lock: LockInfo | undefined): boolean {
  return lock !== undefined && isProcessAlive(lock.pid, lock.identity);
}

/**
 * Takes the data directory's daemon lock (exclusive create). A lock left by a dead process
 * is taken over; a live holder makes it throw `DaemonLockedError`. Returns the release function.
 */
export function acquireDaemonLock(dataDir: string, configPath: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, identity: processIdentity(), startedAt: new Date().toISOString(), configPath };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${JSON.stringify(info)}\n`);
      closeSync(fd);
      return () => {
        if (readDaemonLock(dataDir)?.identity === info.identity) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readDaemonLock(dataDir);
      if (holder && daemonAlive(holder)) throw new DaemonLockedError(path, holder);
      // Stale: the holder died without cleaning up. Remove it and race once more for it.
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first; the next exclusive create decides.
      }
    }
  }
  const holder = readDaemonLock(dataDir);
  throw new DaemonLockedError(path, holder ?? { ...info, pid: 0, startedAt: 'unknown' });
}
