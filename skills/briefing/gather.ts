/**
 * Gathering the briefing's sections, each from its own source and each on its own: a source
 * that is not configured leaves its section `skipped`, one that fails leaves it
 * `unavailable` with a short reason, and neither stops the rest.
 */
import type { SkillContext } from '../types.ts';
import { GoogleSourceError, type CalendarEvent } from '../google/types.ts';
import { addDays, localDate, startOfLocalDay } from './local-day.ts';
import { jobOutcomesSince, latestMarketReport, latestResearchDigest, latestSkillSnapshot, spendReport } from './ledger-sources.ts';
import type { Agenda, Briefing, BriefingDeps, BriefingOptions, ExtractionSource, Section, SectionName } from './types.ts';

const SNAPSHOT_MAX_AGE_MS = 48 * 3_600_000;
const PROBLEM_WINDOW_MS = 24 * 3_600_000;
const MAX_FOLLOW_UPS = 5;

export type GatheredBriefing = Omit<Briefing, 'intro' | 'simulated'>;

type GatherContext = Pick<SkillContext, 'db' | 'timezone' | 'now' | 'logger' | 'runId'>;

/** Every section of the briefing; never throws for a failing source. */
export async function gatherBriefing(
  deps: BriefingDeps,
  extractions: ExtractionSource | undefined,
  context: GatherContext,
  options: BriefingOptions,
  signal: AbortSignal,
): Promise<GatheredBriefing> {
  const now = context.now();
  const timeZone = context.timezone;
  const today = localDate(now, timeZone);
  const wanted = new Set<SectionName>(options.sections);

  const section = async <T>(name: SectionName, configured: boolean, load: () => Promise<T | undefined>, absent = 'did not run'): Promise<Section<T>> => {
    if (!wanted.has(name)) return { status: 'skipped', reason: 'not requested' };
    if (!configured) return { status: 'skipped', reason: 'not configured' };
    try {
      const data = await load();
      return data === undefined ? { status: 'skipped', reason: absent } : { status: 'ok', data };
    } catch (error) {
      signal.throwIfAborted();
      context.logger.warn({ event: 'briefing-source-failed', section: name, err: error }, `briefing: ${name} unavailable`);
      return { status: 'unavailable', reason: describeFailure(error) };
    }
  };

  const [calendar, deadlines, mail, research, market, code, spend, jobs] = await Promise.all([
    section('calendar', deps.calendar !== undefined, () => loadAgenda(deps, today, timeZone, signal)),
    section('deadlines', extractions !== undefined, () => extractions!.dueSoon(options.dueWithinDays)),
    section('mail', deps.gmail !== undefined || extractions !== undefined, async () => {
      if (deps.gmail) {
        const messages = await deps.gmail.importantUnread(options.maxUnread, signal);
        return messages.map((message) => ({ from: message.from, subject: message.subject, snippet: message.snippet, receivedAt: message.receivedAt, source: 'gmail' as const }));
      }
      return (await extractions!.importantUnread()).slice(0, options.maxUnread);
    }),
    section('research', true, async () => latestResearchDigest(context.db, new Date(now.getTime() - SNAPSHOT_MAX_AGE_MS)), 'no digest in the last 48 h'),
    section('market', true, async () => latestMarketReport(context.db, new Date(now.getTime() - SNAPSHOT_MAX_AGE_MS), today), 'no market run in the last 48 h'),
    section('code', true, async () => {
      const latest = latestSkillSnapshot(context.db, 'code-edit', new Date(now.getTime() - SNAPSHOT_MAX_AGE_MS));
      const followUps = deps.codeFollowUps ? await deps.codeFollowUps.pending(context.db, MAX_FOLLOW_UPS) : [];
      return latest || followUps.length ? { ...(latest ? { latest } : {}), followUps } : undefined;
    }, 'no code edit and no follow-up in the last 48 h'),
    section('spend', true, async () => {
      const yesterday = addDays(today, -1);
      // The owner's month (the ledger counts the owner's days), not the UTC one.
      const bounds = { start: startOfLocalDay(yesterday, timeZone), end: startOfLocalDay(today, timeZone) };
      return spendReport(context.db, yesterday, bounds, today.slice(0, 7), deps.budgets, deps.baselines, timeZone);
    }),
    section('jobs', true, async () => jobOutcomesSince(context.db, new Date(now.getTime() - PROBLEM_WINDOW_MS), context.runId)),
  ]);
  return { date: today, timeZone, generatedAt: now.toISOString(), runId: context.runId, calendar, deadlines, mail, research, market, code, spend, jobs };
}

/** Today's and tomorrow's events: one query for both days, split by local date. */
async function loadAgenda(deps: BriefingDeps, today: string, timeZone: string, signal: AbortSignal): Promise<Agenda> {
  const tomorrow = addDays(today, 1);
  const events = await deps.calendar!.eventsBetween(
    { start: startOfLocalDay(today, timeZone), end: startOfLocalDay(addDays(today, 2), timeZone), timeZone },
    signal,
  );
  return {
    today: events.filter((event) => occursOn(event, today, timeZone)),
    tomorrow: events.filter((event) => occursOn(event, tomorrow, timeZone)),
  };
}

function occursOn(event: CalendarEvent, day: string, timeZone: string): boolean {
  if (event.allDay) return event.start <= day && day < event.end;
  const start = localDate(new Date(event.start), timeZone);
  // A timed event that began earlier and runs into `day` belongs to it too (multi-day events).
  return start === day || (start < day && localDate(new Date(new Date(event.end).getTime() - 1), timeZone) >= day);
}

/** A short, safe reason: the classified kind, never the message (which may hold addresses). */
export function describeFailure(error: unknown): string {
  if (error instanceof GoogleSourceError) {
    switch (error.kind) {
      case 'auth':
        return 'auth error';
      case 'rate_limited':
        return 'rate limited';
      case 'server':
        return 'server error';
      case 'network':
        return 'network error';
      case 'timeout':
        return 'timed out';
      case 'bad_request':
        return 'bad request';
      case 'not_found':
        return 'not found';
      case 'aborted':
        return 'aborted';
      default: {
        const unknownKind: never = error.kind;
        throw new Error(`unmapped Google error kind ${String(unknownKind)}`);
      }
    }
  }
  if (error instanceof Error && error.name === 'SqliteError') return 'database error';
  return 'error';
}
