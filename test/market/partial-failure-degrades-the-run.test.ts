/**
 * The market skill reports its failed parts the shared way: a symbol whose prices could not be
 * fetched while the others were (HTTP 500 from a loopback source, no cache) makes the run
 * `degraded` with the symbol named; one served from the cache after a failed fetch is named
 * `stale`; a model section whose call failed is named with the error kind; and when no symbol
 * has data the run is `failed`. Model calls through the real router to the simulator.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMarketSkill } from '../../skills/market/index.ts';
import { saveBars } from '../../memory/market-cache.ts';
import { useSimulator } from '../helpers/simulator.ts';
import { aSimulatedRouter, problemParts, runSkillOnce, SIMULATED_MODEL } from '../helpers/partial-runs.ts';
import { aSeries, aStore, toCsv } from './builders.ts';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { aContext as aBriefingContext, aRecordingDelivery } from '../briefing/builders.ts';

const simulator = useSimulator();
const NOW = new Date('2025-03-15T07:00:00Z');
let server: Server;
let base: string;

before(async () => {
  // GOOD and OTHER have prices; any other symbol answers 500.
  server = createServer((request, response) => {
    const symbol = new URL(request.url ?? '/', 'http://localhost').searchParams.get('s') ?? '';
    if (symbol === 'GOOD' || symbol === 'OTHER') {
      response.writeHead(200, { 'content-type': 'text/csv' }).end(toCsv(aSeries(40, (index) => (symbol === 'GOOD' ? 100 : 50) + index)));
    } else {
      response.writeHead(500).end('internal error');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function options(watchlist: string[], deepAnalysis = false): Record<string, unknown> {
  return { watchlist, deepAnalysis, source: { type: 'http', url: `${base}/prices?s={symbol}`, format: 'csv', timeout: 5_000 } };
}

test('one symbol cannot be fetched while another is: degraded, the symbol named, the report made', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, () => ({ text: 'GOOD rose on the week.' }));

  const run = await runSkillOnce(db, createMarketSkill(), options(['GOOD', 'BROKEN']), aSimulatedRouter(simulator.current, db), { now: NOW });

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [['symbol:BROKEN', 'unavailable']]);
  assert.match(run.error ?? '', /symbol:BROKEN \(unavailable\)/);
  const details = (run.result as { details: { figures: Array<{ symbol: string }> } }).details;
  assert.deepEqual(details.figures.map((figure) => figure.symbol), ['GOOD']);

  // The next briefing still has the market figures, and lists the degraded run with its part.
  const delivery = aRecordingDelivery();
  const later = new Date(NOW.getTime() + 3_600_000);
  await createBriefingSkill({ delivery }).run(aBriefingContext(db, { now: () => later, slot: later, idempotencyKey: 'briefing:market-test' }), new AbortController().signal);
  const mail = delivery.sent[0].text;
  assert.match(mail, /GOOD 1\d\d\.\d\d/, 'the market section shows the figures of the degraded run');
  assert.match(mail, /market: degraded .*symbol:BROKEN \(unavailable\)/);
});

test('a symbol served from the cache after a failed fetch is named stale', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  saveBars(db, 'BROKEN', aSeries(40, (index) => 10 + index), new Date('2025-03-13T07:00:00Z'));
  simulator.current.setResponder(SIMULATED_MODEL, () => ({ text: 'Quiet day.' }));

  const run = await runSkillOnce(db, createMarketSkill(), options(['GOOD', 'BROKEN']), aSimulatedRouter(simulator.current, db), { now: NOW });

  assert.equal(run.status, 'degraded');
  assert.deepEqual(problemParts(run), [['symbol:BROKEN', 'stale']]);
  const problem = (run.result as { problems: Array<{ message: string }> }).problems[0];
  assert.match(problem.message, /HTTP 500; using cached data fetched/);
});

test('the snapshot call fails (500 from the provider): the figures stand, the snapshot is the named part', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setFault(SIMULATED_MODEL, { fault: 'server' });

  const run = await runSkillOnce(db, createMarketSkill(), options(['GOOD', 'OTHER']), aSimulatedRouter(simulator.current, db), { now: NOW });

  assert.equal(run.status, 'degraded');
  assert.deepEqual(problemParts(run), [['snapshot', 'server']]);
});

test('no symbol has data: failed', async (t) => {
  const db = aStore();
  t.after(() => db.close());

  const run = await runSkillOnce(db, createMarketSkill(), options(['BROKEN', 'ALSO-BROKEN']), aSimulatedRouter(simulator.current, db), { now: NOW });

  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /no price data for any watchlist symbol: BROKEN: .*HTTP 500.*; ALSO-BROKEN: .*HTTP 500/);
  assert.equal(simulator.current.requests.length, 0);
});

test('everything fetched and both model calls answered: succeeded, no problems', async (t) => {
  const db = aStore();
  t.after(() => db.close());
  simulator.current.setResponder(SIMULATED_MODEL, () => ({ text: 'Both rose.' }));

  const run = await runSkillOnce(db, createMarketSkill(), options(['GOOD', 'OTHER'], true), aSimulatedRouter(simulator.current, db), { now: NOW });

  assert.equal(run.status, 'succeeded', run.error ?? '');
  assert.deepEqual(problemParts(run), []);
});
