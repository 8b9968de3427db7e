/**
 * The local dashboard: a Hono app over the daemon's store, served on 127.0.0.1 only. Every
 * request needs the token (`?token=` once, then an HttpOnly SameSite=Strict cookie, or an
 * `Authorization: Bearer` header); a form post must also carry it in its body. Approve and
 * reject go through `decideAsOwner`, the code behind `switchboard approvals`.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../config/schema.ts';
import { ProposalDecisionError } from '../../memory/approvals.ts';
import type { Store } from '../../memory/store.ts';
import { ownerTimeZone } from '../cli/terminal.ts';
import type { OwnerDecisionDeps } from '../owner-decision.ts';
import { decideAsOwner } from '../owner-decision.ts';
import { approvalsView, runsView, runView, spendView, todayView } from './data.ts';
import { billBaselines } from '../bill-baselines.ts';
import { resolveModels } from '../runtime.ts';
import { dayIn } from '../../memory/ledger-days.ts';
import { approvalsPage, modelsPage, runPage, runsPage, spendPage, todayPage } from './pages.ts';
import { tokenMatches } from './token.ts';

const COOKIE = 'switchboard_token';

export interface DashboardDeps {
  db: Store;
  config: () => Config;
  dataDir: string;
  token: string;
  openRouter: OwnerDecisionDeps['openRouter'];
  now?: () => Date;
}

export function createDashboardApp(deps: DashboardDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? (() => new Date());

  app.use('*', async (context, next) => {
    const fromQuery = context.req.query('token');
    if (fromQuery !== undefined && tokenMatches(deps.token, fromQuery)) {
      setCookie(context, COOKIE, deps.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      // The token leaves the address bar (and the history) at once.
      const url = new URL(context.req.url);
      url.searchParams.delete('token');
      return context.redirect(`${url.pathname}${url.search}`, 303);
    }
    const bearer = context.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    if (!tokenMatches(deps.token, getCookie(context, COOKIE)) && !tokenMatches(deps.token, bearer)) {
      return context.text('401: the dashboard needs its token. Run `switchboard dashboard` to get the address.\n', 401);
    }
    context.header('cache-control', 'no-store');
    context.header('x-frame-options', 'DENY');
    context.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'");
    await next();
  });

  const zone = () => ownerTimeZone(deps.config());
  app.get('/', (context) => context.html(todayPage(todayView(deps.db, deps.config(), now()), zone(), deps.token)));
  app.get('/runs', (context) => context.html(runsPage(runsView(deps.db), zone())));
  app.get('/runs/:id', (context) => {
    const found = runView(deps.db, Number(context.req.param('id')));
    return found ? context.html(runPage(found.run, found.steps, zone())) : context.text('no such run\n', 404);
  });
  app.get('/spend', (context) => {
    // The owner's month, as the ledger counts it.
    const month = context.req.query('month') ?? dayIn(now(), zone()).slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return context.text('month: expected YYYY-MM\n', 400);
    const config = deps.config();
    return context.html(spendPage(spendView(deps.db, month, billBaselines(config, resolveModels(config))), config.flagship, zone()));
  });
  app.get('/models', (context) => context.html(modelsPage(deps.config(), zone(), now().toISOString().slice(0, 10))));
  app.get('/approvals', (context) => approvals(context));
  app.post('/approvals/:id/:decision', async (context) => {
    const form = await context.req.parseBody();
    if (!tokenMatches(deps.token, typeof form.token === 'string' ? form.token : undefined)) return context.text('403: the form carries no valid token\n', 403);
    const decision = context.req.param('decision');
    if (decision !== 'approve' && decision !== 'reject') return context.text('404\n', 404);
    const id = Number(context.req.param('id'));
    try {
      const config = deps.config();
      const outcome = await decideAsOwner({ db: deps.db, dataDir: deps.dataDir, config, timeZone: ownerTimeZone(config), openRouter: deps.openRouter }, id, decision, 'dashboard');
      const already = outcome.changed ? '' : ' (already decided: nothing was run again)';
      return approvals(context, `#${id} ${outcome.proposal.state}${already}: ${outcome.proposal.summary}`);
    } catch (error) {
      if (error instanceof ProposalDecisionError) return approvals(context, error.message, 400);
      throw error;
    }
  });

  function approvals(context: Context, notice?: string, status: 200 | 400 = 200) {
    const view = approvalsView(deps.db);
    return context.html(approvalsPage(view.pending, view.recent, zone(), deps.token, notice), status);
  }
  return app;
}

export interface RunningDashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the dashboard on 127.0.0.1:`port` (0: any free port). Rejects when the port is taken. */
export function startDashboard(deps: DashboardDeps, port: number): Promise<RunningDashboard> {
  const app = createDashboardApp(deps);
  return new Promise((resolve, reject) => {
    let server: ServerType;
    const onError = (error: Error) => reject(error);
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
      server.off('error', onError);
      resolve({
        url: `http://127.0.0.1:${info.port}/`,
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', onError);
  });
}
