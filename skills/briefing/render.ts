/**
 * Rendering a briefing as an email: an HTML body that reads well on a phone in any mail
 * client (one 600px column, table layout, inline styles, system fonts, no external assets,
 * no scripts) and its plain-text alternative. Every piece of text is escaped here, once;
 * figures are formatted by code, never by a model.
 */
import { addDays } from './local-day.ts';
import type { Briefing, BudgetLine, DueItem, MailItem, Section, SkillSnapshot, SpendReport, JobProblem, Agenda, Intro, RepositoryReport, ResearchReport, MarketReport, SectionName, PendingApproval, ReplyReport } from './types.ts';
import type { CalendarEvent } from '../google/types.ts';

export interface RenderedBriefing {
  subject: string;
  html: string;
  text: string;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const INK = '#1f2328';
const MUTED = '#59636e';
const RULE = '#d8dee4';
const STATE_COLOUR: Record<BudgetLine['state'], string> = { ok: '#1a7f37', near: '#9a6700', over: '#cf222e' };
const STATE_LABEL: Record<BudgetLine['state'], string> = { ok: 'OK', near: 'Near cap', over: 'Over cap' };
const LIMITS = { from: 80, subject: 160, snippet: 220, title: 160, text: 240 };

/** Renders `briefing`; pure, deterministic for the same input. */
export function renderBriefing(briefing: Briefing): RenderedBriefing {
  const heading = longDate(briefing.date);
  const subject = `Morning briefing: ${heading}${briefing.figuresOnly ? ' (figures only)' : ''}${briefing.simulated ? ' (simulated)' : ''}`;
  return { subject, html: renderHtml(briefing, heading), text: renderText(briefing, heading) };
}

// ---------------------------------------------------------------- HTML

function renderHtml(briefing: Briefing, heading: string): string {
  const blocks: string[] = [];
  if (briefing.figuresOnly) {
    blocks.push(
      row(
        `<div style="background:#ffebe9;border:1px solid #cf222e;border-radius:6px;padding:10px 12px;font-size:14px;line-height:1.45;color:#4a0c0c;">` +
          `<strong>Figures only.</strong> ${escapeHtml(briefing.figuresOnly)}.</div>`,
        '0 24px 8px',
      ),
    );
  }
  if (briefing.modelNotices?.length) {
    blocks.push(
      row(
        `<div style="background:#fff1f0;border:1px solid #cf222e;border-radius:6px;padding:10px 12px;font-size:14px;line-height:1.45;color:#4c0a0a;">` +
          `<strong>Models and providers.</strong><ul style="margin:6px 0 0;padding-left:18px;">${briefing.modelNotices.map((line) => `<li>${escapeHtml(clip(line, 400))}</li>`).join('')}</ul></div>`,
        '0 24px 8px',
      ),
    );
  }
  if (briefing.simulated) {
    blocks.push(
      row(
        `<div style="background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:10px 12px;font-size:14px;line-height:1.45;color:#3b2e00;">` +
          `<strong>Simulated.</strong> Some model calls in this briefing were answered by Switchboard's built-in simulator: its summary and costs are not real.</div>`,
        '0 24px 8px',
      ),
    );
  }
  const intro = briefing.intro;
  // An intro that could not be written is left out: never a placeholder, never model noise.
  if (intro.status === 'ok') blocks.push(row(introHtml(intro.data), '4px 24px 4px'));
  if (briefing.replies?.length) blocks.push(row(`${h2('Your replies')}${repliesHtml(briefing.replies, briefing)}`, '16px 24px 4px', true));
  if (briefing.approvals?.length) blocks.push(row(`${h2('Waiting for your approval')}${approvalsHtml(briefing.approvals)}`, '16px 24px 4px', true));
  const renderers: Record<SectionName, (data: never, briefing: Briefing) => string> = {
    deadlines: needsYouHtml,
    mail: (items: MailItem[], whole: Briefing) => mailHtml(withoutDueMail(items, whole)),
    calendar: calendarHtml,
    research: researchHtml,
    market: marketHtml,
    code: repositoriesHtml,
    jobs: jobsHtml,
    spend: spendHtml,
  };
  for (const name of SECTION_ORDER) {
    const section = briefing[name] as Section<unknown>;
    const title = SECTION_TITLES[name];
    const note = sectionNote(name, section);
    if (section.status === 'ok') blocks.push(row(`${h2(title)}${renderers[name](section.data as never, briefing)}`, '16px 24px 4px', true));
    // A section that is on but has nothing to show gets one named line, never silence.
    else if (note !== undefined) blocks.push(row(noteHtml(title, note, section.status === 'unavailable'), '12px 24px 4px', true));
  }
  const footer =
    `Sent by Switchboard${briefing.runId !== undefined ? ` \u00b7 run #${briefing.runId}` : ''} \u00b7 ` +
    `${escapeHtml(briefing.timeZone)}. Mail text is quoted as received; figures come from the ledger.`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="color-scheme" content="light"><meta name="supported-color-schemes" content="light">',
    `<title>${escapeHtml(`Morning briefing: ${heading}`)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f3f4f6;color:${INK};font-family:${FONT};-webkit-text-size-adjust:100%;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;border-collapse:collapse;">`,
    `<tr><td align="center" style="padding:12px 8px;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid ${RULE};border-radius:8px;border-collapse:separate;">`,
    row(
      `<div style="font-size:13px;letter-spacing:0.04em;text-transform:uppercase;color:${MUTED};">Morning briefing</div>` +
        `<h1 style="margin:4px 0 0;font-size:24px;line-height:1.25;font-weight:700;color:${INK};">${escapeHtml(heading)}</h1>`,
      '22px 24px 12px',
    ),
    ...blocks,
    row(`<p style="margin:12px 0 0;font-size:12px;line-height:1.5;color:${MUTED};">${footer}</p>`, '8px 24px 20px'),
    '</table></td></tr></table></body></html>',
  ].join('\n');
}

