import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateCost } from '../../agent/cost.ts';
import type { Baseline } from '../../memory/bill.ts';
import { useLedgerTimeZone } from '../../memory/ledger-days.ts';
import { recordCall } from '../../memory/ledger.ts';
import { gatherBriefing } from '../../skills/briefing/gather.ts';
import { renderBriefing } from '../../skills/briefing/render.ts';
import { sampleBriefing } from '../../skills/briefing/sample.ts';
import type { BriefingOptions, SpendReport } from '../../skills/briefing/types.ts';
import type { ModelPrice } from '../../contracts/types.ts';
import { aContext, aRecordingDelivery, aStore } from './builders.ts';

const ZONE = 'America/Los_Angeles';
const NOW = new Date('2026-12-01T15:00:00Z'); // 07:00 on 1 December in Los Angeles

const price = (input: number, output: number): ModelPrice => ({ input, output, cachedInput: input, cacheWrite: input, effectiveFrom: '2025-01-01' });
const BASELINES: Baseline[] = [
  { role: 'flagship', model: 'big-one', costOf: (usage) => calculateCost(usage, price(10, 40)) },
  { role: 'execution', model: 'mid-one', costOf: (usage) => calculateCost(usage, price(0.5, 2)) },
];

/** Yesterday (30 November, local): an execution call at 10:00 and a reasoning call at 23:30; and one call today at 01:00. */
function aLedger(simulated = false) {
  const db = aStore();
  useLedgerTimeZone(db, ZONE);
  const call = (startedAt: string, tier: string, costUsd: number, outputTokens: number) =>
    recordCall(db, {
      startedAt: new Date(startedAt),
      tier,
      provider: 'openai',
      model: tier === 'reasoning' ? 'thinker' : 'mid-one',
      usage: { inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens, reasoningTokens: 0 },
      costUsd,
      flagshipCostUsd: 0,
      latencyMs: 5,
      outcome: 'ok',
      simulated,
      job: 'morning-briefing',
    });
  call('2026-11-30T18:00:00Z', 'execution', 0.0007, 100); // 10:00 local: $0.0005 + $0.0002 as on mid-one
  call('2026-12-01T07:30:00Z', 'reasoning', 0.03, 1_000); // 23:30 local on the 30th; $0.0025 on mid-one, $0.05 on big-one
  call('2026-12-01T09:00:00Z', 'execution', 0.002, 100); // 01:00 local on the 1st: today
  return db;
}

const OPTIONS: BriefingOptions = { sections: ['spend'], dueWithinDays: 7, maxUnread: 10, onModelFailure: 'fail' };

async function spendOf(simulated = false): Promise<SpendReport> {
  const db = aLedger(simulated);
  const gathered = await gatherBriefing({ delivery: aRecordingDelivery(), baselines: BASELINES }, undefined, aContext(db, { timezone: ZONE, now: () => NOW }), OPTIONS, new AbortController().signal);
  assert.equal(gathered.spend.status, 'ok');
  return (gathered.spend as { status: 'ok'; data: SpendReport }).data;
}

test("yesterday is the owner's day: the 23:30 local call counts, and the month so far is the owner's month", async () => {
  const spend = await spendOf();
  assert.equal(spend.day, '2026-11-30');
  assert.equal(spend.calls, 2);
  assert.ok(Math.abs(spend.costUsd - 0.0307) < 1e-12);
  // In UTC the 23:30 call falls on 1 December; in Los Angeles it is November's.
  assert.equal(spend.monthToDateUsd, 0.002);
});

test('the spend is set against every baseline, each priced now from token counts', async () => {
  const spend = await spendOf();
  const [flagship, execution] = spend.baselines;
  assert.equal(flagship.model, 'big-one');
  assert.ok(Math.abs(flagship.baselineCostUsd - (0.014 + 0.05)) < 1e-12);
  assert.ok(flagship.savedUsd > 0);
  assert.equal(execution.model, 'mid-one');
  assert.ok(Math.abs(execution.baselineCostUsd - (0.0007 + 0.0025)) < 1e-12);
  assert.ok(execution.savedUsd < 0, 'routing cost more than all on the execution model');
  assert.deepEqual(
    execution.premium.map((line) => [line.tier, line.job, line.calls]),
    [['reasoning', 'morning-briefing', 1]],
  );
});

test('the mail says "premium" with what it bought where routing cost more, and never a saving it did not make', async () => {
  const briefing = { ...sampleBriefing(), spend: { status: 'ok' as const, data: await spendOf() } };
  const { text, html } = renderBriefing(briefing);
  assert.match(text, /\$0\.03 +saved by routing \(52%\) against all on big-one \(the flagship\) \$0\.06$/m);
  assert.match(text, /\$0\.03 +premium: routing cost more than all on mid-one \(the execution tier's first model\) \$0\.0032; it bought reasoning for morning-briefing \(1 call\)$/m);
  assert.doesNotMatch(text, /saved[^\n]*mid-one/);
  assert.match(html, /premium: routing cost more than all on mid-one/);
});

test('figures from the simulator say simulated beside each baseline', async () => {
  const briefing = { ...sampleBriefing(), spend: { status: 'ok' as const, data: await spendOf(true) } };
  const { text } = renderBriefing(briefing);
  assert.match(text, /against all on big-one \(the flagship\) \$0\.06, simulated calls included$/m);
  assert.match(text, /mid-one \(the execution tier's first model\) \$0\.0032, simulated calls included; it bought/);
  assert.match(text, /SIMULATED: some of these calls were answered by the simulator\./);
});

test('without baselines the frozen flagship figure is never shown as a saving when routing cost more', () => {
  const base = sampleBriefing();
  const data = (base.spend as { status: 'ok'; data: SpendReport }).data;
  const briefing = { ...base, spend: { status: 'ok' as const, data: { ...data, baselines: [], costUsd: 1, flagshipCostUsd: 0.5 } } };
  const { text } = renderBriefing(briefing);
  assert.match(text, /\$0\.50 +routing cost more than the same calls on the flagship model/);
  assert.doesNotMatch(text, /saved by routing/);
});
