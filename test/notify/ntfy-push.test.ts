/**
 * ntfy pushes for urgent items, through the real CLI against a loopback HTTP server: off by
 * default (no request at all), on with `notify.ntfy` (one POST per item, each item once, with
 * the Bearer token read from the named environment variable), the token never in the output,
 * logs or data dir; a server that fails or hangs is logged and leaves the run's outcome alone;
 * bad settings are refused by `config check` with exit 2 naming the key path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createProposal } from '../../memory/approvals.ts';
import { openStore } from '../../memory/store.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const TOKEN = 'tk_ntfy-canary-5f1e0c9a7b';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function aNtfyServer(answer: 'ok' | 'error' | 'hang' = 'ok'): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (answer === 'hang') return;
      response.writeHead(answer === 'ok' ? 200 : 500, { 'content-type': 'application/json' });
      response.end(answer === 'ok' ? '{"id":"x"}' : '{"error":"boom"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function aWorkspace(notify: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-ntfy-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'providers: { p: { api: openai, keyless: true } }',
      'models: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }',
      'tiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }',
      'flagship: gpt-5.6-sol',
      'timezone: UTC',
      'jobs:',
      '  morning-briefing: { schedule: "0 7 * * *", skill: briefing, enabled: false }',
      '  broken: { schedule: "0 3 * * *", skill: command, options: { command: [sh, -c, "echo disk gone >&2; exit 3"] } }',
      '  fine: { schedule: "0 4 * * *", skill: command, options: { command: [sh, -c, "echo ok"] } }',
      notify,
      '',
    ].join('\n'),
  );
  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, '--config', config, '--data-dir', join(dir, 'data'), ...args], {
        env: { PATH: process.env.PATH, HOME: dir, NTFY_TOKEN: TOKEN },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', reject);
      child.once('exit', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
  const dataFiles = () => readdirSync(join(dir, 'data'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return { cli, dataFiles, databasePath: join(dir, 'data', 'switchboard.db') };
}

const ntfyConfig = (url: string, extra = '') => `notify:\n  ntfy: { url: "${url}", topic: sb-alerts, tokenEnv: NTFY_TOKEN, priority: urgent${extra} }`;

test('off by default: a failed run pushes nothing', async (t) => {
  const server = await aNtfyServer();
  t.after(() => server.close());
  const { cli } = aWorkspace('');
  const run = await cli('run', 'broken');
  assert.equal(run.status, 1, run.stderr);
  assert.equal(server.received.length, 0);
});

test('on: one POST per failed run, each once, with the Bearer token from the environment and never in the output or data', async (t) => {
  const server = await aNtfyServer();
  t.after(() => server.close());
  const { cli, dataFiles, databasePath } = aWorkspace(ntfyConfig(server.url));

  const first = await cli('run', 'broken');
  assert.match(first.stdout, /^run 1 broken: failed/);
  // A mail's injected instruction became a proposal meanwhile (filed by another process).
  const db = openStore(databasePath);
  const proposal = createProposal(db, { kind: 'remember', payload: { fact: 'IBAN DE00 9999' }, summary: 'remember: IBAN DE00 9999', reason: 'untrusted mail', source: { kind: 'mail' } });
  db.close();
  const fine = await cli('run', 'fine');
  assert.equal(fine.status, 0, fine.stderr);
  const second = await cli('run', 'broken');
  assert.match(second.stdout, /^run 3 broken: failed/);

  assert.equal(server.received.length, 3, JSON.stringify(server.received.map((request) => request.headers.title)));
  const [push, approval, next] = server.received;
  assert.equal(approval.headers.title, `Approval waiting: #${proposal.id} remember`);
  assert.match(approval.body, new RegExp(`switchboard approvals show ${proposal.id}`));
  assert.doesNotMatch(approval.body, /IBAN/, "a mail's words stay home");
  assert.equal(push.method, 'POST');
  assert.equal(push.url, '/sb-alerts');
  assert.equal(push.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(push.headers.priority, 'urgent');
  assert.equal(push.headers.title, 'Job broken failed (run #1)');
  assert.match(push.body, /disk gone[\s\S]*switchboard runs show 1/);
  assert.equal(next.headers.title, 'Job broken failed (run #3)');

  for (const output of [first, fine, second]) {
    assert.ok(!output.stdout.includes(TOKEN) && !output.stderr.includes(TOKEN), 'the token is in no output or log');
  }
  assert.match(first.stderr, /"event":"notify-sent"/);
  for (const file of dataFiles()) assert.ok(!readFileSync(file).includes(TOKEN), `the token is not stored (${file})`);
});

test('a server that fails or never answers is logged; the run keeps its own outcome', async (t) => {
  const failing = await aNtfyServer('error');
  const hanging = await aNtfyServer('hang');
  t.after(async () => {
    await failing.close();
    await hanging.close();
  });
  const refused = aWorkspace(ntfyConfig(failing.url));
  const run = await refused.cli('run', 'broken');
  assert.match(run.stdout, /^run 1 broken: failed — .*exit.*3/);
  assert.match(run.stderr, /"event":"notify-failed".*HTTP 500/);
  assert.equal(failing.received.length, 1);

  const slow = aWorkspace(ntfyConfig(hanging.url, ', timeout: 300ms'));
  const started = Date.now();
  const late = await slow.cli('run', 'fine');
  assert.equal(late.status, 0, late.stderr);
  assert.equal(hanging.received.length, 0, 'a succeeded run is nothing urgent');
  const broken = await slow.cli('run', 'broken');
  assert.match(broken.stdout, /^run 2 broken: failed/);
  assert.match(broken.stderr, /"event":"notify-failed".*no answer .* within 300 ms/);
  assert.ok(Date.now() - started < 50_000);
});

test('bad notify settings are refused by config check with exit 2 naming the key path', async () => {
  const cases: [string, RegExp][] = [
    [`notify:\n  ntfy: { url: "not a url", topic: sb-alerts }`, /notify\.ntfy\.url/],
    [`notify:\n  ntfy: { url: "http://127.0.0.1:1", topic: "has spaces" }`, /notify\.ntfy\.topic/],
    [`notify:\n  ntfy: { url: "http://127.0.0.1:1", topic: t, tokenEnv: "${TOKEN}" }`, /notify\.ntfy\.tokenEnv: .*NAME of an environment variable/],
    [`notify:\n  ntfy: { url: "http://127.0.0.1:1", topic: t, priority: 9 }`, /notify\.ntfy\.priority/],
    [`notify:\n  ntfy: { url: "http://127.0.0.1:1", topic: t, token: abc }`, /notify\.ntfy: unknown key "token"/],
  ];
  for (const [yaml, expected] of cases) {
    const check = await aWorkspace(yaml).cli('config', 'check');
    assert.equal(check.status, 2, `${yaml}\n${check.stdout}${check.stderr}`);
    assert.match(check.stderr, expected);
    assert.ok(!check.stderr.includes(TOKEN), 'a token written where its variable name belongs is not echoed');
  }
});