function row(content: string, padding: string, ruled = false): string {
  const rule = ruled ? `border-top:1px solid ${RULE};` : '';
  return `<tr><td style="padding:${padding};${rule}font-family:${FONT};color:${INK};">${content}</td></tr>`;
}

function h2(title: string): string {
  return `<h2 style="margin:0 0 8px;font-size:18px;line-height:1.3;font-weight:700;color:${INK};">${escapeHtml(title)}</h2>`;
}

function h3(title: string): string {
  return `<h3 style="margin:10px 0 4px;font-size:13px;line-height:1.3;font-weight:600;letter-spacing:0.04em;text-transform:uppercase;color:${MUTED};">${escapeHtml(title)}</h3>`;
}

function paragraph(html: string, size = 15, colour = INK): string {
  return `<p style="margin:0 0 8px;font-size:${size}px;line-height:1.5;color:${colour};">${html}</p>`;
}

function noteHtml(title: string, note: string, failed: boolean): string {
  return paragraph(`<strong>${escapeHtml(title)}:</strong> ${escapeHtml(note)}`, 15, failed ? '#9a3412' : MUTED);
}

/** The fixed order of the sections: what needs the owner first, the spend last. */
export const SECTION_ORDER: readonly SectionName[] = ['deadlines', 'mail', 'calendar', 'research', 'market', 'code', 'jobs', 'spend'];

const SECTION_TITLES: Record<SectionName, string> = {
  deadlines: 'Needs you today',
  mail: 'Mail',
  calendar: 'Calendar',
  research: 'Research digest',
  market: 'Markets',
  code: 'Repositories',
  jobs: 'Overnight jobs',
  spend: 'Spend',
};

