import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendDailyNote, dailyNotePath, localDay, readDailyNote } from '../../memory/daily-notes.ts';
import { searchMemory } from '../../memory/facts.ts';
import { aDataDir, aStore } from './builders.ts';

test('appends create memory/YYYY-MM-DD.md and add paragraphs to it', () => {
  const dataDir = aDataDir();
  const path = appendDailyNote(dataDir, '2025-03-01', 'Briefing sent at 07:02.');
  assert.equal(path, join(dataDir, 'memory', '2025-03-01.md'));
  appendDailyNote(dataDir, '2025-03-01', 'Research: 3 new items on solar panels.', { label: 'research' });
  assert.equal(
    readFileSync(path, 'utf8'),
    '# 2025-03-01\n\nBriefing sent at 07:02.\n\n### research\n\nResearch: 3 new items on solar panels.\n',
  );
  assert.equal(readDailyNote(dataDir, '2025-03-02'), '', 'a day without notes reads as empty');
});

test('appended notes are indexed for search with their day', () => {
  const dataDir = aDataDir();
  const db = aStore();
  appendDailyNote(dataDir, '2025-03-01', 'Paid the electricity bill: 84.20 EUR.', { db, label: 'bills' });
  appendDailyNote(dataDir, '2025-03-02', 'Nothing new in the inbox.', { db });
  const [hit] = searchMemory(db, 'electricity');
  assert.equal(hit.kind, 'note');
  assert.equal(hit.day, '2025-03-01');
  assert.match(hit.text, /^bills: Paid the electricity bill/);
  assert.deepEqual(searchMemory(db, 'electricity', { kinds: ['fact'] }), []);
  db.close();
});

test('a user edit to the file is kept by later appends', () => {
  const dataDir = aDataDir();
  const path = appendDailyNote(dataDir, '2025-03-01', 'first');
  const edited = `${readFileSync(path, 'utf8')}my own line without newline`;
  writeFileSync(path, edited); // the user saves the file in an editor
  appendDailyNote(dataDir, '2025-03-01', 'second');
  const after = readFileSync(path, 'utf8');
  assert.ok(after.startsWith(edited));
  assert.equal(after.slice(edited.length), '\n\nsecond\n');
});

test('the day must be YYYY-MM-DD, so no path can escape the notes folder', () => {
  const dataDir = aDataDir();
  assert.throws(() => dailyNotePath(dataDir, '../../etc/passwd'), /YYYY-MM-DD/);
  assert.throws(() => appendDailyNote(dataDir, '2025-3-1', 'x'), /YYYY-MM-DD/);
});

test('the local day follows the time zone', () => {
  const instant = new Date('2025-03-01T23:30:00Z');
  assert.equal(localDay(instant, 'UTC'), '2025-03-01');
  assert.equal(localDay(instant, 'Europe/Paris'), '2025-03-02');
  assert.equal(localDay(instant, 'America/Los_Angeles'), '2025-03-01');
});
