/**
 * Research reports its failed parts the shared way: a feed that answers 500 while another is
 * read makes the run `degraded` with the source named (the digest is still made and stored),
 * a write-up whose model call fails leaves the digest standing and is named too, and when
 * every source fails the run is `failed` with each one on its row. Feeds over a loopback HTTP
 * server; model calls through the real router to the simulator. `runs show`, `runs`, `status`
 * and the briefing's overnight jobs show the degraded run with its parts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResearchSkill } from '../../skills/research/research-skill.ts';
import { jobOutcomesSince } from '../../skills/briefing/ledger-sources.ts';
import { renderRunDetail, renderRunList } from '../../agent/cli/commands/runs.ts';
import { formatStatus, type StatusReport } from '../../agent/cli/commands/status.ts';
import { paintFor } from '../../agent/cli/terminal.ts';
import { openStore } from '../../memory/store.ts';
import type { ResponderRequest, ScriptStep } from '../../agent/simulator/types.ts';
import { useSimulator } from '../helpers/simulator.ts';
import { aSimulatedRouter, problemParts, runSkillOnce, SIMULATED_MODEL } from '../helpers/partial-runs.ts';
import { aDataDir, aServer, fixture } from './builders.ts';

const simulator = useSimulator();
const NOW = new Date('2025-03-05T07:00:00Z');

/** A digest naming every document; the write-up request gets `writeUp`. */
function digestOr(writeUp: ScriptStep) {
  return (request: ResponderRequest): ScriptStep => {
    if (request.promptText.includes('considered briefing note')) return writeUp;
    const ids = [...request.promptText.matchAll(/<document id="(d\d+)"/g)].map((match) => match[1]);
    return { json: { title: 'Energy this week', summary: `Digest of ${ids.length} items.`, items: ids.map((id) => ({ id, summary: `Summary of ${id}.` })) } };
  };
}

async function feeds() {
  return aServer({
    '/good': { body: fixture('rss.xml') },
    '/down': (_request, response) => void response.writeHead(500, { 'content-type': 'text/plain' }).end('upstream broke'),
  });
}

test('one feed answers 500, another is read: degraded, the source named, the digest stored', async (t) => {
  const server = await feeds();
  const db = openStore(':memory:');
  t.after(async () => (db.close(), await server.close()));
  simulator.current.setResponder(SIMULATED_MODEL, digestOr({ text: 'A note.' }));

  const run = await runSkillOnce(db, createResearchSkill(), { feeds: [server.url('/good'), server.url('/down')] }, aSimulatedRouter(simulator.current, db), {
    now: NOW,
    dataDir: aDataDir(),
  });

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [[`source:${server.url('/down')}`, 'http']]);
  assert.match(run.error ?? '', /1 part\(s\) failed: source:http:\/\/127\.0\.0\.1:\d+\/down \(http\)/);
  const digests = db.prepare('SELECT COUNT(*) AS count FROM research_digests').get() as { count: number };
  assert.equal(digests.count, 1, 'the digest of the feed that worked is stored');

  // Every reader of runs shows it, parts included.
  const plain = paintFor({ isTTY: false });
  const detail = renderRunDetail(run, [], 'UTC', plain);
  assert.match(detail, /research \(research\) degraded/);
  assert.match(detail, /failed parts:\n {2}source:http:\/\/127\.0\.0\.1:\d+\/down \(http\): .*HTTP 500/);
  assert.match(renderRunList([run], 'UTC', plain, 200), /degraded .*source:http:\/\/127\.0\.0\.1:\d+\/down \(http\)/);
  const report: StatusReport = {
    daemon: { running: false },
    jobs: [{ name: 'research', skill: 'research', schedule: '0 7 * * *', enabled: true, timezone: 'UTC', nextSlot: null, lastRun: { id: run.id, slot: run.slot, status: run.status, endedAt: run.endedAt, error: run.error } }],
    breakers: [],
    timezone: 'UTC',
    today: '2025-03-05',
    spendTodayUsd: 0,
    deadModels: [],
    callFaults: [],
    pendingProposals: 0,
  };
  const status = formatStatus(report, plain);
  assert.match(status, /research last degraded \(run \d+.*\): 1 part\(s\) failed: source:.*\/down \(http\)/);
  const overnight = jobOutcomesSince(db, new Date(NOW.getTime() - 3_600_000));
  assert.deepEqual(
    overnight.map((outcome) => [outcome.job, outcome.status]),
    [['research', 'degraded']],
  );
  assert.match(overnight[0].error ?? '', /source:.*\/down \(http\)/);
});

test('the write-up call fails: the digest stands, the write-up is the named part', async (t) => {
  const server = await feeds();
  const db = openStore(':memory:');
  t.after(async () => (db.close(), await server.close()));
  simulator.current.setResponder(SIMULATED_MODEL, digestOr({ fault: 'server' }));

  const run = await runSkillOnce(
    db,
    createResearchSkill(),
    { feeds: [server.url('/good')], writeUp: { topic: 'solar' } },
    aSimulatedRouter(simulator.current, db),
    { now: NOW, dataDir: aDataDir() },
  );

  assert.equal(run.status, 'degraded', run.error ?? '');
  assert.deepEqual(problemParts(run), [['write-up', 'server']]);
  const digests = db.prepare('SELECT COUNT(*) AS count FROM research_digests').get() as { count: number };
  assert.equal(digests.count, 1);
});

test('every source fails: failed, each source on the row', async (t) => {
  const server = await feeds();
  const db = openStore(':memory:');
  t.after(async () => (db.close(), await server.close()));

  const run = await runSkillOnce(db, createResearchSkill(), { feeds: [server.url('/down'), server.url('/gone')] }, aSimulatedRouter(simulator.current, db), {
    now: NOW,
    dataDir: aDataDir(),
  });

  assert.equal(run.status, 'failed');
  assert.deepEqual(problemParts(run), [
    [`source:${server.url('/down')}`, 'http'],
    [`source:${server.url('/gone')}`, 'http'],
  ]);
  assert.match(run.error ?? '', /every source failed/);
  assert.equal(simulator.current.requests.length, 0, 'no model call for nothing');
});