/** How to turn on a section whose source is not configured. */
const HOW_TO_CONFIGURE: Partial<Record<SectionName, string>> = {
  deadlines: 'no mailbox connected. Run `switchboard init` (IMAP host, user, password file) to read deadlines and action items from your mail.',
  mail: 'no mailbox connected. Run `switchboard init` to add one.',
  calendar: 'not configured. Add a google: section (clientId, clientSecret, refreshToken) and run `switchboard auth google` to connect Google Calendar.',
};

/** The one line for a section with nothing to show; undefined when it is off (not requested). */
export function sectionNote(name: SectionName, section: Section<unknown>): string | undefined {
  if (section.status === 'ok') return undefined;
  if (section.status === 'unavailable') return `unavailable (${section.reason})`;
  if (section.reason === 'not requested') return undefined;
  if (section.reason === 'not configured') return HOW_TO_CONFIGURE[name] ?? 'not configured.';
  return `${section.reason}.`;
}

/** Mail already listed under "Needs you" (same subject) is not listed again. */
function withoutDueMail(items: MailItem[], briefing: Briefing): MailItem[] {
  if (briefing.deadlines.status !== 'ok') return items;
  const listed = new Set(briefing.deadlines.data.map((item) => normaliseSubject(item.subject ?? '')).filter(Boolean));
  return items.filter((item) => !listed.has(normaliseSubject(item.subject)));
}

