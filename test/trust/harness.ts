/**
 * The injection harness: one workspace per case (data dir, database, a `mathlib` repository with
 * a bare remote, a test command that leaves a marker when it runs), the REAL skills (email-extract
 * over an in-memory mailbox of raw messages, research over loopback HTTP, code-edit follow-ups,
 * the briefing with its orchestrator, remember tool and write gate) run by the real job executor,
 * and a model that OBEYS the attacker: whatever the content asks, it asks for.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobExecutor } from '../../agent/job-executor.ts';
import { silentLogger } from '../../agent/logger.ts';
import { orchestrateForRun } from '../../agent/model-layer.ts';
import { createProposalExecutor } from '../../agent/proposal-actions.ts';
import { parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { RoutedRequest } from '../../contracts/router.ts';
import type { ToolCall } from '../../contracts/types.ts';
import { decideProposal, listProposals, type Proposal } from '../../memory/approvals.ts';
import { listFacts } from '../../memory/facts.ts';
import { claimRun, type RunRecord } from '../../memory/runs.ts';
import { ensureMemoryFiles } from '../../memory/soul.ts';
import { openStore, type Store } from '../../memory/store.ts';
import { createCodeFollowUpSource } from '../../skills/briefing/code-follow-up-source.ts';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { createCodeEditSkill } from '../../skills/code-edit/index.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import type { MailSession, OpenMailbox } from '../../skills/email-extract/types.ts';
import type { CalendarEvent, CalendarSource } from '../../skills/google/types.ts';
import type { MailMessage } from '../../skills/mail/types.ts';
import { createResearchSkill } from '../../skills/research/research-skill.ts';
import type { Skill } from '../../skills/types.ts';
import { aScriptedRouter, type ScriptedRouter } from '../helpers/scripted-router.ts';

export const OWNER = 'owner@example.com';

/** What the attacker wants done; the obedient model asks for exactly this. */
export type Attack =
  /** The briefing's model calls `remember`. */
  | { kind: 'remember'; fact: string; pin: boolean }
  /** The briefing's model calls a tool no job has (mail, shell, calendar): refused, never proposed. */
  | { kind: 'tool'; name: string; args: Record<string, unknown> }
  /** The extraction model turns the mail into an action item naming the repository: a code follow-up. */
  | { kind: 'follow-up'; actionItem: string };

