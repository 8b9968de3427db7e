/**
 * A/B of the full stack's added latency against another checkout of Switchboard, both in this
 * one process: the same request to the same loopback simulator through (a) the openai SDK,
 * (b) the other checkout's `openSwitchboard` and (c) this one's, interleaved call by call (or
 * round by round of 16), each stack on its own copy of a month database (90,000 ledger rows),
 * budgets on. Machines here are shared and noisy: run it several times and compare the pairs.
 *
 *   git worktree add /tmp/sb-base <commit> && ln -s "$PWD/node_modules" /tmp/sb-base/node_modules
 *   node --import tsx bench/stack-ab.ts --base /tmp/sb-base [--concurrent] [--calls 2000]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { openSwitchboard as openThis, type Switchboard } from '../agent/switchboard.ts';
import { startSimulator } from '../agent/simulator/simulator.ts';
import { ledgerPeriod } from '../memory/ledger.ts';
import { openStore } from '../memory/store.ts';
import { fillMonth } from './month-ledger.ts';
import { settingsFor } from './cost-at-scale.ts';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const baseDir = argument('--base');
if (!baseDir) {
  process.stderr.write('usage: node --import tsx bench/stack-ab.ts --base DIR [--concurrent] [--calls N]\n');
  process.exit(2);
}
const concurrent = process.argv.includes('--concurrent');
const calls = Number(argument('--calls') ?? 2_000);
const { openSwitchboard: openBase } = (await import(pathToFileURL(join(resolve(baseDir), 'agent/switchboard.ts')).href)) as { openSwitchboard: typeof openThis };

const simulator = await startSimulator();
const directory = mkdtempSync(join(tmpdir(), 'sb-stack-ab-'));
const opened: Switchboard[] = [];
try {
  const seed = join(directory, 'seed.db');
  const filler = openStore(seed);
  fillMonth(filler, ledgerPeriod(new Date()).month, 90_000);
  filler.close();
  copyFileSync(seed, join(directory, 'base.db'));
  copyFileSync(seed, join(directory, 'this.db'));
  const settings = settingsFor(simulator.openaiBaseURL);
  const env = { BENCH_KEY: 'sk-bench-0123456789' };
  const base = await openBase({ config: settings, databasePath: join(directory, 'base.db'), env });
  opened.push(base);
  const current = await openThis({ config: settings, databasePath: join(directory, 'this.db'), env });
  opened.push(current);
  const sdk = new OpenAI({ baseURL: simulator.openaiBaseURL, apiKey: 'sk-bench-0123456789', maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Say hello.' }];
  const routed = { task: { tier: 'execution' as const }, request: { messages, maxOutputTokens: 50 }, origin: { job: 'bench' } };
  const runners = {
    direct: () => sdk.chat.completions.create({ model: 'bench-model', messages, max_tokens: 50 }),
    base: () => base.complete(routed),
    this: () => current.complete(routed),
  };
  type Name = keyof typeof runners;
  const samples: Record<Name, number[]> = { direct: [], base: [], this: [] };
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const rounds = concurrent ? Math.ceil(calls / 16) : calls;
  const warmup = Math.ceil(rounds / 10);
  for (let round = 0; round < warmup + rounds; round++) {
    for (const name of Object.keys(runners) as Name[]) {
      const latencies = concurrent ? await Promise.all(Array.from({ length: 16 }, () => timed(runners[name]))) : [await timed(runners[name])];
      if (round >= warmup) samples[name].push(...latencies);
    }
  }
  const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const direct = p50(samples.direct);
  process.stdout.write(
    `${concurrent ? '16 concurrent' : 'sequential'}: direct SDK p50 ${direct.toFixed(3)} ms; added at p50: ${baseDir} ${(p50(samples.base) - direct).toFixed(3)} ms, this checkout ${(p50(samples.this) - direct).toFixed(3)} ms\n`,
  );
} finally {
  for (const switchboard of opened) await switchboard.close();
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
}