export function normaliseSubject(subject: string): string {
  return subject.replace(/^\s*((re|fwd?|aw|tr)\s*:\s*)+/i, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Deadlines and action items, and today's meetings when the calendar is connected. */
function needsYouHtml(items: DueItem[], briefing: Briefing): string {
  const meetings = briefing.calendar.status === 'ok' ? briefing.calendar.data.today.filter((event) => !event.allDay) : [];
  const meetingRows = meetings.map((event) => ({ label: escapeHtml(eventTime(event, briefing.timeZone)), main: `Meeting: ${escapeHtml(clip(event.title, LIMITS.title))}` }));
  if (!items.length && !meetingRows.length) return paragraph('Nothing due in the next few days.', 14, MUTED);
  return (meetingRows.length ? listTable(meetingRows) : '') + (items.length ? deadlinesHtml(items, briefing) : '');
}

function researchHtml(report: ResearchReport, briefing: Briefing): string {
  const items = report.items.length
    ? `<ul style="margin:0 0 8px;padding-left:20px;font-size:14px;line-height:1.5;color:${INK};">${report.items
        .map((item) => `<li>${escapeHtml(clip(item.title, LIMITS.title))}${item.source ? ` <span style="color:${MUTED};">(${escapeHtml(clip(item.source, 40))})</span>` : ''}</li>`)
        .join('')}</ul>`
    : '';
  return (
    paragraph(`<strong>${escapeHtml(clip(report.title, LIMITS.title))}</strong>`) +
    paragraph(escapeHtml(clip(report.summary, 500)), 14) +
    items +
    paragraph(`${escapeHtml(report.job)}, ${escapeHtml(when(report.createdAt, briefing.timeZone))}`, 12, MUTED)
  );
}

function marketHtml(report: MarketReport, briefing: Briefing): string {
  const figures = report.figures.length
    ? listTable(
        report.figures.map((figure) => ({
          label: `<strong style="color:${INK};">${escapeHtml(clip(figure.symbol, 14))}</strong>`,
          main: `${escapeHtml(figure.close.toFixed(2))}${figure.dailyReturn === undefined ? '' : ` (${escapeHtml(signed(figure.dailyReturn))})`}`,
          note: figure.stale
            ? `<span style="color:#9a3412;font-weight:600;">Stale:</span> data of ${escapeHtml(figure.dataDate)}, older than the last session (${escapeHtml(report.lastSession)})`
            : `data of ${escapeHtml(figure.dataDate)}`,
        })),
      )
    : '';
  return figures + snapshotHtml(report.snapshot, briefing);
}

function signed(fraction: number): string {
  const text = (fraction * 100).toFixed(2);
  return `${fraction > 0 ? '+' : ''}${text}%`;
}

/** A two-column list: a fixed-width label (time, date, figure) and the text beside it. */
function listTable(rows: { label: string; main: string; note?: string }[]): string {
  const cells = rows.map(
    (entry) =>
      `<tr><td valign="top" style="padding:5px 10px 5px 0;width:92px;font-size:14px;line-height:1.45;color:${MUTED};white-space:nowrap;font-family:${FONT};">${entry.label}</td>` +
      `<td valign="top" style="padding:5px 0;font-size:15px;line-height:1.45;color:${INK};font-family:${FONT};">${entry.main}` +
      `${entry.note ? `<div style="font-size:13px;line-height:1.45;color:${MUTED};">${entry.note}</div>` : ''}</td></tr>`,
  );
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">${cells.join('')}</table>`;
}

/** The intro sentence only: its priorities would repeat what the sections below say. */
function introHtml(intro: Intro): string {
  return paragraph(escapeHtml(clip(intro.text, 600)), 16);
}

function calendarHtml(agenda: Agenda, briefing: Briefing): string {
  const day = (label: string, events: CalendarEvent[]) =>
    h3(label) +
    (events.length
      ? listTable(
          events.map((event) => ({
            label: escapeHtml(eventTime(event, briefing.timeZone)),
            main: escapeHtml(clip(event.title, LIMITS.title)),
            note: event.location ? escapeHtml(clip(event.location, LIMITS.title)) : undefined,
          })),
        )
      : paragraph('Nothing scheduled.', 14, MUTED));
  return day('Today', agenda.today) + day('Tomorrow', agenda.tomorrow);
}

function deadlinesHtml(items: DueItem[], briefing: Briefing): string {
  if (!items.length) return paragraph('Nothing due in the next few days.', 14, MUTED);
  return listTable(
    items.map((item) => ({
      label: escapeHtml(dueLabel(item.day, briefing.date)),
      main: `${item.kind === 'deadline' ? '' : 'To do: '}${escapeHtml(clip(item.text, LIMITS.text))}${unsaidAmounts(item).length ? ` <strong>${escapeHtml(unsaidAmounts(item).join(', '))}</strong>` : ''}`,
      note: item.subject || item.from ? escapeHtml(clip([item.from, item.subject].filter(Boolean).join(' \u2014 '), LIMITS.subject)) : undefined,
    })),
  );
}

function mailHtml(items: MailItem[]): string {
  if (!items.length) return paragraph('No important unread mail.', 14, MUTED);
  return items
    .map(
      (item) =>
        `<div style="padding:6px 0;border-bottom:1px solid #eef0f2;">` +
        `<div style="font-size:13px;line-height:1.4;color:${MUTED};">${escapeHtml(clip(displayName(item.from), LIMITS.from))}</div>` +
        `<div style="font-size:15px;line-height:1.4;font-weight:600;color:${INK};">${escapeHtml(clip(item.subject, LIMITS.subject))}</div>` +
        (item.snippet ? `<div style="font-size:14px;line-height:1.45;color:${MUTED};">${escapeHtml(clip(item.snippet, LIMITS.snippet))}</div>` : '') +
        `</div>`,
    )
    .join('');
}

function snapshotHtml(snapshot: SkillSnapshot, briefing: Briefing): string {
  const highlights = snapshot.highlights.length
    ? `<ul style="margin:0 0 8px;padding-left:20px;font-size:14px;line-height:1.5;color:${INK};">${snapshot.highlights
        .map((item) => `<li>${escapeHtml(clip(item, LIMITS.text))}</li>`)
        .join('')}</ul>`
    : '';
  return (
    paragraph(escapeHtml(clip(snapshot.summary, 400))) +
    highlights +
    paragraph(`${escapeHtml(snapshot.job)}, ${escapeHtml(when(snapshot.ranAt, briefing.timeZone))}`, 12, MUTED)
  );
}

function repositoriesHtml(report: RepositoryReport, briefing: Briefing): string {
  const latest = report.latest ? snapshotHtml(report.latest, briefing) : '';
  if (!report.followUps.length) return latest;
  return (
    latest +
    h3('Follow-ups from mail') +
    listTable(
      report.followUps.map((followUp) => ({
        label: escapeHtml(clip(followUp.repo, 24)),
        main: escapeHtml(clip(followUp.task, LIMITS.text)),
        note:
          `<code style="font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;">${escapeHtml(followUp.command)}</code>` +
          (followUp.from || followUp.subject ? ` \u00b7 ${escapeHtml(clip([followUp.from, followUp.subject].filter(Boolean).join(' \u2014 '), LIMITS.subject))}` : ''),
      })),
    )
  );
}

const CODE_STYLE = 'font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;';

function approvalsHtml(approvals: PendingApproval[]): string {
  const byReply = approvals.some((approval) => approval.replyToken)
    ? paragraph(escapeHtml(REPLY_HOW_TO), 13, MUTED)
    : '';
  return (
    byReply +
    listTable(
      approvals.map((approval) => ({
        label: `#${approval.id} ${escapeHtml(approval.kind)}`,
        main: escapeHtml(clip(approval.summary, LIMITS.text)),
        note:
          `<code style="${CODE_STYLE}">${escapeHtml(approval.command)}</code>` +
          (approval.source ? ` \u00b7 ${escapeHtml(clip(approval.source, LIMITS.subject))}` : '') +
          (approval.replyToken
            ? `<br>Reply with one line: <code style="${CODE_STYLE}">${escapeHtml(replyLine('approve', approval))}</code> or <code style="${CODE_STYLE}">${escapeHtml(replyLine('reject', approval))}</code>`
            : ''),
      })),
    )
  );
}

const REPLY_HOW_TO =
  'To decide by mail, reply from your own address keeping only the lines you mean, e.g. "approve 3 TOKEN" or "reject 3 TOKEN". ' +
  "Each token works once, for its own proposal; lines quoted with '>' do nothing.";

/** The line a reply carries to decide `approval`: `approve 3 k7f2q9xm4p`. */
export function replyLine(decision: 'approve' | 'reject', approval: Pick<PendingApproval, 'id' | 'replyToken'>): string {
  return `${decision} ${approval.id} ${approval.replyToken ?? ''}`.trim();
}

const REPLY_LABEL: Record<ReplyReport['result'], string> = {
  approved: 'Approved by your reply',
  rejected: 'Rejected by your reply',
  failed: 'Approved by your reply, but it failed',
  refused: 'Not acted on',
};

/** One line per reply outcome: "Approved by your reply: #3 ..." or "Not acted on: reply from x (Tue 08:12): why". */
export function replyReportLine(report: ReplyReport, timeZone: string): string {
  if (report.result === 'refused') {
    return `${REPLY_LABEL.refused}: reply${report.from ? ` from ${clip(report.from, LIMITS.from)}` : ''} (${when(report.at, timeZone)}): ${clip(report.text, LIMITS.text)}`;
  }
  return `${REPLY_LABEL[report.result]}: #${report.proposalId} ${clip(report.text, LIMITS.text)}`;
}

function repliesHtml(replies: ReplyReport[], briefing: Briefing): string {
  return `<ul style="margin:0 0 8px;padding-left:20px;font-size:14px;line-height:1.5;color:${INK};">${replies
    .map((report) => `<li${report.result === 'refused' || report.result === 'failed' ? ' style="color:#9a3412;"' : ''}>${escapeHtml(replyReportLine(report, briefing.timeZone))}</li>`)
    .join('')}</ul>`;
}

function spendHtml(spend: SpendReport): string {
  const figures = spendFigures(spend).map(([label, value]) => ({ label: `<strong style="color:${INK};">${escapeHtml(value)}</strong>`, main: escapeHtml(label) }));
  const tiers = spend.byTier.length
    ? paragraph(spend.byTier.map((tier) => `${escapeHtml(tier.tier)} ${escapeHtml(usd(tier.costUsd))} (${tier.calls})`).join(' \u00b7 '), 13, MUTED)
    : '';
  const simulated = spend.simulated ? paragraph('<strong>Simulated:</strong> some of these calls were answered by the simulator.', 13, '#9a6700') : '';
  const budget = spend.budget.length
    ? h3('Budget') +
      listTable(
        spend.budget.map((line) => ({
          label: `<span style="color:${STATE_COLOUR[line.state]};font-weight:600;">${STATE_LABEL[line.state]}</span>`,
          main: `${escapeHtml(line.label)}: ${escapeHtml(usd(line.spentUsd))} of ${escapeHtml(usd(line.capUsd))}`,
        })),
      )
    : '';
  const capEvents = spend.capEvents.length
    ? paragraph(`<strong>Budget caps acted:</strong> ${spend.capEvents.map((line) => escapeHtml(line)).join('<br>')}`, 13, '#9a6700')
    : '';
  return listTable(figures) + tiers + simulated + budget + capEvents;
}

function jobsHtml(problems: JobProblem[], briefing: Briefing): string {
  if (!problems.length) return paragraph('No job ran in the last 24 hours.', 14, MUTED);
  return listTable(
    problems.map((problem) => ({
      label: escapeHtml(problem.status.replace(/_/g, ' ')),
      main: escapeHtml(problem.job),
      note: escapeHtml([when(problem.at, briefing.timeZone), problem.error].filter(Boolean).join(': ')),
    })),
  );
}

// ---------------------------------------------------------------- plain text

function renderText(briefing: Briefing, heading: string): string {
  const lines: string[] = [`MORNING BRIEFING: ${heading}`, ''];
  if (briefing.figuresOnly) lines.push(`FIGURES ONLY: ${briefing.figuresOnly}.`, '');
  if (briefing.modelNotices?.length) lines.push('MODELS AND PROVIDERS', ...briefing.modelNotices.map((line) => `- ${clip(line, 400)}`), '');
  if (briefing.simulated) lines.push('SIMULATED: some model calls in this briefing were answered by the built-in simulator; its summary and costs are not real.', '');
  const intro = briefing.intro;
  if (intro.status === 'ok') lines.push(clip(intro.data.text, 600), '');
  if (briefing.replies?.length) {
    lines.push('Your replies', '-'.repeat(12), ...briefing.replies.map((report) => `- ${replyReportLine(report, briefing.timeZone)}`), '');
  }
  if (briefing.approvals?.length) {
    lines.push('Waiting for your approval', '-'.repeat(25));
    if (briefing.approvals.some((approval) => approval.replyToken)) lines.push(REPLY_HOW_TO);
    for (const approval of briefing.approvals) {
      lines.push(`- #${approval.id} ${approval.kind}: ${clip(approval.summary, LIMITS.text)}${approval.source ? ` (${clip(approval.source, LIMITS.subject)})` : ''}`, `  approve: ${approval.command}`);
      if (approval.replyToken) lines.push('  or reply with one of:', `    ${replyLine('approve', approval)}`, `    ${replyLine('reject', approval)}`);
    }
    lines.push('');
  }
  const blocks = new Map<SectionName, string[]>();
  const section = <T>(name: SectionName, value: Section<T>, render: (data: T) => string[]) => {
    const title = SECTION_TITLES[name];
    const note = sectionNote(name, value as Section<unknown>);
    if (value.status === 'ok') blocks.set(name, [title, '-'.repeat(title.length), ...render(value.data), '']);
    else if (note !== undefined) blocks.set(name, [`${title}: ${note}`, '']);
  };
  section('research', briefing.research, (report) => [
    clip(report.title, LIMITS.title),
    clip(report.summary, 500),
    ...report.items.map((item) => `- ${clip(item.title, LIMITS.title)}${item.source ? ` (${clip(item.source, 40)})` : ''}`),
    `(${report.job}, ${when(report.createdAt, briefing.timeZone)})`,
  ]);
  section('calendar', briefing.calendar, (agenda) => [
    'Today:',
    ...(agenda.today.length ? agenda.today.map((event) => `  ${eventTime(event, briefing.timeZone).padEnd(13)} ${eventLine(event)}`) : ['  Nothing scheduled.']),
    'Tomorrow:',
    ...(agenda.tomorrow.length ? agenda.tomorrow.map((event) => `  ${eventTime(event, briefing.timeZone).padEnd(13)} ${eventLine(event)}`) : ['  Nothing scheduled.']),
  ]);
  section('deadlines', briefing.deadlines, (items) => {
    const meetings = briefing.calendar.status === 'ok' ? briefing.calendar.data.today.filter((event) => !event.allDay) : [];
    const lines = [
      ...meetings.map((event) => `- ${eventTime(event, briefing.timeZone)}: Meeting: ${eventLine(event)}`),
      ...items.map((item) => `- ${dueLabel(item.day, briefing.date)}: ${item.kind === 'action' ? 'To do: ' : ''}${clip(item.text, LIMITS.text)}${unsaidAmounts(item).length ? ` [${unsaidAmounts(item).join(', ')}]` : ''}${item.subject ? ` (${clip(item.subject, LIMITS.subject)})` : ''}`),
    ];
    return lines.length ? lines : ['Nothing due in the next few days.'];
  });
  section('mail', briefing.mail, (all) => {
    const items = withoutDueMail(all, briefing);
    return items.length
      ? items.flatMap((item) => [`- ${clip(displayName(item.from), LIMITS.from)}: ${clip(item.subject, LIMITS.subject)}`, ...(item.snippet ? [`  ${clip(item.snippet, LIMITS.snippet)}`] : [])])
      : ['No important unread mail.'];
  });
  const snapshot = (data: SkillSnapshot) => [clip(data.summary, 400), ...data.highlights.map((item) => `- ${clip(item, LIMITS.text)}`), `(${data.job}, ${when(data.ranAt, briefing.timeZone)})`];
  section('market', briefing.market, (report) => [
    ...report.figures.map(
      (figure) =>
        `${clip(figure.symbol, 14).padEnd(12)} ${figure.close.toFixed(2).padStart(10)}${figure.dailyReturn === undefined ? '' : ` (${signed(figure.dailyReturn)})`}  data of ${figure.dataDate}${figure.stale ? ` STALE: older than the last session (${report.lastSession})` : ''}`,
    ),
    ...snapshot(report.snapshot),
  ]);
  section('code', briefing.code, (report) => [
    ...(report.latest ? snapshot(report.latest) : []),
    ...(report.followUps.length
      ? [
          'Follow-ups from mail:',
          ...report.followUps.flatMap((followUp) => [
            `- ${clip(followUp.repo, 24)}: ${clip(followUp.task, LIMITS.text)}${followUp.subject ? ` (${clip(followUp.subject, LIMITS.subject)})` : ''}`,
            `  run: ${followUp.command}`,
          ]),
        ]
      : []),
  ]);
  section('spend', briefing.spend, (spend) => [
    ...spendFigures(spend).map(([label, value]) => `${value.padStart(10)}  ${label}`),
    ...(spend.byTier.length ? [`By tier: ${spend.byTier.map((tier) => `${tier.tier} ${usd(tier.costUsd)} (${tier.calls})`).join(', ')}`] : []),
    ...(spend.simulated ? ['SIMULATED: some of these calls were answered by the simulator.'] : []),
    ...(spend.budget.length ? ['Budget:', ...spend.budget.map((line) => `  ${STATE_LABEL[line.state]}: ${line.label} ${usd(line.spentUsd)} of ${usd(line.capUsd)}`)] : []),
    ...(spend.capEvents.length ? ['Budget caps acted:', ...spend.capEvents.map((line) => `  ${line}`)] : []),
  ]);
  section('jobs', briefing.jobs, (problems) =>
    problems.length
      ? problems.map((problem) => `- ${problem.job}: ${problem.status.replace(/_/g, ' ')} ${when(problem.at, briefing.timeZone)}${problem.error ? `: ${problem.error}` : ''}`)
      : ['No job ran in the last 24 hours.'],
  );
  for (const name of SECTION_ORDER) lines.push(...(blocks.get(name) ?? []));
  lines.push(`-- Sent by Switchboard${briefing.runId !== undefined ? ` (run #${briefing.runId})` : ''}, ${briefing.timeZone}.`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- formatting

function spendFigures(spend: SpendReport): [string, string][] {
  const saved = spend.flagshipCostUsd - spend.costUsd;
  const percent = spend.flagshipCostUsd > 0 ? Math.round((saved / spend.flagshipCostUsd) * 100) : 0;
  const calls = `${spend.calls} call${spend.calls === 1 ? '' : 's'}${spend.failedCalls ? ` (${spend.failedCalls} failed)` : ''}`;
  return [
    [`yesterday (${shortDate(spend.day)}), real spend on ${calls}`, usd(spend.realCostUsd)],
    ...(spend.simulated && spend.simulatedCostUsd > 0 ? ([['simulated calls (not charged)', usd(spend.simulatedCostUsd)]] as [string, string][]) : []),
    ['the same calls on the flagship model', usd(spend.flagshipCostUsd)],
    [`saved by routing${spend.flagshipCostUsd > 0 ? ` (${percent}%)` : ''}`, usd(saved)],
    [spend.monthCapUsd !== undefined ? `month so far, of the ${usd(spend.monthCapUsd)} cap` : 'month so far (no monthly cap set)', usd(spend.monthToDateUsd)],
  ];
}

/** The item's amounts its own text does not already state ("EUR 1,240.00" and "€1,240.00" are one amount). */
function unsaidAmounts(item: { text: string; amounts?: string[] }): string[] {
  return (item.amounts ?? []).filter((amount) => {
    const figure = /\d[\d.,]*\d|\d/.exec(amount)?.[0];
    return figure === undefined || !item.text.includes(figure);
  });
}

/** USD with cents, or four decimals for sub-cent amounts so small days do not read as zero. */
export function usd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  return `${sign}$${magnitude > 0 && magnitude < 0.01 ? magnitude.toFixed(4) : magnitude.toFixed(2)}`;
}

function longDate(day: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

function shortDate(day: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

function dueLabel(day: string, today: string): string {
  if (day === today) return 'Today';
  if (day === addDays(today, 1)) return 'Tomorrow';
  if (day < today) return `Overdue ${shortDate(day)}`;
  return shortDate(day);
}

function clock(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(new Date(iso));
}

function eventTime(event: CalendarEvent, timeZone: string): string {
  return event.allDay ? 'All day' : `${clock(event.start, timeZone)}\u2013${clock(event.end, timeZone)}`;
}

function eventLine(event: CalendarEvent): string {
  return `${clip(event.title, LIMITS.title)}${event.location ? ` (${clip(event.location, LIMITS.title)})` : ''}`;
}

function when(iso: string, timeZone: string): string {
  if (Number.isNaN(Date.parse(iso))) return iso;
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(new Date(iso));
}

/** "Ada Lovelace <ada@example.com>" reads as "Ada Lovelace"; a bare address stays. */
function displayName(from: string): string {
  const match = /^\s*"?([^"<]+?)"?\s*<[^>]+>\s*$/.exec(from);
  return match ? match[1] : from;
}

/** Collapses whitespace, drops control and bidi-override characters, and cuts at `max` characters. */
export function clip(text: string, max: number): string {
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}\u2026` : clean;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