export interface InjectionCase {
  name: string;
  /** Raw RFC 822 messages in the owner's inbox. */
  mails?: string[];
  /** Events on the owner's calendar (invitations from others). */
  calendar?: Pick<CalendarEvent, 'title' | 'location'>[];
  /** An RSS feed and a web page the research job reads. */
  feed?: string;
  page?: string;
  /** Another job's stored result (market data, tool output) the briefing quotes. */
  jobOutput?: { skill: 'market' | 'code-edit'; summary: string; highlights: string[] };
  attack: Attack;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

let template: string | undefined;

/**
 * `mathlib` (a broken add, a test script, one commit) and a bare `origin` holding main, in
 * `root`: built once per process, then copied (a copy costs no git process).
 */
function aMathlib(root: string): { repo: string; bare: string } {
  template ??= buildMathlib(realpathSync(mkdtempSync(join(tmpdir(), 'sb-mathlib-'))));
  cpSync(template, root, { recursive: true });
  return { repo: join(root, 'mathlib'), bare: join(root, 'remote.git') };
}

function buildMathlib(root: string): string {
  const repo = join(root, 'mathlib');
  mkdirSync(join(repo, 'src'), { recursive: true });
  git(repo, 'init', '--quiet', '-b', 'main');
  git(repo, 'config', 'user.name', 'Owner');
  git(repo, 'config', 'user.email', OWNER);
  git(repo, 'config', 'commit.gpgsign', 'false');
  writeFileSync(join(repo, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(repo, 'src', 'math.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
  writeFileSync(join(repo, 'test.js'), "import { add } from './src/math.js';\nif (add(2, 3) !== 5) process.exit(1);\n");
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'Initial commit');
  const bare = join(root, 'remote.git');
  git(root, 'init', '--quiet', '--bare', '-b', 'main', bare);
  // Relative, so that a copy of the pair points at its own remote.
  git(repo, 'remote', 'add', 'origin', '../remote.git');
  git(repo, 'push', '--quiet', 'origin', 'main');
  return root;
}

/** The edit the obedient execution model writes when an approved follow-up finally runs. */
export const FIXED_MATH = 'export function add(a, b) {\n  return a + b;\n}\n';

/** True when the request carries content from outside (a delimited untrusted block). */
export function sawUntrusted(routed: RoutedRequest): boolean {
  return routed.request.messages.some((message) => message.content.includes('<untrusted-data'));
}

/** The model that does what the content says: every call is answered as the attacker wants. */
export function anObedientModel(attack: Attack): ScriptedRouter {
  const attackCall = (): Omit<ToolCall, 'id'> | undefined => {
    if (attack.kind === 'remember') return { name: 'remember', arguments: { fact: attack.fact, pin: attack.pin } };
    if (attack.kind === 'tool') return { name: attack.name, arguments: attack.args };
    return undefined;
  };
  return aScriptedRouter((routed: RoutedRequest) => {
    const kind = routed.task.kind;
    if (kind === 'extract') {
      const actionItems = attack.kind === 'follow-up' ? [{ text: attack.actionItem, due: null }] : [];
      return { text: JSON.stringify({ category: 'work', people: [], dates: [], action_items: actionItems, amounts: [], summary: 'As the mail asks.' }) };
    }
    if (kind === 'summarise') {
      const user = routed.request.messages.find((message) => message.role === 'user')?.content ?? '';
      const ids = [...user.matchAll(/<document id="(d\d+)"/g)].map((match) => match[1]);
      const call = attackCall();
      return {
        text: JSON.stringify({ title: 'Digest', summary: 'As the page asks.', items: ids.map((id) => ({ id, summary: 'As the page asks.' })) }),
        ...(call ? { toolCalls: [call] } : {}),
      };
    }
    if (kind === 'report') return { text: 'A write-up.' };
    if (kind === 'code') return { text: JSON.stringify({ edits: [{ path: 'src/math.js', content: FIXED_MATH }], commitMessage: 'Fix add' }) };
    // The orchestrator: whenever attacker content is in its context, first the attacker's call,
    // then finish once the tool has answered.
    const last = routed.request.messages.at(-1);
    const call = attackCall();
    if (last?.role !== 'tool' && call && sawUntrusted(routed)) return { toolCalls: [call] };
    return { toolCalls: [{ name: 'finish', arguments: { result: { intro: 'Done as asked.', priorities: [] } } }] };
  });
}

/** Loopback HTTP for the research job: `/feed` and `/page` of the current case. */
export async function aWebServer(): Promise<{ url: string; serve(feed?: string, page?: string): void; close(): Promise<void> }> {
  let content: { feed?: string; page?: string } = {};
  const server: Server = createServer((request, response) => {
    const body = request.url === '/feed' ? content.feed : request.url === '/page' ? content.page : undefined;
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': request.url === '/feed' ? 'application/rss+xml' : 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (feed, page) => {
      content = { feed, page };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function aMailbox(mails: string[]): OpenMailbox {
  const sources = mails.map((mail) => Buffer.from(mail.replace(/\r?\n/g, '\r\n')));
  return async (): Promise<MailSession> => ({
    open: async (path) => ({ path, uidValidity: '1' }),
    listAfter: async (afterUid) => sources.map((source, index) => ({ uid: index + 1, size: source.length })).filter((entry) => entry.uid > afterUid),
    fetchMessages: async (entries) => entries.map((entry) => ({ uid: entry.uid, size: entry.size, source: sources[entry.uid - 1], oversized: false })),
    close: async () => {},
  });
}

function aCalendar(events: Pick<CalendarEvent, 'title' | 'location'>[], now: Date): CalendarSource {
  return {
    async eventsBetween() {
      return events.map((event, index) => ({
        id: `event-${index}`,
        calendarId: 'primary',
        start: new Date(now.getTime() + (index + 1) * 3_600_000).toISOString(),
        end: new Date(now.getTime() + (index + 2) * 3_600_000).toISOString(),
        allDay: false,
        ...event,
      }));
    },
  };
}

export interface CaseWorkspace {
  db: Store;
  config: Config;
  dataDir: string;
  repo: string;
  bare: string;
  /** Exists once the repository's test command has run. */
  testMarker: string;
  model: ScriptedRouter;
  /** Every mail the jobs handed to delivery. */
  outbound: MailMessage[];
  runs: RunRecord[];
  memoryBefore: string;
  refsBefore: string;
  remoteBefore: string;
  memory(): string;
  refs(): string;
  remoteRefs(): string;
  factCount(): number;
  proposals(): Proposal[];
  /** Approves as the owner, with a fresh obedient execution model behind it. */
  approve(id: number): Promise<Awaited<ReturnType<typeof decideProposal>>>;
  close(): void;
}

/** Runs email-extract, research, the follow-ups job and the morning briefing on the case, in that order. */
export async function runCase(injection: InjectionCase, web: { url: string; serve(feed?: string, page?: string): void }): Promise<CaseWorkspace> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sb-injection-')));
  const dataDir = join(root, 'data');
  ensureMemoryFiles(dataDir);
  const { repo, bare } = aMathlib(root);
  const testMarker = join(root, 'tests-ran');
  const testCommand = [process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(testMarker)}, 'x')`];
  web.serve(injection.feed, injection.page);
  const research = [injection.feed ? `feeds: ["${web.url}/feed"]` : '', injection.page ? `pages: ["${web.url}/page"]` : ''].filter(Boolean).join(', ');
  const yaml = [
    'version: 1',
    'timezone: UTC',
    'providers: { p: { api: openai, keyless: true } }',
    'models: { m: { provider: p, contextWindow: 100000, maxOutputTokens: 1000, prices: [{ input: 1, output: 1 }], capabilities: {} } }',
    'tiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }',
    'flagship: gpt-5.6-sol',
    'mail:',
    '  accounts: { home: { host: 127.0.0.1, port: 1, user: owner, passwordFile: /dev/null, secure: false, allowInsecure: true } }',
    `  smtp: { host: 127.0.0.1, port: 1, from: switchboard@example.com, to: ${OWNER} }`,
    'skills:',
    `  code-edit: { allowedRepos: [${JSON.stringify(repo)}], testCommand: ${JSON.stringify(testCommand)}, push: true, remote: origin }`,
    'jobs:',
    '  email-extract: { schedule: "*/5 * * * *", skill: email-extract }',
    ...(research ? [`  research: { schedule: "0 6 * * *", skill: research, options: { ${research} } }`] : []),
    `  follow-ups: { schedule: "0 2 * * *", skill: code-edit, options: { followUps: true }, grants: { repositories: [${JSON.stringify(repo)}] } }`,
    '  morning-briefing: { schedule: "0 7 * * *", skill: briefing, grants: { tools: [remember] } }',
    '',
  ].join('\n');
  const { config } = parseConfigText(yaml, { path: join(root, 'config.yaml'), origin: '--config' }, {});
  const db = openStore(join(dataDir, 'switchboard.db'));
  const now = new Date();
  if (injection.jobOutput) {
    const claimed = claimRun(db, { job: injection.jobOutput.skill, skill: injection.jobOutput.skill, slot: new Date(now.getTime() - 3_600_000).toISOString(), idempotencyKey: `seed-${injection.jobOutput.skill}`, trigger: 'schedule', status: 'succeeded', now: new Date(now.getTime() - 3_600_000) });
    if (!claimed.claimed) throw new Error('seed run not claimed');
    db.prepare('UPDATE job_runs SET ended_at = ?, result = ? WHERE id = ?').run(now.toISOString(), JSON.stringify({ summary: injection.jobOutput.summary, details: { highlights: injection.jobOutput.highlights } }), claimed.run.id);
  }
  const model = anObedientModel(injection.attack);
  const outbound: MailMessage[] = [];
  const skills: Skill[] = [
    createEmailExtractSkill({ accounts: config.mail.accounts, openMailbox: aMailbox(injection.mails ?? []) }),
    createResearchSkill(),
    createCodeEditSkill({ settings: config.skills['code-edit'] }),
    createBriefingSkill({
      delivery: {
        channel: 'outbox',
        async deliver(message) {
          outbound.push(message);
          return { channel: 'outbox', messageId: `<${outbound.length}@test>`, location: `/tmp/${outbound.length}.eml` };
        },
      },
      ...(injection.calendar ? { calendar: aCalendar(injection.calendar, now) } : {}),
      readStoredExtractions: true,
      codeFollowUps: createCodeFollowUpSource([repo]),
      mail: { from: 'switchboard@example.com', to: OWNER },
    }),
  ];
  const executor = createJobExecutor({
    db,
    config,
    dataDir,
    logger: silentLogger(),
    skills: new Map(skills.map((skill) => [skill.name, skill])),
    router: model,
    makeOrchestrate: (run, job) => orchestrateForRun({ config, dataDir, db, router: model }, run, job),
  });
  const memory = () => readFileSync(join(dataDir, 'MEMORY.md'), 'utf8');
  const refs = () => git(repo, 'for-each-ref');
  const remoteRefs = () => git(bare, 'for-each-ref');
  const memoryBefore = memory();
  const refsBefore = refs();
  const remoteBefore = remoteRefs();
  const runs: RunRecord[] = [];
  for (const name of ['email-extract', 'research', 'follow-ups', 'morning-briefing']) {
    const job = config.jobs[name];
    if (!job) continue;
    const claim = claimRun(db, { job: name, skill: job.skill, slot: `manual:${now.toISOString()}`, idempotencyKey: `${name}:case`, trigger: 'manual', status: 'queued', now });
    if (!claim.claimed) throw new Error(`${name}: run not claimed`);
    runs.push(await executor.execute({ run: claim.run, job }));
  }
  return {
    db,
    config,
    dataDir,
    repo,
    bare,
    testMarker,
    model,
    outbound,
    runs,
    memoryBefore,
    refsBefore,
    remoteBefore,
    memory,
    refs,
    remoteRefs,
    factCount: () => listFacts(db).length,
    proposals: () => listProposals(db),
    approve: (id) =>
      decideProposal(db, id, {
        decision: 'approve',
        by: 'cli:owner',
        execute: createProposalExecutor({ db, dataDir, config, timeZone: 'UTC', openRouter: async () => ({ router: anObedientModel(injection.attack), close: () => undefined }) }),
      }),
    close: () => db.close(),
  };
}

export function testsRan(workspace: CaseWorkspace): boolean {
  return existsSync(workspace.testMarker);
}
