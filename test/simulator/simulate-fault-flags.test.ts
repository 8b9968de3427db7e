// `switchboard simulate --fault ...` through the real CLI process and the real provider clients:
// a user rehearses a rate limit, a hang and a cut stream against the daemon's own SDK path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createOpenAIProvider } from '../../agent/providers/openai.ts';
import { createAnthropicProvider } from '../../agent/providers/anthropic.ts';
import { parseFaultSpec } from '../../agent/simulator/fault-spec.ts';
import { aModel, aProviderSpec, aRequest } from '../helpers/builders.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

async function aSimulatorProcess(...faults: string[]): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
  const child = spawn(process.execPath, [BIN, 'simulate', '--port', '0', ...faults.flatMap((fault) => ['--fault', fault])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${lines.join('\n')}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      const found = lines.map((line) => /listening on (http:\/\/[\d.]+:\d+)/.exec(line)).find(Boolean);
      if (found) {
        clearTimeout(timer);
        resolveUrl(found[1]);
      }
    });
  });
  return { child, url, lines };
}

const stop = (child: ChildProcess) => new Promise((resolveExit) => (child.once('exit', resolveExit), child.kill('SIGTERM')));

test('--fault 429:retry-after=5 answers every model with a 429 carrying retry-after 5, classified rate_limited', async (t) => {
  const simulator = await aSimulatorProcess('429:retry-after=5');
  t.after(() => stop(simulator.child));
  assert.ok(simulator.lines.some((line) => /fault injected for every model: .*"rate_limit".*"retryAfterSeconds":5/.test(line)), simulator.lines.join('\n'));

  const raw = await fetch(`${simulator.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify({ model: 'any-model', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(raw.status, 429);
  assert.equal(raw.headers.get('retry-after'), '5');

  const openai = createOpenAIProvider(aProviderSpec({ api: 'openai', baseURL: `${simulator.url}/v1` }));
  await assert.rejects(openai.complete(aModel({ apiModel: 'gpt-4o-mini' }), aRequest()), { kind: 'rate_limited', retryAfterMs: 5_000 });
});

test('--fault hang@MODEL hangs that model only: its call times out, another model answers', async (t) => {
  const simulator = await aSimulatorProcess('hang@slow-model');
  t.after(() => stop(simulator.child));
  const anthropic = createAnthropicProvider(aProviderSpec({ api: 'anthropic', baseURL: simulator.url, timeoutMs: 500 }));

  await assert.rejects(anthropic.complete(aModel({ apiModel: 'slow-model' }), aRequest()), { kind: 'timeout' });
  const answer = await anthropic.complete(aModel({ apiModel: 'other-model' }), aRequest());
  assert.match(answer.text, /simulated other-model/);
});

test('--fault cut-after=N starts a streamed answer, then cuts it: classified stream_cut', async (t) => {
  const simulator = await aSimulatorProcess('cut-after=3');
  t.after(() => stop(simulator.child));
  const openai = createOpenAIProvider(aProviderSpec({ api: 'openai', baseURL: `${simulator.url}/v1` }));

  await assert.rejects(openai.complete(aModel({ apiModel: 'gpt-4o-mini' }), aRequest({ stream: true, maxOutputTokens: 200 })), { kind: 'stream_cut' });
});

test('a malformed --fault exits 2 naming the value and the accepted forms, before listening', () => {
  const result = spawnSync(process.execPath, [BIN, 'simulate', '--port', '0', '--fault', '429:retry-after=soon'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--fault "429:retry-after=soon": retry-after must be a whole number/);
  assert.match(result.stderr, /cut-after=N/);
  assert.doesNotMatch(result.stdout, /listening/);
});

test('every documented form parses to the simulator fault it names', () => {
  assert.deepEqual(parseFaultSpec('429'), { model: '*', fault: { fault: 'rate_limit' } });
  assert.deepEqual(parseFaultSpec('500@gpt-4o'), { model: 'gpt-4o', fault: { fault: 'server' } });
  assert.deepEqual(parseFaultSpec('503').fault, { fault: 'unavailable' });
  assert.deepEqual(parseFaultSpec('529').fault, { fault: 'overloaded' });
  assert.deepEqual(parseFaultSpec('401').fault, { fault: 'auth' });
  assert.deepEqual(parseFaultSpec('delay=250').fault, { fault: 'delay', ms: 250 });
  assert.deepEqual(parseFaultSpec('drop').fault, { fault: 'drop' });
  assert.deepEqual(parseFaultSpec('malformed').fault, { fault: 'malformed' });
  assert.deepEqual(parseFaultSpec('context-too-long').fault, { fault: 'context_too_long' });
  assert.deepEqual(parseFaultSpec('cut-after=200').fault, { fault: 'cut', afterChunks: 200 });
  assert.throws(() => parseFaultSpec('hang:forever'), /"hang" takes no parameters/);
  assert.throws(() => parseFaultSpec('teapot'), /unknown fault/);
});
