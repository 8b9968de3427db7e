import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchSource, SourceError } from '../../skills/research/fetch-source.ts';
import { aServer, fixture } from './builders.ts';

const LIMITS = { maxBytes: 64 * 1024, timeoutMs: 2_000 };
const TOTAL = 64 * 1024 * 1024;

test('a feed is fetched over HTTP with its text decoded', async () => {
  const server = await aServer({ '/rss': { body: fixture('rss.xml') } });
  try {
    const fetched = await fetchSource(server.url('/rss'), LIMITS, new AbortController().signal);
    assert.match(fetched.text, /<title>Energy Notes<\/title>/);
    assert.match(fetched.contentType, /rss\+xml/);
  } finally {
    await server.close();
  }
});

test('a body past the size cap is refused without reading it all', async () => {
  let written = 0;
  let reportClosed: (writtenAtClose: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (reportClosed = resolve));
  const server = await aServer({
    // Offers 64 MiB in 16 KiB chunks with no content-length, so only the stream cap can stop it.
    '/huge': (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.on('close', () => reportClosed(written));
      const chunk = 'x'.repeat(16 * 1024);
      const pump = () => {
        while (written < TOTAL) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    },
    '/declared': { body: 'y'.repeat(100 * 1024) },
  });
  try {
    await assert.rejects(
      fetchSource(server.url('/huge'), LIMITS, new AbortController().signal),
      (error: unknown) => error instanceof SourceError && /\/huge: response larger than the 65536-byte cap/.test(error.message),
    );
    await assert.rejects(fetchSource(server.url('/declared'), LIMITS, new AbortController().signal), /65536-byte cap/);
    const writtenAtClose = await closed;
    assert.ok(writtenAtClose < TOTAL, `the client dropped the connection after ${writtenAtClose} of ${TOTAL} bytes`);
  } finally {
    await server.close();
  }
});

test('a server that never answers times out with an error naming the source', async () => {
  const server = await aServer({ '/slow': () => undefined });
  try {
    await assert.rejects(
      fetchSource(server.url('/slow'), { ...LIMITS, timeoutMs: 200 }, new AbortController().signal),
      (error: unknown) => error instanceof SourceError && /\/slow: no complete answer within 200 ms \(timeout\)/.test(error.message),
    );
  } finally {
    await server.close();
  }
});

test('the job\'s abort signal stops a fetch and is rethrown as the abort', async () => {
  const server = await aServer({ '/slow': () => undefined });
  const controller = new AbortController();
  try {
    const pending = fetchSource(server.url('/slow'), LIMITS, controller.signal);
    controller.abort(new Error('job cancelled'));
    await assert.rejects(pending, /job cancelled/);
  } finally {
    await server.close();
  }
});

test('HTTP errors, bad URLs and other schemes are errors naming the source', async () => {
  const server = await aServer({});
  try {
    await assert.rejects(fetchSource(server.url('/missing'), LIMITS, new AbortController().signal), /\/missing: HTTP 404/);
    await assert.rejects(fetchSource('not a url', LIMITS, new AbortController().signal), /^SourceError: not a url: not a valid URL/);
    await assert.rejects(fetchSource('ftp://127.0.0.1/x', LIMITS, new AbortController().signal), /unsupported scheme ftp:/);
  } finally {
    await server.close();
  }
});
