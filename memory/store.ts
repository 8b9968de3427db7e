/**
 * Opening the SQLite store: pragmas, numbered migrations, and the guard against a database
 * written by a newer Switchboard. Every other module in memory/ takes the `Database` this returns.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenDataDir } from './permissions.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Store = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The shipped migrations in order: files named `NNN-name.sql` in memory/migrations. */
export function listMigrations(directory: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(directory)
    .filter((file) => /^\d{3}-[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(join(directory, file), 'utf8'),
    }));
}

export class StoreVersionError extends Error {
  constructor(path: string, found: number, known: number) {
    super(
      `database ${path} is at schema version ${found}, but this Switchboard knows versions up to ${known}: ` +
        'it was written by a newer release. Upgrade Switchboard, or point --data-dir at another folder.',
    );
    this.name = 'StoreVersionError';
  }
}

/**
 * How long one statement waits for another process's write lock before SQLITE_BUSY. Short on
 * purpose: better-sqlite3 is synchronous, so this wait blocks the event loop. Writes that must
 * land (slot claims, run ends) retry asynchronously instead (memory/busy-retry.ts).
 */
export const BUSY_TIMEOUT_MS = 250;

/** The database file is not a Switchboard database, or is damaged. Nothing was written to it. */
export class StoreUnreadableError extends Error {
  readonly path: string;
  constructor(path: string, detail: string) {
    super(
      `database ${path} is not a readable Switchboard database (${detail}). Nothing was written to it. ` +
        'Move it aside and restore a backup, or point --data-dir at another folder; `switchboard doctor` runs the integrity check.',
    );
    this.name = 'StoreUnreadableError';
    this.path = path;
  }
}

/** The data directory holds no database: a reading command refuses rather than create one. */
export class StoreMissingError extends Error {
  constructor(path: string) {
    super(`no Switchboard data at ${dirname(path)} (no ${path.slice(dirname(path).length + 1)}); start the daemon or run a job there first, or pass --data-dir`);
    this.name = 'StoreMissingError';
  }
}

const UNREADABLE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

/** True for better-sqlite3's "this file is damaged or not a database" errors. */
export function isUnreadableDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREADABLE_CODES.has(code);
}

export interface OpenStoreOptions {
  migrations?: Migration[];
  readonly?: boolean;
  /** Refuse (StoreMissingError) instead of creating the file and its directory. */
  mustExist?: boolean;
  /** Run `PRAGMA quick_check` before any write; a damaged file throws StoreUnreadableError. */
  check?: boolean;
}

/**
 * Opens (creating if needed, unless `mustExist`) the database at `path` (`:memory:` for
 * tests), sets WAL, foreign keys and a short busy timeout, and applies pending migrations,
 * each in its own transaction. Throws `StoreVersionError` for a database from a newer
 * version, `StoreUnreadableError` for a damaged or foreign file (before writing anything),
 * `StoreMissingError` when `mustExist` and there is no file.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const created = path !== ':memory:' && !existsSync(path);
  if (path !== ':memory:') {
    if (options.mustExist && created) throw new StoreMissingError(path);
    if (!options.readonly) ensurePrivateDir(dirname(path));
  }
  let db: Store;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? false });
  } catch (error) {
    if (isUnreadableDatabase(error)) throw new StoreUnreadableError(path, (error as Error).message);
    throw error;
  }
  // The store holds mail extractions and memory: only its owner reads it. SQLite gives the
  // -wal and -shm files the database file's mode, so this covers them too.
  if (created) chmodSync(path, PRIVATE_FILE_MODE);
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Reading the schema first: a foreign or damaged header fails here, before any pragma writes.
    db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
    if (options.check) {
      const verdict = db.pragma('quick_check(5)', { simple: false }) as Array<{ quick_check: string }>;
      const problems = verdict.map((row) => row.quick_check).filter((line) => line !== 'ok');
      if (problems.length > 0) throw new StoreUnreadableError(path, `integrity check: ${problems.join('; ').slice(0, 300)}`);
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    migrate(db, path, options.migrations ?? listMigrations());
    // The WAL and SHM exist now; they, the database and the rest of the data dir are private.
    if (path !== ':memory:' && !options.readonly) tightenDataDir(dirname(path));
  } catch (error) {
    db.close();
    if (isUnreadableDatabase(error)) throw new StoreUnreadableError(path, (error as Error).message);
    throw error;
  }
  return db;
}

/** Applies the migrations newer than the database's `user_version`; returns how many ran. */
export function migrate(db: Store, path: string, migrations: Migration[]): number {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new StoreVersionError(path, current, latest);
  let applied = 0;
  // A migration may rebuild a table (SQLite's way to change a CHECK): with foreign keys on, the
  // DROP of the old table would cascade into its children. They are off while migrating (the
  // pragma is a no-op inside a transaction) and checked before each commit.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      // BEGIN IMMEDIATE so that two processes starting at once cannot both migrate.
      db.transaction(() => {
        const now = db.pragma('user_version', { simple: true }) as number;
        if (now >= migration.version) return;
        db.exec(migration.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${migration.version}-${migration.name} broke ${broken.length} foreign key(s)`);
        db.pragma(`user_version = ${migration.version}`);
        applied++;
      }).immediate();
    }
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
  return applied;
}
