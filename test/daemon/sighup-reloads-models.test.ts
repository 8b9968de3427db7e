/**
 * SIGHUP applies the whole config, models included: after a reload that changes the
 * orchestration chain, the next runs' calls go to the new model, with no restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { aWorkspace, sleep, spawnDaemon } from './process-harness.ts';

function writeBriefingConfig(path: string, orchestration: string): void {
  const text = readFileSync(DEFAULT_CONFIG_PATH, 'utf8')
    .replace('mode: auto', 'mode: always')
    .replace(/orchestration: \[[^\]]*\]/, `orchestration: ${orchestration}`)
    .replace('schedule: "0 7 * * *"', 'schedule: "* * * * * *"')
    .replace('shutdownGrace: 30s', 'shutdownGrace: 3s');
  writeFileSync(path, text);
}

function callsByModel(dataDir: string): Array<{ id: number; model: string }> {
  const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
  try {
    return db.prepare('SELECT id, model FROM calls ORDER BY id').all() as Array<{ id: number; model: string }>;
  } finally {
    db.close();
  }
}

test('SIGHUP with a new tier chain: later calls use the new model, the daemon never stops', async () => {
  const workspace = aWorkspace();
  writeBriefingConfig(workspace.config, '[gpt-5.6-luna, claude-haiku-4-5]');
  const daemon = spawnDaemon(workspace);
  try {
    await daemon.waitForLine(/daemon-ready/, 15_000);
    await daemon.waitForLine(/"event":"job-end"/, 15_000);
    const before = callsByModel(workspace.dataDir);
    assert.ok(before.length > 0 && before.every((call) => call.model === 'gpt-5.6-luna'), JSON.stringify(before));

    writeBriefingConfig(workspace.config, '[claude-haiku-4-5]');
    daemon.child.kill('SIGHUP');
    await daemon.waitForLine(/"event":"config-reload"/, 15_000);
    const lastBefore = callsByModel(workspace.dataDir).at(-1)!.id;
    await sleep(2_500);
    const after = callsByModel(workspace.dataDir).filter((call) => call.id > lastBefore + 1);
    assert.ok(after.length > 0, 'runs went on after the reload');
    assert.ok(after.every((call) => call.model === 'claude-haiku-4-5'), JSON.stringify(after));
  } finally {
    daemon.child.kill('SIGTERM');
  }
  assert.equal((await daemon.exited).code, 0, daemon.lines.slice(-20).join('\n'));
});
