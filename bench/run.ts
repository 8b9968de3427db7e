/**
 * `npm run bench`: runs every benchmark under bench/ in one process run, each against a
 * baseline measured in the same run, and prints one Markdown section per benchmark.
 * `--only NAME[,NAME]` runs a subset (routing-latency, stack-overhead, cost-at-scale, bill, footprint,
 * imap-extract); `--quick` shrinks the workloads for a look (not for the record); `--write`
 * also rewrites the results block of BENCHMARKS.md. Exits 1 when a figure misses its target
 * or a benchmark fails. Figures are medians and ratios: the machines are shared and noisy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import type { BenchEntry } from './entry.ts';

/** Kept explicit so the list reads in one place; each module exports `benchEntry`. */
const MODULES = ['./routing-latency.ts', './stack-overhead.ts', './cost-at-scale.ts', './bill.ts', './footprint.ts', './imap-extract.ts'];

async function loadBenches(): Promise<BenchEntry[]> {
  const benches: BenchEntry[] = [];
  for (const module of MODULES) {
    const loaded = (await import(module)) as { benchEntry?: BenchEntry };
    if (!loaded.benchEntry) throw new Error(`${module} exports no benchEntry`);
    benches.push(loaded.benchEntry);
  }
  return benches;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1]?.split(',')) : undefined;
  const quick = args.includes('--quick');
  const benches = await loadBenches();
  const unknown = [...(only ?? [])].filter((name) => !benches.some((bench) => bench.name === name));
  if (unknown.length > 0) throw new Error(`--only: no benchmark named ${unknown.join(', ')} (known: ${benches.map((bench) => bench.name).join(', ')})`);
  const sections: string[] = [];
  const command = `npm run bench --${args.length ? ` ${args.join(' ')}` : ''}`;
  const header = `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (${arch()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Run ${new Date().toISOString().slice(0, 16)}Z with \`${command}\`${quick ? ' (quick: smaller workloads, not for the record)' : ''}.`;
  console.log(header);
  for (const bench of benches) {
    if (only && !only.has(bench.name)) continue;
    console.error(`running ${bench.name} ...`);
    const started = Date.now();
    try {
      const result = await bench.run({ quick });
      const section = [`### ${bench.name}`, '', `Target: ${bench.target}. (${((Date.now() - started) / 1000).toFixed(1)} s)`, '', ...result.lines, ''];
      sections.push(section.join('\n'));
      console.log(`\n${section.join('\n')}`);
      if (!result.passed) process.exitCode = 1;
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      sections.push(`### ${bench.name}\n\nFAILED: ${message.split('\n')[0]}\n`);
      console.log(`\n### ${bench.name}\n\nFAILED: ${message}`);
      process.exitCode = 1;
    }
  }
  if (args.includes('--write')) {
    const path = join(import.meta.dirname, '..', 'BENCHMARKS.md');
    const text = readFileSync(path, 'utf8');
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const block = `${start}\n${header}\n\n${sections.join('\n')}${end}`;
    const next = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*${end}`), block) : `${text}\n${block}\n`;
    writeFileSync(path, next);
    console.error(`wrote ${path}`);
  }
}

await main();
