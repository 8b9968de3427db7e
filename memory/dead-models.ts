/**
 * Models a provider declared dead (404: retired, unknown or not accessible), kept in the
 * `dead_models` table so that every process skips them until the model's config or catalogue
 * entry changes. The router decides when a model dies; this file only reads and writes.
 */
import type { Statement } from 'better-sqlite3';
import type { Store } from './store.ts';
import { cachedRead, noteOwnWrite } from './read-cache.ts';

export interface DeadModel {
  /** The configured model id. */
  model: string;
  provider: string;
  /** The name that was sent to the API. */
  apiModel: string;
  /** Hash of the model's resolved spec when it died (see `modelFingerprint` in the router). */
  fingerprint: string;
  status: number | null;
  /** The provider's words, key redacted. */
  message: string;
  /** ISO time of the 404. */
  detectedAt: string;
  /** Ledger id of the call that got the 404. */
  callId: number | null;
}

interface RawDeadModel {
  model: string;
  provider: string;
  api_model: string;
  fingerprint: string;
  status: number | null;
  message: string;
  detected_at: string;
  call_id: number | null;
}

function toDeadModel(raw: RawDeadModel): DeadModel {
  return {
    model: raw.model,
    provider: raw.provider,
    apiModel: raw.api_model,
    fingerprint: raw.fingerprint,
    status: raw.status,
    message: raw.message,
    detectedAt: raw.detected_at,
    callId: raw.call_id,
  };
}

/** Records (or re-records) `dead` as dead; the latest 404 wins. */
export function markModelDead(db: Store, dead: DeadModel): void {
  db.prepare(
    `INSERT INTO dead_models (model, provider, api_model, fingerprint, status, message, detected_at, call_id)
     VALUES (@model, @provider, @apiModel, @fingerprint, @status, @message, @detectedAt, @callId)
     ON CONFLICT (model) DO UPDATE SET provider = excluded.provider, api_model = excluded.api_model,
       fingerprint = excluded.fingerprint, status = excluded.status, message = excluded.message,
       detected_at = excluded.detected_at, call_id = excluded.call_id`,
  ).run(dead);
  noteOwnWrite(db);
}

const listStatements = new WeakMap<Store, Statement>();

/** Every dead model, by model id; empty when none. Read on every routed call: prepared once per connection. */
export function listDeadModels(db: Store): DeadModel[] {
  let statement = listStatements.get(db);
  if (!statement) {
    statement = db.prepare('SELECT * FROM dead_models ORDER BY model');
    listStatements.set(db, statement);
  }
  const list = statement;
  return cachedRead(db, 'dead-models', () => (list.all() as RawDeadModel[]).map(toDeadModel));
}

/** Forgets a dead model (its config or catalogue entry changed); returns whether one was there. */
export function clearDeadModel(db: Store, model: string): boolean {
  const cleared = db.prepare('DELETE FROM dead_models WHERE model = ?').run(model).changes > 0;
  noteOwnWrite(db);
  return cleared;
}

/**
 * One line per dead model for the briefing ("Model o3 (openai) is retired or unreachable
 * since 2026-12-11: ... It is skipped until its config changes."); empty when none.
 */
export function deadModelLines(db: Store): string[] {
  return listDeadModels(db).map(
    (dead) =>
      `Model ${dead.model} (${dead.provider}, "${dead.apiModel}") answered ${dead.status ?? 'not found'} on ${dead.detectedAt.slice(0, 10)}: ` +
      `it is skipped until its config or catalogue entry changes. ${dead.message}`,
  );
}
