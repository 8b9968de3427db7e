/**
 * A child process for concurrent-reservations.test.ts: makes `attempts` reserve → pause →
 * settle cycles against the shared database, `concurrency` of them interleaved at a time,
 * and prints how many were admitted as one JSON line.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { openStore } from '../../memory/store.ts';
import { reserveBudget, settleReservation, type BudgetCaps } from '../../memory/budget.ts';
import { ledgerPeriod } from '../../memory/ledger.ts';
import { setKv } from '../../memory/kv.ts';

export const COST_USD = 0.125;

export async function runReservations(
  path: string,
  attempts: number,
  concurrency: number,
  caps: BudgetCaps,
  label: string,
  participants: number,
): Promise<{ admitted: number; refused: number }> {
  const db = openStore(path);
  // A start line in the database itself, so that no participant runs ahead while others boot.
  setKv(db, `ready:${label}`, '1');
  while ((db.prepare("SELECT COUNT(*) FROM kv WHERE key LIKE 'ready:%'").pluck().get() as number) < participants) {
    await delay(5);
  }
  let admitted = 0;
  let refused = 0;
  let remaining = attempts;
  const now = new Date('2025-06-15T12:00:00Z');
  const { day, month } = ledgerPeriod(now);
  async function lane(): Promise<void> {
    while (remaining > 0) {
      remaining--;
      const result = reserveBudget(db, { day, month, tier: 'execution', job: label, model: 'm', amountUsd: COST_USD, createdAt: now }, caps);
      if (!result.ok) {
        refused++;
        await delay(Math.random() * 3);
        continue;
      }
      admitted++;
      await delay(Math.random() * 5);
      settleReservation(db, result.reservationId, {
        startedAt: now,
        tier: 'execution',
        provider: 'p',
        model: 'm',
        usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
        costUsd: COST_USD,
        flagshipCostUsd: COST_USD,
        latencyMs: 1,
        outcome: 'ok',
        simulated: false,
        job: label,
      });
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => lane()));
  db.close();
  return { admitted, refused };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [path, attempts, concurrency, caps, label, participants] = process.argv.slice(2);
  const result = await runReservations(path, Number(attempts), Number(concurrency), JSON.parse(caps) as BudgetCaps, label, Number(participants));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
