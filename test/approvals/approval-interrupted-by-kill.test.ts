/**
 * An approval whose process dies mid-action (kill -9 while the action runs) is not left
 * `approved` for ever: the next reader of runs or approvals marks it `failed`, saying it was
 * interrupted, and runs nothing again (part of the action may have happened: the owner decides).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createProposal, getProposal } from '../../memory/approvals.ts';
import { openStore } from '../../memory/store.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'switchboard.js');

test('kill -9 during an approved action: the proposal becomes failed (interrupted), never approved, never re-run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-approval-kill-'));
  const dataDir = join(dir, 'data');
  const database = join(dataDir, 'switchboard.db');
  const db = openStore(database);
  const proposal = createProposal(db, {
    kind: 'remember',
    payload: { fact: 'Invoices go to accounts@example.org', pin: false },
    summary: 'remember: Invoices go to accounts@example.org',
    reason: 'asked for from a context holding untrusted mail',
    job: 'morning-briefing',
  });
  db.close();

  // A process approves it with an action that never finishes, then is killed with -9.
  const approver = join(dir, 'approver.mts');
  writeFileSync(
    approver,
    [
      `import { decideProposal } from ${JSON.stringify(join(ROOT, 'memory', 'approvals.ts'))};`,
      `import { openStore } from ${JSON.stringify(join(ROOT, 'memory', 'store.ts'))};`,
      `const db = openStore(${JSON.stringify(database)});`,
      `await decideProposal(db, ${proposal.id}, { decision: 'approve', by: 'owner', execute: async () => { console.log('executing'); await new Promise(() => setInterval(() => {}, 1000)); } });`,
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', approver], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolveStarted) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('executing') && resolveStarted()));
  const during = openStore(database);
  assert.equal(getProposal(during, proposal.id)?.state, 'approved', 'while the action runs');
  during.close();
  child.kill('SIGKILL');
  await new Promise((resolveExit) => child.on('exit', resolveExit));

  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'timezone: UTC\n');
  const listed = spawnSync(process.execPath, [BIN, '--config', config, '--data-dir', dataDir, 'approvals', 'show', String(proposal.id), '--json'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir },
    timeout: 60_000,
  });
  assert.equal(listed.status, 0, listed.stderr);
  const shown = JSON.parse(listed.stdout) as { state: string; error: string; executedAt: string | null } | { proposal: { state: string; error: string } };
  const state = 'proposal' in shown ? shown.proposal : shown;
  assert.equal(state.state, 'failed');
  assert.match(state.error, /^interrupted: the process running the approved action \(pid \d+\) ended before it finished/);

  // Approving again runs nothing: the proposal is decided.
  const again = spawnSync(process.execPath, [BIN, '--config', config, '--data-dir', dataDir, 'approvals', 'approve', String(proposal.id)], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir },
    timeout: 60_000,
  });
  assert.match(again.stdout, /failed \(already decided: nothing was run again\)/, again.stdout + again.stderr);
  const after = openStore(database);
  assert.equal((after.prepare('SELECT COUNT(*) AS n FROM facts').get() as { n: number }).n, 0, 'nothing was remembered');
  after.close();
});
