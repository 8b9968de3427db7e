/**
 * A whole job through the real stack (model layer, router, SDKs, simulator, executor, ledger)
 * while a provider is down: the job still finishes on the next model of the chain, the ledger
 * tells the truth, and a per-job chain override is honoured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../../config/load.ts';
import { openModelLayer } from '../../agent/model-layer.ts';
import { openServices } from '../../agent/services.ts';
import { claimRun } from '../../memory/runs.ts';
import { listCalls } from '../../memory/ledger.ts';
import { silentLogger } from '../../agent/logger.ts';
import type { CommandContext } from '../../agent/cli/context.ts';

const feed = new URL('../../skills/research/samples/rss.xml', import.meta.url).href;

function aContext(jobsYaml: string): CommandContext {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-outage-'));
  const text = readFileSync(DEFAULT_CONFIG_PATH, 'utf8')
    .replace('mode: auto', 'mode: always')
    .replace(/^jobs:\n[\s\S]*$/m, `jobs:\n${jobsYaml}\n`);
  const loaded = parseConfigText(text, { path: DEFAULT_CONFIG_PATH, origin: 'default' }, {});
  return { ...loaded, dataDir, databasePath: join(dataDir, 'switchboard.db'), env: {} };
}

/** The shipped orchestration chain: its first model, its fallback (at the other provider). */
function orchestrationChain(context: CommandContext): { first: string; second: string; secondProvider: string } {
  const [first, second] = context.config.tiers.orchestration;
  return { first, second, secondProvider: context.config.models[second].provider ?? '' };
}

async function runOnce(context: CommandContext, job: string, prepare: (layer: Awaited<ReturnType<typeof openModelLayer>>) => void) {
  const layer = await openModelLayer(context.config, context.dataDir);
  const services = openServices(context, { logger: silentLogger(), modelLayer: layer });
  try {
    prepare(layer);
    const now = new Date();
    const claim = claimRun(services.db, { job, skill: context.config.jobs[job].skill, slot: now.toISOString(), idempotencyKey: `${job}@test`, trigger: 'manual', status: 'queued', now });
    assert.ok(claim.claimed);
    const finished = await services.executor.execute({ run: claim.run, job: context.config.jobs[job] });
    return { finished, calls: listCalls(services.db, { runId: claim.run.id }) };
  } finally {
    services.close();
    await layer.close();
  }
}

test('with the orchestration tier\'s first provider overloaded, the job finishes on the fallback and the ledger says so', async () => {
  const context = aContext(`  research:\n    schedule: "0 6 * * *"\n    skill: research\n    options: { feeds: ["${feed}"] }`);
  const { first, second, secondProvider } = orchestrationChain(context);
  assert.notEqual(secondProvider, context.config.models[first].provider, 'the shipped fallback is at the other provider');
  const { finished, calls } = await runOnce(context, 'research', (layer) => layer.providers.simulator!.setFault(first, { fault: 'overloaded' }));
  assert.equal(finished.status, 'succeeded', finished.error ?? '');
  assert.ok(calls.length >= 2);
  const failed = calls.filter((call) => call.outcome === 'error');
  const answered = calls.filter((call) => call.outcome === 'ok');
  assert.ok(failed.every((call) => call.model === first && call.errorKind === 'overloaded'));
  assert.ok(answered.length > 0 && answered.every((call) => call.model === second && call.provider === secondProvider));
  assert.ok(answered.some((call) => call.fallbackFrom !== null && failed.some((failure) => failure.id === call.fallbackFrom)), 'the answer is linked to the attempt it fell back from');
  assert.ok(calls.every((call) => call.simulated && call.runId === finished.id && call.job === 'research'));
});

test('when every model of the chain is down the job fails and names each model and why', async () => {
  const context = aContext(`  research:\n    schedule: "0 6 * * *"\n    skill: research\n    options: { feeds: ["${feed}"] }`);
  const { first, second } = orchestrationChain(context);
  const { finished } = await runOnce(context, 'research', (layer) => {
    layer.providers.simulator!.setFault(first, { fault: 'server' });
    layer.providers.simulator!.setFault(second, { fault: 'overloaded' });
  });
  assert.equal(finished.status, 'failed');
  assert.ok(finished.error?.includes(first), finished.error ?? '');
  assert.ok(finished.error?.includes(second), finished.error ?? '');
  assert.match(finished.error ?? '', /server/);
  assert.match(finished.error ?? '', /overloaded/);
});

test("a job's own tier chain overrides the config's", async () => {
  const context = aContext(`  research:\n    schedule: "0 6 * * *"\n    skill: research\n    options: { feeds: ["${feed}"] }\n    tiers: { orchestration: [claude-haiku-4-5] }`);
  assert.notEqual(context.config.tiers.orchestration[0], 'claude-haiku-4-5', 'the override differs from the shipped chain');
  const { finished, calls } = await runOnce(context, 'research', () => {});
  assert.equal(finished.status, 'succeeded', finished.error ?? '');
  assert.ok(calls.length > 0);
  assert.ok(calls.every((call) => call.model === 'claude-haiku-4-5'), calls.map((call) => call.model).join(','));
});
