/**
 * The dashboard's pages as server-rendered HTML (hono's `html` template: every interpolated
 * value is escaped), one column that works at phone width, no script, no external asset. The
 * spend chart is SVG drawn here. Figures are formatted by the CLI's own functions.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Config } from '../../config/schema.ts';
import type { Proposal } from '../../memory/approvals.ts';
import type { RunRecord, StepRecord } from '../../memory/runs.ts';
import { formatUsd } from '../cli/commands/bill.ts';
import { runSummary } from '../cli/commands/runs.ts';
import { localTime, oneLine } from '../cli/terminal.ts';
import { BASELINE_ROLE, verdict } from '../cli/baseline-lines.ts';
import type { SpendView, TodayView } from './data.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:10px 16px}header a{color:#fff;margin-right:14px;text-decoration:none;font-weight:600}header a.on{text-decoration:underline}
main{max-width:980px;margin:0 auto;padding:12px 16px 40px}h1{font-size:22px;margin:12px 0}h2{font-size:17px;margin:20px 0 8px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px;margin:10px 0;overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}th{font-size:13px;color:#59636e;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.muted{color:#59636e}.ok{color:#1a7f37}.bad{color:#cf222e}.warn{color:#9a6700}
form{display:inline}button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid #d0d7de;background:#f6f8fa;cursor:pointer;margin:2px}
button.approve{background:#1f883d;color:#fff;border-color:#1a7f37}button.reject{background:#fff;color:#cf222e}
.figure{font-size:26px;font-weight:700}.figures{display:flex;flex-wrap:wrap;gap:10px}.figures .card{flex:1 1 160px;margin:0}
svg{max-width:100%;height:auto}.legend span{display:inline-block;margin-right:12px;font-size:13px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
@media (max-width:600px){th.wide,td.wide{display:none}main{padding:8px}}
`;

const TIER_COLOURS: Record<string, string> = { orchestration: '#54aeff', execution: '#2da44e', reasoning: '#bf3989', 'large-context': '#bc4c00' };

export interface PageFrame {
  title: string;
  active: string;
  timeZone: string;
  simulated?: boolean;
}

export function page(frame: PageFrame, body: Html): Html {
  const link = (href: string, label: string) => html`<a href="${href}" class="${frame.active === href ? 'on' : ''}">${label}</a>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>${frame.title} · Switchboard</title><style>${raw(STYLE)}</style></head>
<body><header>${link('/', 'Today')}${link('/runs', 'Runs')}${link('/spend', 'Spend')}${link('/models', 'Models')}${link('/approvals', 'Approvals')}</header>
<main><h1>${frame.title}</h1>${body}<p class="muted">Times in ${frame.timeZone}.</p></main></body></html>`;
}

function statusClass(status: string): string {
  if (status === 'succeeded' || status === 'ok' || status === 'closed' || status === 'approved') return 'ok';
  if (status === 'failed' || status === 'timed_out' || status === 'open' || status === 'error') return 'bad';
  return 'warn';
}

function runsTable(runs: RunRecord[], zone: string): Html {
  if (runs.length === 0) return html`<p class="muted">No runs yet.</p>`;
  return html`<table><thead><tr><th class="num">run</th><th>started</th><th>job</th><th>outcome</th><th class="num">cost</th><th class="wide">result</th></tr></thead><tbody>
${runs.map(
  (run) => html`<tr data-run="${run.id}"><td class="num"><a href="/runs/${run.id}">${run.id}</a></td><td>${localTime(run.startedAt ?? run.createdAt, zone)}</td><td>${run.job}</td>
<td class="${statusClass(run.status)}">${run.status}</td><td class="num">$${run.costUsd.toFixed(4)}</td><td class="wide">${oneLine(runSummary(run), 120)}</td></tr>`,
)}</tbody></table>`;
}

function approvalForms(proposal: Proposal, formToken: string): Html {
  return html`<form method="post" action="/approvals/${proposal.id}/approve"><input type="hidden" name="token" value="${formToken}"><button class="approve" type="submit">Approve #${proposal.id}</button></form>
<form method="post" action="/approvals/${proposal.id}/reject"><input type="hidden" name="token" value="${formToken}"><button class="reject" type="submit">Reject #${proposal.id}</button></form>`;
}

function proposalsTable(proposals: Proposal[], zone: string, formToken?: string): Html {
  if (proposals.length === 0) return html`<p class="muted">No pending proposals.</p>`;
  return html`<table><thead><tr><th class="num">#</th><th>what</th><th class="wide">why</th><th>state</th>${formToken ? html`<th></th>` : ''}</tr></thead><tbody>
${proposals.map(
  (proposal) => html`<tr data-proposal="${proposal.id}"><td class="num">${proposal.id}</td><td>${proposal.summary}<div class="muted">${proposal.kind}${proposal.source.sender ? ` · from ${proposal.source.sender}` : ''} · ${localTime(proposal.createdAt, zone)}</div></td>
<td class="wide">${proposal.reason}</td><td class="${statusClass(proposal.state)}">${proposal.state}</td>${formToken ? html`<td>${proposal.state === 'pending' ? approvalForms(proposal, formToken) : ''}</td>` : ''}</tr>`,
)}</tbody></table>`;
}

export function todayPage(view: TodayView, zone: string, formToken: string): Html {
  return page(
    { title: 'Today', active: '/', timeZone: zone },
    html`<h2>Next slots</h2><div class="card"><table><thead><tr><th>job</th><th>skill</th><th>next</th></tr></thead><tbody>
${view.next.map((slot) => html`<tr><td>${slot.job}</td><td>${slot.skill}</td><td>${slot.enabled ? localTime(slot.at, zone) : 'disabled'}</td></tr>`)}</tbody></table></div>
<h2>Pending approvals (${view.pending.length})</h2><div class="card">${proposalsTable(view.pending, zone, formToken)}</div>
<h2>Last runs</h2><div class="card">${runsTable(view.runs, zone)}</div>
<h2>Breakers and dead models</h2><div class="card">${
      view.breakers.length === 0 && view.deadModels.length === 0
        ? html`<p class="muted">Every breaker closed; no dead model.</p>`
        : html`<table><tbody>${view.breakers.map((breaker) => html`<tr><td>${breaker.model}</td><td class="${statusClass(breaker.state)}">breaker ${breaker.state}</td><td class="num">${breaker.consecutiveFailures} failures</td></tr>`)}
${view.deadModels.map((dead) => html`<tr><td>${dead.model}</td><td class="bad">dead (404)</td><td>${dead.message}</td></tr>`)}</tbody></table>`
    }</div>`,
  );
}

export function runsPage(runs: RunRecord[], zone: string): Html {
  return page({ title: 'Runs', active: '/runs', timeZone: zone }, html`<div class="card">${runsTable(runs, zone)}</div>`);
}

export function runPage(run: RunRecord, steps: StepRecord[], zone: string): Html {
  const result = run.result === null ? '' : JSON.stringify(run.result, null, 2);
  return page(
    { title: `Run ${run.id}: ${run.job}`, active: '/runs', timeZone: zone },
    html`<div class="card"><table><tbody>
<tr><th>outcome</th><td class="${statusClass(run.status)}">${run.status}</td></tr><tr><th>started</th><td>${localTime(run.startedAt, zone, true)}</td></tr>
<tr><th>ended</th><td>${localTime(run.endedAt, zone, true)}</td></tr><tr><th>cost</th><td>$${run.costUsd.toFixed(4)}</td></tr>
<tr><th>summary</th><td>${runSummary(run)}</td></tr></tbody></table></div>
<h2>Steps</h2><div class="card"><table><thead><tr><th class="num">step</th><th>kind</th><th>tier</th><th>model</th><th class="num">tokens in/out</th><th class="num">cost</th><th>outcome</th></tr></thead><tbody>
${steps.map(
  (step) => html`<tr><td class="num">${step.step}</td><td>${step.kind}</td><td>${step.tier ?? '-'}</td><td>${step.model ?? step.tool ?? '-'}</td><td class="num">${step.inputTokens}/${step.outputTokens}</td><td class="num">$${step.costUsd.toFixed(4)}</td><td class="${statusClass(step.outcome)}">${step.outcome}</td></tr>`,
)}</tbody></table></div>
${result ? html`<h2>Result</h2><div class="card"><pre style="white-space:pre-wrap;word-break:break-word;margin:0">${result}</pre></div>` : ''}`,
  );
}

/** Stacked bars: one per day of the month with spend, one colour per tier; drawn as SVG. */
export function spendChart(view: SpendView): Html {
  const width = 720;
  const height = 220;
  const left = 56;
  const bottom = 24;
  const max = Math.max(0.0001, ...view.days.map((day) => day.total));
  const [year, month] = view.month.split('-').map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const slot = (width - left - 8) / daysInMonth;
  const scale = (value: number) => (value / max) * (height - bottom - 10);
  const bars = view.days.flatMap((day) => {
    const index = Number(day.day.slice(8, 10)) - 1;
    let y = height - bottom;
    return Object.entries(day.byTier).map(([tier, cost]) => {
      const barHeight = scale(cost);
      y -= barHeight;
      return `<rect x="${(left + index * slot + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${TIER_COLOURS[tier] ?? '#8c959f'}"><title>${day.day} ${tier} ${formatUsd(cost)}</title></rect>`;
    });
  });
  const ticks = [0, 0.5, 1].map((fraction) => {
    const y = height - bottom - fraction * (height - bottom - 10);
    return `<line x1="${left}" x2="${width - 8}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eaeef2"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#59636e">${formatUsd(max * fraction)}</text>`;
  });
  const labels = [1, 8, 15, 22, daysInMonth].map((day) => `<text x="${(left + (day - 1) * slot + slot / 2).toFixed(1)}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#59636e">${day}</text>`);
  const svg = `<svg role="img" aria-label="Spend by day and tier, ${view.month}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${ticks.join('')}${bars.join('')}${labels.join('')}</svg>`;
  const legend = Object.entries(TIER_COLOURS).map(([tier, colour]) => `<span><i style="background:${colour}"></i>${tier}</span>`);
  // Every value in the SVG is a number, a tier name from the ledger's fixed set, or a formatted figure.
  return html`${raw(svg)}<div class="legend">${raw(legend.join(''))}</div>`;
}

