/**
 * Facts the agent and the user keep, and one full-text search (SQLite FTS5, bm25 ranking,
 * snippets) over facts, daily notes and mail extractions (memory/extractions.ts). User text never reaches FTS5 as syntax: `toFtsQuery` quotes every term.
 */
import type { Store } from './store.ts';

export interface Fact {
  id: number;
  text: string;
  /** Who recorded it: 'user', 'agent' or a job name. */
  source: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  /**
   * `owner`: the owner wrote or approved it. `untrusted`: learnt from a context that held mail,
   * pages, feeds or tool output; it is recalled into later prompts as untrusted data, never as trusted text.
   */
  origin: FactOrigin;
}

export type FactOrigin = 'owner' | 'untrusted';

export type MemoryKind = 'fact' | 'note' | 'extraction';

export interface MemoryHit {
  kind: MemoryKind;
  /** Row id in `facts`, `daily_notes` or `mail_extractions`. */
  ref: number;
  /** YYYY-MM-DD the entry belongs to. */
  day: string;
  text: string;
  /** The matching passage with terms wrapped in `[` `]`. */
  snippet: string;
  /** bm25 score: lower is a better match (SQLite's convention). */
  score: number;
}

/** Stores a fact (origin `owner` unless given) and indexes it (by trigger). Throws on empty text. */
export function addFact(db: Store, fact: { text: string; source?: string; origin?: FactOrigin; now?: Date }): Fact {
  const text = fact.text.trim();
  if (text === '') throw new Error('a fact needs some text');
  const createdAt = (fact.now ?? new Date()).toISOString();
  const source = fact.source ?? 'user';
  const origin = fact.origin ?? 'owner';
  const result = db.prepare('INSERT INTO facts (text, source, origin, created_at) VALUES (?, ?, ?, ?)').run(text, source, origin, createdAt);
  return { id: Number(result.lastInsertRowid), text, source, createdAt, origin };
}

/** Facts newest first; empty when there are none. */
export function listFacts(db: Store, options: { limit?: number } = {}): Fact[] {
  const rows = db
    .prepare('SELECT id, text, source, origin, created_at AS createdAt FROM facts ORDER BY id DESC LIMIT ?')
    .all(options.limit ?? -1) as Fact[];
  return rows;
}

/** Deletes a fact and its index entry; returns false when no fact has that id. */
export function forgetFact(db: Store, id: number): boolean {
  return db.prepare('DELETE FROM facts WHERE id = ?').run(id).changes > 0;
}

/**
 * Turns free text into an FTS5 query that cannot be a syntax error: every word becomes a
 * quoted string (quotes doubled), operators and punctuation are dropped, terms are OR-ed so
 * that bm25 ranks entries matching more of them first. Returns '' when no word is left.
 */
export function toFtsQuery(text: string): string {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  const unique = [...new Set(words.map((word) => word.toLowerCase()))].slice(0, 32);
  return unique.map((word) => `"${word.replaceAll('"', '""')}"`).join(' OR ');
}

/**
 * Ranked search over facts, daily notes and email extractions (best first). Returns [] for
 * a query with no searchable words. Indexes any new extractions first.
 */
export function searchMemory(
  db: Store,
  query: string,
  options: { limit?: number; kinds?: MemoryKind[] } = {},
): MemoryHit[] {
  const match = toFtsQuery(query);
  if (match === '') return [];
  syncExtractions(db);
  const kinds = options.kinds ?? ['fact', 'note', 'extraction'];
  const placeholders = kinds.map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT kind, ref, day, body AS text,
              snippet(memory_search, 0, '[', ']', '…', 16) AS snippet,
              bm25(memory_search) AS score
         FROM memory_search
        WHERE memory_search MATCH ? AND kind IN (${placeholders})
        ORDER BY score, ref DESC
        LIMIT ?`,
    )
    .all(match, ...kinds, options.limit ?? 10) as MemoryHit[];
  return rows.map((row) => ({ ...row, ref: Number(row.ref) }));
}

/** Rough token count used for prompt budgets: characters / 4, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface RelevantFacts {
  facts: Fact[];
  /** The facts as a Markdown list, ready for a prompt; '' when none. */
  text: string;
  /** estimateTokens(text), never above the cap. */
  tokens: number;
  /** The owner's facts only, as a list ('' when none): trusted text. */
  ownerText: string;
  /** Facts learnt from untrusted content, as a list ('' when none): to be sent as untrusted data only. */
  untrustedText: string;
}

/**
 * The facts most relevant to `query`, best first, as many as fit in `tokenCap` tokens
 * (chars/4) once rendered as a list. A fact too long for what is left is skipped, not cut.
 * Each keeps its origin: `ownerText` and `untrustedText` split the same list by it.
 */
export function relevantFacts(db: Store, query: string, tokenCap: number): RelevantFacts {
  const hits = searchMemory(db, query, { kinds: ['fact'], limit: 50 });
  const facts: Fact[] = [];
  let text = '';
  let ownerText = '';
  let untrustedText = '';
  for (const hit of hits) {
    const line = `- ${hit.text}\n`;
    if (estimateTokens(text + line) > tokenCap) continue;
    const row = db
      .prepare('SELECT id, text, source, origin, created_at AS createdAt FROM facts WHERE id = ?')
      .get(hit.ref) as Fact | undefined;
    if (!row) continue;
    text += line;
    if (row.origin === 'owner') ownerText += line;
    else untrustedText += line;
    facts.push(row);
  }
  return { facts, text, tokens: estimateTokens(text), ownerText, untrustedText };
}

/**
 * Indexes mail extractions stored since the last sync: sender, subject, summary and
 * action items, on the day the mail was sent (stored, without a Date header). A message's
 * row and its action items are written in one transaction (`storeMessage`), so a row seen
 * here is complete. One statement, so two processes syncing at once cannot index a row twice.
 * Returns how many rows were indexed.
 */
export function syncExtractions(db: Store): number {
  return db
    .prepare(
      `INSERT INTO memory_search (body, kind, ref, day)
       SELECT concat_ws(' ', e.from_name, e.from_address, e.subject, e.summary,
                        (SELECT group_concat(a.text, ' ') FROM mail_action_items a WHERE a.extraction_id = e.id)),
              'extraction', e.id, substr(COALESCE(e.sent_at, e.created_at), 1, 10)
         FROM mail_extractions e
        WHERE e.id > (SELECT COALESCE(MAX(ref), 0) FROM memory_search WHERE kind = 'extraction')
        ORDER BY e.id`,
    )
    .run().changes;
}
