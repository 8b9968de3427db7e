/**
 * Where daily prices come from: a local CSV file per symbol, or an HTTP endpoint from a URL
 * template (Stooq-style CSV, or Alpha Vantage TIME_SERIES_DAILY JSON). Fetches have a timeout,
 * a size cap and the run's abort signal; errors name the source with any key blanked out.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { PriceBar } from '../../memory/market-cache.ts';
import { parseOhlcvCsv, PriceDataError } from './ohlcv-csv.ts';
import { BodyTooLargeError, readCappedBody } from '../http/read-capped.ts';

export type PriceSource =
  | { type: 'csv-file'; /** Path template with `{symbol}`. */ path: string }
  | {
      type: 'http';
      /** URL template with `{symbol}` and optionally `{apikey}`. */
      url: string;
      format: 'csv' | 'alphavantage';
      /** Environment variable holding the key for `{apikey}`. */
      apiKeyEnv?: string;
      timeoutMs: number;
      maxBytes: number;
    };

export interface PriceSourceDeps {
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
}

function fillTemplate(template: string, symbol: string, apiKey: string): string {
  return template.replaceAll('{symbol}', encodeURIComponent(symbol)).replaceAll('{apikey}', encodeURIComponent(apiKey));
}

async function readCapped(response: Response, maxBytes: number, where: string): Promise<string> {
  try {
    return Buffer.from(await readCappedBody(response, maxBytes)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new PriceDataError(`${where}: response exceeds the cap of ${maxBytes} bytes`);
    throw error;
  }
}

/** Parses Alpha Vantage TIME_SERIES_DAILY JSON into bars, oldest first. Throws `PriceDataError`. */
export function parseAlphaVantageDaily(text: string, where: string): PriceBar[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PriceDataError(`${where}: not JSON (starts ${JSON.stringify(text.slice(0, 40))})`);
  }
  if (typeof json !== 'object' || json === null) throw new PriceDataError(`${where}: not a JSON object`);
  const body = json as Record<string, unknown>;
  for (const key of ['Error Message', 'Note', 'Information']) {
    if (typeof body[key] === 'string') throw new PriceDataError(`${where}: Alpha Vantage says: ${String(body[key]).slice(0, 200)}`);
  }
  const series = body['Time Series (Daily)'];
  if (typeof series !== 'object' || series === null) throw new PriceDataError(`${where}: no "Time Series (Daily)" object`);
  const bars: PriceBar[] = [];
  for (const [date, raw] of Object.entries(series as Record<string, Record<string, string>>)) {
    const field = (name: string) => {
      const value = Number(raw?.[name]);
      if (!Number.isFinite(value)) throw new PriceDataError(`${where}: ${date} "${name}" is ${JSON.stringify(raw?.[name])}, not a number`);
      return value;
    };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new PriceDataError(`${where}: key ${JSON.stringify(date)} is not a date`);
    bars.push({ date, open: field('1. open'), high: field('2. high'), low: field('3. low'), close: field('4. close'), volume: field('5. volume') });
  }
  if (bars.length === 0) throw new PriceDataError(`${where}: the time series is empty`);
  return bars.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The bars of `symbol` from `source`, oldest first. Throws `PriceDataError` for unreadable
 * data, a missing key variable, an HTTP error status, an oversized answer or a timeout.
 */
export async function fetchBars(source: PriceSource, symbol: string, deps: PriceSourceDeps, signal?: AbortSignal): Promise<PriceBar[]> {
  if (source.type === 'csv-file') {
    const template = source.path.startsWith('~/') ? resolve(homedir(), source.path.slice(2)) : source.path;
    const path = resolve(template.replaceAll('{symbol}', symbol));
    let text: string;
    try {
      text = await readFile(path, { encoding: 'utf8', signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new PriceDataError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return parseOhlcvCsv(text, path);
  }
  const env = deps.env ?? process.env;
  let apiKey = '';
  if (source.url.includes('{apikey}')) {
    if (!source.apiKeyEnv || !env[source.apiKeyEnv]) {
      throw new PriceDataError(`the market source URL needs {apikey}: set the environment variable ${source.apiKeyEnv ?? '(skills.market.source.apiKeyEnv is not set)'}`);
    }
    apiKey = env[source.apiKeyEnv] as string;
  }
  const url = fillTemplate(source.url, symbol, apiKey);
  // What errors show: the same URL with the key blanked.
  const where = source.url.replaceAll('{apikey}', '[redacted]').replaceAll('{symbol}', encodeURIComponent(symbol));
  const scrub = (message: string) => (apiKey ? message.split(apiKey).join('[redacted]') : message);
  const timeout = AbortSignal.timeout(source.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let text: string;
  try {
    const response = await (deps.fetch ?? fetch)(url, { signal: combined, headers: { accept: 'text/csv, application/json, */*' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new PriceDataError(`${where}: HTTP ${response.status}`);
    }
    text = await readCapped(response, source.maxBytes, where);
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof PriceDataError) throw error;
    if (timeout.aborted) throw new PriceDataError(`${where}: no answer within ${source.timeoutMs} ms`);
    throw new PriceDataError(`${where}: ${scrub(((error as Error).cause as Error | undefined)?.message ?? (error as Error).message)}`);
  }
  return source.format === 'alphavantage' ? parseAlphaVantageDaily(text, where) : parseOhlcvCsv(text, where);
}
