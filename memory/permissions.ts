/**
 * The data dir holds the database (every mail extraction, the ledger), the memory files and
 * the outbox: only the daemon's user may read it. Directories are 0700, files 0600; files
 * created by an older release (or copied from a template with its mode) are tightened.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The process umask that makes every new file 0600 and directory 0700. */
export const PRIVATE_UMASK = 0o077;

/**
 * The umask the owner's shell gave the process, before bin/switchboard.js set PRIVATE_UMASK
 * (it keeps it in `globalThis.switchboardOwnerUmask`); 022 when Switchboard was not started
 * through bin (tests, the library entry point). For files written outside the data dir.
 */
export function ownerUmask(): number {
  const kept = (globalThis as { switchboardOwnerUmask?: unknown }).switchboardOwnerUmask;
  return typeof kept === 'number' ? kept : 0o022;
}

/** Folders of the data dir whose files are tightened too (one level down). */
const PRIVATE_FOLDERS = ['outbox', 'memory'];

/** Creates `path` (and parents) when missing; makes it 0700 either way. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(path);
}

/** Removes group and other permission bits from `path` (not following a symlink); missing is fine. */
export function tighten(path: string): void {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? PRIVATE_DIR_MODE : stat.mode & 0o700;
    if ((stat.mode & 0o777) !== wanted) chmodSync(path, wanted);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Makes `dataDir` 0700 (creating it) and removes group and other bits from every file in it,
 * in `outbox/` and in `memory/`: the database with its WAL and SHM, the memory files, daily
 * notes, mail written to the outbox, token and lock files. Other folders are made 0700 only.
 */
export function tightenDataDir(dataDir: string): void {
  ensurePrivateDir(dataDir);
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    tighten(path);
    if (!PRIVATE_FOLDERS.includes(name)) continue;
    try {
      if (!lstatSync(path).isDirectory()) continue;
      for (const inner of readdirSync(path)) tighten(join(path, inner));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
