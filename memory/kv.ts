/**
 * A small key-value table for process-wide facts that must survive restarts (the last
 * time a job was reconciled, the simulator's port, a schema note). Values are strings;
 * callers serialise anything else themselves.
 */
import type { Store } from './store.ts';
import { noteOwnWrite } from './read-cache.ts';

/** The value stored under `key`, or undefined when there is none. */
export function getKv(db: Store, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/** Stores `value` under `key`, replacing any previous value. */
export function setKv(db: Store, key: string, value: string, now: Date = new Date()): void {
  db.prepare(
    `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(key, value, now.toISOString());
  // Some keys are read through the per-call cache (the ledger's time zone): a write here is seen at once.
  noteOwnWrite(db);
}

/** Removes `key`; returns whether it existed. */
export function deleteKv(db: Store, key: string): boolean {
  const deleted = db.prepare('DELETE FROM kv WHERE key = ?').run(key).changes > 0;
  noteOwnWrite(db);
  return deleted;
}
