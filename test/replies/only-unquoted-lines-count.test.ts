/**
 * Reading a reply's commands: only the lines the owner wrote count. Lines quoted with '>',
 * and everything from the start of a quoted original (Gmail's "On ... wrote:", Outlook's
 * header block or separator, the briefing's own heading copied unquoted) do nothing, so a
 * briefing quoted back cannot approve anything; both decisions for one proposal cancel out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReplyCommands, withoutQuotedHtml } from '../../skills/mail-replies/commands.ts';
import { visibleText } from '../../skills/html/visible-text.ts';

const BRIEFING_TEXT = [
  'MORNING BRIEFING: Tuesday, 2 December 2025',
  '',
  'Waiting for your approval',
  '-------------------------',
  '- #3 remember: pin to MEMORY.md: Prefers trains',
  '  approve: switchboard approvals approve 3',
  '  or reply with one of:',
  '    approve 3 k7f2q9xm4p',
  '    reject 3 k7f2q9xm4p',
  '- #4 code-edit: fix the build',
  '    approve 4 abcdefgh12',
  '    reject 4 abcdefgh12',
].join('\n');

test('the owner\'s own line counts; the same line in the quoted briefing does not', () => {
  const reply = `approve 3 k7f2q9xm4p\n\nOn Tue, 2 Dec 2025 at 07:00, Switchboard wrote:\n${BRIEFING_TEXT.split('\n').map((line) => `> ${line}`).join('\n')}`;
  assert.deepEqual(parseReplyCommands(reply), { commands: [{ decision: 'approve', proposalId: 3, token: 'k7f2q9xm4p' }], unknown: [], conflicting: [] });
});

test("a token alone in quoted text, or quoted with '>' and no attribution line, does nothing", () => {
  assert.deepEqual(parseReplyCommands('Yes!\n> approve 3 k7f2q9xm4p\n').commands, []);
  assert.deepEqual(parseReplyCommands('>> approve 3 k7f2q9xm4p').commands, []);
  assert.deepEqual(parseReplyCommands('   > reject 4 abcdefgh12').commands, []);
});

test('a briefing copied unquoted below the reply (no quote marks) is cut at its heading', () => {
  const reply = `ok\n\n${BRIEFING_TEXT}`;
  assert.deepEqual(parseReplyCommands(reply).commands, []);
});

test('an Outlook reply: the original below its header block or separator is ignored', () => {
  const headerBlock = `reject 4 abcdefgh12\n\nFrom: Switchboard <switchboard@example.com>\nSent: Tuesday, December 2, 2025 7:00 AM\nTo: Me\nSubject: Morning briefing\n\napprove 3 k7f2q9xm4p\n`;
  assert.deepEqual(parseReplyCommands(headerBlock).commands, [{ decision: 'reject', proposalId: 4, token: 'abcdefgh12' }]);
  const separator = `approve 4 abcdefgh12\n-----Original Message-----\napprove 3 k7f2q9xm4p\n`;
  assert.deepEqual(parseReplyCommands(separator).commands.map((command) => command.proposalId), [4]);
});

test('approve and reject of one proposal in the same reply cancel out; others still count', () => {
  const parsed = parseReplyCommands('approve 3 k7f2q9xm4p\nreject 3 k7f2q9xm4p\napprove 4 abcdefgh12\n');
  assert.deepEqual(parsed.conflicting, [3]);
  assert.deepEqual(parsed.commands, [{ decision: 'approve', proposalId: 4, token: 'abcdefgh12' }]);
});

test('a command is a whole line: case, a list dash and "#" are allowed; prose and unknown verbs are not commands', () => {
  const parsed = parseReplyCommands('- Approve #3 K7F2Q9XM4P\nPlease approve 4 abcdefgh12 when you can\nThanks 2\ndelete 4 abcdefgh12\napprove 5\n');
  assert.deepEqual(parsed.commands, [
    { decision: 'approve', proposalId: 3, token: 'K7F2Q9XM4P' },
    { decision: 'approve', proposalId: 5 },
  ]);
  assert.deepEqual(parsed.unknown, ['delete 4 abcdefgh12']);
});

test('an HTML-only reply: text inside blockquote and Gmail quote containers is dropped first', () => {
  const html =
    '<div dir="ltr">approve 3 k7f2q9xm4p</div><br>' +
    '<div class="gmail_quote"><div class="gmail_attr">On Tue, Switchboard wrote:</div>' +
    '<blockquote class="gmail_quote"><p>approve 4 abcdefgh12</p><blockquote>reject 3 k7f2q9xm4p</blockquote></blockquote></div>';
  const text = visibleText(withoutQuotedHtml(html));
  assert.deepEqual(parseReplyCommands(text).commands, [{ decision: 'approve', proposalId: 3, token: 'k7f2q9xm4p' }]);
  assert.deepEqual(parseReplyCommands(visibleText(withoutQuotedHtml('<p>ok</p><blockquote><p>approve 4 abcdefgh12</p></blockquote>'))).commands, []);
});