export function spendPage(view: SpendView, flagship: string, zone: string): Html {
  const bill = view.bill;
  const lines = (title: string, rows: typeof bill.byJob) =>
    html`<h2>${title}</h2><div class="card"><table><thead><tr><th>${title.replace('Top ', '').replace(/s$/, '')}</th><th class="num">calls</th><th class="num">cost</th><th class="num">on flagship</th></tr></thead><tbody>
${rows.slice(0, 10).map((line) => html`<tr><td>${line.key}</td><td class="num">${line.calls}</td><td class="num">${formatUsd(line.costUsd)}</td><td class="num">${formatUsd(line.flagshipCostUsd)}</td></tr>`)}</tbody></table></div>`;
  return page(
    { title: `Spend, ${view.month}`, active: '/spend', timeZone: zone },
    html`<div class="figures"><div class="card"><div class="muted">Spent</div><div class="figure" data-figure="spent">${formatUsd(bill.totals.costUsd)}</div></div>
${bill.baselines.map(
  (baseline) =>
    html`<div class="card"><div class="muted">All on ${baseline.model} (${BASELINE_ROLE[baseline.role]})</div><div class="figure" data-figure="baseline-${baseline.role}">${formatUsd(baseline.baselineCostUsd)}</div><div class="muted">${verdict(baseline, formatUsd)}</div></div>`,
)}
<div class="card"><div class="muted">Calls</div><div class="figure" data-figure="calls">${bill.totals.calls}</div></div></div>
${bill.includesSimulated ? html`<p class="warn">${bill.simulatedCalls} of these calls were simulated: their cost is what a real provider would have charged.</p>` : ''}
<h2>By day and tier</h2><div class="card">${view.days.length ? spendChart(view) : html`<p class="muted">No calls this month.</p>`}</div>
${lines('Top jobs', bill.byJob)}${lines('Top models', bill.byModel)}${lines('Tiers', bill.byTier)}`,
  );
}

