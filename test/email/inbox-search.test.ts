import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerInboxCommand } from '../../agent/cli/commands/inbox.ts';
import { CliError } from '../../agent/cli/context.ts';
import { resetWatermark, searchExtractions, storeMessage, type MessageRecord } from '../../memory/extractions.ts';
import { openStore, type Store } from '../../memory/store.ts';

const NOW = new Date('2025-03-14T10:00:00Z'); // a Friday
const TZ = 'Europe/Paris';

let nextUid = 1;
function aRecord(overrides: Partial<MessageRecord>): MessageRecord {
  const uid = nextUid++;
  return {
    account: 'home',
    mailbox: 'INBOX',
    uidValidity: '7',
    uid,
    messageId: `<${uid}@x>`,
    contentHash: `hash-${uid}`,
    fromName: 'Alice',
    fromAddress: 'alice@example.com',
    subject: `Subject ${uid}`,
    sentAt: '2025-03-10T09:00:00.000Z',
    size: 100,
    oversized: false,
    status: 'extracted',
    category: 'work',
    summary: 'Nothing much',
    extraction: {},
    error: null,
    model: 'fake',
    escalated: false,
    costUsd: 0,
    dates: [],
    actionItems: [],
    amounts: [],
    ...overrides,
  };
}

function aFilledStore(path = ':memory:'): Store {
  nextUid = 1;
  const db = openStore(path);
  resetWatermark(db, 'home', 'INBOX', '7', NOW);
  const records = [
    aRecord({ subject: 'Tax return', category: 'finance', dates: [{ date: '2025-03-14', what: 'file the tax return', isDeadline: true }] }),
    aRecord({ subject: 'Team offsite', dates: [{ date: '2025-03-19T09:00:00+01:00', what: 'offsite starts', isDeadline: false }] }),
    aRecord({ subject: 'Library book', category: 'personal', actionItems: [{ text: 'Return the library book', due: '2025-03-12' }] }),
    aRecord({ subject: 'Old invoice', category: 'finance', dates: [{ date: '2025-03-01', what: 'invoice due', isDeadline: true }], amounts: [{ value: 99.5, currency: 'EUR', what: 'invoice' }] }),
    aRecord({ subject: 'Past event', dates: [{ date: '2025-03-02', what: 'concert', isDeadline: false }] }),
    // 23:30 UTC on the 14th is already the 15th in Paris.
    aRecord({ subject: 'Late call', dates: [{ date: '2025-03-14T23:30:00Z', what: 'call with Tokyo', isDeadline: false }] }),
    aRecord({ subject: 'Quarterly café summary', summary: 'Budget review for the café project', status: 'failed', category: null, error: 'schema mismatch' }),
  ];
  for (const record of records) assert.equal(storeMessage(db, record, TZ, NOW), 'stored');
  return db;
}

const subjects = (db: Store, options: Parameters<typeof searchExtractions>[1]) => searchExtractions(db, options).map((item) => item.subject);

test('due filters use the local day in the user time zone', () => {
  const db = aFilledStore();
  assert.deepEqual(subjects(db, { due: 'today', timezone: TZ, now: NOW }), ['Tax return']);
  assert.deepEqual(subjects(db, { due: 'tomorrow', timezone: TZ, now: NOW }), ['Late call']);
  assert.deepEqual(subjects(db, { due: 'this-week', timezone: TZ, now: NOW }), ['Tax return', 'Late call', 'Team offsite']);
  // Overdue: deadlines and dated action items before today; a past plain date is not overdue.
  assert.deepEqual(subjects(db, { due: 'overdue', timezone: TZ, now: NOW }), ['Old invoice', 'Library book']);
  const [tax] = searchExtractions(db, { due: 'today', timezone: TZ, now: NOW });
  assert.deepEqual(tax.due, [{ kind: 'deadline', day: '2025-03-14', date: '2025-03-14', text: 'file the tax return' }]);
  db.close();
});

test('words, category and status narrow the list; FTS syntax in the words is inert', () => {
  const db = aFilledStore();
  assert.deepEqual(subjects(db, { query: 'library', timezone: TZ, now: NOW }), ['Library book']);
  assert.deepEqual(subjects(db, { query: 'cafe budget', timezone: TZ, now: NOW }), ['Quarterly café summary']);
  assert.deepEqual(subjects(db, { query: 'invoice"*) (^', timezone: TZ, now: NOW }), ['Old invoice']);
  assert.deepEqual(subjects(db, { category: 'finance', timezone: TZ, now: NOW }).sort(), ['Old invoice', 'Tax return']);
  assert.deepEqual(subjects(db, { status: 'failed', timezone: TZ, now: NOW }), ['Quarterly café summary']);
  assert.equal(searchExtractions(db, { limit: 2, timezone: TZ, now: NOW }).length, 2);
  assert.deepEqual(searchExtractions(db, { query: 'nothing-like-this', timezone: TZ, now: NOW }), []);
  db.close();
});

function aProgram(): Command {
  const program = new Command('switchboard').option('-c, --config <file>').option('-d, --data-dir <dir>').exitOverride();
  registerInboxCommand(program);
  return program;
}

async function captureStdout(action: () => Promise<unknown>): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let output = '';
  process.stdout.write = ((chunk: string) => {
    output += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await action();
  } finally {
    process.stdout.write = original;
  }
  return output;
}

test('switchboard inbox prints JSON or text from the data directory, and rejects bad flags', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-inbox-'));
  try {
    aFilledStore(join(dataDir, 'switchboard.db')).close();
    const json = await captureStdout(() => aProgram().parseAsync(['node', 'switchboard', '--data-dir', dataDir, 'inbox', '--category', 'finance', '--json']));
    assert.deepEqual(JSON.parse(json).map((item: { subject: string }) => item.subject).sort(), ['Old invoice', 'Tax return']);
    const text = await captureStdout(() => aProgram().parseAsync(['node', 'switchboard', '--data-dir', dataDir, 'inbox', '--search', 'invoice']));
    assert.match(text, /\[finance\]  Old invoice  — Alice/);
    assert.match(text, /2025-03-01  deadline  invoice due/);
    assert.match(text, /99\.5 EUR  invoice/);
    await assert.rejects(
      aProgram().parseAsync(['node', 'switchboard', '--data-dir', dataDir, 'inbox', '--due', 'someday']),
      (error: unknown) => error instanceof CliError && error.exitCode === 2 && /--due must be one of today, tomorrow/.test(error.message),
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
