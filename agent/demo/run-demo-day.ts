/**
 * `switchboard demo`: a compressed day on the shipped defaults, with the provider simulator
 * as every model. Every shipped skill runs once, in the order of a day (a nightly code fix in
 * a scratch repository; then mail, markets, research and the morning briefing), through the
 * same executor, router and ledger the daemon uses; then the day's bill is read back.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { simpleGit } from 'simple-git';
import { billFor, type Bill } from '../../memory/bill.ts';
import { dayIn, ledgerTimeZone } from '../../memory/ledger-days.ts';
import { claimRun, type RunStatus } from '../../memory/runs.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import type { CommandContext } from '../cli/context.ts';
import { openModelLayer, type ModelLayer } from '../model-layer.ts';
import { manualKey } from '../scheduler/slots.ts';
import { processIdentity } from '../scheduler/process-identity.ts';
import { openServices } from '../services.ts';
import { buildDemoConfig, DEMO_JOB_ORDER, type DemoImapAccount } from './demo-config.ts';
import { DEMO_MARKER } from './demo-marker.ts';
import { loadSampleMessages, sampleMailbox } from './sample-mailbox.ts';
import { createScratchRepo } from './scratch-repo.ts';
import { demoResponder } from './simulated-answers.ts';

export { DEMO_MARKER };

/** The demo dir exists, is not empty and was not made by the demo: it is never wiped. */
export class DemoDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoDirError';
  }
}

export interface DemoOptions {
  /** Wiped and recreated; must be absent, empty, or a previous demo dir (it holds `DEMO_MARKER`). */
  demoDir: string;
  /** Read this loopback IMAP account instead of the built-in sample mailbox. */
  imap?: DemoImapAccount;
  /** Default: the host's time zone. */
  timeZone?: string;
  now?: () => Date;
}

export interface DemoJobResult {
  job: string;
  skill: string;
  runId: number;
  status: RunStatus;
  /** The skill's one-line summary, or the error for a run that did not succeed. */
  summary: string;
  costUsd: number;
}

export interface DemoReport {
  /** Always true: every model answer in the demo came from the simulator. */
  simulated: true;
  demoDir: string;
  jobs: DemoJobResult[];
  allSucceeded: boolean;
  bill: Bill;
  flagship: string;
  /** flagship cost / routed cost over the demo's calls; null when nothing was spent. */
  savingsRatio: number | null;
  /** Ledger rows, and how many of them the simulator answered (all of them). */
  ledgerCalls: number;
  simulatedLedgerCalls: number;
  briefing?: { path: string; subject: string };
  scratchRepo: { path: string; branch?: string; commit?: string };
  wallTimeMs: number;
}

