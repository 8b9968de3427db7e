/**
 * Research state in SQLite: which items were already summarised (`seen_items`, kept across
 * restarts) and the digests themselves (`research_digests`, read by the briefing).
 */
import type { Store } from '../../memory/store.ts';

export interface DigestItem {
  source: string;
  title: string;
  /** From the feed or the page URL, never from model output. */
  link?: string;
  published?: string;
  /** The model's one- or two-sentence summary of the item; '' when it gave none. */
  summary: string;
}

export interface Digest {
  id: number;
  job: string;
  runId?: number;
  createdAt: string;
  title: string;
  summary: string;
  items: DigestItem[];
  writeUp?: { topic: string; text: string };
  model?: string;
  costUsd: number;
}

export type NewDigest = Omit<Digest, 'id'>;

/** The keys of `keys` not yet seen for `source`, in the order given. */
export function unseenKeys(db: Store, source: string, keys: string[]): string[] {
  const seen = db.prepare('SELECT 1 FROM seen_items WHERE source = ? AND item_key = ?');
  return keys.filter((key) => !seen.get(source, key));
}

/**
 * Stores a digest and marks its items seen in one transaction: if the process dies before
 * the commit, the items are summarised again next run rather than lost. Returns the id.
 */
export function storeDigest(db: Store, digest: NewDigest, seen: { source: string; key: string }[]): number {
  return db.transaction(() => {
    const result = db
      .prepare(
        `INSERT INTO research_digests (job, run_id, created_at, title, summary, items, write_up, write_up_topic, model, cost_usd)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        digest.job,
        digest.runId ?? null,
        digest.createdAt,
        digest.title,
        digest.summary,
        JSON.stringify(digest.items),
        digest.writeUp?.text ?? null,
        digest.writeUp?.topic ?? null,
        digest.model ?? null,
        digest.costUsd,
      );
    const id = Number(result.lastInsertRowid);
    const mark = db.prepare(
      'INSERT INTO seen_items (source, item_key, seen_at, digest_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    for (const item of seen) mark.run(item.source, item.key, digest.createdAt, id);
    return id;
  })();
}

interface DigestRow {
  id: number;
  job: string;
  run_id: number | null;
  created_at: string;
  title: string;
  summary: string;
  items: string;
  write_up: string | null;
  write_up_topic: string | null;
  model: string | null;
  cost_usd: number;
}

/** Digests newest first, optionally for one job and since an ISO instant; [] when none. */
export function listDigests(db: Store, options: { job?: string; since?: string; limit?: number } = {}): Digest[] {
  const rows = db
    .prepare(
      `SELECT * FROM research_digests
        WHERE (@job IS NULL OR job = @job) AND (@since IS NULL OR created_at >= @since)
        ORDER BY created_at DESC, id DESC LIMIT @limit`,
    )
    .all({ job: options.job ?? null, since: options.since ?? null, limit: options.limit ?? 20 }) as DigestRow[];
  return rows.map((row) => ({
    id: row.id,
    job: row.job,
    ...(row.run_id !== null ? { runId: row.run_id } : {}),
    createdAt: row.created_at,
    title: row.title,
    summary: row.summary,
    items: JSON.parse(row.items) as DigestItem[],
    ...(row.write_up !== null ? { writeUp: { topic: row.write_up_topic ?? '', text: row.write_up } } : {}),
    ...(row.model !== null ? { model: row.model } : {}),
    costUsd: row.cost_usd,
  }));
}
