/**
 * Rendering a briefing as an email: an HTML body that reads well on a phone in any mail
 * client (one 600px column, table layout, inline styles, system fonts, no external assets,
 * no scripts) and its plain-text alternative. Every piece of text is escaped here, once;
 * figures are formatted by code, never by a model.
 */
import { addDays } from './local-day.ts';
import type { Briefing, BudgetLine, DueItem, MailItem, Section, SkillSnapshot, SpendReport, JobProblem, Agenda, Intro, RepositoryReport, PendingApproval } from './types.ts';
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
  if (intro.status === 'ok') blocks.push(row(introHtml(intro.data), '4px 24px 4px'));
  else if (intro.status === 'unavailable') blocks.push(row(unavailableHtml('Summary', intro.reason), '4px 24px 4px'));
  if (briefing.approvals?.length) blocks.push(row(`${h2('Waiting for your approval')}${approvalsHtml(briefing.approvals)}`, '16px 24px 4px', true));
  const sections: [string, Section<unknown>, (data: never, briefing: Briefing) => string][] = [
    ['Calendar', briefing.calendar, calendarHtml],
    ['Due soon', briefing.deadlines, deadlinesHtml],
    ['Important mail', briefing.mail, mailHtml],
    ['Markets', briefing.market, snapshotHtml],
    ['Repositories', briefing.code, repositoriesHtml],
    ['Yesterday\u2019s spend', briefing.spend, spendHtml],
    ['Jobs, last 24 h', briefing.jobs, jobsHtml],
  ];
  for (const [title, section, render] of sections) {
    if (section.status === 'skipped') continue;
    // A failed source gets one named line instead of a heading over nothing.
    const body = section.status === 'ok' ? `${h2(title)}${render(section.data as never, briefing)}` : unavailableHtml(title, section.reason);
    blocks.push(row(body, section.status === 'ok' ? '16px 24px 4px' : '12px 24px 4px', true));
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

function unavailableHtml(title: string, reason: string): string {
  return paragraph(`<strong>${escapeHtml(title)}:</strong> unavailable (${escapeHtml(reason)})`, 15, '#9a3412');
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

function introHtml(intro: Intro): string {
  const priorities = intro.priorities.length
    ? `<ol style="margin:4px 0 8px;padding-left:22px;font-size:15px;line-height:1.5;color:${INK};">${intro.priorities
        .map((item) => `<li style="margin:0 0 4px;">${escapeHtml(clip(item, LIMITS.text))}</li>`)
        .join('')}</ol>`
    : '';
  return paragraph(escapeHtml(clip(intro.text, 600)), 16) + priorities;
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
      main: `${item.kind === 'deadline' ? '' : 'To do: '}${escapeHtml(clip(item.text, LIMITS.text))}${item.amounts?.length ? ` <strong>${escapeHtml(item.amounts.join(', '))}</strong>` : ''}`,
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

function approvalsHtml(approvals: PendingApproval[]): string {
  return listTable(
    approvals.map((approval) => ({
      label: `#${approval.id} ${escapeHtml(approval.kind)}`,
      main: escapeHtml(clip(approval.summary, LIMITS.text)),
      note:
        `<code style="font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;">${escapeHtml(approval.command)}</code>` +
        (approval.source ? ` \u00b7 ${escapeHtml(clip(approval.source, LIMITS.subject))}` : ''),
    })),
  );
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
  if (!problems.length) return paragraph('Every job ran as scheduled.', 14, MUTED);
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
  if (briefing.simulated) lines.push('SIMULATED: some model calls in this briefing were answered by the built-in simulator; its summary and costs are not real.', '');
  const intro = briefing.intro;
  if (intro.status === 'ok') {
    lines.push(clip(intro.data.text, 600), '');
    intro.data.priorities.forEach((item, index) => lines.push(`${index + 1}. ${clip(item, LIMITS.text)}`));
    if (intro.data.priorities.length) lines.push('');
  } else if (intro.status === 'unavailable') lines.push(`Summary: unavailable (${intro.reason})`, '');
  if (briefing.approvals?.length) {
    lines.push('Waiting for your approval', '-'.repeat(25));
    for (const approval of briefing.approvals) {
      lines.push(`- #${approval.id} ${approval.kind}: ${clip(approval.summary, LIMITS.text)}${approval.source ? ` (${clip(approval.source, LIMITS.subject)})` : ''}`, `  approve: ${approval.command}`);
    }
    lines.push('');
  }
  const section = <T>(title: string, value: Section<T>, render: (data: T) => string[]) => {
    if (value.status === 'skipped') return;
    if (value.status === 'unavailable') lines.push(`${title}: unavailable (${value.reason})`, '');
    else lines.push(title, '-'.repeat(title.length), ...render(value.data), '');
  };
  section('Calendar', briefing.calendar, (agenda) => [
    'Today:',
    ...(agenda.today.length ? agenda.today.map((event) => `  ${eventTime(event, briefing.timeZone).padEnd(13)} ${eventLine(event)}`) : ['  Nothing scheduled.']),
    'Tomorrow:',
    ...(agenda.tomorrow.length ? agenda.tomorrow.map((event) => `  ${eventTime(event, briefing.timeZone).padEnd(13)} ${eventLine(event)}`) : ['  Nothing scheduled.']),
  ]);
  section('Due soon', briefing.deadlines, (items) =>
    items.length
      ? items.map((item) => `- ${dueLabel(item.day, briefing.date)}: ${item.kind === 'action' ? 'To do: ' : ''}${clip(item.text, LIMITS.text)}${item.amounts?.length ? ` [${item.amounts.join(', ')}]` : ''}${item.subject ? ` (${clip(item.subject, LIMITS.subject)})` : ''}`)
      : ['Nothing due in the next few days.'],
  );
  section('Important mail', briefing.mail, (items) =>
    items.length
      ? items.flatMap((item) => [`- ${clip(displayName(item.from), LIMITS.from)}: ${clip(item.subject, LIMITS.subject)}`, ...(item.snippet ? [`  ${clip(item.snippet, LIMITS.snippet)}`] : [])])
      : ['No important unread mail.'],
  );
  const snapshot = (data: SkillSnapshot) => [clip(data.summary, 400), ...data.highlights.map((item) => `- ${clip(item, LIMITS.text)}`), `(${data.job}, ${when(data.ranAt, briefing.timeZone)})`];
  section('Markets', briefing.market, snapshot);
  section('Repositories', briefing.code, (report) => [
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
  section('Yesterday\u2019s spend', briefing.spend, (spend) => [
    ...spendFigures(spend).map(([label, value]) => `${value.padStart(10)}  ${label}`),
    ...(spend.byTier.length ? [`By tier: ${spend.byTier.map((tier) => `${tier.tier} ${usd(tier.costUsd)} (${tier.calls})`).join(', ')}`] : []),
    ...(spend.simulated ? ['SIMULATED: some of these calls were answered by the simulator.'] : []),
    ...(spend.budget.length ? ['Budget:', ...spend.budget.map((line) => `  ${STATE_LABEL[line.state]}: ${line.label} ${usd(line.spentUsd)} of ${usd(line.capUsd)}`)] : []),
    ...(spend.capEvents.length ? ['Budget caps acted:', ...spend.capEvents.map((line) => `  ${line}`)] : []),
  ]);
  section('Jobs, last 24 h', briefing.jobs, (problems) =>
    problems.length
      ? problems.map((problem) => `- ${problem.job}: ${problem.status.replace(/_/g, ' ')} ${when(problem.at, briefing.timeZone)}${problem.error ? `: ${problem.error}` : ''}`)
      : ['Every job ran as scheduled.'],
  );
  lines.push(`-- Sent by Switchboard${briefing.runId !== undefined ? ` (run #${briefing.runId})` : ''}, ${briefing.timeZone}.`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- formatting

function spendFigures(spend: SpendReport): [string, string][] {
  const saved = spend.flagshipCostUsd - spend.costUsd;
  const percent = spend.flagshipCostUsd > 0 ? Math.round((saved / spend.flagshipCostUsd) * 100) : 0;
  return [
    [`spent on ${spend.calls} call${spend.calls === 1 ? '' : 's'}${spend.failedCalls ? ` (${spend.failedCalls} failed)` : ''}${spend.simulated ? ' (simulated)' : ''}`, usd(spend.costUsd)],
    ['on the flagship model', usd(spend.flagshipCostUsd)],
    [`saved by routing${spend.flagshipCostUsd > 0 ? ` (${percent}%)` : ''}`, usd(saved)],
  ];
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
