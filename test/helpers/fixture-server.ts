/**
 * A tiny loopback server that replays recorded HTTP responses in order and records what it
 * was sent: the independent wire for conformance and error-classification tests. It knows
 * nothing of either API; every byte it answers comes from a fixture.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach } from 'node:test';

export interface RecordedResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON body (object or array), sent as is. */
  json?: unknown;
  /** Server-sent events, each `{ event?, data }`; `data` is sent as JSON unless a string. */
  sse?: Array<{ event?: string; data: unknown }>;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FixtureServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Queues the next responses; a request with none queued gets a 500 naming the problem. */
  replay(...responses: RecordedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const queue: RecordedResponse[] = [];
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ method: request.method ?? '', path: (request.url ?? '').split('?')[0], headers: request.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      const next = queue.shift();
      if (!next) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'fixture server: no response queued', type: 'fixture_error' } }));
        return;
      }
      if (next.sse) {
        response.writeHead(next.status, { 'content-type': 'text/event-stream', ...next.headers });
        for (const frame of next.sse) {
          const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
          response.write(`${frame.event ? `event: ${frame.event}\n` : ''}data: ${data}\n\n`);
        }
        response.end();
        return;
      }
      const body = JSON.stringify(next.json ?? {});
      response.writeHead(next.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...next.headers });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    replay: (...responses) => void queue.push(...responses),
    reset: () => {
      queue.length = 0;
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** One fixture server for a test file, reset before each test. */
export function useFixtureServer(): { readonly current: FixtureServer } {
  const holder: { current: FixtureServer | undefined } = { current: undefined };
  before(async () => {
    holder.current = await startFixtureServer();
  });
  beforeEach(() => holder.current?.reset());
  after(async () => {
    await holder.current?.close();
  });
  return {
    get current(): FixtureServer {
      if (!holder.current) throw new Error('fixture server not started');
      return holder.current;
    },
  };
}
