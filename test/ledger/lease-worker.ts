/**
 * A child process for leases-across-processes.test.ts: one router's budget leases on the shared
 * database, `attempts` admit → pause → settle cycles, `concurrency` at a time, worst cases and
 * costs varying; prints how many were admitted and the writes it ran as one JSON line.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createBudgetLeases } from '../../memory/budget-lease.ts';
import { RETRY_BUSY_TIMEOUT_MS, retryWrite, withBusyTimeout } from '../../memory/busy-retry.ts';
import type { BudgetCaps } from '../../memory/budget.ts';
import { setKv } from '../../memory/kv.ts';
import { openStore } from '../../memory/store.ts';

export async function runLeases(path: string, attempts: number, concurrency: number, caps: BudgetCaps, label: string, participants: number): Promise<{ admitted: number; refused: number; writes: number }> {
  const db = openStore(path);
  setKv(db, `ready:${label}`, '1');
  while ((db.prepare("SELECT COUNT(*) FROM kv WHERE key LIKE 'ready:%'").pluck().get() as number) < participants) await delay(5);
  const leases = createBudgetLeases(db);
  const now = new Date('2025-06-15T12:00:00Z');
  let admitted = 0;
  let refused = 0;
  let remaining = attempts;
  async function lane(): Promise<void> {
    while (remaining > 0) {
      const index = remaining--;
      const worstCase = 0.02 + (index % 7) / 100;
      // As the router does: a write the lock refuses (five processes on one file, a loaded machine) is retried.
      const result = await retryWrite(() =>
        withBusyTimeout(db, RETRY_BUSY_TIMEOUT_MS, () => leases.reserve({ day: '2025-06-15', month: '2025-06', tier: 'execution', job: label, model: 'm', amountUsd: worstCase, createdAt: now }, caps)),
      { baseDelayMs: 5 });
      if (!result.ok) {
        refused++;
        await delay(Math.random() * 3);
        continue;
      }
      admitted++;
      await delay(Math.random() * 4);
      const costUsd = worstCase * (0.4 + (index % 6) / 10);
      const ticket = result.ticket;
      await retryWrite(() => withBusyTimeout(db, RETRY_BUSY_TIMEOUT_MS, () => leases.settle(ticket, {
        startedAt: now,
        tier: 'execution',
        provider: 'p',
        model: 'm',
        usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
        costUsd,
        flagshipCostUsd: costUsd,
        latencyMs: 1,
        outcome: 'ok',
        simulated: false,
        job: label,
      }, caps)), { baseDelayMs: 5 });
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => lane()));
  await retryWrite(() => withBusyTimeout(db, RETRY_BUSY_TIMEOUT_MS, () => leases.release()), { baseDelayMs: 5 });
  db.close();
  return { admitted, refused, writes: leases.writes };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [path, attempts, concurrency, caps, label, participants] = process.argv.slice(2);
  const result = await runLeases(path, Number(attempts), Number(concurrency), JSON.parse(caps) as BudgetCaps, label, Number(participants));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
