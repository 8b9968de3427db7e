/**
 * The shape every benchmark module exports as `benchEntry` for bench/run.ts, and the one
 * Markdown table they all print: figure, value, the baseline measured in the same run, the
 * ratio between them, the target and whether it is met.
 */

export interface BenchOptions {
  /** Smaller workloads and shorter waits, for a quick look; the figures are not the recorded ones. */
  quick: boolean;
}

export interface BenchResult {
  /** Markdown lines (a table, then any notes) describing what was measured and the verdict. */
  lines: string[];
  /** False when a figure misses its target; `npm run bench` then exits 1. */
  passed: boolean;
}

export interface BenchEntry {
  /** What `--only` selects. */
  name: string;
  /** What the issue asks for, printed above the table. */
  target: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

export interface FigureRow {
  figure: string;
  value: string;
  baseline?: string;
  /** value / baseline, when both are numbers of the same unit. */
  ratio?: number;
  target?: string;
  /** Undefined when the row has no target. */
  pass?: boolean;
}

/** A Markdown table of the rows; empty cells for what a row does not have. */
export function figureTable(rows: FigureRow[]): string[] {
  const lines = ['| Figure | Value | Baseline | Ratio | Target | Verdict |', '| --- | ---: | ---: | ---: | --- | --- |'];
  for (const row of rows) {
    const ratio = row.ratio === undefined || !Number.isFinite(row.ratio) ? '' : `${row.ratio.toFixed(2)}×`;
    const verdict = row.pass === undefined ? '' : row.pass ? 'pass' : '**FAIL**';
    lines.push(`| ${row.figure} | ${row.value} | ${row.baseline ?? ''} | ${ratio} | ${row.target ?? ''} | ${verdict} |`);
  }
  return lines;
}

/** True unless some row has a target it misses. */
export function allPass(rows: FigureRow[]): boolean {
  return rows.every((row) => row.pass !== false);
}

/** `value` with `digits` decimals and thousands separators. */
export function format(value: number, digits = 2): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
