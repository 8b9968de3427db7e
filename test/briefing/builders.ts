/**
 * Small builders for briefing tests: a run context with a scripted orchestrator, a delivery
 * that records messages, and ledger/job-run rows.
 */
import { openStore, type Store } from '../../memory/store.ts';
import { silentLogger } from '../../agent/logger.ts';
import type { OrchestrateOptions, OrchestrateResult, SkillContext } from '../../skills/types.ts';
import type { MailDelivery, MailMessage } from '../../skills/mail/types.ts';

export const NOW = new Date('2025-05-05T05:00:00.000Z'); // 07:00 in Berlin

export interface ScriptedOrchestrator {
  calls: OrchestrateOptions[];
  orchestrate: SkillContext['orchestrate'];
}

export function aScriptedOrchestrator(result: unknown = { intro: 'Quiet Monday.', priorities: ['Pay the invoice'] }): ScriptedOrchestrator {
  const calls: OrchestrateOptions[] = [];
  return {
    calls,
    orchestrate: async (options) => {
      calls.push(options);
      if (result instanceof Error) throw result;
      const answer: OrchestrateResult = { result, text: '', steps: 1, costUsd: 0.0004, stoppedBy: 'finish' };
      return answer;
    },
  };
}

export function aContext(db: Store, overrides: Partial<SkillContext> = {}): SkillContext {
  return {
    job: 'morning-briefing',
    skill: 'briefing',
    runId: 7,
    idempotencyKey: 'morning-briefing:2025-05-05T05:00:00.000Z',
    slot: NOW,
    options: {},
    db,
    dataDir: '/nonexistent',
    logger: silentLogger(),
    timezone: 'Europe/Berlin',
    router: { complete: async () => { throw new Error('the briefing calls the router only through orchestrate'); }, decide: async () => { throw new Error('unused'); } },
    orchestrate: aScriptedOrchestrator().orchestrate,
    now: () => NOW,
    ...overrides,
  };
}

export interface RecordingDelivery extends MailDelivery {
  sent: MailMessage[];
  failNext: number;
}

export function aRecordingDelivery(): RecordingDelivery {
  const delivery: RecordingDelivery = {
    channel: 'outbox',
    sent: [],
    failNext: 0,
    async deliver(message) {
      if (delivery.failNext > 0) {
        delivery.failNext--;
        throw new Error('disk full');
      }
      delivery.sent.push(message);
      return { channel: 'outbox', messageId: `<${delivery.sent.length}@test>`, location: `/tmp/${delivery.sent.length}.eml` };
    },
  };
  return delivery;
}

export function aStore(): Store {
  return openStore(':memory:');
}

export function aCall(db: Store, call: { day: string; tier: string; costUsd: number; flagshipCostUsd: number; simulated?: boolean; runId?: number; outcome?: string }): void {
  db.prepare(
    `INSERT INTO calls (started_at, day, month, run_id, job, tier, provider, model, cost_usd, flagship_cost_usd, outcome, simulated)
     VALUES (?, ?, ?, ?, 'morning-briefing', ?, 'openai', 'gpt-4o-mini', ?, ?, ?, ?)`,
  ).run(`${call.day}T10:00:00.000Z`, call.day, call.day.slice(0, 7), call.runId ?? null, call.tier, call.costUsd, call.flagshipCostUsd, call.outcome ?? 'ok', call.simulated ? 1 : 0);
}

let runCounter = 0;
export function aJobRun(db: Store, run: { job: string; skill: string; status: string; endedAt: string; result?: unknown; error?: string }): void {
  runCounter++;
  db.prepare(
    `INSERT INTO job_runs (job, skill, slot, idempotency_key, trigger, status, created_at, started_at, ended_at, error, result)
     VALUES (?, ?, ?, ?, 'schedule', ?, ?, ?, ?, ?, ?)`,
  ).run(run.job, run.skill, run.endedAt, `${run.job}:${run.endedAt}:${runCounter}`, run.status, run.endedAt, run.endedAt, run.endedAt, run.error ?? null, run.result === undefined ? null : JSON.stringify(run.result));
}
