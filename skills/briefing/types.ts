/**
 * The briefing as plain data: each section is gathered into a `Section` (ok, skipped because
 * its source is not configured, or unavailable because the source failed), then rendered by
 * code. Text that came from mail, calendars or models is untrusted and escaped on render.
 */
import type { CalendarEvent, CalendarSource, UnreadMailSource } from '../google/types.ts';
import type { MailDelivery } from '../mail/types.ts';
import type { Config } from '../../config/schema.ts';
import type { Store } from '../../memory/store.ts';

/** Every section, in the fixed order the briefing shows them. */
export const SECTION_NAMES = ['deadlines', 'mail', 'calendar', 'research', 'market', 'code', 'jobs', 'spend'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export type Section<T> =
  | { status: 'ok'; data: T }
  | { status: 'skipped'; reason: string }
  /** The source is configured but failed; `reason` is short and safe to show ("auth error"). */
  | { status: 'unavailable'; reason: string };

export interface Agenda {
  today: CalendarEvent[];
  tomorrow: CalendarEvent[];
}

export interface DueItem {
  kind: 'deadline' | 'action';
  /** Local date YYYY-MM-DD. */
  day: string;
  text: string;
  /** Subject of the mail it came from. */
  subject?: string;
  from?: string;
  /** Amounts the mail names, formatted with their currency (e.g. "€420.00"). */
  amounts?: string[];
}

export interface MailItem {
  from: string;
  subject: string;
  /** Gmail snippet, or the extraction's summary. */
  snippet: string;
  receivedAt?: string;
  source: 'gmail' | 'mail';
}

/** The latest run of another skill (market, code-edit) that delivered: succeeded or degraded. */
export interface SkillSnapshot {
  job: string;
  ranAt: string;
  summary: string;
  highlights: string[];
}

/** An open action item from mail that names a code-edit repository, with the command that does it. */
export interface PendingCodeFollowUp {
  id: number;
  /** The repository folder's name. */
  repo: string;
  /** Untrusted: the action item's text. */
  task: string;
  subject?: string;
  from?: string;
  /** `switchboard code --follow-up <id>`. */
  command: string;
}

/** The Repositories section: the latest code-edit run and the code follow-ups waiting. */
export interface RepositoryReport {
  latest?: SkillSnapshot;
  followUps: PendingCodeFollowUp[];
}

/** Pending code follow-ups in the run's database (skills/code-edit/follow-ups.ts). */
export interface CodeFollowUpSource {
  /** At most `limit`, oldest first; empty when none. */
  pending(db: Store, limit: number): Promise<PendingCodeFollowUp[]>;
}

/** The latest research digest (memory research_digests). */
export interface ResearchReport {
  job: string;
  createdAt: string;
  title: string;
  /** Untrusted: model-written from fetched pages. */
  summary: string;
  items: { title: string; source?: string; link?: string }[];
}

/** One watchlist figure with the date of the data it was computed from. */
export interface MarketFigure {
  symbol: string;
  close: number;
  /** The trading day of the close, YYYY-MM-DD. */
  dataDate: string;
  dailyReturn?: number;
  /** Older than the market's last completed session. */
  stale: boolean;
}

export interface MarketReport {
  snapshot: SkillSnapshot;
  figures: MarketFigure[];
  /** The last completed weekday session before the briefing's day (holidays are not known). */
  lastSession: string;
}

export interface BudgetLine {
  label: string;
  spentUsd: number;
  capUsd: number;
  state: 'ok' | 'near' | 'over';
}

export interface SpendReport {
  /** The owner's yesterday, YYYY-MM-DD in their time zone; its figures are summed between its local midnights. */
  day: string;
  /** Of `costUsd`: what real providers charged, and what the simulator's answers would have cost. */
  realCostUsd: number;
  simulatedCostUsd: number;
  /** The ledger month so far (the month budgets are enforced on) and its cap, when one is set. */
  monthToDateUsd: number;
  monthCapUsd?: number;
  calls: number;
  failedCalls: number;
  costUsd: number;
  flagshipCostUsd: number;
  byTier: { tier: string; calls: number; costUsd: number }[];
  /** True when any call of the day was answered by the simulator. */
  simulated: boolean;
  budget: BudgetLine[];
  /** Budget caps that acted that day (calls downgraded or deferred), one line each. */
  capEvents: string[];
}

export interface JobProblem {
  job: string;
  status: string;
  at: string;
  error?: string;
}

export interface Intro {
  text: string;
  priorities: string[];
}

/** A proposal waiting for the owner (memory/approvals.ts), with the command that approves it. */
export interface PendingApproval {
  id: number;
  kind: string;
  /** Untrusted in part (a mail's words): escaped on render. */
  summary: string;
  /** What caused it, e.g. "mail from x@example.com" (untrusted). */
  source?: string;
  expiresAt?: string;
  /** `switchboard approvals approve <id>`. */
  command: string;
  /** The one-time token a reply must quote to act on it; set when replies are read (a `mail-replies` job). */
  replyToken?: string;
}

/** What one reply to an earlier briefing did (memory/mail-replies.ts), for the next briefing. */
export interface ReplyReport {
  /** `approved`, `rejected`, `failed` (approved, the action failed) or `refused` (nothing done). */
  result: 'approved' | 'rejected' | 'failed' | 'refused';
  proposalId?: number;
  /** The proposal's summary, or why nothing was done (untrusted in part: escaped on render). */
  text: string;
  /** The reply's From address (untrusted). */
  from?: string;
  /** When the reply was processed (ISO). */
  at: string;
}

export interface Briefing {
  /** The user's local date of the briefing, YYYY-MM-DD. */
  date: string;
  timeZone: string;
  generatedAt: string;
  runId?: number;
  intro: Section<Intro>;
  calendar: Section<Agenda>;
  deadlines: Section<DueItem[]>;
  mail: Section<MailItem[]>;
  research: Section<ResearchReport>;
  market: Section<MarketReport>;
  code: Section<RepositoryReport>;
  spend: Section<SpendReport>;
  jobs: Section<JobProblem[]>;
  /** Proposals waiting for the owner's approval, read after the intro (so those this run filed are in); absent or empty: none. */
  approvals?: PendingApproval[];
  /** Dead models and providers out of credit or refusing requests (memory/dead-models.ts, call-faults.ts); absent or empty: none. */
  modelNotices?: string[];
  /** What replies to earlier briefings did since the last one was sent; absent or empty: none. */
  replies?: ReplyReport[];
  /** Any figure or text in the briefing came from simulated model calls. */
  simulated: boolean;
  /** Set when every model call failed and the figures went out alone: said at the top of the mail. */
  figuresOnly?: string;
}

/** Deadlines, action items and important mail extracted from mail (memory/extractions.ts). */
export interface ExtractionSource {
  /** Open deadlines and action items due from today to `days` days ahead (and overdue ones), soonest first. */
  dueSoon(days: number): Promise<DueItem[]>;
  /** Recent mail the extraction judged worth reading, newest first. */
  importantUnread(): Promise<MailItem[]>;
}

/** What the daemon wires in; every source is optional and its section is skipped without it. */
export interface BriefingDeps {
  delivery: MailDelivery;
  calendar?: CalendarSource;
  gmail?: UnreadMailSource;
  /** Deadlines and important mail; defaults to the run's store when `readStoredExtractions` is set. */
  extractions?: ExtractionSource;
  /**
   * Read the mail extractions in the run's database when no `extractions` is given. Set (by
   * `briefingDepsFromConfig`) when a mail account is configured: without one nothing fills
   * those tables, so the deadline and mail sections are skipped rather than reported empty.
   */
  readStoredExtractions?: boolean;
  /** Code follow-ups for the Repositories section; set when `skills.code-edit.allowedRepos` is. */
  codeFollowUps?: CodeFollowUpSource;
  budgets?: Config['budgets'];
  /**
   * Replies to the briefing are read (a `mail-replies` job is on): each pending proposal gets a
   * one-time reply token, and what replies did since the last briefing is reported.
   */
  replies?: boolean;
  /** Sender and recipient; default `mail.smtp.from`/`to`. */
  mail?: { from?: string; to?: string };
}

export interface BriefingOptions {
  sections: SectionName[];
  dueWithinDays: number;
  maxUnread: number;
  /** What a run does when every model call fails: send nothing (`fail`) or the figures alone (`figures-only`). */
  onModelFailure: 'fail' | 'figures-only';
}
