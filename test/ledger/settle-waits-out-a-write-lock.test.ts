/**
 * A finished model call's ledger row survives another process holding the database's write
 * lock for seconds: the router retries the write asynchronously with backoff (each attempt
 * blocks the event loop for one short busy timeout at most) and the row lands once the lock
 * is released. Past the retry window the call fails honestly: the run that made it is
 * `failed` with the reason, even when its skill swallowed the error. The lock is held by a
 * real second process; model calls go through the real router to the loopback simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { listCalls } from '../../memory/ledger.ts';
import { listReservations } from '../../memory/budget.ts';
import { getRun } from '../../memory/runs.ts';
import { openStore, type Store } from '../../memory/store.ts';
import { useSimulator } from '../helpers/simulator.ts';
import { aSimulatedRouter, runSkillOnce, SIMULATED_MODEL } from '../helpers/partial-runs.ts';
import type { Skill } from '../../skills/types.ts';

const simulator = useSimulator();

function aDatabase(): { path: string; db: Store } {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-ledger-lock-')), 'switchboard.db');
  return { path, db: openStore(path) };
}

/**
 * Another process takes the write lock on `path` (BEGIN IMMEDIATE and a write) and holds it
 * for `holdMs`. Resolves the moments it locked and released, as that process saw them.
 */
function holdWriteLock(path: string, holdMs: number): { locked: Promise<number>; released: Promise<number> } {
  const script = `
    import Database from 'better-sqlite3';
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO kv (key, value, updated_at) VALUES ('test.lock', 'held', 'now')").run();
    console.log('locked ' + Date.now());
    setTimeout(() => { db.exec('COMMIT'); db.close(); console.log('released ' + Date.now()); }, ${holdMs});
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const moment = (word: string) =>
    new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => line.startsWith(word) && resolve(Number(line.split(' ')[1])));
      // 'close', not 'exit': the last line may still be in the pipe when the process exits.
      child.on('close', () => reject(new Error(`the lock holder exited before "${word}"`)));
    });
  const locked = moment('locked');
  const released = moment('released');
  released.catch(() => undefined);
  return { locked, released };
}

/**
 * Runs `work` under a 10 ms interval and returns, with its value, `stallAfter(moment)`: the
 * longest time past its due tick the interval waited, counting only ticks after `moment`
 * (epoch ms), i.e. how long the event loop was blocked once the lock was held.
 */
async function measuringStalls<T>(work: () => Promise<T>): Promise<{ value: T; stallAfter: (moment: number) => number }> {
  const gaps: Array<{ at: number; lateMs: number }> = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push({ at: Date.now(), lateMs: now - last - 10 });
    last = now;
  }, 10);
  try {
    const value = await work();
    return { value, stallAfter: (moment) => Math.max(0, ...gaps.filter((gap) => gap.at > moment).map((gap) => gap.lateMs)) };
  } finally {
    clearInterval(timer);
  }
}

test('a write lock held 3 s while a call settles: the row is written after the release, the event loop never blocked', async (t) => {
  const { path, db } = aDatabase();
  t.after(() => db.close());
  const router = aSimulatedRouter(simulator.current, db);
  const request = { messages: [{ role: 'user' as const, content: 'Say hi.' }] };
  // A first call without the lock loads the SDK and warms every path, so the stall measured
  // below is the settle's alone.
  await router.complete({ task: { tier: 'orchestration' }, request });
  let holder: ReturnType<typeof holdWriteLock> | undefined;
  // The lock is taken while the provider is answering, so the reservation was made before it.
  simulator.current.setResponder(SIMULATED_MODEL, () => {
    holder ??= holdWriteLock(path, 3_000);
    return { fault: 'delay', ms: 1_500 };
  });

  const { value: response, stallAfter } = await measuringStalls(() => router.complete({ task: { tier: 'orchestration' }, request }));
  const answeredAt = Date.now();

  assert.ok(holder, 'the simulator saw the call');
  const lockedAt = await holder.locked;
  const releasedAt = await holder.released;
  assert.ok(lockedAt < answeredAt - 2_000, 'the lock was held while the call settled');
  assert.ok(answeredAt >= releasedAt, 'the call returned only once its row could be written');
  const calls = listCalls(db);
  assert.equal(calls.length, 2, 'the warm-up call and the one that settled under the lock');
  assert.equal(calls[1].id, response.callId);
  assert.equal(calls[1].outcome, 'ok');
  assert.equal(listReservations(db).length, 0, 'the reservation was swapped for the row');
  // From the moment the other process held the lock (the holder's start-up is not ours to count).
  const stallMs = stallAfter(lockedAt);
  assert.ok(stallMs < 300, `the event loop was blocked ${stallMs.toFixed(0)} ms at most`);
  t.diagnostic(`longest event-loop stall while the lock was held: ${stallMs.toFixed(0)} ms; lock held ${releasedAt - lockedAt} ms`);
});

/** A skill that makes one call and, like a lenient skill might, carries on when it fails. */
const forgivingSkill: Skill = {
  name: 'one-call',
  description: 'one model call, errors swallowed',
  async run(context, signal) {
    try {
      await context.router.complete({ task: { tier: 'orchestration' }, request: { messages: [{ role: 'user', content: 'Say hi.' }] } }, signal);
      return { summary: 'answered' };
    } catch (error) {
      return { summary: `carried on without the answer: ${(error as Error).message}` };
    }
  },
};

test('a lock held past the retry window: the call fails honestly and its run is failed with the reason', async (t) => {
  const { path, db } = aDatabase();
  t.after(() => db.close());
  const router = aSimulatedRouter(simulator.current, db, undefined, { ledgerWriteWaitMs: 1_000 });
  let holder: ReturnType<typeof holdWriteLock> | undefined;
  simulator.current.setResponder(SIMULATED_MODEL, () => {
    holder ??= holdWriteLock(path, 3_000);
    return { fault: 'delay', ms: 1_000 };
  });

  const { value: returned, stallAfter } = await measuringStalls(() => runSkillOnce(db, forgivingSkill, {}, router, { job: 'one-call' }));
  const stallMs = stallAfter(await holder!.locked);
  await holder!.released;
  // The run's end was itself waiting on the lock: it is written once the lock is gone.
  const deadline = Date.now() + 15_000;
  while (getRun(db, returned.id)?.status === 'running' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const run = getRun(db, returned.id)!;

  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /1 model call\(s\) not recorded in the ledger: the ledger row of a worker call .* could not be written within 1 s \(database is locked\): the call is not in the bill/);
  assert.equal(listCalls(db).length, 0, 'no row was invented');
  assert.ok(stallMs < 300, `the event loop was blocked ${stallMs.toFixed(0)} ms at most`);
});
