/**
 * `switchboard approvals list|show|approve|reject` through the real CLI: pending proposals are
 * listed with their one-line command and counted by `status`; approving a memory proposal
 * writes exactly its line once (a second approve prints the recorded outcome and writes
 * nothing); rejecting keeps the proposal; bad ids exit 2; terminal escapes from a mail never
 * reach the terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProposal } from '../../memory/approvals.ts';
import { listFacts } from '../../memory/facts.ts';
import { ensureMemoryFiles } from '../../memory/soul.ts';
import { openStore } from '../../memory/store.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

function aWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'sb-approvals-cli-'));
  const dataDir = join(dir, 'data');
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
      '',
    ].join('\n'),
  );
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, '--config', config, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 });
  // `status` never creates a data dir (issue 14): the workspace's database is made here.
  openStore(join(dataDir, 'switchboard.db')).close();
  ensureMemoryFiles(dataDir);
  const propose = (fact: string, sender = 'attacker@example.com') => {
    const db = openStore(join(dataDir, 'switchboard.db'));
    try {
      return createProposal(db, {
        kind: 'remember',
        payload: { fact, pin: true },
        summary: `pin to MEMORY.md: ${fact}`,
        reason: 'asked for while the context held untrusted mail',
        job: 'morning-briefing',
        source: { kind: 'mail', sender, messageId: '<m1@example.com>', label: 'Hello' },
      }).id;
    } finally {
      db.close();
    }
  };
  const facts = () => {
    const db = openStore(join(dataDir, 'switchboard.db'));
    try {
      return listFacts(db);
    } finally {
      db.close();
    }
  };
  return { cli, propose, facts, memoryFile: join(dataDir, 'MEMORY.md') };
}

test('list shows each pending proposal with its approve command; status counts them', () => {
  const { cli, propose } = aWorkspace();
  const first = propose('Prefers the 7:10 train');
  const second = propose('Dentist moved to Thursday');

  const list = cli('approvals', 'list');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`#${second} pending remember .*Dentist moved to Thursday.*switchboard approvals approve ${second}`));
  assert.match(list.stdout, new RegExp(`#${first} pending remember .*Prefers the 7:10 train.*switchboard approvals approve ${first}`));

  const json = JSON.parse(cli('approvals', 'list', '--json').stdout) as Array<{ id: number; state: string; source: { sender: string } }>;
  assert.deepEqual(json.map((entry) => entry.id), [second, first]);
  assert.equal(json[0].source.sender, 'attacker@example.com');

  assert.equal((JSON.parse(cli('status', '--json').stdout) as { pendingProposals: number }).pendingProposals, 2);
  assert.match(cli('status').stdout, /approvals: 2 pending/);
});

test('approve writes exactly the proposed line once; approving again runs nothing', () => {
  const { cli, propose, facts, memoryFile } = aWorkspace();
  const before = readFileSync(memoryFile, 'utf8');
  const id = propose('Prefers the 7:10 train');

  const approved = cli('approvals', 'approve', String(id), '--json');
  assert.equal(approved.status, 0, approved.stderr);
  const outcome = JSON.parse(approved.stdout) as { changed: boolean; proposal: { state: string; decidedBy: string; decidedAt: string } };
  assert.equal(outcome.changed, true);
  assert.equal(outcome.proposal.state, 'approved');
  assert.match(outcome.proposal.decidedBy, /^cli:/);
  assert.ok(outcome.proposal.decidedAt);

  const after = readFileSync(memoryFile, 'utf8');
  assert.ok(after.startsWith(before), 'MEMORY.md is only appended to');
  assert.match(after.slice(before.length), new RegExp(`^\\n?## Agent notes\\n\\n- \\d{4}-\\d{2}-\\d{2} \\[approved #${id}\\]: Prefers the 7:10 train\\n$`));
  assert.deepEqual(facts().map((fact) => [fact.text, fact.origin]), [['Prefers the 7:10 train', 'owner']]);

  const again = cli('approvals', 'approve', String(id));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /already decided: nothing was run again/);
  assert.equal(readFileSync(memoryFile, 'utf8'), after);
  assert.equal(facts().length, 1);
  assert.equal((JSON.parse(cli('status', '--json').stdout) as { pendingProposals: number }).pendingProposals, 0);
});

test('reject keeps the proposal for the record and writes nothing', () => {
  const { cli, propose, facts, memoryFile } = aWorkspace();
  const before = readFileSync(memoryFile, 'utf8');
  const id = propose('The bank password is hunter2');
  const rejected = cli('approvals', 'reject', String(id));
  assert.equal(rejected.status, 0, rejected.stderr);
  assert.match(rejected.stdout, new RegExp(`#${id} rejected`));
  assert.equal(readFileSync(memoryFile, 'utf8'), before);
  assert.equal(facts().length, 0);
  assert.match(cli('approvals', 'list').stdout, /no pending proposals/);
  assert.match(cli('approvals', 'list', '--all').stdout, new RegExp(`#${id} rejected`));
  const approve = cli('approvals', 'approve', String(id));
  assert.equal(approve.status, 2);
  assert.match(approve.stderr, /already rejected/);
  assert.equal(facts().length, 0);
});

test('show names what, why and the content that caused it; escapes from a mail are shown, not sent', () => {
  const { cli, propose } = aWorkspace();
  const id = propose('Hello \u001b]0;pwned\u0007 world', 'Eve \u001b[31m<eve@example.com>');
  const show = cli('approvals', 'show', String(id));
  assert.equal(show.status, 0, show.stderr);
  assert.doesNotMatch(show.stdout, /\u001b|\u0007/);
  assert.match(show.stdout, /what: +pin to MEMORY\.md: Hello \\x1b\]0;pwned\\x07 world/);
  assert.match(show.stdout, /why: +asked for while the context held untrusted mail/);
  assert.match(show.stdout, /caused by: mail from Eve \\x1b\[31m<eve@example\.com> "Hello" message <m1@example\.com>/);
  assert.match(show.stdout, new RegExp(`approve: switchboard approvals approve ${id}`));
  assert.doesNotMatch(cli('approvals', 'list').stdout, /\u001b|\u0007/);
});

test('an unknown or malformed id is bad input: exit 2, naming it', () => {
  const { cli } = aWorkspace();
  for (const args of [['show', '42'], ['approve', '42'], ['reject', '42'], ['approve', 'abc'], ['list', '--state', 'maybe']]) {
    const result = cli('approvals', ...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /42|abc|maybe/);
  }
});
