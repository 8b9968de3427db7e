/**
 * Small builders for the email tests: raw messages, a fake router that records every request
 * and answers with schema-valid JSON (or what a test scripts), and a skill context.
 */
import { pino } from 'pino';
import type { ModelRouter, RoutedRequest, RoutedResponse } from '../../contracts/router.ts';
import type { Tier } from '../../contracts/types.ts';
import { readWatermark, resetWatermark, storeMessage, type MessageRecord } from '../../memory/extractions.ts';
import { openStore, type Store } from '../../memory/store.ts';
import type { SkillContext } from '../../skills/types.ts';
import type { ImapAccountConfig } from '../../config/schema.ts';

export interface RawMessageOptions {
  subject?: string;
  from?: string;
  to?: string;
  date?: string;
  messageId?: string;
  body?: string;
  headers?: string[];
}

/** A plain-text RFC 822 message with CRLF line ends. */
export function aRawMessage(options: RawMessageOptions = {}): string {
  const lines = [
    `From: ${options.from ?? 'Alice Example <alice@example.com>'}`,
    `To: ${options.to ?? 'user@example.org'}`,
    `Subject: ${options.subject ?? 'Hello'}`,
    `Date: ${options.date ?? 'Fri, 14 Mar 2025 09:00:00 +0100'}`,
    `Message-ID: ${options.messageId ?? `<${Math.random().toString(36).slice(2)}@example.com>`}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...(options.headers ?? []),
    '',
    options.body ?? 'Hi, see you soon.',
    '',
  ];
  return lines.join('\r\n');
}

/** A schema-valid model answer; override any field. */
export function anExtractionJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    category: 'work',
    people: [{ name: 'Alice Example', email: 'alice@example.com', role: 'sender' }],
    dates: [],
    action_items: [],
    amounts: [],
    summary: 'A note from Alice',
    ...overrides,
  });
}

export type Responder = (routed: RoutedRequest, index: number) => string | Promise<string>;

export interface FakeRouter extends ModelRouter {
  requests: RoutedRequest[];
}

/** The subject line of the email inside a recorded request, for responders and assertions. */
export function subjectOf(routed: RoutedRequest): string {
  const user = routed.request.messages.find((message) => message.role === 'user');
  return /^Subject: (.*)$/m.exec(user?.content ?? '')?.[1] ?? '';
}

/** A router that records every request and answers with `respond` (default: a valid extraction naming the subject). */
export function aFakeRouter(respond: Responder = (routed) => anExtractionJson({ summary: `About ${subjectOf(routed)}` })): FakeRouter {
  const requests: RoutedRequest[] = [];
  return {
    requests,
    async decide(task) {
      return { tier: task.tier ?? 'orchestration', chain: ['fake-model'], reason: 'test' };
    },
    async complete(routed, signal) {
      signal?.throwIfAborted();
      requests.push(structuredClone(routed));
      const text = await respond(routed, requests.length - 1);
      signal?.throwIfAborted();
      return aResponse(text, routed.task.tier ?? 'orchestration');
    },
  };
}

export function aResponse(text: string, tier: Tier = 'orchestration'): RoutedResponse {
  return {
    text,
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0 },
    model: 'fake-model',
    simulated: true,
    decision: { tier, chain: ['fake-model'], reason: 'test' },
    modelId: `fake-${tier}`,
    provider: 'fake',
    costUsd: 0.0001,
    flagshipCostUsd: 0.001,
    callId: 1,
    attempts: [],
  };
}

export function aStore(): Store {
  return openStore(':memory:');
}

/** A skill context over `db` and `router`; everything the skill must not use throws. */
export function aSkillContext(db: Store, router: ModelRouter, overrides: Partial<SkillContext> = {}): SkillContext {
  return {
    job: 'mail',
    skill: 'email-extract',
    runId: 1,
    idempotencyKey: 'mail:test',
    slot: new Date('2025-03-14T10:00:00Z'),
    options: { batchSize: 5 },
    db,
    dataDir: '/nonexistent',
    logger: pino({ level: 'silent' }),
    timezone: 'Europe/Paris',
    router,
    orchestrate: async () => {
      throw new Error('email-extract must not orchestrate');
    },
    now: () => new Date('2025-03-14T10:00:00Z'),
    ...overrides,
  };
}

/** An account config for a loopback Dovecot. */
export function anAccount(server: { host: string; port: number; user: string; password: string }, mailboxes = ['INBOX']): ImapAccountConfig {
  return {
    host: server.host,
    port: server.port,
    secure: false,
    user: server.user,
    password: server.password,
    mailboxes,
    allowInsecure: true,
  };
}

/** Row counts of the tables a mail run may touch, and of those it must not. */
export function tableCounts(db: Store): Record<string, number> {
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    mail_extractions: count('mail_extractions'),
    job_runs: count('job_runs'),
    job_state: count('job_state'),
    calls: count('calls'),
  };
}

/**
 * Stores an extracted message the way the skill does (`storeMessage`, watermark and all), as
 * the next UID of home/INBOX; override any field. Returns the row id in `mail_extractions`.
 */
export function aStoredMessage(db: Store, overrides: Partial<MessageRecord> = {}, timezone = 'Europe/Paris', now = new Date('2025-03-14T10:00:00Z')): number {
  const account = overrides.account ?? 'home';
  const mailbox = overrides.mailbox ?? 'INBOX';
  const watermark = readWatermark(db, account, mailbox);
  if (!watermark) resetWatermark(db, account, mailbox, '7', now);
  const uid = (watermark?.lastUid ?? 0) + 1;
  const record: MessageRecord = {
    account,
    mailbox,
    uidValidity: watermark?.uidValidity ?? '7',
    uid,
    messageId: `<${account}-${uid}@example.com>`,
    contentHash: `hash-${account}-${mailbox}-${uid}`,
    fromName: 'Alice Example',
    fromAddress: 'alice@example.com',
    subject: `Subject ${uid}`,
    sentAt: now.toISOString(),
    size: 100,
    oversized: false,
    status: 'extracted',
    category: 'work',
    summary: 'A note from Alice',
    extraction: {},
    error: null,
    model: 'fake-orchestration',
    escalated: false,
    costUsd: 0.0001,
    dates: [],
    actionItems: [],
    amounts: [],
    ...overrides,
  };
  const outcome = storeMessage(db, record, timezone, now);
  if (outcome !== 'stored') throw new Error(`aStoredMessage: ${outcome}`);
  return (db.prepare('SELECT id FROM mail_extractions WHERE account = ? AND mailbox = ? AND uid = ?').get(account, mailbox, uid) as { id: number }).id;
}