/** Runs the demo day. Throws `DemoDirError` before touching a directory it does not own. */
export async function runDemoDay(options: DemoOptions): Promise<DemoReport> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const demoDir = resolve(options.demoDir);
  prepareDemoDir(demoDir);
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const scratchRepo = join(demoDir, 'scratch-repo');
  const baseCommit = await createScratchRepo(scratchRepo);
  const loaded = buildDemoConfig({ dataDir: demoDir, scratchRepo, timeZone, imap: options.imap });
  const context: CommandContext = { ...loaded, dataDir: demoDir, databasePath: join(demoDir, 'switchboard.db'), env: {} };

  const dayStart = now();
  const layer = await openModelLayer(loaded.config, demoDir);
  const jobs: DemoJobResult[] = [];
  let services: ReturnType<typeof openServices> | undefined;
  try {
    const simulator = layer.providers.simulator;
    if (!simulator) throw new Error('the demo needs the provider simulator, but it did not start');
    const responder = demoResponder({ now: dayStart, timeZone });
    for (const [id, model] of Object.entries(loaded.config.models)) simulator.setResponder(model.model ?? id, responder);

    const demoLayer: ModelLayer = { ...layer, skills: layer.skills.map((skill) => (skill.name === 'email-extract' && !options.imap ? demoMailSkill(loaded.config.mail.accounts, dayStart, timeZone) : skill)) };
    services = openServices(context, { logging: 'quiet', modelLayer: demoLayer });
    for (const name of DEMO_JOB_ORDER) {
      const job = loaded.config.jobs[name];
      const at = now();
      const claim = claimRun(services.db, {
        job: name,
        skill: job.skill,
        slot: `demo:${at.toISOString()}`,
        idempotencyKey: manualKey(name, at),
        trigger: 'manual',
        status: 'running',
        now: at,
        pid: process.pid,
        owner: processIdentity(),
      });
      if (!claim.claimed) throw new Error(`run key for ${name} is already taken in a fresh demo database`);
      const finished = await services.executor.execute({ run: claim.run, job });
      const summary = (finished.result as { summary?: string } | null)?.summary;
      jobs.push({
        job: name,
        skill: job.skill,
        runId: finished.id,
        status: finished.status,
        summary: finished.status === 'succeeded' ? (summary ?? '') : (finished.error ?? finished.status),
        costUsd: ledgerCost(services.db, finished.id),
      });
    }

    // The demo day as the ledger counts it: the owner's day.
    const bill = billFor(services.db, { period: 'day', date: dayIn(now(), ledgerTimeZone(services.db)) });
    const ledger = services.db.prepare('SELECT COUNT(*) AS calls, COALESCE(SUM(simulated), 0) AS simulated FROM calls').get() as { calls: number; simulated: number };
    const briefingRun = services.db.prepare("SELECT result FROM job_runs WHERE job = 'morning-briefing' ORDER BY id DESC LIMIT 1").get() as { result: string | null } | undefined;
    const location = (JSON.parse(briefingRun?.result ?? 'null') as { details?: { location?: string } } | null)?.details?.location;
    return {
      simulated: true,
      demoDir,
      jobs,
      allSucceeded: jobs.every((job) => job.status === 'succeeded'),
      bill,
      flagship: loaded.config.flagship,
      savingsRatio: bill.savings.ratio,
      ledgerCalls: ledger.calls,
      simulatedLedgerCalls: ledger.simulated,
      briefing: location && existsSync(location) ? { path: location, subject: await emlSubject(location) } : undefined,
      scratchRepo: { path: scratchRepo, ...(await demoBranch(scratchRepo, baseCommit)) },
      wallTimeMs: Math.round(performance.now() - started),
    };
  } finally {
    services?.close();
    await layer.close();
  }
}

/**
 * Makes `demoDir` an empty directory holding the marker. Refuses (DemoDirError) a path that
 * exists, is not an empty directory and holds no marker: it is someone else's data.
 */
export function prepareDemoDir(demoDir: string): void {
  if (existsSync(demoDir)) {
    let entries: string[];
    try {
      entries = readdirSync(demoDir);
    } catch {
      throw new DemoDirError(`${demoDir} exists and is not a directory; choose another --data-dir`);
    }
    if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
      throw new DemoDirError(`${demoDir} is not empty and was not created by \`switchboard demo\` (no ${DEMO_MARKER}); refusing to wipe it. Choose another --data-dir.`);
    }
    rmSync(demoDir, { recursive: true, force: true });
  }
  mkdirSync(demoDir, { recursive: true });
  writeFileSync(join(demoDir, DEMO_MARKER), 'Created by `switchboard demo`; wiped and recreated by each demo run.\n');
}

function demoMailSkill(accounts: Parameters<typeof createEmailExtractSkill>[0]['accounts'], now: Date, timeZone: string) {
  return createEmailExtractSkill({ accounts, openMailbox: sampleMailbox(loadSampleMessages(now, timeZone)) });
}

function ledgerCost(db: ReturnType<typeof openServices>['db'], runId: number): number {
  return (db.prepare('SELECT COALESCE(SUM(cost_usd), 0) AS cost FROM calls WHERE run_id = ?').get(runId) as { cost: number }).cost;
}

async function emlSubject(path: string): Promise<string> {
  return (await simpleParser(readFileSync(path))).subject ?? '(no subject)';
}

/** The switchboard/ branch the code edit left, with its commit; empty when there is none. */
async function demoBranch(repo: string, baseCommit: string): Promise<{ branch?: string; commit?: string }> {
  const git = simpleGit({ baseDir: repo });
  const branches = (await git.raw(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/switchboard/'])).trim().split('\n').filter(Boolean);
  const [branch, commit] = branches[0]?.split(' ') ?? [];
  return branch && commit && commit !== baseCommit ? { branch, commit } : {};
}
