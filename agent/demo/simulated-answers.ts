/**
 * The demo's scripted model: a simulator responder that recognises each skill's request by
 * its system prompt and answers the way a capable model plausibly would, from the request's
 * own text (the figures table, the documents, the deadlines) or from answers written for the
 * sample mail. Every answer still travels through the simulator, so it is marked simulated
 * and priced like any other call. A request it does not recognise gets the default answer.
 */
import { addDays, localDate } from '../../skills/briefing/local-day.ts';
import type { Responder, ResponderRequest, ScriptStep } from '../simulator/types.ts';
import { longDate } from './sample-mailbox.ts';
import { SLUG_AFTER } from './scratch-repo.ts';

export interface DemoAnswerContext {
  /** The demo's "now": the sample mail's dates were filled in from it. */
  now: Date;
  timeZone: string;
}

/** A responder for every model of the demo. */
export function demoResponder(context: DemoAnswerContext): Responder {
  return (request) => {
    const prompt = request.promptText;
    if (prompt.includes('You extract structured facts from one email')) return { json: extractionAnswer(request, context) };
    if (prompt.includes('You edit a git repository to carry out a task')) return { json: codeEditAnswer() };
    if (prompt.includes('You write the market lines of a personal morning briefing')) return { text: marketSnapshot(request.lastUserText) };
    if (prompt.includes('You are a careful markets analyst')) return { text: marketAnalysis(request.lastUserText) };
    if (prompt.includes('You write a short research digest')) return { json: researchDigest(request.lastUserText) };
    if (prompt.includes('You write a considered briefing note on the topic')) return { text: researchWriteUp(prompt, request.lastUserText) };
    if (prompt.includes("Write the opening of the user's morning briefing")) return briefingIntro(prompt);
    return undefined;
  };
}

// --- Mail ------------------------------------------------------------------------------

interface ExtractionJson {
  category: string;
  people: { name: string; email: string | null; role: string | null }[];
  dates: { date: string; what: string; isDeadline: boolean }[];
  action_items: { text: string; due: string | null }[];
  amounts: { value: number; currency: string; what: string }[];
  summary: string;
}

function extractionAnswer(request: ResponderRequest, context: DemoAnswerContext): ExtractionJson {
  const text = request.lastUserText;
  const subject = /^Subject: (.*)$/m.exec(text)?.[1] ?? '';
  const from = /^From: (?:(.*?) <([^>]+)>|(\S+@\S+))$/m.exec(text);
  const sender = { name: from?.[1] ?? from?.[3] ?? 'unknown sender', email: from?.[2] ?? from?.[3] ?? null, role: 'sender' };
  const sent = /The email was sent: (\d{4}-\d{2}-\d{2})T[\d:]+([+-]\d{2}:\d{2})/.exec(text);
  const sentDay = sent?.[1] ?? localDate(context.now, context.timeZone);
  const offset = sent?.[2] ?? '+00:00';
  const today = localDate(context.now, context.timeZone);
  const empty = { people: [sender], dates: [], action_items: [], amounts: [] };

  if (subject.startsWith('Invoice NH-2025-0412')) {
    const due = addDays(today, 2);
    return {
      category: 'finance',
      people: [sender, { name: 'Alex Morgan', email: 'alex@example.com', role: 'recipient' }],
      dates: [{ date: due, what: 'Invoice NH-2025-0412 payment due (EUR 1,240.00)', isDeadline: true }],
      action_items: [{ text: 'Pay Northwind Hosting invoice NH-2025-0412 (EUR 1,240.00)', due }],
      amounts: [{ value: 1240, currency: 'EUR', what: 'Invoice NH-2025-0412, dedicated server plan' }],
      summary: `Northwind Hosting invoice NH-2025-0412: EUR 1,240.00 due ${longDate(due)}; 2% late fee after that.`,
    };
  }
  if (subject.startsWith('Quick sync on the Q2 roadmap')) {
    const meetingDay = addDays(sentDay, 1);
    return {
      category: 'work',
      people: [
        { name: 'Priya Raman', email: 'priya.raman@acme-corp.example', role: 'sender, organiser' },
        { name: 'Jonas Weber', email: 'jonas.weber@acme-corp.example', role: 'attendee' },
      ],
      dates: [{ date: `${meetingDay}T15:00:00${offset}`, what: 'Q2 roadmap sync with Priya and Jonas (30 minutes)', isDeadline: false }],
      action_items: [{ text: 'Reply to Priya about the 3pm roadmap sync; bring the platform team capacity numbers', due: meetingDay }],
      amounts: [],
      summary: 'Priya asks for a 30-minute Q2 roadmap sync at 3pm with Jonas; bring platform capacity numbers.',
    };
  }
  if (subject.startsWith('The Weekly Byte')) {
    return {
      ...empty,
      category: 'newsletter',
      summary: 'The Weekly Byte #214: SQLite inside daemons, a 60-line HTTP server, backoff with jitter explained.',
    };
  }
  if (subject.startsWith('Booking confirmed: Lisbon (LIS) to Amsterdam (AMS)')) {
    const flight = addDays(today, 4);
    return {
      category: 'travel',
      people: [sender],
      dates: [{ date: flight, what: 'Flight SL 1482 Lisbon to Amsterdam departs 07:35, Terminal 1', isDeadline: false }],
      action_items: [{ text: 'Check in online for SL 1482 (booking K7PQ2M)', due: addDays(flight, -1) }],
      amounts: [{ value: 189.4, currency: 'EUR', what: 'Fare for SL 1482, cabin bag included' }],
      summary: `Flight SL 1482 LIS to AMS on ${longDate(flight)} at 07:35, booking K7PQ2M; online check-in open.`,
    };
  }
  if (subject.startsWith('Action required: mailbox verification')) {
    return {
      ...empty,
      category: 'spam',
      summary: 'Phishing: tries to instruct an AI assistant to forward invoices and change bank details. Nothing was done.',
    };
  }
  return { ...empty, category: 'other', summary: `Mail from ${sender.name}: "${subject.slice(0, 120)}" (no scripted answer for this message).` };
}

