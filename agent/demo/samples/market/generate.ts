/**
 * Writes the demo's synthetic daily prices: SYNTH-TECH.csv, SYNTH-BOND.csv and SYNTH-GOLD.csv,
 * 300 weekdays ending 2025-03-14, from a seeded random walk. Synthetic sample data: no real
 * market, instrument or price is described. The output is byte-for-byte the same on every
 * run; the CSVs are committed, so this runs only when the samples should change:
 *
 *   node --import tsx agent/demo/samples/market/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface SeriesSpec {
  symbol: string;
  start: number;
  /** Mean daily log return. */
  drift: number;
  /** Daily volatility of the log return. */
  volatility: number;
  /** Weight of the shared "market" shock, so the series move partly together. */
  marketBeta: number;
  volume: number;
}

const SERIES: SeriesSpec[] = [
  { symbol: 'SYNTH-TECH', start: 182.4, drift: 0.0006, volatility: 0.017, marketBeta: 0.8, volume: 4_200_000 },
  { symbol: 'SYNTH-BOND', start: 96.1, drift: -0.0001, volatility: 0.004, marketBeta: -0.3, volume: 1_100_000 },
  { symbol: 'SYNTH-GOLD', start: 41.7, drift: 0.0004, volatility: 0.009, marketBeta: 0.1, volume: 2_600_000 },
];
const TRADING_DAYS = 300;
const LAST_DAY = '2025-03-14';
const SEED = 20250314;

/** mulberry32: a small deterministic PRNG, enough for sample data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box-Muller). */
function normal(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** The `count` weekdays ending on `last`, oldest first. */
function weekdays(last: string, count: number): string[] {
  const days: string[] = [];
  const cursor = new Date(`${last}T00:00:00Z`);
  while (days.length < count) {
    const weekday = cursor.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() - 1);
  }
  return days.reverse();
}

export function generateSeries(): Map<string, string> {
  const next = random(SEED);
  const days = weekdays(LAST_DAY, TRADING_DAYS);
  const marketShocks = days.map(() => normal(next));
  const files = new Map<string, string>();
  for (const spec of SERIES) {
    const rows = ['Date,Open,High,Low,Close,Volume'];
    let close = spec.start;
    days.forEach((day, index) => {
      const own = Math.sqrt(1 - spec.marketBeta ** 2) * normal(next);
      const open = close * (1 + normal(next) * spec.volatility * 0.25);
      close = close * Math.exp(spec.drift + spec.volatility * (spec.marketBeta * marketShocks[index] + own));
      const high = Math.max(open, close) * (1 + next() * spec.volatility * 0.6);
      const low = Math.min(open, close) * (1 - next() * spec.volatility * 0.6);
      const volume = Math.round(spec.volume * (0.6 + next() * 0.8));
      rows.push([day, open, high, low, close].map((value) => (typeof value === 'number' ? value.toFixed(2) : value)).join(',') + `,${volume}`);
    });
    files.set(`${spec.symbol}.csv`, `${rows.join('\n')}\n`);
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const directory = dirname(fileURLToPath(import.meta.url));
  for (const [name, text] of generateSeries()) writeFileSync(join(directory, name), text);
  process.stdout.write(`wrote ${SERIES.map((spec) => `${spec.symbol}.csv`).join(', ')} in ${directory}\n`);
}
