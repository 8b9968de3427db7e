/**
 * IMAP extraction throughput and memory against a real Dovecot: 1,000 messages appended
 * (mostly small text mail, some HTML, some with attachments, a few over the 5 MB cap), then
 *  - baseline: a plain imapflow `FETCH 1:* (UID BODY[])` of all of them, no parsing, no storage;
 *  - skill: the email-extract skill end to end (list, batched capped fetch, parse, extraction
 *    request, validation, one SQLite transaction per message) with a fake router that answers
 *    at once, so the figure is Switchboard's own overhead, not a model's latency.
 * Runnable alone: `node --import tsx bench/imap-extract.ts [messages]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { ModelRouter, RoutedResponse } from '../agent/router/types.ts';
import { openStore } from '../memory/store.ts';
import { createEmailExtractSkill } from '../skills/email-extract/skill.ts';
import type { SkillContext } from '../skills/types.ts';
import { DOVECOT_SKIP, startDovecot } from '../test/helpers/dovecot.ts';

export interface PhaseFigures {
  seconds: number;
  messagesPerSecond: number;
  /** Highest `process.memoryUsage().rss` sampled every 10 ms during the phase, in MB. */
  peakRssMb: number;
}

export interface ImapExtractFigures {
  messages: number;
  appendedMb: number;
  baseline: PhaseFigures;
  skill: PhaseFigures & { summary: string };
  /** Skill throughput as a fraction of the plain fetch's. */
  throughputRatio: number;
  /** `process.resourceUsage().maxRSS` at the end: the process's peak over the whole run, in MB. */
  processMaxRssMb: number;
  router: string;
}

const MB = 1024 * 1024;

function corpus(count: number): Buffer[] {
  const messages: Buffer[] = [];
  for (let index = 1; index <= count; index++) {
    const head = [
      `From: Sender ${index % 37} <sender${index % 37}@example.com>`,
      'To: user@example.org',
      `Subject: Bench message ${index}`,
      `Date: Fri, 14 Mar 2025 ${String(index % 24).padStart(2, '0')}:00:00 +0100`,
      `Message-ID: <bench-${index}@example.com>`,
      'MIME-Version: 1.0',
    ];
    let body: string;
    if (index % 200 === 0) {
      // Over the 5 MB cap: only its headers are fetched.
      body = `Content-Type: text/plain; charset=utf-8\r\n\r\n${'large scan line\r\n'.repeat(6 * MB / 17)}`;
    } else if (index % 10 === 0) {
      const attachment = Buffer.alloc(100_000, index).toString('base64').replace(/.{76}/g, '$&\r\n');
      body = [
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        `Invoice ${index} attached, total ${index}.00 EUR, due next Friday.`,
        '--b',
        `Content-Type: application/pdf; name="invoice-${index}.pdf"`,
        'Content-Transfer-Encoding: base64',
        '',
        attachment,
        '--b--',
      ].join('\r\n');
    } else if (index % 3 === 0) {
      body = `Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>${'<p>Newsletter paragraph with <a href="https://example.com">a link</a>.</p>'.repeat(40)}</body></html>`;
    } else {
      body = `Content-Type: text/plain; charset=utf-8\r\n\r\n${`Hello, about the meeting on Tuesday at 3pm (item ${index}).\r\n`.repeat(60)}`;
    }
    messages.push(Buffer.from(`${head.join('\r\n')}\r\n${body}\r\n`));
  }
  return messages;
}

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / MB;
    },
  };
}

const ANSWER = JSON.stringify({
  category: 'work',
  people: [{ name: 'Sender', email: 'sender@example.com', role: 'sender' }],
  dates: [{ date: '2025-03-21', what: 'due', isDeadline: true }],
  action_items: [{ text: 'Pay the invoice', due: '2025-03-21' }],
  amounts: [{ value: 10, currency: 'EUR', what: 'invoice' }],
  summary: 'A bench message',
});

function instantRouter(): ModelRouter & { calls: number } {
  const router = {
    calls: 0,
    async decide() {
      return { tier: 'orchestration' as const, chain: ['fake'], reason: 'bench' };
    },
    async complete(): Promise<RoutedResponse> {
      router.calls++;
      return {
        text: ANSWER,
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
        model: 'fake',
        simulated: true,
        decision: { tier: 'orchestration', chain: ['fake'], reason: 'bench' },
        modelId: 'fake',
        provider: 'fake',
        costUsd: 0,
        flagshipCostUsd: 0,
        callId: 0,
        attempts: [],
      };
    },
  };
  return router;
}

/** Runs the benchmark; throws when Dovecot is not installed. */
export async function benchImapExtract(options: { messages?: number } = {}): Promise<ImapExtractFigures> {
  if (DOVECOT_SKIP) throw new Error(DOVECOT_SKIP);
  const count = options.messages ?? 1_000;
  const server = await startDovecot();
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-mail-'));
  try {
    const messages = corpus(count);
    const appendedMb = messages.reduce((sum, message) => sum + message.length, 0) / MB;
    await server.appendMany(messages);
    messages.length = 0;

    let rss = sampleRss();
    let started = performance.now();
    const client = await server.client();
    let fetched = 0;
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    try {
      for await (const message of client.fetch('1:*', { uid: true, source: true }, { uid: true })) {
        if (message.source) fetched++;
      }
    } finally {
      lock.release();
      await client.logout();
    }
    let seconds = (performance.now() - started) / 1000;
    const baseline: PhaseFigures = { seconds, messagesPerSecond: fetched / seconds, peakRssMb: rss.stop() };

    const db = openStore(join(dataDir, 'switchboard.db'));
    const router = instantRouter();
    const context: SkillContext = {
      job: 'bench-mail',
      skill: 'email-extract',
      runId: 1,
      idempotencyKey: 'bench',
      slot: new Date(),
      options: {},
      db,
      dataDir,
      logger: pino({ level: 'silent' }),
      timezone: 'Europe/Paris',
      router,
      orchestrate: async () => {
        throw new Error('not used');
      },
      now: () => new Date(),
    };
    const skill = createEmailExtractSkill({
      accounts: {
        bench: { host: server.host, port: server.port, secure: false, user: server.user, password: server.password, mailboxes: ['INBOX'], allowInsecure: true },
      },
    });
    rss = sampleRss();
    started = performance.now();
    const result = await skill.run(context, new AbortController().signal);
    seconds = (performance.now() - started) / 1000;
    const skillFigures = { seconds, messagesPerSecond: count / seconds, peakRssMb: rss.stop(), summary: result.summary };
    db.close();
    return {
      messages: count,
      appendedMb: round(appendedMb),
      baseline: roundPhase(baseline),
      skill: { ...roundPhase(skillFigures), summary: skillFigures.summary },
      throughputRatio: round(skillFigures.messagesPerSecond / baseline.messagesPerSecond),
      processMaxRssMb: round(process.resourceUsage().maxRSS / 1024),
      router: 'fake router answering at once (agent/simulator was not on this branch)',
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function roundPhase<T extends PhaseFigures>(phase: T): T {
  return { ...phase, seconds: round(phase.seconds), messagesPerSecond: round(phase.messagesPerSecond), peakRssMb: round(phase.peakRssMb) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchImapExtract({ messages: process.argv[2] ? Number(process.argv[2]) : undefined });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