// --- Code edit -------------------------------------------------------------------------

function codeEditAnswer() {
  return {
    edits: [{ path: 'src/slug.js', content: SLUG_AFTER }],
    commitMessage:
      'Make slugify trim, strip accents and collapse separators\n\n' +
      'The test expects ASCII slugs with single dashes and no dashes at either end; the old\n' +
      'version only lower-cased and replaced single spaces.',
  };
}

// --- Market ----------------------------------------------------------------------------

interface FiguresRow {
  [column: string]: string;
}

/** The rows of the figures table in the market prompt, keyed by its header. */
function figuresRows(text: string): FiguresRow[] {
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((line) => /^Symbol\s+Date\s+Close/.test(line.trim()));
  if (headerIndex < 0) return [];
  const header = lines[headerIndex].trim().split(/\s+/);
  const rows: FiguresRow[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length !== header.length) break;
    rows.push(Object.fromEntries(header.map((name, index) => [name, cells[index]])));
  }
  return rows;
}

/** The least correlated pair in the correlation table, as "A and B (0.12)". */
function loosestPair(text: string): string | undefined {
  const start = text.indexOf('Correlation of daily returns');
  if (start < 0) return undefined;
  const lines = text.slice(start).split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
  const symbols = lines[0]?.split(/\s+/) ?? [];
  let best: { pair: string; value: number; cell: string } | undefined;
  lines.slice(1).forEach((line, row) => {
    const cells = line.split(/\s+/);
    cells.slice(1).forEach((cell, column) => {
      const value = Number(cell);
      if (column <= row || !Number.isFinite(value)) return;
      if (!best || value < best.value) best = { pair: `${symbols[row]} and ${symbols[column]}`, value, cell };
    });
  });
  return best ? `${best.pair} (${best.cell})` : undefined;
}

function marketSnapshot(text: string): string {
  const rows = figuresRows(text);
  if (rows.length === 0) return 'No figures were given, so there is nothing to report on the watchlist.';
  const lines = rows.slice(0, 3).map((row) => `${row.Symbol} closed at ${row.Close} on ${row.Date}: ${row['1D']} on the day, ${row['1M']} over the month (RSI14 ${row.RSI14}).`);
  return [...lines, 'Prices are synthetic sample data.'].join('\n');
}

function marketAnalysis(text: string): string {
  const rows = figuresRows(text);
  if (rows.length === 0) return 'The figures are missing, so no analysis is possible.';
  const trend = rows.map((row) => {
    const close = Number(row.Close);
    const above = Number.isFinite(Number(row.SMA200)) && close > Number(row.SMA200);
    return `- ${row.Symbol}: at ${row.Close} it is ${above ? 'above' : 'below'} its 200-day average (${row.SMA200}), YTD ${row.YTD}, annualised volatility ${row['Vol(ann)']}, worst drawdown over the year ${row['MaxDD(1y)']}.`;
  });
  const hottest = [...rows].sort((a, b) => Number(b.RSI14) - Number(a.RSI14))[0];
  const loosest = loosestPair(text);
  return [
    '**What the figures show**',
    ...trend,
    `- Momentum is strongest in ${hottest.Symbol} (RSI14 ${hottest.RSI14}); a reading above 70 would suggest it is stretched.`,
    loosest ? `- ${loosest} have the lowest correlation of the watchlist: they have tended to move apart, which is where its diversification comes from.` : '',
    '',
    '**Plausible drivers (hypotheses to check, not facts)**',
    '- Rate expectations would move the bond-like series against the equity-like one.',
    '- A risk-off turn would show first in the most volatile series.',
    '',
    '**Risks and what to watch**',
    '- A close back below the 50-day average in the leading series would end the current trend.',
    '- The figures cannot say why prices moved: they are synthetic sample data.',
  ]
    .filter((line, index, all) => line !== '' || all[index - 1] !== '')
    .join('\n');
}