export function modelsPage(config: Config, zone: string, today: string): Html {
  const inUse = new Map<string, string[]>();
  for (const [tier, chain] of Object.entries(config.tiers)) for (const id of chain) inUse.set(id, [...(inUse.get(id) ?? []), tier]);
  const rows = Object.entries(config.models).sort(([a], [b]) => a.localeCompare(b));
  return page(
    { title: 'Models', active: '/models', timeZone: zone },
    html`<div class="card"><table><thead><tr><th>model</th><th>provider</th><th>tiers</th><th class="num">$/1M in</th><th class="num">$/1M out</th><th>retires</th></tr></thead><tbody>
${rows.map(([id, model]) => {
  const prices = model.prices ?? [];
  const price = [...prices].filter((entry) => entry.effectiveFrom <= today).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0] ?? prices[0];
  const retires = model.lifecycle?.retires;
  return html`<tr><td>${id}${model.model && model.model !== id ? html`<div class="muted">${model.model}</div>` : ''}</td><td>${model.provider}</td><td>${(inUse.get(id) ?? []).join(', ') || (id === config.flagship ? 'flagship' : '-')}</td>
<td class="num">${price ? price.input.toFixed(2) : '-'}</td><td class="num">${price ? price.output.toFixed(2) : '-'}</td><td class="${retires && retires <= today ? 'bad' : retires ? 'warn' : ''}">${retires ?? '-'}</td></tr>`;
})}</tbody></table></div><p class="muted">Flagship (the counterfactual bill): ${config.flagship}.</p>`,
  );
}

export function approvalsPage(pending: Proposal[], recent: Proposal[], zone: string, formToken: string, notice?: string): Html {
  return page(
    { title: 'Approvals', active: '/approvals', timeZone: zone },
    html`${notice ? html`<p class="card" role="status">${notice}</p>` : ''}<h2>Pending</h2><div class="card">${proposalsTable(pending, zone, formToken)}</div>
<h2>Decided</h2><div class="card">${recent.length ? proposalsTable(recent, zone) : html`<p class="muted">Nothing decided yet.</p>`}</div>`,
  );
}
