import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../memory/store.ts';
import { recordBudgetEvent } from '../../memory/budget-events.ts';
import { spendReport } from '../../skills/briefing/ledger-sources.ts';
import { renderBriefing } from '../../skills/briefing/render.ts';
import { sampleBriefing } from '../../skills/briefing/sample.ts';

test("yesterday's budget downgrades and deferrals reach the spend section", () => {
  const db = openStore(':memory:');
  recordBudgetEvent(db, { at: new Date('2026-11-26T09:00:00Z'), job: 'market', kind: 'downgrade', fromTier: 'reasoning', toTier: 'execution', cap: 'daily tier reasoning cap $2.00 reached' });
  recordBudgetEvent(db, { at: new Date('2026-11-26T10:00:00Z'), job: 'market', kind: 'defer', fromTier: 'reasoning', cap: 'daily total cap $5.00 reached' });
  recordBudgetEvent(db, { at: new Date('2026-11-25T10:00:00Z'), job: 'old', kind: 'defer', fromTier: 'reasoning', cap: 'another day' });
  const report = spendReport(db, '2026-11-26', { start: new Date('2026-11-26T00:00:00Z'), end: new Date('2026-11-27T00:00:00Z') }, '2026-11', undefined);
  assert.deepEqual(report.capEvents, [
    'market: 1 call downgraded reasoning → execution; daily tier reasoning cap $2.00 reached',
    'market: 1 call deferred (reasoning); daily total cap $5.00 reached',
  ]);
});

test('the rendered briefing names the caps that acted, in both parts, escaped in HTML', () => {
  const briefing = sampleBriefing();
  const rendered = renderBriefing(briefing);
  assert.match(rendered.text, /Budget caps acted:\n  market-close: 1 call downgraded reasoning → execution/);
  assert.match(rendered.html, /Budget caps acted:<\/strong> market-close: 1 call downgraded reasoning → execution; daily tier reasoning cap \$2\.00 reached/);
});
