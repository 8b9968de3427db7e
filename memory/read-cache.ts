/**
 * Reads that every model call makes of tables that almost never change (breakers, dead models,
 * the ledger's time zone), kept in memory for as long as nobody wrote them. Two stamps tell:
 * SQLite's `PRAGMA data_version`, which moves when another connection (another process, or
 * another connection of this one) commits, and a counter per connection that this process's
 * own writers of those tables bump (`noteOwnWrite`). One pragma read replaces the queries.
 *
 * Values are frozen: a caller never changes what the next caller reads. Inside a transaction
 * nothing is cached (what it reads may roll back).
 */
import type { Statement } from 'better-sqlite3';
import type { Store } from './store.ts';

interface Entry {
  dataVersion: number;
  ownWrites: number;
  value: unknown;
}

interface ConnectionCache {
  dataVersion: Statement;
  ownWrites: number;
  entries: Map<string, Entry>;
}

const caches = new WeakMap<Store, ConnectionCache>();

function cacheOf(db: Store): ConnectionCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { dataVersion: db.prepare('PRAGMA data_version').pluck(), ownWrites: 0, entries: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

/** This process wrote one of the cached tables on `db` (call it after the write, also one that may roll back). */
export function noteOwnWrite(db: Store): void {
  const cache = caches.get(db);
  if (cache) cache.ownWrites++;
}

/** `read()`'s value under `key`, read again only when the database changed since it was last read. */
export function cachedRead<T>(db: Store, key: string, read: () => T): T {
  // Inside a transaction a value may be one that rolls back: read it, never keep it.
  if (db.inTransaction) return read();
  const cache = cacheOf(db);
  const dataVersion = cache.dataVersion.get() as number;
  const entry = cache.entries.get(key);
  if (entry && entry.dataVersion === dataVersion && entry.ownWrites === cache.ownWrites) return entry.value as T;
  const value = deepFreeze(read());
  cache.entries.set(key, { dataVersion, ownWrites: cache.ownWrites, value });
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
