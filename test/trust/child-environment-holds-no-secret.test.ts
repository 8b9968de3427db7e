/**
 * A child process never holds a secret: the `command` skill and a code edit's test command
 * get an allow-listed environment (PATH, HOME, locale, what the job names), a test command a
 * scratch HOME instead of the daemon user's, and neither inherits the database's descriptors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCommandSkill } from '../../skills/command/index.ts';
import { childEnvironment, INHERITED_NAMES } from '../../skills/child-env.ts';
import { runTestCommand } from '../../skills/code-edit/run-tests.ts';
import { createSecretRegistry } from '../../config/secrets.ts';
import { openStore, type Store } from '../../memory/store.ts';
import type { SkillContext } from '../../skills/types.ts';
import type { Redactor } from '../../contracts/redactor.ts';

const CANARIES = {
  OPENAI_API_KEY: 'sk-canary-openai-7f3a9c0e1d2b4a6f',
  ANTHROPIC_API_KEY: 'sk-ant-canary-anthropic-5e8d7c6b',
  SMTP_PASSWORD: 'canary-smtp-password-2c4e6a8b',
  IMAP_PASSWORD: 'canary-imap-password-9b7d5f3e',
  GOOGLE_CLIENT_SECRET: 'canary-google-client-secret-1a3c',
  GOOGLE_REFRESH_TOKEN: '1//canary-google-refresh-token-0d9e',
};

/** The daemon's environment: the canaries beside what a shell normally has. */
function aDaemonEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, ...CANARIES, LC_TIME: 'en_GB.UTF-8', TZ: 'Europe/Paris', EDITOR: 'vi' };
}

function aContext(db: Store, dataDir: string, options: Record<string, unknown>, secrets: Redactor): SkillContext {
  return {
    job: 'env-dump',
    skill: 'command',
    runId: 7,
    idempotencyKey: 'env-dump:2026-12-02T03:00:00.000Z',
    slot: new Date('2026-12-02T03:00:00Z'),
    options,
    db,
    dataDir,
    logger: undefined as never,
    timezone: 'UTC',
    router: undefined as never,
    secrets,
    orchestrate: async () => {
      throw new Error('no model here');
    },
    now: () => new Date('2026-12-02T03:00:00Z'),
  };
}

/** Runs `fn` with `process.env` replaced by `env`, restoring it after. */
async function withEnvironment<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const saved = process.env;
  process.env = env;
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

const DUMP = [process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.env))'];

test('a command job sees the allow-list, what its config names and its run keys: nothing else', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-child-env-'));
  const db = openStore(join(dataDir, 'switchboard.db'));
  const secrets = createSecretRegistry(Object.values(CANARIES));
  const result = await withEnvironment(aDaemonEnvironment(), () =>
    createCommandSkill().run(aContext(db, dataDir, { command: DUMP, env: { RESTIC_REPOSITORY: '/mnt/backup' } }, secrets), new AbortController().signal),
  );
  db.close();
  const env = JSON.parse(String(result.details?.stdoutTail)) as Record<string, string>;
  for (const [name, value] of Object.entries(CANARIES)) {
    assert.equal(env[name], undefined, `${name} reached the child`);
    assert.ok(!Object.values(env).some((found) => found.includes(value)), `the value of ${name} reached the child`);
  }
  assert.equal(env.EDITOR, undefined, 'only allow-listed names are inherited');
  assert.equal(env.RESTIC_REPOSITORY, '/mnt/backup');
  assert.equal(env.SWITCHBOARD_RUN_ID, '7');
  assert.equal(env.SWITCHBOARD_IDEMPOTENCY_KEY, 'env-dump:2026-12-02T03:00:00.000Z');
  assert.equal(env.LC_TIME, 'en_GB.UTF-8');
  assert.equal(env.TZ, 'Europe/Paris');
  assert.equal(env.PATH, process.env.PATH);
  const allowed = new Set([...INHERITED_NAMES, 'LC_TIME', 'RESTIC_REPOSITORY', 'SWITCHBOARD_RUN_ID', 'SWITCHBOARD_JOB', 'SWITCHBOARD_IDEMPOTENCY_KEY']);
  const unexpected = Object.keys(env).filter((name) => !allowed.has(name) && !name.startsWith('LC_'));
  assert.deepEqual(unexpected, []);
});

test('a job whose env names a loaded secret fails before its program starts, naming the key', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-child-env-'));
  const db = openStore(':memory:');
  const secrets = createSecretRegistry(Object.values(CANARIES));
  const marker = join(dataDir, 'started');
  await assert.rejects(
    createCommandSkill().run(aContext(db, dataDir, { command: ['touch', marker], env: { TOKEN: CANARIES.SMTP_PASSWORD } }, secrets), new AbortController().signal),
    /jobs\.env-dump\.options\.env\.TOKEN holds a secret/,
  );
  assert.equal(existsSync(marker), false, 'the program never ran');
});

test('a code edit test command runs with a scratch HOME that is gone afterwards, and no secret', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'sb-child-repo-'));
  const daemonHome = mkdtempSync(join(tmpdir(), 'sb-daemon-home-'));
  const parent = { ...aDaemonEnvironment(), HOME: daemonHome };
  const script = 'const fs=require("fs");process.stdout.write(JSON.stringify({env:process.env,home:fs.readdirSync(process.env.HOME)}))';
  const outcome = await runTestCommand([process.execPath, '-e', script], repo, { timeoutMs: 10_000, env: childEnvironment({ parent, own: { CI: '1' } }) });
  assert.equal(outcome.passed, true, outcome.output);
  const seen = JSON.parse(outcome.output) as { env: Record<string, string>; home: string[] };
  assert.notEqual(seen.env.HOME, daemonHome, 'never the daemon user HOME');
  assert.deepEqual(seen.home, [], 'the scratch HOME starts empty');
  assert.equal(existsSync(seen.env.HOME), false, 'and is removed after the run');
  for (const value of Object.values(CANARIES)) assert.ok(!outcome.output.includes(value));
  assert.equal(seen.env.CI, '1');
});

test('no child inherits a descriptor of the database, its WAL or its shared memory', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-child-fd-'));
  const db = openStore(join(dataDir, 'switchboard.db'));
  db.prepare('SELECT COUNT(*) FROM job_runs').get();
  assert.ok(readdirSync(dataDir).some((name) => name.endsWith('-wal')), 'the WAL is open in this process');
  const listing = 'const fs=require("fs");process.stdout.write(JSON.stringify(fs.readdirSync("/proc/self/fd").map((fd)=>{try{return fs.readlinkSync("/proc/self/fd/"+fd)}catch{return ""}})))';
  const result = await createCommandSkill().run(
    aContext(db, dataDir, { command: [process.execPath, '-e', listing] }, createSecretRegistry()),
    new AbortController().signal,
  );
  db.close();
  const targets = JSON.parse(String(result.details?.stdoutTail)) as string[];
  assert.ok(targets.length > 0);
  assert.deepEqual(targets.filter((target) => target.includes('switchboard.db')), []);
});
