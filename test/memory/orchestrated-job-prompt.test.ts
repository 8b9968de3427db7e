/**
 * What an orchestrated job sends, through the real model layer, router, SDKs and simulator:
 * the soul files as one stable prefix (byte-identical on every call of the job, with an
 * Anthropic cache breakpoint), facts recalled for the goal after it, and the `remember` tool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../../config/load.ts';
import { openModelLayer } from '../../agent/model-layer.ts';
import { silentLogger } from '../../agent/logger.ts';
import { addFact } from '../../memory/facts.ts';
import { claimRun } from '../../memory/runs.ts';
import { ensureMemoryFiles } from '../../memory/soul.ts';
import { openStore } from '../../memory/store.ts';

async function anOrchestratedJob(orchestration: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-prompt-'));
  const text = readFileSync(DEFAULT_CONFIG_PATH, 'utf8')
    .replace('mode: auto', 'mode: always')
    .replace(/orchestration: \[[^\]]*\]/, `orchestration: ${orchestration}`);
  const { config } = parseConfigText(text, { path: DEFAULT_CONFIG_PATH, origin: 'default' }, {});
  ensureMemoryFiles(dataDir);
  appendFileSync(join(dataDir, 'SOUL.md'), '\nAlways answer like a calm ship captain.\n');
  const db = openStore(join(dataDir, 'switchboard.db'));
  addFact(db, { text: 'The user pays the plumber Marek by bank transfer, never cash.' });
  const layer = await openModelLayer(config, dataDir);
  const bound = layer.bind(db, silentLogger());
  const claim = claimRun(db, { job: 'morning-briefing', skill: 'briefing', slot: '2026-01-01T07:00:00.000Z', idempotencyKey: 'k', trigger: 'manual', status: 'running', now: new Date() });
  assert.ok(claim.claimed);
  const simulator = layer.providers.simulator!;
  return {
    db,
    simulator,
    orchestrate: bound.makeOrchestrate(claim.run, config.jobs['morning-briefing']),
    close: async () => {
      db.close();
      await layer.close();
    },
  };
}

test('every call of a job starts with the same prefix bytes; facts and the goal come after it', async () => {
  const job = await anOrchestratedJob('[gpt-5.6-luna]');
  try {
    // Two steps: a tool call, then finish, so the job makes two orchestrator calls.
    job.simulator.script('gpt-5.6-luna', { toolCalls: [{ name: 'remember', arguments: { fact: 'Marek prefers mornings.' } }] }, { toolCalls: [{ name: 'finish', arguments: { result: 'done' } }] });
    const result = await job.orchestrate({ goal: 'Pay the plumber Marek for Tuesday' }, new AbortController().signal);
    assert.equal(result.stoppedBy, 'finish');
    const calls = job.simulator.requests.filter((request) => request.model === 'gpt-5.6-luna');
    assert.equal(calls.length, 2);
    const systemOf = (body: Record<string, unknown>) => JSON.stringify((body.messages as Array<{ role: string }>).filter((message) => message.role === 'system' || message.role === 'developer'));
    assert.equal(systemOf(calls[0].body), systemOf(calls[1].body), 'identical prefix bytes on both calls');
    assert.match(systemOf(calls[0].body), /calm ship captain/);
    assert.doesNotMatch(systemOf(calls[0].body), /plumber|Tuesday/, 'nothing volatile inside the prefix');
    const conversation = JSON.stringify(calls[0].body.messages);
    assert.match(conversation, /bank transfer, never cash/, 'a relevant fact was recalled');
    const tools = (calls[0].body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name);
    assert.ok(tools.includes('remember'));
    assert.deepEqual(calls[0].body.tools, calls[1].body.tools, 'the same tool list on every call');
  } finally {
    await job.close();
  }
});

test('on Anthropic the stable prefix carries a cache breakpoint, and the second call reads the cache', async () => {
  const job = await anOrchestratedJob('[claude-haiku-4-5]');
  try {
    job.simulator.script('claude-haiku-4-5', { toolCalls: [{ name: 'remember', arguments: { fact: 'x' } }] }, { toolCalls: [{ name: 'finish', arguments: { result: 'done' } }] });
    await job.orchestrate({ goal: 'Pay the plumber' }, new AbortController().signal);
    const calls = job.simulator.requests.filter((request) => request.model === 'claude-haiku-4-5');
    assert.equal(calls.length, 2);
    assert.match(JSON.stringify(calls[0].body.system), /"cache_control":\{"type":"ephemeral"\}/);
    const ledger = job.db.prepare('SELECT cache_write_tokens AS written, cached_input_tokens AS read FROM calls ORDER BY id').all() as Array<{ written: number; read: number }>;
    assert.ok(ledger[0].written > 0, 'the first call writes the prefix to the cache');
    assert.ok(ledger[1].read > 0, 'the second call reads it');
    assert.equal(ledger[1].read, ledger[0].written, 'the same prefix, read back whole');
  } finally {
    await job.close();
  }
});
