/** Builders for the market tests: price series, CSV text, a fresh store and a scripted router. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PriceBar } from '../../memory/market-cache.ts';
import { openStore, type Store } from '../../memory/store.ts';
import type { ModelRouter, RoutedRequest, RoutedResponse } from '../../contracts/router.ts';
import type { Tier } from '../../contracts/types.ts';

/** `count` weekday bars ending 2025-03-14, closes from `closeAt(index)`. */
export function aSeries(count: number, closeAt: (index: number) => number): PriceBar[] {
  const dates: string[] = [];
  const day = new Date('2025-03-14T00:00:00Z');
  while (dates.length < count) {
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) dates.unshift(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() - 1);
  }
  return dates.map((date, index) => {
    const close = closeAt(index);
    return { date, open: close, high: close + 1, low: close - 1, close, volume: 1000 + index };
  });
}

export function toCsv(bars: PriceBar[], options: { newestFirst?: boolean; crlf?: boolean; bom?: boolean; adjClose?: boolean } = {}): string {
  const header = options.adjClose ? 'Date,Open,High,Low,Close,Adj Close,Volume' : 'Date,Open,High,Low,Close,Volume';
  const rows = bars.map((bar) =>
    options.adjClose
      ? `${bar.date},${bar.open},${bar.high},${bar.low},${bar.close},${bar.close * 0.98},${bar.volume}`
      : `${bar.date},${bar.open},${bar.high},${bar.low},${bar.close},${bar.volume}`,
  );
  if (options.newestFirst) rows.reverse();
  const eol = options.crlf ? '\r\n' : '\n';
  return `${options.bom ? '\uFEFF' : ''}${[header, ...rows].join(eol)}${eol}`;
}

export function aFolder(): string {
  return mkdtempSync(join(tmpdir(), 'sb-market-'));
}

export function writeCsv(folder: string, name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

export function aStore(): Store {
  return openStore(':memory:');
}

/** Answers per task kind; an Error answer is thrown. Records each request. */
export function aMarketRouter(answers: {
  summarise?: string | Error;
  analysis?: string | Error;
  analysisDowngradedTo?: Tier;
}): ModelRouter & { calls: RoutedRequest[] } {
  const calls: RoutedRequest[] = [];
  return {
    calls,
    async decide() {
      return { tier: 'orchestration', chain: ['cheap-model'], reason: 'scripted' };
    },
    async complete(routed): Promise<RoutedResponse> {
      calls.push(routed);
      const isAnalysis = routed.task.kind === 'analysis';
      const answer = isAnalysis ? answers.analysis : answers.summarise;
      if (answer instanceof Error) throw answer;
      if (answer === undefined) throw new Error(`no scripted answer for ${routed.task.kind}`);
      const tier: Tier = isAnalysis ? (answers.analysisDowngradedTo ?? 'reasoning') : 'orchestration';
      const model = tier === 'reasoning' ? 'reason-model' : tier === 'execution' ? 'exec-model' : 'cheap-model';
      return {
        text: answer,
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 500, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 },
        model,
        simulated: true,
        decision: { tier, chain: [model], reason: 'scripted' },
        modelId: model,
        provider: 'scripted',
        costUsd: isAnalysis ? 0.2 : 0.001,
        flagshipCostUsd: 0.2,
        callId: calls.length,
        attempts: [],
        ...(isAnalysis && answers.analysisDowngradedTo ? { downgradedFrom: 'reasoning' as Tier } : {}),
      };
    },
  };
}
