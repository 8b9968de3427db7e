/**
 * A loopback fake of the Google endpoints Switchboard uses: the OAuth2 token endpoint
 * (`POST /token`, refresh and authorization-code grants), Calendar `events.list` and Gmail
 * `messages.list`/`messages.get`. Reached through `rootUrl`; every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEvent {
  id: string;
  summary: string;
  /** ISO instant for timed events, or a `date` for all-day events. */
  start: { dateTime?: string; date?: string };
  end: { dateTime?: string; date?: string };
  location?: string;
  status?: string;
}

export interface FakeMessage {
  id: string;
  from: string;
  subject: string;
  snippet: string;
  internalDate: number;
  unread: boolean;
  important: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  form?: URLSearchParams;
}

export interface GoogleFakeOptions {
  refreshToken?: string;
  /** Authorization codes the fake accepts, and the refresh token each one yields. */
  codes?: Record<string, string>;
  calendars?: Record<string, FakeEvent[]>;
  messages?: FakeMessage[];
  /** Answer every Calendar call with this HTTP status instead. */
  calendarStatus?: number;
}

export interface GoogleFake {
  rootUrl: string;
  tokenUrl: string;
  requests: RecordedRequest[];
  options: Required<Pick<GoogleFakeOptions, 'refreshToken' | 'codes' | 'calendars' | 'messages'>> & GoogleFakeOptions;
  close(): Promise<void>;
}

const ACCESS_TOKEN = 'fake-access-token';

export async function startGoogleFake(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
  const state = {
    ...options,
    refreshToken: options.refreshToken ?? 'fake-refresh-token',
    codes: options.codes ?? {},
    calendars: options.calendars ?? {},
    messages: options.messages ?? [],
  };
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => json(response, 500, { error: String(error) }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const body = await readBody(request);
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: request.headers.authorization,
      ...(body ? { form: new URLSearchParams(body) } : {}),
    };
    requests.push(recorded);
    if (request.method === 'POST' && url.pathname === '/token') return token(recorded.form ?? new URLSearchParams(), response);
    if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      return json(response, 401, { error: { code: 401, message: 'Invalid Credentials', status: 'UNAUTHENTICATED' } });
    }
    const events = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(url.pathname);
    if (request.method === 'GET' && events) return calendarEvents(decodeURIComponent(events[1]), url.searchParams, response);
    if (request.method === 'GET' && url.pathname === '/gmail/v1/users/me/messages') return listMessages(url.searchParams, response);
    const message = /^\/gmail\/v1\/users\/me\/messages\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && message) return getMessage(decodeURIComponent(message[1]), response);
    json(response, 404, { error: { code: 404, message: `no route ${request.method} ${url.pathname}` } });
  }

  function token(form: URLSearchParams, response: ServerResponse): void {
    const grant = form.get('grant_type');
    if (grant === 'refresh_token' && form.get('refresh_token') === state.refreshToken) {
      return json(response, 200, { access_token: ACCESS_TOKEN, expires_in: 3600, token_type: 'Bearer' });
    }
    if (grant === 'authorization_code') {
      const refreshToken = state.codes[form.get('code') ?? ''];
      if (refreshToken && form.get('code_verifier') && form.get('redirect_uri')) {
        return json(response, 200, {
          access_token: ACCESS_TOKEN,
          refresh_token: refreshToken,
          expires_in: 3600,
          token_type: 'Bearer',
          scope: 'https://www.googleapis.com/auth/calendar.readonly https://www.googleapis.com/auth/gmail.readonly',
        });
      }
    }
    json(response, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  }

  function calendarEvents(calendarId: string, query: URLSearchParams, response: ServerResponse): void {
    if (state.calendarStatus) return json(response, state.calendarStatus, { error: { code: state.calendarStatus, message: 'fake failure' } });
    const items = state.calendars[calendarId];
    if (!items) return json(response, 404, { error: { code: 404, message: 'Not Found' } });
    const timeMin = Date.parse(query.get('timeMin') ?? '1970-01-01T00:00:00Z');
    const timeMax = Date.parse(query.get('timeMax') ?? '2999-01-01T00:00:00Z');
    const overlapping = items.filter((event) => {
      const start = Date.parse(event.start.dateTime ?? `${event.start.date}T00:00:00Z`);
      const end = Date.parse(event.end.dateTime ?? `${event.end.date}T00:00:00Z`);
      return start < timeMax && end > timeMin;
    });
    json(response, 200, { kind: 'calendar#events', items: overlapping });
  }

  function listMessages(query: URLSearchParams, response: ServerResponse): void {
    const q = query.get('q') ?? '';
    const matching = state.messages
      .filter((message) => (!q.includes('is:unread') || message.unread) && (!q.includes('is:important') || message.important))
      .slice(0, Number(query.get('maxResults') ?? 100));
    json(response, 200, { messages: matching.map((message) => ({ id: message.id, threadId: `t-${message.id}` })), resultSizeEstimate: matching.length });
  }

  function getMessage(id: string, response: ServerResponse): void {
    const message = state.messages.find((candidate) => candidate.id === id);
    if (!message) return json(response, 404, { error: { code: 404, message: 'Not Found' } });
    json(response, 200, {
      id: message.id,
      threadId: `t-${message.id}`,
      snippet: message.snippet,
      internalDate: String(message.internalDate),
      labelIds: ['INBOX', ...(message.unread ? ['UNREAD'] : []), ...(message.important ? ['IMPORTANT'] : [])],
      payload: {
        headers: [
          { name: 'From', value: message.from },
          { name: 'Subject', value: message.subject },
        ],
      },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const rootUrl = `http://127.0.0.1:${port}/`;
  return {
    rootUrl,
    tokenUrl: `${rootUrl}token`,
    requests,
    options: state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
