/**
 * The canary test: every secret (provider keys, the IMAP password, the SMTP password from a
 * file, the Google client secret and refresh token) is set to a unique canary, every shipped
 * skill runs through the real CLI and daemon against the simulator, Dovecot, an SMTP sink and
 * a Google fake, including a failing `command` job whose child prints its whole environment
 * to stdout and stderr. Then the whole data dir (every table of the database dumped), every
 * log line, every CLI command's output, every request the simulator and the Google fake saw
 * and every mail the sink received are searched: no canary anywhere it was not sent to on
 * purpose (a provider's own key in its own auth header, Google's token endpoint, the login).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import Database from 'better-sqlite3';
import { startSimulator } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { demoResponder } from '../../agent/demo/simulated-answers.ts';
import { createScratchRepo, SCRATCH_TASK } from '../../agent/demo/scratch-repo.ts';
import { loadSampleMessages } from '../../agent/demo/sample-mailbox.ts';
import { MARKET_SAMPLES_DIR } from '../../agent/demo/demo-config.ts';
import { DOVECOT_SKIP, startDovecot, type DovecotServer } from '../helpers/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startGoogleFake, type GoogleFake } from '../helpers/google-fake.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'switchboard.js');

/** One canary per secret; each is unique and shaped so no other text can contain it by chance. */
const CANARY = {
  openai: 'sk-canaryopenai-4b1d9e7f2a6c8035',
  anthropic: 'sk-ant-canaryanthropic-7e2f4c9a1b',
  imap: 'canary-imap-password-5f8a2d6c3e',
  smtp: 'canary-smtp-password-9c3e7a1f4d',
  googleSecret: 'canary-google-client-secret-2d7b',
  googleRefresh: '1//canary-google-refresh-token-8e4f',
};
const ENV = {
  SB_CANARY_OPENAI: CANARY.openai,
  SB_CANARY_ANTHROPIC: CANARY.anthropic,
  SB_CANARY_IMAP: CANARY.imap,
  SB_CANARY_GOOGLE_SECRET: CANARY.googleSecret,
  SB_CANARY_GOOGLE_REFRESH: CANARY.googleRefresh,
};

/** Where a canary was found: `place` names the file, table, command or request. */
interface Hit {
  place: string;
  canary: string;
}

function hitsIn(place: string, text: string, canaries: string[] = Object.values(CANARY)): Hit[] {
  return canaries.filter((canary) => text.includes(canary)).map((canary) => ({ place, canary }));
}

const DUMP_ENV = 'env; env >&2';

let simulator: Simulator;
let dovecot: DovecotServer | undefined;
let sink: SmtpSink;
let google: GoogleFake;
let dir: string;
let dataDir: string;
let configPath: string;
const outputs: Array<{ command: string; stdout: string; stderr: string; status: number | null }> = [];

