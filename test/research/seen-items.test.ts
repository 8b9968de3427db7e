import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../memory/store.ts';
import { createResearchSkill } from '../../skills/research/research-skill.ts';
import { listDigests } from '../../skills/research/digests.ts';
import { aContext, aDataDir, aScriptedRouter, aServer, fixture, type Route } from './builders.ts';

const NEW_ITEM = `<item><title>Solar tariffs for exports</title><link>https://energy.example/export</link>
  <guid>energy-2025-004</guid><pubDate>Tue, 04 Mar 2025 08:00:00 GMT</pubDate><description>Export tariffs rise.</description></item>`;

test('items are summarised once, across restarts of the process', async () => {
  const routes: Record<string, Route> = { '/rss': { body: fixture('rss.xml') }, '/atom': { body: fixture('atom.xml') } };
  const server = await aServer(routes);
  const dataDir = aDataDir();
  const path = join(dataDir, 'switchboard.db');
  const options = { feeds: [server.url('/rss'), server.url('/atom')] };
  const skill = createResearchSkill();
  try {
    const router = aScriptedRouter();
    let db = openStore(path);
    const first = await skill.run(aContext(db, options, router, dataDir), new AbortController().signal);
    assert.equal((first.details?.items as unknown[]).length, 5);
    db.close();

    db = openStore(path); // a restart: nothing kept in memory
    const second = await skill.run(aContext(db, options, router, dataDir), new AbortController().signal);
    assert.match(second.summary, /^no new items from 2 sources$/);
    assert.equal(router.calls.length, 1, 'no model call when nothing is new');
    db.close();

    routes['/rss'] = { body: fixture('rss.xml').replace('<item>', `${NEW_ITEM}<item>`) };
    db = openStore(path);
    const third = await skill.run(aContext(db, options, router, dataDir), new AbortController().signal);
    const items = third.details?.items as { title: string; link: string }[];
    assert.deepEqual(items.map((item) => item.title), ['Solar tariffs for exports']);
    assert.equal(router.calls.length, 2);
    assert.equal(listDigests(db).length, 2);
    db.close();
  } finally {
    await server.close();
  }
});

test('with topics set, only items mentioning one are kept, case-insensitively', async () => {
  const server = await aServer({ '/rss': { body: fixture('rss.xml') }, '/atom': { body: fixture('atom.xml') } });
  const db = openStore(':memory:');
  try {
    const result = await createResearchSkill().run(
      aContext(db, { feeds: [server.url('/rss'), server.url('/atom')], topics: ['SOLAR'] }, aScriptedRouter()),
      new AbortController().signal,
    );
    const titles = (result.details?.items as { title: string }[]).map((item) => item.title).sort();
    // The battery guide mentions solar only in its body: bodies count too.
    assert.deepEqual(titles, ["Battery storage: a buyer's guide", 'Community solar scheme opens', 'Solar panel prices fall again']);
  } finally {
    db.close();
    await server.close();
  }
});

test('a malformed feed is reported by name while the other sources are summarised', async () => {
  const server = await aServer({
    '/rss': { body: fixture('rss.xml') },
    '/broken': { body: fixture('malformed.xml') },
    '/gone': { body: 'gone', status: 410 },
  });
  const db = openStore(':memory:');
  try {
    const result = await createResearchSkill().run(
      aContext(db, { feeds: [server.url('/broken'), server.url('/rss'), server.url('/gone')] }, aScriptedRouter()),
      new AbortController().signal,
    );
    const failures = result.details?.failures as { source: string; error: string }[];
    assert.deepEqual(failures.map((failure) => failure.source), [server.url('/broken'), server.url('/gone')]);
    assert.match(failures[0].error, /\/broken: malformed feed: .*line \d+/);
    assert.match(failures[1].error, /\/gone: HTTP 410/);
    assert.equal((result.details?.items as unknown[]).length, 3);
    assert.match(result.summary, /3 new items from 3 sources; 2 failed: .*\/broken, .*\/gone$/);
  } finally {
    db.close();
    await server.close();
  }
});

test('when every source fails the run fails, naming each', async () => {
  const server = await aServer({ '/broken': { body: fixture('malformed.xml') } });
  const db = openStore(':memory:');
  try {
    await assert.rejects(
      createResearchSkill().run(aContext(db, { feeds: [server.url('/broken'), server.url('/none')] }, aScriptedRouter()), new AbortController().signal),
      /every source failed: .*\/broken: malformed feed.*; .*\/none: HTTP 404/,
    );
  } finally {
    db.close();
    await server.close();
  }
});

test('bad options name the key path', async () => {
  const db = openStore(':memory:');
  await assert.rejects(
    createResearchSkill().run(aContext(db, { feeds: ['ftp://x'], topicz: [] }, aScriptedRouter()), new AbortController().signal),
    /jobs\.research\.options\.feeds\.0: an http\(s\) or file URL/,
  );
  await assert.rejects(createResearchSkill().run(aContext(db, {}, aScriptedRouter()), new AbortController().signal), /at least one of feeds or pages/);
  db.close();
});
