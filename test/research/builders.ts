import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { ModelRouter, RoutedRequest, RoutedResponse } from '../../contracts/router.ts';
import type { Tier } from '../../contracts/types.ts';
import type { SkillContext } from '../../skills/types.ts';
import type { Store } from '../../memory/store.ts';

/** The feeds and pages shipped for the demo double as the tests' fixtures: one copy of each. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'skills', 'research', 'samples');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export type Route = { body: string; type?: string; status?: number } | ((request: IncomingMessage, response: ServerResponse) => void);

export interface LoopbackServer {
  url(path: string): string;
  /** Paths requested so far, in order. */
  hits: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 serving `routes` by path; 404 otherwise. */
export async function aServer(routes: Record<string, Route>): Promise<LoopbackServer> {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.push(path);
    const route = routes[path];
    if (!route) {
      response.writeHead(404).end('not found');
      return;
    }
    if (typeof route === 'function') return route(request, response);
    response.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/rss+xml; charset=utf-8' }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const LARGE_CONTEXT_THRESHOLD = 65_536;

/**
 * A scripted router with the real contract's routing rules: kinds map to tiers
 * (summarise → orchestration, report → reasoning) and input over the threshold goes to
 * large-context. Every request is recorded; `answer` writes the model's text.
 */
export function aScriptedRouter(answer: (routed: RoutedRequest, tier: Tier) => string = defaultAnswer): ModelRouter & {
  calls: { routed: RoutedRequest; tier: Tier }[];
} {
  const calls: { routed: RoutedRequest; tier: Tier }[] = [];
  const decide = async (task: RoutedRequest['task']) => {
    const byKind: Tier = task.kind === 'report' ? 'reasoning' : 'orchestration';
    const tier: Tier = (task.inputTokens ?? 0) > LARGE_CONTEXT_THRESHOLD ? 'large-context' : byKind;
    return { tier, chain: [`model-${tier}`], reason: `scripted: ${tier}` };
  };
  return {
    calls,
    decide,
    async complete(routed: RoutedRequest): Promise<RoutedResponse> {
      const decision = await decide(routed.task);
      calls.push({ routed, tier: decision.tier });
      return {
        text: answer(routed, decision.tier),
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0 },
        model: decision.chain[0],
        simulated: true,
        decision,
        modelId: decision.chain[0],
        provider: 'scripted',
        costUsd: 0.001,
        flagshipCostUsd: 0.01,
        callId: calls.length,
        attempts: [],
      };
    },
  };
}

/** A digest answer naming every document id found in the request. */
export function defaultAnswer(routed: RoutedRequest): string {
  const user = routed.request.messages.find((message) => message.role === 'user')?.content ?? '';
  const ids = [...user.matchAll(/<document id="(d\d+)"/g)].map((match) => match[1]);
  if (routed.task.kind === 'report') return 'A careful write-up.';
  return JSON.stringify({
    title: 'Energy this week',
    summary: `Digest of ${ids.length} items.`,
    items: ids.map((id) => ({ id, summary: `Summary of ${id}.` })),
  });
}

export function aDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'sb-research-'));
}

/** A skill context over `db` with a silent logger and a fixed clock. */
export function aContext(db: Store, options: Record<string, unknown>, router: ModelRouter, dataDir = aDataDir()): SkillContext {
  const now = new Date('2025-03-05T07:00:00Z');
  return {
    job: 'research',
    skill: 'research',
    runId: 1,
    idempotencyKey: 'research:2025-03-05T07:00:00Z',
    slot: now,
    options,
    db,
    dataDir,
    logger: pino({ level: 'silent' }),
    timezone: 'Europe/Paris',
    router,
    orchestrate: async () => {
      throw new Error('the research skill does not use the orchestrator');
    },
    now: () => now,
  };
}