interface CliResult {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** The real CLI in a child process; asynchronous, so the simulator and fakes in this process keep answering. */
async function cli(...args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, '--config', configPath, '--data-dir', dataDir, ...args], {
    env: { ...process.env, ...ENV, HOME: dir, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number | null>((resolveStatus) => child.on('close', (code) => resolveStatus(code)));
  clearTimeout(timer);
  const result = { stdout, stderr, status };
  if (process.env.CANARY_DEBUG) process.stderr.write(`# ${args.join(" ")} -> ${status} ${Date.now() - started}ms\n${stderr.slice(-800)}\n`);
  outputs.push({ command: args.join(' '), ...result });
  return result;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-canary-'));
  dataDir = join(dir, 'data');
  configPath = join(dir, 'config.yaml');
  simulator = await startSimulator();
  sink = await startSmtpSink();
  google = await startGoogleFake({
    refreshToken: CANARY.googleRefresh,
    calendars: { primary: [{ id: 'e1', summary: 'Dentist', start: { dateTime: new Date(Date.now() + 3_600_000).toISOString() }, end: { dateTime: new Date(Date.now() + 7_200_000).toISOString() } }] },
  });
  if (!DOVECOT_SKIP) {
    dovecot = await startDovecot({ password: CANARY.imap });
    for (const message of loadSampleMessages(new Date(), 'UTC')) await dovecot.append(message.source);
  }
  const repo = join(dataDir, 'repos', 'slug');
  mkdirSync(repo, { recursive: true });
  await createScratchRepo(repo);
  const passwordFile = join(dir, 'smtp-password');
  writeFileSync(passwordFile, `${CANARY.smtp}\n`, { mode: 0o600 });

  const config = parse(readFileSync(join(ROOT, 'config', 'default.yaml'), 'utf8'));
  config.timezone = 'UTC';
  config.log = { level: 'debug' };
  config.simulator = { mode: 'never', port: 0 };
  config.providers.openai = { api: 'openai', apiKey: '${SB_CANARY_OPENAI}', baseURL: simulator.openaiBaseURL, timeout: '20s' };
  config.providers.anthropic = { api: 'anthropic', apiKey: '${SB_CANARY_ANTHROPIC}', baseURL: simulator.anthropicBaseURL, timeout: '20s' };
  config.mail = {
    accounts: {
      home: { host: '127.0.0.1', port: dovecot?.port ?? 9, secure: false, allowInsecure: true, user: dovecot?.user ?? 'tester', password: '${SB_CANARY_IMAP}' },
    },
    smtp: { host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true, user: 'me@example.org', passwordFile, from: 'Switchboard <sb@example.org>', to: 'me@example.org' },
  };
  config.google = { clientId: 'canary-client-id.apps.example', clientSecret: '${SB_CANARY_GOOGLE_SECRET}', refreshToken: '${SB_CANARY_GOOGLE_REFRESH}', rootUrl: google.rootUrl, calendars: ['primary'] };
  config.skills = {
    'code-edit': { allowedRepos: [join(dataDir, 'repos')] },
    market: { watchlist: [{ symbol: 'SYNTH-TECH', name: 'Synthetic tech' }], source: { type: 'csv-file', path: join(MARKET_SAMPLES_DIR, '{symbol}.csv') } },
  };
  const never = '0 3 1 1 *';
  const samples = join(ROOT, 'skills', 'research', 'samples');
  config.jobs = {
    'code-fix': { schedule: never, skill: 'code-edit', options: { repo, task: SCRATCH_TASK, testCommand: ['sh', '-c', `${DUMP_ENV}; node test.js`], testTimeout: '30s' } },
    inbox: { schedule: never, skill: 'email-extract' },
    markets: { schedule: never, skill: 'market' },
    research: { schedule: never, skill: 'research', options: { feeds: [`file://${samples}/rss.xml`], pages: [`file://${samples}/injection.html`] } },
    'env-dump': { schedule: never, skill: 'command', options: { command: ['sh', '-c', `${DUMP_ENV}; exit 7`], env: { EXTRA: 'named-in-config' } } },
    'env-names-a-secret': { schedule: never, skill: 'command', options: { command: ['sh', '-c', DUMP_ENV], env: { TOKEN: '${SB_CANARY_IMAP}' } } },
    'daemon-env-dump': { schedule: '* * * * * *', skill: 'command', options: { command: ['sh', '-c', `${DUMP_ENV}; exit 3`] } },
    'morning-briefing': { schedule: never, skill: 'briefing' },
  };
  writeFileSync(configPath, stringify(config));
  const responder = demoResponder({ now: new Date(), timeZone: 'UTC' });
  for (const [id, model] of Object.entries(config.models as Record<string, { model?: string }>)) simulator.setResponder(model.model ?? id, responder);
});

after(async () => {
  await simulator?.close();
  await sink?.close();
  await google?.close();
  await dovecot?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the daemon, waits for its every-second command job to end once, stops it; returns its log. */
async function runDaemonBriefly(): Promise<string> {
  const child = spawn(process.execPath, [BIN, '--config', configPath, '--data-dir', dataDir, 'start', '--no-dashboard'], {
    env: { ...process.env, ...ENV, HOME: dir, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const ended = new Promise<void>((resolveEnded, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon ran no job within 180 s:\n${log}`)), 180_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (/"event":"job-end".*"job":"daemon-env-dump"|"job":"daemon-env-dump".*"event":"job-end"/.test(log)) {
        clearTimeout(timer);
        resolveEnded();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const exited = new Promise((resolveExit) => child.on('exit', resolveExit));
  try {
    await ended;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return log;
}

/** Every file under `root` (the database files included), as text. */
function filesUnder(root: string): Array<{ path: string; text: string }> {
  const files: Array<{ path: string; text: string }> = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (statSync(path).size > 50_000_000) continue;
    files.push({ path, text: readFileSync(path).toString('latin1') });
  }
  return files;
}

/** Every row of every table (FTS shadow tables too), as JSON text per table. */
function dumpDatabase(path: string): Array<{ table: string; text: string; rows: number }> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>;
    return tables.map(({ name }) => {
      const rows = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Array<Record<string, unknown>>;
      const text = JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : typeof value === 'bigint' ? String(value) : value));
      return { table: name, text, rows: rows.length };
    });
  } finally {
    db.close();
  }
}

test('no canary leaves: data dir, database, logs, CLI output, outbound requests and mail', { timeout: 900_000 }, async () => {
  // Every job through the real CLI, the briefing last so it reports the others' failures.
  const runs: Record<string, CliResult> = {};
  for (const job of ['code-fix', 'inbox', 'markets', 'research', 'env-dump', 'env-names-a-secret', 'morning-briefing']) runs[job] = await cli('run', job);
  assert.equal(runs['env-dump'].status, 1, 'the env-dump job fails');
  assert.match(runs['env-dump'].stdout + runs['env-dump'].stderr, /exited 7/);
  assert.match(runs['env-dump'].stdout + runs['env-dump'].stderr, /EXTRA=named-in-config/, 'the child stderr is stored and shown');
  assert.match(runs['env-names-a-secret'].stdout + runs['env-names-a-secret'].stderr, /options\.env\.TOKEN holds a secret/);
  assert.equal(runs['morning-briefing'].status, 0, runs['morning-briefing'].stderr);
  assert.equal(runs.markets.status, 0, runs.markets.stderr);
  assert.equal(runs.research.status, 0, runs.research.stderr);
  if (dovecot) assert.equal(runs.inbox.status, 0, runs.inbox.stderr);

  const daemonLog = await runDaemonBriefly();

  const listed = JSON.parse((await cli('runs', '--json', '--limit', '100')).stdout) as Array<{ id: number; job: string }>;
  assert.ok(listed.length >= 8, `every job ran: ${listed.length} runs`);
  const idOf = (job: string) => String(listed.find((run) => run.job === job)!.id);
  // Read-only commands, a few at a time (each is a whole Node process on a busy machine).
  const reads = [
    ['runs', 'show', idOf('env-dump')],
    ['runs', 'show', idOf('daemon-env-dump'), '--json'],
    ['runs', 'show', idOf('code-fix'), '--json'],
    ['runs', 'show', idOf('morning-briefing')],
    ['status'],
    ['status', '--json'],
    ['runs'],
    ['inbox', '--json'],
    ['memory', 'list'],
    ['bill', '--json'],
    ['doctor'],
  ];
  for (let index = 0; index < reads.length; index += 4) await Promise.all(reads.slice(index, index + 4).map((args) => cli(...args)));

  // What the scenario must have produced, or the search below proves nothing.
  assert.ok(sink.received.length >= 1, 'the briefing was mailed');
  const briefing = sink.received.at(-1)!.raw.toString('utf8');
  assert.match(briefing, /env-dump/, 'the briefing reports the failed job');
  assert.ok(simulator.requests.length >= 4, `models were called: ${simulator.requests.length}`);
  assert.ok(google.requests.some((request) => request.path.includes('/token')), 'the Google token was refreshed');
  assert.ok(google.requests.some((request) => request.path.includes('calendar')), 'the calendar was read');
  const envRun = outputs.find((output) => output.command === `runs show ${idOf('env-dump')}`);
  assert.match(envRun?.stdout ?? '', /PATH=/, 'the env-dump run stored what its child printed');

  const hits: Hit[] = [];
  const files = filesUnder(dir).filter((file) => !file.path.endsWith('smtp-password'));
  assert.ok(files.some((file) => file.path.endsWith('switchboard.db')));
  for (const file of files) hits.push(...hitsIn(`file ${file.path}`, file.text));
  const tables = dumpDatabase(join(dataDir, 'switchboard.db'));
  for (const table of ['job_runs', 'calls', 'mail_extractions', 'deliveries']) {
    assert.ok((tables.find((entry) => entry.table === table)?.rows ?? 0) > 0 || table === 'mail_extractions', `${table} has rows`);
  }
  for (const table of tables) hits.push(...hitsIn(`table ${table.table}`, table.text));
  hits.push(...hitsIn('daemon log', daemonLog));
  for (const output of outputs) hits.push(...hitsIn(`switchboard ${output.command}`, `${output.stdout}\n${output.stderr}`));
  for (const [index, mail] of sink.received.entries()) hits.push(...hitsIn(`mail ${index}`, `${JSON.stringify(mail.envelope)}\n${mail.raw.toString('latin1')}`));

  // A provider's own key goes in its own auth header; nothing else may carry any canary.
  for (const [index, request] of simulator.requests.entries()) {
    const { authorization, 'x-api-key': apiKey, ...headers } = request.headers;
    hits.push(...hitsIn(`simulator request ${index} ${request.path}`, JSON.stringify({ headers, body: request.body })));
    const own = request.api === 'openai' ? CANARY.openai : CANARY.anthropic;
    hits.push(...hitsIn(`simulator request ${index} auth`, `${authorization ?? ''} ${apiKey ?? ''}`, Object.values(CANARY).filter((canary) => canary !== own)));
  }
  // The client secret and refresh token go to the token endpoint, as OAuth wants; nowhere else.
  for (const [index, request] of google.requests.entries()) {
    const form = new URLSearchParams(request.form);
    if (request.path.includes('/token')) {
      form.delete('client_secret');
      form.delete('refresh_token');
    }
    hits.push(...hitsIn(`google request ${index} ${request.path}`, `${request.path}?${request.query} ${request.authorization ?? ''} ${form}`));
  }

  assert.deepEqual(hits, [], `canaries found:\n${hits.map((hit) => `  ${hit.canary} in ${hit.place}`).join('\n')}`);
});
