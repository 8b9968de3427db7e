import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { simpleGit } from 'simple-git';
import { DEMO_MARKER, DemoDirError, prepareDemoDir, runDemoDay, type DemoReport } from '../../agent/demo/run-demo-day.ts';
import { renderDemoReport } from '../../agent/cli/commands/demo.ts';

const root = mkdtempSync(join(tmpdir(), 'switchboard-demo-test-'));
const demoDir = join(root, 'demo');
let report: DemoReport;
let db: Database.Database;

before(async () => {
  report = await runDemoDay({ demoDir, timeZone: 'Europe/Amsterdam' });
  db = new Database(join(demoDir, 'switchboard.db'), { readonly: true });
});
after(() => {
  db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('switchboard demo: a simulated day', () => {
  it('runs every shipped job once, and every one succeeds', () => {
    assert.deepEqual(
      report.jobs.map((job) => [job.job, job.skill, job.status]),
      [
        ['code-fix', 'code-edit', 'succeeded'],
        ['inbox', 'email-extract', 'succeeded'],
        ['markets', 'market', 'succeeded'],
        ['research', 'research', 'succeeded'],
        ['morning-briefing', 'briefing', 'succeeded'],
      ],
    );
    assert.equal(report.allSucceeded, true);
  });

  it('bills calls on the orchestration, execution and reasoning tiers, all of them simulated', () => {
    const tiers = new Map(report.bill.byTier.map((line) => [line.key, line.calls]));
    for (const tier of ['orchestration', 'execution', 'reasoning']) assert.ok((tiers.get(tier) ?? 0) > 0, `no ${tier} calls`);
    const ledger = db.prepare('SELECT COUNT(*) AS calls, SUM(simulated = 0) AS real FROM calls').get() as { calls: number; real: number };
    assert.ok(ledger.calls >= 10);
    assert.equal(ledger.real, 0);
    assert.equal(report.simulatedLedgerCalls, report.ledgerCalls);
    assert.equal(report.bill.includesSimulated, true);
  });

  it('sends every shipped job\'s requests in a form the strict simulator accepts: no call rejected', () => {
    // The simulator refuses what the real APIs refuse (temperature to reasoning models, loose
    // strict schemas, forced tool use with thinking, empty assistant text: test/simulator/).
    const failed = db.prepare("SELECT provider, model, error_kind, error_message FROM calls WHERE outcome <> 'ok'").all();
    assert.deepEqual(failed, []);
    const models = (db.prepare('SELECT DISTINCT model FROM calls ORDER BY model').all() as { model: string }[]).map((row) => row.model);
    assert.ok(models.length >= 2, `calls went to ${models.join(', ')}`);
  });

  it('saves against the flagship, and says SIMULATED with the ratio and the briefing path', () => {
    assert.ok(report.savingsRatio !== null && report.savingsRatio > 1, `ratio ${report.savingsRatio}`);
    const text = renderDemoReport(report);
    assert.match(text, /^SIMULATED DEMO/);
    assert.match(text, /SIMULATED Bill for day/);
    assert.match(text, new RegExp(`Savings ratio: ${report.savingsRatio!.toFixed(2)}x`));
    assert.ok(text.includes(report.briefing!.path));
  });

  it('writes the briefing .eml, labelled simulated, with the invoice deadline extracted from the mail', async () => {
    assert.ok(report.briefing);
    const mail = await simpleParser(readFileSync(report.briefing.path));
    assert.equal(mail.subject, report.briefing.subject);
    assert.match(mail.subject ?? '', /\(simulated\)$/);
    // The invoice mail's action item and deadline are one line, its amount said once.
    const text = mail.text ?? '';
    assert.match(text, /Fri 4 Dec: Invoice NH-2025-0412 payment due \(EUR 1,240\.00\) \(Invoice NH-2025-0412/);
    assert.equal(text.split('\n').filter((line) => line.includes('NH-2025-0412')).length, 1, text);
    assert.doesNotMatch(text, /\[€1,240\.00\]/);
    const deadline = db.prepare("SELECT d.day FROM mail_dates d JOIN mail_extractions e ON e.id = d.extraction_id WHERE d.is_deadline = 1 AND e.subject LIKE 'Invoice NH-2025-0412%'").get() as { day: string };
    assert.match(deadline.day, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('leaves one new commit on a switchboard/ branch of the scratch repository, with main untouched and tests passing', async () => {
    const { path, branch, commit } = report.scratchRepo;
    assert.match(branch ?? '', /^switchboard\/code-fix-/);
    const git = simpleGit({ baseDir: path });
    assert.equal((await git.raw(['rev-list', '--count', `main..${branch}`])).trim(), '1');
    assert.equal((await git.raw(['rev-list', '--count', 'main'])).trim(), '1');
    assert.equal((await git.raw(['rev-parse', branch!])).trim(), commit);
    assert.match(await git.raw(['show', `${branch}:src/slug.js`]), /normalize\('NFKD'\)/);
    assert.equal((await git.raw(['status', '--porcelain'])).trim(), '');
  });

  it('stores the injection mail as one spam extraction row and nothing else', async () => {
    const rows = db.prepare("SELECT id, status, category FROM mail_extractions WHERE subject = 'Action required: mailbox verification'").all() as { id: number; status: string; category: string }[];
    assert.deepEqual(rows.map((row) => [row.status, row.category]), [['extracted', 'spam']]);
    const id = rows[0].id;
    for (const table of ['mail_dates', 'mail_action_items', 'mail_amounts']) {
      assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE extraction_id = ?`).get(id) as { n: number }).n, 0, table);
    }
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM facts').get() as { n: number }).n, 0);
    assert.deepEqual(readdirSync(join(demoDir, 'outbox')).filter((file) => file.endsWith('.eml')), [report.briefing!.path.split('/').pop()]);
    const briefing = (await simpleParser(readFileSync(report.briefing!.path))).text ?? '';
    assert.doesNotMatch(briefing, /secure-mailbox|verify mailbox|NL00/i);
  });
});

describe('the demo data dir', () => {
  it('is wiped when it holds the marker, and refused when it holds anything else', () => {
    const previous = join(root, 'previous');
    mkdirSync(previous);
    writeFileSync(join(previous, DEMO_MARKER), '');
    writeFileSync(join(previous, 'old.txt'), 'old');
    prepareDemoDir(previous);
    assert.deepEqual(readdirSync(previous), [DEMO_MARKER]);

    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'switchboard.db'), 'precious');
    assert.throws(() => prepareDemoDir(foreign), DemoDirError);
    assert.equal(readFileSync(join(foreign, 'switchboard.db'), 'utf8'), 'precious');
  });
});
