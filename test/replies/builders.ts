/**
 * Builders for the reply tests: a workspace (data dir, store, config) over a real Dovecot and
 * an SMTP sink, the real skills as the daemon wires them (agent/model-layer.ts `buildSkills`),
 * a run context, and replies as raw RFC 822 text.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSkills } from '../../agent/model-layer.ts';
import { silentLogger } from '../../agent/logger.ts';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import { createProposal, type Proposal } from '../../memory/approvals.ts';
import { openStore, type Store } from '../../memory/store.ts';
import type { Skill, SkillContext } from '../../skills/types.ts';
import type { DovecotServer } from '../helpers/dovecot.ts';
import type { SmtpSink } from '../helpers/smtp-sink.ts';

export const OWNER = 'me@example.com';

export interface ReplyWorkspace {
  dataDir: string;
  db: Store;
  config: Config;
  skill(name: 'briefing' | 'mail-replies' | 'email-extract'): Skill;
}

/** The shipped default plus a Dovecot account, the sink as SMTP (to: the owner) and a `mail-replies` job. */
export function aReplyWorkspace(dovecot: DovecotServer, sink: SmtpSink, extraYaml = ''): ReplyWorkspace {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-replies-'));
  const passwordFile = join(dataDir, 'imap-password');
  writeFileSync(passwordFile, dovecot.password, { mode: 0o600 });
  const smtp = sink.config({ to: OWNER });
  const yaml =
    readFileSync(DEFAULT_CONFIG_PATH, 'utf8') +
    `
mail:
  accounts:
    home:
      host: 127.0.0.1
      port: ${dovecot.port}
      secure: false
      allowInsecure: true
      user: ${dovecot.user}
      passwordFile: ${passwordFile}
  smtp: ${JSON.stringify(smtp)}
${extraYaml}`;
  const withJob = yaml.replace(/^jobs:\n/m, 'jobs:\n  approval-replies:\n    schedule: "*/5 * * * *"\n    skill: mail-replies\n');
  const { config } = parseConfigText(withJob, { path: join(dataDir, 'config.yaml'), origin: '--config' }, {});
  const db = openStore(join(dataDir, 'switchboard.db'));
  const skills = buildSkills(config, dataDir);
  return {
    dataDir,
    db,
    config,
    skill: (name) => {
      const found = skills.find((skill) => skill.name === name);
      if (!found) throw new Error(`no skill ${name}`);
      return found;
    },
  };
}

const NO_MODEL: ModelRouter = {
  complete: async () => {
    throw new Error('this run calls no model');
  },
  decide: async () => {
    throw new Error('this run calls no model');
  },
};

/** A run context for `job` at `now`; the briefing's intro comes from a scripted orchestrator. */
export function aRun(workspace: ReplyWorkspace, job: string, now: Date, overrides: Partial<SkillContext> = {}): SkillContext {
  return {
    job,
    skill: job,
    runId: Math.floor(now.getTime() / 1000) % 100_000,
    idempotencyKey: `${job}:${now.toISOString()}`,
    slot: now,
    options: {},
    db: workspace.db,
    dataDir: workspace.dataDir,
    logger: silentLogger(),
    timezone: 'Europe/Berlin',
    router: NO_MODEL,
    orchestrate: async () => ({ result: { intro: 'A quiet day.', priorities: [] }, text: '', steps: 1, costUsd: 0, stoppedBy: 'finish' }),
    now: () => now,
    ...overrides,
  };
}

/** A pending `remember` proposal, as a mail's injected instruction would have filed it. */
export function aRememberProposal(db: Store, fact: string, now: Date): Proposal {
  return createProposal(db, {
    kind: 'remember',
    payload: { fact, pin: true },
    summary: `pin to MEMORY.md: ${fact}`,
    reason: 'asked for while the context held untrusted mail',
    job: 'morning-briefing',
    source: { kind: 'mail', sender: 'newsletter@shop.example' },
    now,
  });
}

export interface ReplyOptions {
  from?: string;
  headers?: string[];
  inReplyTo?: string;
  messageId?: string;
  subject?: string;
  body: string;
}

/** A plain-text reply to the briefing with CRLF line ends. */
export function aReply(options: ReplyOptions): string {
  return [
    `From: ${options.from ?? `Me <${OWNER}>`}`,
    'To: Switchboard <switchboard@example.com>',
    `Subject: ${options.subject ?? 'Re: Morning briefing'}`,
    'Date: Tue, 02 Dec 2025 07:30:00 +0100',
    `Message-ID: ${options.messageId ?? `<${Math.random().toString(36).slice(2)}@mail.example.com>`}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`, `References: ${options.inReplyTo}`] : []),
    ...(options.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...options.body.split('\n'),
    '',
  ].join('\r\n');
}

/** The briefing's plain text quoted back the way mail clients do. */
export function quoted(text: string): string {
  return `On Tue, 2 Dec 2025 at 07:00, Switchboard <switchboard@example.com> wrote:\n${text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n')}`;
}

/** The `approve N TOKEN` line the briefing printed for proposal `id`. */
export function tokenLine(briefingText: string, decision: 'approve' | 'reject', id: number): string {
  const match = new RegExp(`^\\s*(${decision} ${id} [0-9a-z]{10})\\s*$`, 'm').exec(briefingText);
  if (!match) throw new Error(`the briefing printed no "${decision} ${id} TOKEN" line:\n${briefingText}`);
  return match[1];
}
