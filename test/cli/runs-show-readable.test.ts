/**
 * `runs show ID` prints a run for a person: its fields, the summary, the rest of the result as
 * indented YAML and the steps as a table; a 3,000-character result never becomes one line.
 * `--json` still gives the whole record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRunDetail, renderRunList, runSummary } from '../../agent/cli/commands/runs.ts';
import { paintFor } from '../../agent/cli/terminal.ts';
import type { RunRecord } from '../../memory/runs.ts';

function aRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 7,
    job: 'morning-briefing',
    skill: 'briefing',
    slot: '2026-12-02T06:00:00.000Z',
    idempotencyKey: 'morning-briefing@2026-12-02T06:00:00.000Z',
    trigger: 'schedule',
    status: 'succeeded',
    attempt: 1,
    pid: 4242,
    owner: null,
    createdAt: '2026-12-02T06:00:00.000Z',
    startedAt: '2026-12-02T06:00:01.000Z',
    endedAt: '2026-12-02T06:00:04.500Z',
    costUsd: 0.0123,
    heartbeatAt: null,
    pgid: null,
    error: null,
    result: {
      summary: 'briefing sent to alex@example.org: 2 due today, 3 mail, spend $0.41 yesterday',
      details: { sections: Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`section-${index}`, 'x'.repeat(60)])) },
    },
    ...overrides,
  };
}

const plain = paintFor({ isTTY: false });

test('a long result is shown as indented YAML, no line longer than a terminal', () => {
  const text = renderRunDetail(aRun(), [], 'Europe/Paris', plain);
  assert.ok(JSON.stringify(aRun().result).length > 3_000);
  for (const line of text.split('\n')) assert.ok(line.length <= 120, `line of ${line.length}: ${line.slice(0, 60)}`);
  assert.match(text, /^run 7: morning-briefing \(briefing\) succeeded$/m);
  assert.match(text, /^ {2}slot +2026-12-02 07:00 Europe\/Paris$/m);
  assert.match(text, /^ {2}ended +2026-12-02 07:00:04 Europe\/Paris \(took 3\.5s\)$/m);
  assert.match(text, /^summary:\n {2}briefing sent to alex@example\.org/m);
  assert.match(text, /^ {6}section-39: x{60}$/m);
});

test('steps are a table with tier, model, tokens, cost and outcome', () => {
  const steps = [
    { id: 1, runId: 7, step: 1, kind: 'model', tier: 'orchestration', model: 'gpt-4o-mini', tool: null, inputTokens: 1597, outputTokens: 141, costUsd: 0.0003, outcome: 'ok', detail: null, createdAt: '' },
    { id: 2, runId: 7, step: 2, kind: 'tool', tier: null, model: null, tool: 'finish', inputTokens: 0, outputTokens: 0, costUsd: 0, outcome: 'ok', detail: null, createdAt: '' },
  ];
  const text = renderRunDetail(aRun(), steps as never, 'UTC', plain);
  assert.match(text, /^ {2}step +kind +tier +model\/tool +tokens in\/out +cost +outcome$/m);
  assert.match(text, /^ {5}1 +model +orchestration +gpt-4o-mini +1597\/141 +\$0\.0003 +ok$/m);
  assert.match(text, /^ {5}2 +tool +- +finish +0\/0 +\$0\.0000 +ok$/m);
});

test('the list shows one line per run with a short result; a failed run shows its error', () => {
  const failed = aRun({ id: 8, status: 'failed', error: 'every model of the chain failed:\n  gpt-4o-mini: rate_limited', result: null });
  assert.equal(runSummary(failed), 'every model of the chain failed:');
  const text = renderRunList([failed, aRun()], 'UTC', plain, 100);
  const lines = text.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^ +8 +2026-12-02 06:00 +morning-briefing +failed +3\.5s +\$0\.0123 +every model of the chain failed:$/);
  assert.ok(lines.every((line) => line.length <= 100), 'cut to the width');
});
