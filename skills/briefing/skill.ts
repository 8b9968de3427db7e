/**
 * The morning briefing: gathers today's calendar, deadlines, important mail, other skills'
 * latest results, yesterday's spend and job problems; has the orchestrator write a short
 * intro; renders the mail in code; and delivers it at most once per run slot.
 */
import type { Skill, SkillContext, SkillProblem, SkillResult } from '../types.ts';
import { deliverOnce, findDelivery } from '../../memory/deliveries.ts';
import { createStoreExtractionSource } from './extraction-source.ts';
import { gatherBriefing, type GatheredBriefing } from './gather.ts';
import { composeIntro } from './intro.ts';
import { pendingApprovals } from './approvals-source.ts';
import { deadModelLines } from '../../memory/dead-models.ts';
import { callFaultLines } from '../../memory/call-faults.ts';
import { replyReports, withReplyTokens } from './replies-source.ts';
import { parseBriefingOptions } from './options.ts';
import { renderBriefing, usd } from './render.ts';
import { runUsedSimulator } from './ledger-sources.ts';
import type { Briefing, BriefingDeps } from './types.ts';

/** How far back a provider's refusals are reported: a week, so a weekend's outage is still named on Monday. */
const NOTICE_WINDOW_MS = 7 * 24 * 3_600_000;

const MAX_APPROVALS = 10;

/** The `briefing` skill. Side effects (mail, Google) come from `deps`; the ledger from the run's database. */
export function createBriefingSkill(deps: BriefingDeps): Skill {
  return {
    name: 'briefing',
    checkOptions: (options, job) => void parseBriefingOptions(options, job),
    // Delivery is once per slot key (deliverOnce): redoing an interrupted run never sends twice.
    retrySafe: () => true,
    description: 'A morning briefing mail: calendar, deadlines, important mail, markets, repositories, spend and job health.',
    async run(context: SkillContext, signal: AbortSignal): Promise<SkillResult> {
      const options = parseBriefingOptions(context.options, context.job);
      // A retried slot whose mail already went out does no work at all: no sources, no model call.
      const previous = findDelivery(context.db, context.idempotencyKey);
      if (previous?.status === 'sent') {
        return {
          summary: `briefing already delivered for this slot (${previous.channel}, ${previous.messageId})`,
          details: { delivered: false, channel: previous.channel, messageId: previous.messageId, location: previous.location },
        };
      }
      const extractions =
        deps.extractions ??
        (deps.readStoredExtractions ? createStoreExtractionSource(context.db, context.now(), context.timezone, options.maxUnread) : undefined);
      const gathered = await gatherBriefing(deps, extractions, context, options, signal);
      const { section: intro, failure } = await composeIntro(context, gathered, signal);
      if (failure && options.onModelFailure === 'fail') {
        throw new Error(
          `every model call of the briefing failed (${failure.kind}: ${failure.message}); nothing was sent ` +
            `(jobs.${context.job}.options.onModelFailure: figures-only sends the figures alone)`,
        );
      }
      const pending = pendingApprovals(context.db, context.now(), MAX_APPROVALS);
      const briefing: Briefing = {
        ...gathered,
        intro,
        modelNotices: [...deadModelLines(context.db), ...callFaultLines(context.db, new Date(context.now().getTime() - NOTICE_WINDOW_MS).toISOString())],
        approvals: deps.replies ? withReplyTokens(context.db, pending, context.now(), context.runId) : pending,
        ...(deps.replies ? { replies: replyReports(context.db, context.job, context.idempotencyKey, context.now()) } : {}),
        simulated: (gathered.spend.status === 'ok' && gathered.spend.data.simulated) || runUsedSimulator(context.db, context.runId),
        ...(failure ? { figuresOnly: `every model call failed (${failure.kind.replace(/_/g, ' ')}): this briefing has the figures only, no summary` } : {}),
      };
      // A job's error or a mail's subject may quote a secret; the mail leaves the machine, so none may.
      const scrub = (text: string) => (context.secrets ? context.secrets.redact(text) : text);
      const unsafe = renderBriefing(briefing);
      const rendered = { subject: scrub(unsafe.subject), html: scrub(unsafe.html), text: scrub(unsafe.text) };
      const outcome = await deliverOnce(
        context.db,
        context.idempotencyKey,
        () =>
          deps.delivery.deliver(
            {
              subject: rendered.subject,
              html: rendered.html,
              text: rendered.text,
              ...(deps.mail?.from ? { from: deps.mail.from } : {}),
              ...(deps.mail?.to ? { to: deps.mail.to } : {}),
              job: context.job,
              date: context.now(),
              headers: { 'X-Switchboard-Job': context.job, 'X-Switchboard-Run': String(context.runId) },
            },
            signal,
          ),
        { job: context.job, now: context.now },
      );
      // Every part that failed is reported in the shared shape: the run is then `degraded`.
      const problems: SkillProblem[] = [
        ...(failure ? [failure] : []),
        ...SOURCE_SECTIONS.flatMap((name) => {
          const section = briefing[name];
          return section.status === 'unavailable' ? [{ part: `section:${name}`, kind: 'unavailable', message: section.reason }] : [];
        }),
      ];
      return {
        ...(problems.length ? { problems } : {}),
        summary: summarise(briefing, outcome.record.channel ?? deps.delivery.channel),
        details: {
          delivered: outcome.delivered,
          channel: outcome.record.channel,
          messageId: outcome.record.messageId,
          location: outcome.record.location,
          simulated: briefing.simulated,
          sections: sectionStatuses(briefing),
        },
      };
    },
  };
}

const SOURCE_SECTIONS = ['calendar', 'deadlines', 'mail', 'market', 'code', 'spend', 'jobs'] as const;

function sectionStatuses(briefing: Briefing): Record<string, string> {
  const names = ['intro', 'deadlines', 'mail', 'calendar', 'research', 'market', 'code', 'jobs', 'spend'] as const;
  return Object.fromEntries(names.map((name) => [name, briefing[name].status]));
}

/** One line for `runs`: what went out and the headline figures. */
function summarise(briefing: GatheredBriefing & Pick<Briefing, 'simulated' | 'figuresOnly'>, channel: string): string {
  const parts: string[] = [];
  if (briefing.calendar.status === 'ok') parts.push(`${briefing.calendar.data.today.length} events today`);
  if (briefing.deadlines.status === 'ok') parts.push(`${briefing.deadlines.data.length} due soon`);
  if (briefing.mail.status === 'ok') parts.push(`${briefing.mail.data.length} important mail`);
  if (briefing.spend.status === 'ok') parts.push(`yesterday ${usd(briefing.spend.data.costUsd)}`);
  const unavailable = (['calendar', 'deadlines', 'mail', 'market', 'code', 'spend', 'jobs'] as const).filter((name) => briefing[name].status === 'unavailable');
  if (unavailable.length) parts.push(`unavailable: ${unavailable.join(', ')}`);
  const figuresOnly = briefing.figuresOnly ? ' (figures only: every model call failed)' : '';
  return `briefing ${channel === 'outbox' ? 'written to outbox' : 'sent'}${briefing.simulated ? ' (simulated)' : ''}${figuresOnly}: ${parts.join(', ') || 'no sections'}`;
}
