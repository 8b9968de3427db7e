/**
 * Opening the SQLite store: pragmas, numbered migrations, and the guard against a database
 * written by a newer Switchboard. Every other module in memory/ takes the `Database` this returns.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
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
 * Opens (creating if needed) the database at `path` (`:memory:` for tests), sets WAL,
 * foreign keys and a busy timeout, and applies pending migrations, each in its own
 * transaction. Throws `StoreVersionError` for a database from a newer version.
 */
export function openStore(path: string, options: { migrations?: Migration[]; readonly?: boolean } = {}): Store {
  const created = path !== ':memory:' && !existsSync(path);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false });
  // The store holds mail extractions and memory: only its owner reads it. SQLite gives the
  // -wal and -shm files the database file's mode, so this covers them too.
  if (created) chmodSync(path, 0o600);
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  try {
    migrate(db, path, options.migrations ?? listMigrations());
  } catch (error) {
    db.close();
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
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // BEGIN IMMEDIATE so that two processes starting at once cannot both migrate.
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      applied++;
    }).immediate();
  }
  return applied;
}
