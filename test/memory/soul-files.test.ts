import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryFileError, appendAgentNote, ensureMemoryFiles, parseUserSettings, readSoul } from '../../memory/soul.ts';
import { aDataDir } from './builders.ts';

function aUserFile(settings: string): string {
  return `# User\n\nSome words about me.\n\n${settings}\n\n## What annoys me\n- Meetings before 9\n`;
}

test('first use copies the templates; later reads keep the user\'s edits', () => {
  const dataDir = aDataDir();
  const created = ensureMemoryFiles(dataDir);
  assert.deepEqual(
    created.map((path) => path.slice(dataDir.length + 1)),
    ['SOUL.md', 'USER.md', 'MEMORY.md'],
  );
  writeFileSync(join(dataDir, 'SOUL.md'), 'Be terse.\n');
  writeFileSync(join(dataDir, 'MEMORY.md'), '');
  assert.deepEqual(ensureMemoryFiles(dataDir), [], 'nothing is created twice');
  const soul = readSoul(dataDir);
  assert.equal(soul.soul, 'Be terse.\n');
  assert.equal(soul.memory, '', 'an emptied file stays empty');
  assert.match(soul.user, /Currency:/);
});

test('the template settings are empty, so nothing is imposed', () => {
  const soul = readSoul(aDataDir());
  assert.deepEqual(soul.settings, {});
});

test('the currency is read from a "- Key: value" line', () => {
  assert.deepEqual(parseUserSettings(aUserFile('- Name: Ada\n- Currency: eur'), 'USER.md'), { currency: 'EUR' });
  assert.deepEqual(parseUserSettings('* currency: `GBP`\n- Time zone:\n', 'USER.md'), { currency: 'GBP' }, 'an empty time zone line is harmless');
});

test('a time zone in USER.md is refused, naming the file and line and the one place it belongs (config timezone)', () => {
  const dataDir = aDataDir();
  writeFileSync(join(dataDir, 'USER.md'), aUserFile('- Time zone: Europe/Paris'));
  assert.throws(
    () => readSoul(dataDir),
    (error: unknown) =>
      error instanceof MemoryFileError &&
      error.path === join(dataDir, 'USER.md') &&
      error.line === 5 &&
      error.message === `${join(dataDir, 'USER.md')}:5: the time zone is not read from USER.md: set it once in the config, \`timezone: Europe/Paris\` (an IANA name), and remove this line`,
  );
  assert.throws(() => parseUserSettings('- Time zone: Europe/Pariss\n', 'USER.md'), /USER\.md:1: .*`timezone: Europe\/Paris` \(an IANA name; "Europe\/Pariss" is not one\)/);
});

test('an invalid currency is an error naming the file and line', () => {
  assert.throws(() => parseUserSettings('- Currency: Euros\n', 'USER.md'), /^MemoryFileError: USER\.md:1: currency "Euros"/);
  assert.throws(() => parseUserSettings('\n- Currency: XYZ\n', 'USER.md'), /USER\.md:2: currency "XYZ" is not an ISO 4217 code/);
});

test('settings inside a code block are examples, not settings', () => {
  assert.deepEqual(parseUserSettings('```\n- Time zone: Nowhere/Else\n- Currency: XXXX\n```\n- Currency: EUR\n', 'USER.md'), { currency: 'EUR' });
});

test('agent notes are appended under "## Agent notes", the user\'s text byte-identical', () => {
  const dataDir = aDataDir();
  const userText = '# Memory\r\n\r\nWorking on the **Lisbon** move.\n\n## People\n- Sam: accountant   \n- Ana: landlord'; // no final newline, CRLF, trailing spaces
  writeFileSync(join(dataDir, 'MEMORY.md'), userText);
  appendAgentNote(dataDir, '2025-03-01', 'The lease starts on 1 April.');
  appendAgentNote(dataDir, '2025-03-02', 'Sam\'s new email\nis sam@example.org');
  const after = readFileSync(join(dataDir, 'MEMORY.md'), 'utf8');
  assert.equal(after.slice(0, userText.length), userText, 'the user\'s bytes are a prefix of the file');
  assert.equal(
    after.slice(userText.length),
    '\n\n## Agent notes\n\n- 2025-03-01 [agent]: The lease starts on 1 April.\n- 2025-03-02 [agent]: Sam\'s new email is sam@example.org\n',
  );
});

test('a section the user adds after the agent notes is left alone: a new heading follows it', () => {
  const dataDir = aDataDir();
  writeFileSync(join(dataDir, 'MEMORY.md'), '# Memory\n\n## Agent notes\n\n- 2025-03-01: one\n\n## Mine\nkeep this\n');
  const before = readFileSync(join(dataDir, 'MEMORY.md'), 'utf8');
  appendAgentNote(dataDir, '2025-03-05', 'two');
  const after = readFileSync(join(dataDir, 'MEMORY.md'), 'utf8');
  assert.ok(after.startsWith(before));
  assert.equal(after.slice(before.length), '\n## Agent notes\n\n- 2025-03-05 [agent]: two\n');
});

test('agent notes refuse a bad date or empty text', () => {
  const dataDir = aDataDir();
  assert.throws(() => appendAgentNote(dataDir, '1 March', 'x'), /YYYY-MM-DD/);
  assert.throws(() => appendAgentNote(dataDir, '2025-03-01', '  \n '), /needs some text/);
});
