/**
 * IMAP extraction throughput and memory against a real Dovecot: 1,000 messages (see
 * bench/imap-corpus.ts) appended by a child process, then
 *  - baseline: a plain imapflow `FETCH 1:* (UID BODY[])` of all of them, no parsing, no storage;
 *  - skill: the email-extract skill as the daemon builds it from config (list, batched capped
 *    fetch, parse, extraction request, validation, one SQLite transaction per message), its
 *    model calls going through the real router (tier decision, budget, ledger) to the
 *    provider simulator on loopback, as `openModelLayer` sets it up when no key is given.
 * Memory: before each phase a full GC, then RSS sampled every 10 ms; the figure is the peak
 * and its growth over the phase's starting RSS, so the corpus (never in this process) and the
 * earlier phase do not count.
 * Runnable alone: `node --import tsx bench/imap-extract.ts [messages]`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { openModelLayer } from '../agent/model-layer.ts';
import { configSchema } from '../config/schema.ts';
import { openStore } from '../memory/store.ts';
import type { SkillContext } from '../skills/types.ts';
import { DOVECOT_SKIP, startDovecot } from '../test/helpers/dovecot.ts';
import { allPass, figureTable, format, type BenchEntry, type FigureRow } from './entry.ts';

export interface PhaseFigures {
  seconds: number;
  messagesPerSecond: number;
  /** RSS after a full GC at the start of the phase, in MB. */
  startRssMb: number;
  /** Highest RSS sampled every 10 ms during the phase, in MB. */
  peakRssMb: number;
}

export interface ImapExtractFigures {
  messages: number;
  appendedMb: number;
  baseline: PhaseFigures;
  skill: PhaseFigures & { summary: string; modelCalls: number };
  /** Skill throughput as a fraction of the plain fetch's. */
  throughputRatio: number;
}

const MB = 1024 * 1024;

/** A full GC, so a phase starts from the live heap only (`--expose-gc` is not needed). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function startPhase(): { startRssMb: number; started: number; stop(): { seconds: number; startRssMb: number; peakRssMb: number } } {
  collectGarbage();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  return {
    startRssMb: startRss / MB,
    started,
    stop() {
      clearInterval(timer);
      return { seconds: (performance.now() - started) / 1000, startRssMb: startRss / MB, peakRssMb: Math.max(peak, process.memoryUsage().rss) / MB };
    },
  };
}

/** Runs the benchmark; throws when Dovecot is not installed. */
export async function benchImapExtract(options: { messages?: number } = {}): Promise<ImapExtractFigures> {
  if (DOVECOT_SKIP) throw new Error(DOVECOT_SKIP);
  const count = options.messages ?? 1_000;
  const server = await startDovecot();
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-mail-'));
  try {
    const appender = join(import.meta.dirname, 'imap-corpus.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', appender, server.host, String(server.port), server.user, server.password, String(count)]);
    const appendedMb = Number(stdout.trim());

    let phase = startPhase();
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
    let measured = phase.stop();
    const baseline: PhaseFigures = { ...measured, messagesPerSecond: fetched / measured.seconds };

    const config = configSchema.parse({
      providers: { sim: { api: 'openai' } },
      models: { small: { provider: 'sim', model: 'bench-model', contextWindow: 128_000, maxOutputTokens: 4_000, prices: [{ input: 0.15, output: 0.6 }], capabilities: { structuredOutput: 'strict' } } },
      tiers: { orchestration: ['small'], execution: ['small'], reasoning: ['small'], 'large-context': ['small'] },
      flagship: 'small',
      simulator: { mode: 'always' },
      mail: {
        accounts: {
          bench: { host: server.host, port: server.port, secure: false, user: server.user, password: server.password, mailboxes: ['INBOX'], allowInsecure: true },
        },
      },
    });
    const layer = await openModelLayer(config, dataDir);
    const db = openStore(join(dataDir, 'switchboard.db'));
    const logger = pino({ level: 'silent' });
    try {
      const skill = layer.skills.find((candidate) => candidate.name === 'email-extract');
      if (!skill) throw new Error('the model layer built no email-extract skill');
      const context: SkillContext = {
        job: 'bench-mail',
        skill: 'email-extract',
        runId: 1,
        idempotencyKey: 'bench',
        slot: new Date(),
        options: {},
        db,
        dataDir,
        logger,
        timezone: 'Europe/Paris',
        router: layer.bind(db, logger).router,
        orchestrate: async () => {
          throw new Error('not used');
        },
        now: () => new Date(),
      };
      phase = startPhase();
      const result = await skill.run(context, new AbortController().signal);
      measured = phase.stop();
      const modelCalls = db.prepare('SELECT count(*) FROM calls').pluck().get() as number;
      return {
        messages: count,
        appendedMb,
        baseline,
        skill: { ...measured, messagesPerSecond: count / measured.seconds, summary: result.summary, modelCalls },
        throughputRatio: count / measured.seconds / baseline.messagesPerSecond,
      };
    } finally {
      db.close();
      await layer.close();
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const benchEntry: BenchEntry = {
  name: 'imap-extract',
  target: 'throughput and peak memory of the email-extract skill over 1,000 messages from Dovecot (no fixed target)',
  async run({ quick }) {
    const result = await benchImapExtract({ messages: quick ? 200 : 1_000 });
    const { baseline, skill } = result;
    const growth = (phase: PhaseFigures) => phase.peakRssMb - phase.startRssMb;
    const rows: FigureRow[] = [
      { figure: `messages/s (${format(result.messages, 0)} messages, ${format(result.appendedMb, 1)} MB)`, value: format(skill.messagesPerSecond, 1), baseline: format(baseline.messagesPerSecond, 1), ratio: result.throughputRatio },
      { figure: 'wall time', value: `${format(skill.seconds)} s`, baseline: `${format(baseline.seconds)} s`, ratio: skill.seconds / baseline.seconds },
      { figure: 'peak RSS during the phase', value: `${format(skill.peakRssMb, 1)} MB`, baseline: `${format(baseline.peakRssMb, 1)} MB`, ratio: skill.peakRssMb / baseline.peakRssMb },
      { figure: 'peak RSS growth over the phase start', value: `${format(growth(skill), 1)} MB`, baseline: `${format(growth(baseline), 1)} MB` },
      { figure: 'model calls through the router (ledger rows)', value: format(skill.modelCalls, 0) },
    ];
    return {
      lines: [
        ...figureTable(rows),
        '',
        'Baseline: a plain imapflow `FETCH 1:* (UID BODY[])` of the same mailbox, nothing parsed or stored.',
        `Skill: the daemon's email-extract skill, model calls through the real router to the provider simulator on loopback. Run summary: "${skill.summary}".`,
      ],
      passed: allPass(rows),
    };
  },
};

if (process.argv[1] === import.meta.filename) {
  const figures = await benchImapExtract({ messages: process.argv[2] ? Number(process.argv[2]) : undefined });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
