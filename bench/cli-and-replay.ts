/**
 * The process side of cost at scale, for bench/cost-at-scale.ts: the CLI's cold start against
 * `node -e 0` in the same run (median of a few spawns each: `switchboard --help`, and
 * `switchboard status` on a data dir with a database), and the peak RSS of
 * `switchboard replay` over traces of growing length (read from /proc: VmHWM, polled until exit).
 * Spawns bin/switchboard.js as a user would: the compiled build when it is current, else tsx.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../memory/store.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'switchboard.js');

export interface ColdStart {
  nodeMs: number;
  helpMs: number;
  statusMs: number;
}

export interface ReplayFootprint {
  tasks: number;
  peakRssMb: number;
  seconds: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs `args` with node to its exit; resolves its wall time (ms) and peak RSS (MB, 0 when /proc is absent). Rejects on a non-zero exit. */
async function timedRun(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; peakRssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // Exited between two polls.
    }
  }, 50);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(poll);
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`);
  return { ms: performance.now() - started, peakRssMb: peakKb / 1024 };
}

/** Median cold start of `node -e 0`, `switchboard --help` and `switchboard status`, `spawns` each, interleaved. */
export async function benchColdStart(spawns = 5): Promise<ColdStart> {
  const directory = mkdtempSync(join(tmpdir(), 'sb-bench-cold-'));
  try {
    openStore(join(directory, 'switchboard.db')).close();
    writeFileSync(join(directory, 'config.yaml'), 'timezone: UTC\n');
    const env = { PATH: process.env.PATH, HOME: directory };
    const times = { node: [] as number[], help: [] as number[], status: [] as number[] };
    for (let index = 0; index < spawns; index++) {
      times.node.push((await timedRun(['-e', '0'], env)).ms);
      times.help.push((await timedRun([BIN, '--help'], env)).ms);
      times.status.push((await timedRun([BIN, '--config', join(directory, 'config.yaml'), '--data-dir', directory, 'status'], env)).ms);
    }
    return { nodeMs: median(times.node), helpMs: median(times.help), statusMs: median(times.status) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const TASKS = [
  'summarise the unread newsletters from this morning in three bullets',
  'write a python script that renames my photos by their EXIF date',
  'weigh the trade-offs of paying off my mortgage early versus investing the money, and recommend one',
  'translate this paragraph into French',
];

/** Peak RSS of `switchboard replay` over a trace of each length (shipped default config, simulator, temporary ledger). */
export async function benchReplayRss(lengths: number[]): Promise<ReplayFootprint[]> {
  const results: ReplayFootprint[] = [];
  for (const tasks of lengths) {
    const directory = mkdtempSync(join(tmpdir(), 'sb-bench-replay-'));
    try {
      const trace = join(directory, 'trace.jsonl');
      const out = createWriteStream(trace);
      for (let index = 0; index < tasks; index++) {
        const line = `${JSON.stringify({ task: `${TASKS[index % TASKS.length]} (#${index})`, input_tokens: 200 + (index % 50) * 40, output_tokens: 50 + (index % 20) * 10 })}\n`;
        if (!out.write(line)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      const run = await timedRun([BIN, '--data-dir', join(directory, 'data'), 'replay', trace], { PATH: process.env.PATH, HOME: directory });
      results.push({ tasks, peakRssMb: run.peakRssMb, seconds: run.ms / 1000 });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
  return results;
}
