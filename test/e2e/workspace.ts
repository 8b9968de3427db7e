/**
 * The end-to-end mail test's pieces: raw messages for the scenario, a daemon config built from
 * the shipped config/default.yaml, and read-only looks at the daemon's database.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';

export const DEFAULT_CONFIG = resolve(import.meta.dirname, '..', '..', 'config', 'default.yaml');

export const BRIEFING_FROM = 'Switchboard <switchboard@example.com>';
export const BRIEFING_TO = 'me@example.com';

export interface E2eWorkspace {
  dir: string;
  config: string;
  dataDir: string;
}

export function anE2eWorkspace(): E2eWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  return { dir, config: join(dir, 'config.yaml'), dataDir: join(dir, 'data') };
}

/**
 * config/default.yaml with every provider simulated, one IMAP account on Dovecot (password from
 * `${TEST_IMAP_PASSWORD}`), SMTP to the sink, extraction every second and the shipped
 * `morning-briefing` job moved from 07:00 daily to every `briefingEverySeconds` seconds.
 */
export function writeE2eConfig(path: string, servers: { imapPort: number; imapUser: string; smtpPort: number; briefingEverySeconds: number }): void {
  const config = parse(readFileSync(DEFAULT_CONFIG, 'utf8'));
  config.simulator = { mode: 'always', port: 0 };
  config.timezone = 'UTC';
  config.daemon = { ...config.daemon, shutdownGrace: '10s' };
  config.mail = {
    accounts: {
      test: {
        host: '127.0.0.1',
        port: servers.imapPort,
        secure: false,
        allowInsecure: true,
        user: servers.imapUser,
        password: '${TEST_IMAP_PASSWORD}',
      },
    },
    smtp: { host: '127.0.0.1', port: servers.smtpPort, secure: false, ignoreTLS: true, from: BRIEFING_FROM, to: BRIEFING_TO },
  };
  config.jobs['morning-briefing'].schedule = `*/${servers.briefingEverySeconds} * * * * *`;
  config.jobs['email-extract'] = { schedule: '* * * * * *', skill: 'email-extract', options: { batchSize: 3 } };
  writeFileSync(path, stringify(config));
}

export interface MailMessage {
  subject: string;
  body: string;
  from?: string;
  messageId: string;
}

/** A plain-text RFC 822 message dated now (so the briefing counts it as recent), CRLF line ends. */
export function aRawMail(message: MailMessage): string {
  return [
    `From: ${message.from ?? 'Alice Example <alice@example.com>'}`,
    'To: tester@example.org',
    `Subject: ${message.subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${message.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    message.body,
    '',
  ].join('\r\n');
}

export interface ExtractionRow {
  message_id: string | null;
  subject: string | null;
  status: string;
  category: string | null;
}

export interface BriefingRun {
  idempotency_key: string;
  status: string;
  attempt: number;
  trigger: string;
}

export interface DeliveryRow {
  key: string;
  job: string;
  channel: string | null;
  status: string;
  message_id: string | null;
}

/** Runs `read` on a read-only handle; `undefined` before the daemon has created the database. */
function withDatabase<T>(dataDir: string, read: (db: Database.Database) => T): T | undefined {
  let db: Database.Database;
  try {
    db = new Database(join(dataDir, 'switchboard.db'), { readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export function readExtractions(dataDir: string): ExtractionRow[] {
  return withDatabase(dataDir, (db) => db.prepare('SELECT message_id, subject, status, category FROM mail_extractions ORDER BY id').all() as ExtractionRow[]) ?? [];
}

export function readRunStatuses(dataDir: string): { job: string; status: string }[] {
  return withDatabase(dataDir, (db) => db.prepare('SELECT job, status FROM job_runs').all() as { job: string; status: string }[]) ?? [];
}

export function readBriefingRuns(dataDir: string): BriefingRun[] {
  return (
    withDatabase(
      dataDir,
      (db) =>
        db
          .prepare(`SELECT idempotency_key, status, attempt, trigger FROM job_runs WHERE job = 'morning-briefing' ORDER BY slot`)
          .all() as BriefingRun[],
    ) ?? []
  );
}

export function readDeliveries(dataDir: string): DeliveryRow[] {
  return withDatabase(dataDir, (db) => db.prepare('SELECT key, job, channel, status, message_id FROM deliveries ORDER BY id').all() as DeliveryRow[]) ?? [];
}

/** Polls `check` every 100 ms until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
