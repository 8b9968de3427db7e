import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeed } from '../../skills/research/feed.ts';
import { SourceError } from '../../skills/research/fetch-source.ts';
import { extractPage } from '../../skills/research/page.ts';
import { fixture } from './builders.ts';

const SOURCE = 'http://127.0.0.1/feed';

test('RSS 2.0 items give guid, else link, as the key, with text from HTML', () => {
  const feed = parseFeed(fixture('rss.xml'), SOURCE);
  assert.equal(feed.title, 'Energy Notes');
  assert.deepEqual(
    feed.items.map((item) => item.key),
    ['energy-2025-001', 'https://energy.example/heat-pumps', 'https://energy.example/batteries'],
  );
  const [solar, , battery] = feed.items;
  assert.equal(solar.title, 'Solar panel prices fall again');
  assert.equal(solar.link, 'https://energy.example/solar-prices');
  assert.equal(solar.published, '2025-03-03T08:00:00.000Z');
  assert.equal(solar.text, 'Module prices dropped 12% this quarter & installers expect more.');
  assert.equal(solar.source, SOURCE);
  assert.match(battery.text, /Size a home battery/);
  assert.doesNotMatch(battery.text, /alert/, 'script text is not reading matter');
});

test('Atom entries give id as the key and the alternate link', () => {
  const feed = parseFeed(fixture('atom.xml'), SOURCE);
  assert.equal(feed.title, 'City Council Updates');
  const [lanes, solar] = feed.items;
  assert.equal(lanes.key, 'urn:example:council:entry-17');
  assert.equal(lanes.link, 'https://council.example/news/17');
  assert.equal(lanes.title, 'New cycle lanes on Main Street');
  assert.equal(lanes.text, 'Work starts in April and lasts six weeks.');
  assert.equal(solar.link, 'https://council.example/news/18');
  assert.equal(solar.published, '2025-03-03T12:00:00.000Z', 'updated stands in for published');
  assert.equal(solar.text, 'Residents can buy shares in a shared solar roof.');
});

test('an item with neither guid nor link is keyed by a hash of its content', () => {
  const xml = '<rss version="2.0"><channel><title>t</title><item><title>Only a title</title><description>and text</description></item></channel></rss>';
  const [item] = parseFeed(xml, SOURCE).items;
  assert.match(item.key, /^sha256:[0-9a-f]{64}$/);
  assert.equal(parseFeed(xml, SOURCE).items[0].key, item.key, 'the same content gives the same key');
});

test('a malformed feed is an error naming the source and the line', () => {
  assert.throws(
    () => parseFeed(fixture('malformed.xml'), SOURCE),
    (error: unknown) => error instanceof SourceError && error.source === SOURCE && /^http:\/\/127\.0\.0\.1\/feed: malformed feed: .*\(line \d+\)$/.test(error.message),
  );
});

test('a well-formed document that is not a feed says what it is', () => {
  assert.throws(() => parseFeed('<html><body>hi</body></html>', SOURCE), /not an RSS or Atom feed \(root element <html>\)/);
});

test('a page gives its readable text without navigation, scripts or footer', () => {
  const page = extractPage(fixture('article.html'));
  assert.match(page.title, /Grid tariffs explained/);
  assert.match(page.text, /Time-of-use tariffs charge different prices/);
  assert.match(page.text, /compare your last twelve months/);
  assert.doesNotMatch(page.text, /SCRIPT RAN|document\.title|About|© Energy Notes/);
});

test('a page without an article still gives its body text', () => {
  const page = extractPage('<html><head><title>Short</title></head><body><p>Just one line.</p></body></html>');
  assert.equal(page.title, 'Short');
  assert.equal(page.text, 'Just one line.');
});

test('the bundled samples read as file: sources, for a demo without a network', async () => {
  const { fetchSource } = await import('../../skills/research/fetch-source.ts');
  const { RESEARCH_SAMPLES_DIR } = await import('../../skills/research/research-skill.ts');
  const limits = { maxBytes: 1_000_000, timeoutMs: 1_000 };
  const rss = await fetchSource(new URL('rss.xml', RESEARCH_SAMPLES_DIR).href, limits, new AbortController().signal);
  assert.equal(parseFeed(rss.text, rss.url).items.length, 3);
  const atom = await fetchSource(new URL('atom.xml', RESEARCH_SAMPLES_DIR).href, limits, new AbortController().signal);
  assert.equal(parseFeed(atom.text, atom.url).items.length, 2);
  const page = await fetchSource(new URL('article.html', RESEARCH_SAMPLES_DIR).href, limits, new AbortController().signal);
  assert.match(extractPage(page.text).text, /Time-of-use tariffs/);
  await assert.rejects(
    fetchSource(new URL('rss.xml', RESEARCH_SAMPLES_DIR).href, { ...limits, maxBytes: 100 }, new AbortController().signal),
    /100-byte cap/,
  );
});
