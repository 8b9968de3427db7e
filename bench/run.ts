/**
 * `npm run bench`: runs every benchmark under bench/ in one process run, each against a
 * baseline measured in the same run, and prints one Markdown section per benchmark.
 * `--only NAME[,NAME]` runs a subset; `--write` also rewrites the results block of
 * BENCHMARKS.md. Figures are medians and ratios: the machines are shared and noisy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

interface BenchResult {
  /** Markdown lines (a table, usually) describing what was measured and the verdict. */
  lines: string[];
}

interface BenchEntry {
  name: string;
  /** What the issue asks for, printed beside the figure. */
  target: string;
  run: (options: { quick: boolean }) => Promise<BenchResult>;
}

const benches: BenchEntry[] = [];

/** Registered by the modules below; kept explicit so the list reads in one place. */
export function registerBench(entry: BenchEntry): void {
  benches.push(entry);
}

async function loadBenches(): Promise<void> {
  const modules = ['./routing-latency.ts', './stack-overhead.ts', './bill.ts', './footprint.ts', './imap-extract.ts'];
  for (const module of modules) {
    const loaded = (await import(module)) as { benchEntry?: BenchEntry };
    if (loaded.benchEntry) registerBench(loaded.benchEntry);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1]?.split(',')) : undefined;
  const quick = args.includes('--quick');
  await loadBenches();
  const sections: string[] = [];
  const header = `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (${arch()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Run ${new Date().toISOString().slice(0, 16)}Z.`;
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
