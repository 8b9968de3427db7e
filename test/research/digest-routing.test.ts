import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../memory/store.ts';
import { searchMemory } from '../../memory/facts.ts';
import { createResearchSkill } from '../../skills/research/research-skill.ts';
import { listDigests } from '../../skills/research/digests.ts';
import { LARGE_CONTEXT_THRESHOLD, aContext, aDataDir, aScriptedRouter, aServer, fixture } from './builders.ts';

test('a batch of new items is one summarise call on the orchestration tier, stored as a digest', async () => {
  const server = await aServer({ '/rss': { body: fixture('rss.xml') }, '/tariffs': { body: fixture('article.html'), type: 'text/html' } });
  const db = openStore(':memory:');
  const dataDir = aDataDir();
  const router = aScriptedRouter();
  try {
    const result = await createResearchSkill().run(
      aContext(db, { feeds: [server.url('/rss')], pages: [server.url('/tariffs')] }, router, dataDir),
      new AbortController().signal,
    );
    assert.equal(router.calls.length, 1);
    const [{ routed, tier }] = router.calls;
    assert.equal(routed.task.kind, 'summarise');
    assert.equal(tier, 'orchestration');
    assert.ok(routed.task.inputTokens! > 0 && routed.task.inputTokens! < LARGE_CONTEXT_THRESHOLD);
    assert.deepEqual(routed.origin, { runId: 1, job: 'research', skill: 'research' });
    assert.equal(routed.request.responseSchema?.name, 'research_digest');

    const [digest] = listDigests(db);
    assert.equal(digest.title, 'Energy this week');
    assert.equal(digest.items.length, 4);
    assert.deepEqual(digest.items[0], {
      source: server.url('/rss'),
      title: 'Solar panel prices fall again',
      link: 'https://energy.example/solar-prices',
      published: '2025-03-03T08:00:00.000Z',
      summary: 'Summary of d1.',
    });
    const page = digest.items.find((item) => item.source === server.url('/tariffs'))!;
    assert.match(page.title, /Grid tariffs explained/);
    assert.equal(page.link, server.url('/tariffs'));
    assert.equal(result.details?.digestId, digest.id);
    assert.equal(result.details?.tier, 'orchestration');
    assert.match(result.summary, /^digest #1 "Energy this week": 4 new items from 2 sources$/);

    const note = readFileSync(join(dataDir, 'memory', '2025-03-05.md'), 'utf8');
    assert.match(note, /### research\n\nResearch digest #1 "Energy this week": 4 new items\./);
    assert.equal(searchMemory(db, 'research digest').length, 1, 'the note is searchable');
  } finally {
    db.close();
    await server.close();
  }
});

test('a digest over the large-context threshold is one request the size rule sends to large-context', async () => {
  const paragraph = 'Grid storage news and long analysis of market prices. '.repeat(60);
  const items = Array.from(
    { length: 120 },
    (_, index) =>
      `<item><title>Storage note ${index}</title><guid>n-${index}</guid><description>${paragraph}</description></item>`,
  ).join('');
  const server = await aServer({ '/big': { body: `<rss version="2.0"><channel><title>Big</title>${items}</channel></rss>` } });
  const db = openStore(':memory:');
  const router = aScriptedRouter();
  try {
    const result = await createResearchSkill().run(
      aContext(db, { feeds: [server.url('/big')], maxItems: 200 }, router),
      new AbortController().signal,
    );
    assert.equal(router.calls.length, 1, 'one request, not one per item');
    const [{ routed, tier }] = router.calls;
    assert.equal(routed.task.kind, 'summarise');
    assert.ok(routed.task.inputTokens! > LARGE_CONTEXT_THRESHOLD, `inputTokens ${routed.task.inputTokens}`);
    assert.equal(tier, 'large-context');
    assert.equal((result.details?.items as unknown[]).length, 120);
  } finally {
    db.close();
    await server.close();
  }
});

test('items past maxItems wait for the next run', async () => {
  const server = await aServer({ '/rss': { body: fixture('rss.xml') } });
  const db = openStore(':memory:');
  const router = aScriptedRouter();
  try {
    const options = { feeds: [server.url('/rss')], maxItems: 2 };
    const first = await createResearchSkill().run(aContext(db, options, router), new AbortController().signal);
    assert.equal(first.details?.deferred, 1);
    assert.match(first.summary, /1 left for the next run/);
    const second = await createResearchSkill().run(aContext(db, options, router), new AbortController().signal);
    assert.deepEqual((second.details?.items as { title: string }[]).map((item) => item.title), ["Battery storage: a buyer's guide"]);
  } finally {
    db.close();
    await server.close();
  }
});

test('a configured write-up goes to the reasoning tier with only the items on its topic', async () => {
  const server = await aServer({ '/rss': { body: fixture('rss.xml') }, '/atom': { body: fixture('atom.xml') } });
  const db = openStore(':memory:');
  const router = aScriptedRouter();
  try {
    const result = await createResearchSkill().run(
      aContext(db, { feeds: [server.url('/rss'), server.url('/atom')], writeUp: 'cycle lanes' }, router),
      new AbortController().signal,
    );
    assert.equal(router.calls.length, 2);
    const report = router.calls[1];
    assert.equal(report.routed.task.kind, 'report');
    assert.equal(report.tier, 'reasoning');
    assert.equal(report.routed.request.tools, undefined);
    const user = report.routed.request.messages[1].content;
    assert.equal(user.match(/<document /g)?.length, 1);
    assert.match(user, /New cycle lanes on Main Street/);
    assert.deepEqual(result.details?.writeUp, { topic: 'cycle lanes', text: 'A careful write-up.' });
    assert.deepEqual(listDigests(db)[0].writeUp, { topic: 'cycle lanes', text: 'A careful write-up.' });
  } finally {
    db.close();
    await server.close();
  }
});

test('an answer that is not JSON still makes a digest, with the text as its summary', async () => {
  const server = await aServer({ '/atom': { body: fixture('atom.xml') } });
  const db = openStore(':memory:');
  try {
    await createResearchSkill().run(
      aContext(db, { feeds: [server.url('/atom')] }, aScriptedRouter(() => 'Two council updates: lanes and solar.')),
      new AbortController().signal,
    );
    const [digest] = listDigests(db);
    assert.equal(digest.title, 'Research digest 2025-03-05');
    assert.equal(digest.summary, 'Two council updates: lanes and solar.');
    assert.deepEqual(digest.items.map((item) => item.summary), ['', '']);
  } finally {
    db.close();
    await server.close();
  }
});