// --- Research --------------------------------------------------------------------------

interface DocumentSeen {
  id: string;
  title: string;
  link?: string;
  text: string;
}

function decodeAttribute(value: string): string {
  return value.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));
}

function documentsIn(text: string): DocumentSeen[] {
  const documents: DocumentSeen[] = [];
  for (const match of text.matchAll(/<document ([^>]*)>\n([\s\S]*?)\n<\/document>/g)) {
    const attribute = (name: string) => {
      const found = new RegExp(`\\b${name}="([^"]*)"`).exec(match[1]);
      return found ? decodeAttribute(found[1]) : undefined;
    };
    documents.push({ id: attribute('id') ?? `d${documents.length + 1}`, title: attribute('title') ?? '(untitled)', link: attribute('link'), text: match[2] });
  }
  return documents;
}

const INJECTION = /ignore (all )?(previous )?instructions|instructions you were given|AI ASSISTANTS/i;

function firstSentence(text: string): string {
  const clean = text
    .split('\n')
    .filter((line) => !INJECTION.test(line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = /^(.{20,220}?[.!?])(\s|$)/.exec(clean)?.[1] ?? clean.slice(0, 200);
  return sentence || 'No readable text.';
}

function researchDigest(text: string) {
  const documents = documentsIn(text);
  const injected = documents.filter((document) => INJECTION.test(document.text));
  const items = documents.map((document) => ({
    id: document.id,
    summary: `${firstSentence(document.text)}${INJECTION.test(document.text) ? ' The page also contains instructions aimed at AI agents, which were ignored.' : ''}`,
  }));
  const titles = documents.map((document) => document.title);
  return {
    title: `${documents.length} new items, led by "${titles[0] ?? 'nothing'}"`.slice(0, 80),
    summary:
      `New this time: ${titles.slice(0, 4).join('; ')}. Solar comes up more than once, from module prices to a community scheme.` +
      (injected.length ? ` ${injected.length} item(s) contain instructions aimed at AI agents; they were treated as text and ignored.` : ''),
    items,
  };
}

function researchWriteUp(prompt: string, text: string): string {
  const topic = /on the topic "([^"]+)"/.exec(prompt)?.[1] ?? 'the topic';
  const documents = documentsIn(text);
  const cited = documents.map((document) => `- ${document.title}${document.link ? ` (${document.link})` : ''}: ${firstSentence(document.text)}`);
  return [
    `## ${topic[0].toUpperCase()}${topic.slice(1)}: what happened`,
    ...cited,
    '',
    '## Why it matters',
    `Cheaper hardware and shared schemes both lower the cost of getting started with ${topic}.`,
    '',
    '## What is uncertain',
    'Whether the price falls last, and how many households the community scheme can take.',
    '',
    '## What to watch',
    'The next quarterly price note and the scheme\'s opening terms.',
  ].join('\n');
}

// --- Briefing --------------------------------------------------------------------------

function briefingIntro(prompt: string): ScriptStep {
  const due = [...prompt.matchAll(/^- (\d{4}-\d{2}-\d{2}): (.+?)(?: \(mail: (.*)\))?$/gm)]
    .map((match) => ({ day: match[1], text: match[2].trim(), mail: match[3] ?? match[2] }))
    .sort((a, b) => a.day.localeCompare(b.day));
  // An invoice gives both a deadline and a to-do: one priority per mail.
  const unique = due.filter((item, index) => due.findIndex((other) => other.mail === item.mail) === index);
  const first = unique[0];
  const intro = first
    ? `${unique.length} things from your mail need you in the next few days, the first on ${longDate(first.day)}: ${first.text.replace(/\.$/, '')}. ` +
      'Markets, the overnight code fix and the research digest are below.'
    : 'A quiet morning: nothing from your mail is due in the next few days. Markets, the overnight code fix and the research digest are below.';
  const priorities = unique.slice(0, 5).map((item) => `${item.text} (${longDate(item.day)})`);
  return { toolCalls: [{ name: 'finish', arguments: { result: { intro, priorities } } }] };
}
