import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, redact } from '../../agent/logger.ts';

function aSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, lines };
}

test('a known secret never reaches a log line, wherever it appears', async () => {
  const sink = aSink();
  const logger = createLogger({ level: 'info', secrets: ['hunter2-imap-password', 'AIzaSyExampleGoogleKey'], destination: sink.stream });
  logger.info({ event: 'imap-login', error: 'LOGIN failed for me@example.org with hunter2-imap-password' }, 'login failed');
  logger.warn({ nested: { url: 'https://example.org/?key=AIzaSyExampleGoogleKey' } }, 'fetch');
  await new Promise((resolve) => setImmediate(resolve));
  const text = sink.lines.join('');
  assert.equal(sink.lines.length, 2);
  assert.doesNotMatch(text, /hunter2-imap-password|AIzaSyExampleGoogleKey/);
  assert.equal(text.match(/\[redacted\]/g)?.length, 2);
  for (const line of sink.lines) assert.doesNotThrow(() => JSON.parse(line), 'each line is still JSON');
});

test('key-shaped strings are redacted even when config never saw them', () => {
  assert.equal(redact('pasted sk-ant-api03-abcdefghijklmnopqrstuv into a task', []), 'pasted [redacted] into a task');
  assert.equal(redact('OPENAI sk-proj-ABCDEFGHIJKLMNOPQRST1234', []), 'OPENAI [redacted]');
});

test('levels come from config: below the level nothing is written', async () => {
  const sink = aSink();
  const logger = createLogger({ level: 'warn', destination: sink.stream });
  logger.info('quiet');
  logger.error('loud');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sink.lines.length, 1);
  assert.equal(JSON.parse(sink.lines[0]).level, 'error');
});
