/**
 * Reads that every model call makes of rows that almost never change (breakers, dead models,
 * the ledger's time zone, the budget lease's own row), kept in memory for as long as nobody
 * wrote them. Two stamps tell:
 * - SQLite's `PRAGMA data_version`, which moves when another connection (another process, or
 *   another connection of this one) commits. It is read at most once per turn of the event
 *   loop and connection: a turn's cached reads see the database as it was at the turn's first
 *   one, and another process's commit is seen from the next turn on. (A turn is synchronous:
 *   it could not tell a commit made during it from one made just after it.)
 * - A counter of this process's own writes of those rows (`noteOwnWrite`), shared by every
 *   connection of the process, so a write through any connection here is seen at once.
 *
 * Values are frozen: a caller never changes what the next caller reads. Inside a transaction
 * the stamp is read in the transaction's own snapshot, and nothing read there is kept (it may
 * roll back); a value kept from before is used only while the snapshot still matches it. That
 * read also serves as the turn's stamp when it is the turn's first.
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
  /** The stamp read in turn `turn`, outside any transaction. */
  stamp: number;
  turn: number;
  entries: Map<string, Entry>;
}

const caches = new WeakMap<Store, ConnectionCache>();
/** Writes of cached rows by this process, on any connection. */
let ownWrites = 0;
/** Turns of the event loop in which a stamp was read; moves once the current turn ends. */
let turn = 1;
let turnEndScheduled = false;

function endOfTurn(): void {
  turn++;
  turnEndScheduled = false;
}

function cacheOf(db: Store): ConnectionCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { dataVersion: db.prepare('PRAGMA data_version').pluck(), stamp: -1, turn: 0, entries: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

/** The connection's `data_version` for this turn: read once, then remembered until the turn ends. */
function stampOf(cache: ConnectionCache): number {
  if (cache.turn !== turn) markTurn(cache, cache.dataVersion.get() as number);
  return cache.stamp;
}

function markTurn(cache: ConnectionCache, dataVersion: number): void {
  cache.stamp = dataVersion;
  cache.turn = turn;
  if (!turnEndScheduled) {
    turnEndScheduled = true;
    setImmediate(endOfTurn).unref();
  }
}

/** This process wrote one of the cached rows (call it after the write, also one that may roll back). */
export function noteOwnWrite(_db?: Store): void {
  ownWrites++;
}

/** `read()`'s value under `key`, read again only when the database changed since it was last read. */
export function cachedRead<T>(db: Store, key: string, read: () => T): T {
  const cache = cacheOf(db);
  if (db.inTransaction) {
    // The transaction's own snapshot decides; what it reads may roll back, so it is not kept.
    const dataVersion = cache.dataVersion.get() as number;
    // Read in this turn, it is the turn's stamp too if none was read yet (a commit of this connection does not move it).
    if (cache.turn !== turn) markTurn(cache, dataVersion);
    const entry = cache.entries.get(key);
    if (entry && entry.ownWrites === ownWrites && entry.dataVersion === dataVersion) return entry.value as T;
    return read();
  }
  const dataVersion = stampOf(cache);
  const entry = cache.entries.get(key);
  if (entry && entry.dataVersion === dataVersion && entry.ownWrites === ownWrites) return entry.value as T;
  // A write of this process inside `read` (none today) would land after the stamp: keep the older count.
  const writesBefore = ownWrites;
  const value = deepFreeze(read());
  cache.entries.set(key, { dataVersion, ownWrites: writesBefore, value });
  return value;
}

/** Keys cached for `db` (tests: what a long-running process keeps). */
export function cachedKeys(db: Store): string[] {
  return [...(caches.get(db)?.entries.keys() ?? [])];
}

/** Forgets a cached value (its row was deleted or re-keyed by this process). */
export function forgetCached(db: Store, key: string): void {
  caches.get(db)?.entries.delete(key);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
