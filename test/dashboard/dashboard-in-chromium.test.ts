/**
 * The dashboard in a real headless Chromium (Debian's, driven by playwright-core): every page
 * loads without a console error and shows the figures the CLI prints for the same data;
 * approve and reject change the proposal's state through the approvals code; a request without
 * the token is refused. Screenshots of each page at desktop and phone width, and of a briefing
 * at phone width, are kept under test/artifacts/ (gitignored).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { parseConfigText, DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { createProposal, getProposal } from '../../memory/approvals.ts';
import { recordCall } from '../../memory/ledger.ts';
import { claimRun, finishRun, recordStep } from '../../memory/runs.ts';
import { ensureMemoryFiles } from '../../memory/soul.ts';
import { openStore } from '../../memory/store.ts';
import { startDashboard } from '../../agent/dashboard/server.ts';
import { readOrCreateDashboardToken } from '../../agent/dashboard/token.ts';
import { renderBriefing } from '../../skills/briefing/render.ts';
import { sampleBriefing } from '../../skills/briefing/sample.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : 'Chromium is missing: apt-get install -y chromium';
const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts', 'dashboard');
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

function aCall(startedAt: string, tier: string, model: string, costUsd: number, job: string) {
  return {
    startedAt: new Date(startedAt),
    tier,
    provider: 'openai',
    model,
    usage: { inputTokens: 1200, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0 },
    costUsd,
    flagshipCostUsd: costUsd * 8,
    latencyMs: 900,
    outcome: 'ok' as const,
    simulated: false,
    job,
  };
}

function aDataDir(month: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-dashboard-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  ensureMemoryFiles(dataDir);
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, 'timezone: Europe/Paris\n');
  const db = openStore(join(dataDir, 'switchboard.db'));
  const at = new Date(`${month}-02T05:00:00Z`);
  const claim = claimRun(db, { job: 'morning-briefing', skill: 'briefing', slot: at.toISOString(), idempotencyKey: `morning-briefing@${at.toISOString()}`, trigger: 'schedule', status: 'running', now: at, pid: 1, owner: 'test' });
  assert.ok(claim.claimed);
  recordStep(db, claim.run.id, { step: 1, kind: 'model', tier: 'orchestration', model: 'gpt-5.6-luna', inputTokens: 1200, outputTokens: 300, costUsd: 0.0021, outcome: 'ok' });
  finishRun(db, claim.run.id, { status: 'succeeded', at: new Date(at.getTime() + 4000), result: { summary: 'briefing sent: 2 due soon' }, costUsd: 0.0021 });
  recordCall(db, aCall(`${month}-01T06:00:00Z`, 'orchestration', 'gpt-5.6-luna', 0.0021, 'morning-briefing'));
  recordCall(db, aCall(`${month}-01T07:00:00Z`, 'execution', 'gpt-5.6-terra', 0.034, 'code-fix'));
  recordCall(db, aCall(`${month}-02T06:00:00Z`, 'reasoning', 'gpt-5.6-sol', 0.41, 'markets'));
  const remember = createProposal(db, { kind: 'remember', payload: { fact: 'The dentist moved to Thursdays' }, summary: 'remember: The dentist moved to Thursdays', reason: 'asked for in a mail', source: { kind: 'mail', sender: 'clinic@example.org' } });
  const other = createProposal(db, { kind: 'remember', payload: { fact: 'Wire money to the new account' }, summary: 'remember: Wire money to the new account', reason: 'asked for in a mail', source: { kind: 'mail', sender: 'attacker@example.com' } });
  return { dir, dataDir, configPath, db, ids: { remember: remember.id, other: other.id } };
}

function cli(workspace: { configPath: string; dataDir: string; dir: string }, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, '--config', workspace.configPath, '--data-dir', workspace.dataDir, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: workspace.dir, NO_COLOR: '1' }, timeout: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

async function visit(page: Page, url: string, name: string, errors: string[]): Promise<void> {
  for (const [label, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size);
    const response = await page.goto(url);
    assert.equal(response?.status(), 200, `${name} at ${label}`);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`), fullPage: true });
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    assert.ok(overflow <= 0, `${name} fits the ${label} width (overflow ${overflow}px)`);
  }
  assert.deepEqual(errors, [], `${name}: no console errors`);
}

test('every page in Chromium: no console error, the CLI figures, approve and reject, the token required', { skip, timeout: 300_000 }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const month = new Date().toISOString().slice(0, 7);
  const workspace = aDataDir(month);
  const config = parseConfigText('timezone: Europe/Paris\n', { path: workspace.configPath, origin: '--config' }, {}).config;
  const token = readOrCreateDashboardToken(workspace.dataDir);
  const dashboard = await startDashboard(
    { db: workspace.db, config: () => config, dataDir: workspace.dataDir, token, openRouter: async () => { throw new Error('no model needed for remember'); } },
    0,
  );
  let browser: BrowserContext | undefined;
  try {
    const refused = await fetch(dashboard.url);
    assert.equal(refused.status, 401, 'no token, no page');
    assert.equal((await fetch(`${dashboard.url}?token=wrong`)).status, 401);
    assert.match(await refused.text(), /switchboard dashboard/);

    // A fresh profile directory each run (Playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sb-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${dashboard.url}?token=${token}`);
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');

    await visit(page, `${dashboard.url}`, 'today', errors);
    assert.match(await page.textContent('main') ?? '', /Pending approvals \(2\)/);
    assert.match(await page.textContent('main') ?? '', /briefing sent: 2 due soon/);

    const bill = JSON.parse(cli(workspace, 'bill', '--month', month, '--json')) as { totals: { costUsd: number; calls: number } };
    const billText = cli(workspace, 'bill', '--month', month);
    await visit(page, `${dashboard.url}spend`, 'spend', errors);
    const spent = (await page.textContent('[data-figure="spent"]')) ?? '';
    assert.match(billText, new RegExp(`Spent +${spent.replace('$', '\\$')}`), `the page's ${spent} is the bill's`);
    assert.equal(Number(await page.textContent('[data-figure="calls"]')), bill.totals.calls);
    assert.equal(await page.locator('svg rect').count(), 3, 'one bar segment per day and tier');

    const runs = JSON.parse(cli(workspace, 'runs', '--json')) as Array<{ id: number; costUsd: number }>;
    await visit(page, `${dashboard.url}runs`, 'runs', errors);
    assert.match((await page.textContent(`tr[data-run="${runs[0].id}"]`)) ?? '', new RegExp(`\\$${runs[0].costUsd.toFixed(4)}`));
    await visit(page, `${dashboard.url}runs/${runs[0].id}`, 'run', errors);
    assert.match((await page.textContent('main')) ?? '', /orchestration\s*gpt-5\.6-luna\s*1200\/300\s*\$0\.0021\s*ok/);

    await visit(page, `${dashboard.url}models`, 'models', errors);
    assert.match((await page.textContent('main')) ?? '', /gpt-5\.6-luna/);

    await visit(page, `${dashboard.url}approvals`, 'approvals', errors);
    await page.click(`text=Reject #${workspace.ids.other}`);
    await page.waitForSelector('[role=status]');
    assert.equal(getProposal(workspace.db, workspace.ids.other)?.state, 'rejected');
    assert.equal(getProposal(workspace.db, workspace.ids.other)?.decidedBy, 'dashboard');
    await page.click(`text=Approve #${workspace.ids.remember}`);
    await page.waitForSelector(`[role=status]:has-text("#${workspace.ids.remember} approved")`);
    assert.equal(getProposal(workspace.db, workspace.ids.remember)?.state, 'approved');
    assert.match(cli(workspace, 'approvals', 'list', '--all'), new RegExp(`#${workspace.ids.remember} approved`), 'the CLI sees the same decision');
    await page.screenshot({ path: join(ARTIFACTS, 'approvals-after-phone.png'), fullPage: true });

    const forged = await fetch(`${dashboard.url}approvals/${workspace.ids.remember}/reject`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=nope' });
    assert.equal(forged.status, 403, 'a post without the token in its form is refused');
    assert.deepEqual(errors, []);

    // The briefing at phone width, and its plain-text part for mail clients without HTML.
    const rendered = renderBriefing(sampleBriefing());
    await page.setViewportSize(WIDTHS.phone);
    await page.setContent(rendered.html);
    await page.screenshot({ path: join(ARTIFACTS, 'briefing-phone.png'), fullPage: true });
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    assert.ok(overflow <= 0, 'the briefing fits a phone');
    for (const title of ['Needs you today', 'Mail', 'Calendar', 'Research digest', 'Markets', 'Repositories', 'Overnight jobs', 'Spend']) {
      assert.match(rendered.text, new RegExp(`^${title}(\\n-+|: )`, 'm'), title);
      assert.match((await page.textContent('body')) ?? '', new RegExp(title));
    }
  } finally {
    await browser?.close();
    await dashboard.close();
    workspace.db.close();
  }
});
