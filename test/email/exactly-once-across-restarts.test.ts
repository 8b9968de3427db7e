import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '../../memory/store.ts';
import { readWatermark } from '../../memory/extractions.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import { DOVECOT_SKIP, startDovecot, type DovecotServer } from '../helpers/dovecot.ts';
import { aFakeRouter, anAccount, anExtractionJson, aRawMessage, aSkillContext, aStore, subjectOf } from './builders.ts';

const MESSAGES = 12;
const subjects = Array.from({ length: MESSAGES }, (_, index) => `Message ${String(index + 1).padStart(2, '0')}`);

let server: DovecotServer;
let workDir: string;
before(async () => {
  if (DOVECOT_SKIP) return;
  server = await startDovecot();
  workDir = mkdtempSync(join(tmpdir(), 'sb-mail-crash-'));
  for (const subject of subjects) await server.append(aRawMessage({ subject, body: `Body of ${subject}` }));
});
after(async () => {
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function storedSubjects(db: Store): string[] {
  return (db.prepare('SELECT subject FROM mail_extractions ORDER BY uid').all() as { subject: string }[]).map((row) => row.subject);
}

test('an abort mid-batch, then a restart: every message stored exactly once', { skip: DOVECOT_SKIP }, async () => {
  const db = aStore();
  const skill = createEmailExtractSkill({ accounts: { home: anAccount(server) } });
  const first = new AbortController();
  // Batches of 5: request 7 is the third message of the second batch.
  const router = aFakeRouter((routed, index) => {
    if (index === 7) first.abort(new Error('shutdown'));
    return anExtractionJson({ summary: `About ${subjectOf(routed)}` });
  });
  await assert.rejects(skill.run(aSkillContext(db, router), first.signal), /shutdown/);
  assert.equal(storedSubjects(db).length, 7);
  assert.equal(readWatermark(db, 'home', 'INBOX')?.lastUid, 7);

  const second = await skill.run(aSkillContext(db, router), new AbortController().signal);
  assert.equal(second.summary, '5 new messages, 0 action items, 0 deadlines');
  assert.deepEqual(storedSubjects(db), subjects);
  // Every message asked once, except the one whose answer the abort threw away.
  const asked = router.requests.map(subjectOf);
  assert.equal(asked.length, MESSAGES + 1);
  assert.deepEqual([...new Set(asked)].sort(), subjects);
  assert.deepEqual(asked.filter((subject) => subject === 'Message 08'), ['Message 08', 'Message 08']);

  const third = await skill.run(aSkillContext(db, router), new AbortController().signal);
  assert.equal(third.summary, '0 new messages, 0 action items, 0 deadlines');
  assert.equal(router.requests.length, MESSAGES + 1);
  db.close();
});

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'extract-child.ts');

function runChild(databasePath: string, requestLog: string, hangAt: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, databasePath, server.host, String(server.port), server.user, server.password, requestLog, String(hangAt)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // SIGKILL mid-call: no handler runs, no transaction completes.
      if (stdout.includes('hanging')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('SIGKILL of a child process mid-batch, then a restart: every message stored exactly once', { skip: DOVECOT_SKIP }, async () => {
  const databasePath = join(workDir, 'switchboard.db');
  const requestLog = join(workDir, 'requests.log');
  writeFileSync(requestLog, '');

  const killed = await runChild(databasePath, requestLog, 8);
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const restarted = await runChild(databasePath, requestLog, -1);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.match(restarted.stdout, /done: 4 new messages/);

  const db = openStore(databasePath);
  assert.deepEqual(storedSubjects(db), subjects);
  const perUid = db.prepare('SELECT count(*) AS n FROM mail_extractions GROUP BY uidvalidity, uid HAVING n > 1').all();
  assert.deepEqual(perUid, []);
  assert.equal(readWatermark(db, 'home', 'INBOX')?.lastUid, MESSAGES);
  db.close();

  const asked = readFileSync(requestLog, 'utf8').trim().split('\n');
  assert.equal(asked.length, MESSAGES + 1);
  assert.deepEqual([...new Set(asked)].sort(), subjects);
  assert.deepEqual(asked.filter((subject) => subject === 'Message 09'), ['Message 09', 'Message 09']);
});
