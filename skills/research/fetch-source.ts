/**
 * Fetching a source over HTTP with a size cap (the body is streamed and reading stops past
 * the cap), a timeout and the job's abort signal. Every failure is a `SourceError` naming
 * the source, so one bad source can be reported while the others are processed.
 */
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BodyTooLargeError, readCappedBody } from '../http/read-capped.ts';

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

export interface FetchedSource {
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  contentType: string;
  text: string;
}

/** Why a source failed, as a run's problem names it. */
export type SourceErrorKind = 'http' | 'timeout' | 'too_large' | 'network' | 'invalid' | 'unreadable';

/** A source that could not be fetched or parsed; the message starts with the source URL. */
export class SourceError extends Error {
  readonly source: string;
  readonly kind: SourceErrorKind;
  constructor(source: string, problem: string, kind: SourceErrorKind = 'unreadable') {
    super(`${source}: ${problem}`);
    this.name = 'SourceError';
    this.source = source;
    this.kind = kind;
  }
}

const USER_AGENT = 'Switchboard-research/0.1 (+self-hosted personal agent)';

/**
 * Fetches `url` (http, https, or file for bundled samples). Throws `SourceError` for a bad
 * status, a body over `maxBytes`, or no answer within `timeoutMs`; rethrows the abort
 * when `signal` fires.
 */
export async function fetchSource(
  url: string,
  limits: FetchLimits,
  signal: AbortSignal,
  fetchFunction: FetchFunction = fetch,
): Promise<FetchedSource> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError(url, 'not a valid URL', 'invalid');
  }
  if (parsed.protocol === 'file:') return readFileSource(url, parsed, limits.maxBytes);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SourceError(url, `unsupported scheme ${parsed.protocol} (expected http or https)`, 'invalid');
  }
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  try {
    const response = await fetchFunction(url, {
      signal: combined,
      redirect: 'follow',
      headers: {
        'user-agent': USER_AGENT,
        accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml, text/html;q=0.9, */*;q=0.5',
      },
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new SourceError(url, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, 'http');
    }
    const bytes = await readCapped(url, response, limits.maxBytes);
    const contentType = response.headers.get('content-type') ?? '';
    return { url, finalUrl: response.url || url, contentType, text: decode(bytes, contentType) };
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    if (timeout.aborted) throw new SourceError(url, `no complete answer within ${limits.timeoutMs} ms (timeout)`, 'timeout');
    if (error instanceof SourceError) throw error;
    throw new SourceError(url, `fetch failed: ${describe(error)}`, 'network');
  }
}

async function readCapped(url: string, response: Response, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readCappedBody(response, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(url, maxBytes);
    throw error;
  }
}

async function readFileSource(url: string, parsed: URL, maxBytes: number): Promise<FetchedSource> {
  const path = fileURLToPath(parsed);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new SourceError(url, `cannot read file: ${describe(error)}`, 'unreadable');
  }
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes + 1, 0);
    if (bytesRead > maxBytes) throw tooLarge(url, maxBytes);
    const contentType = /\.html?$/i.test(path) ? 'text/html' : 'application/xml';
    return { url, finalUrl: url, contentType, text: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}

function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function tooLarge(url: string, maxBytes: number): SourceError {
  return new SourceError(url, `response larger than the ${maxBytes}-byte cap (maxBytes); stopped reading`, 'too_large');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
