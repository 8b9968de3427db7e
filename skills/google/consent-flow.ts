/**
 * Getting a refresh token with the installed-app loopback flow: a one-shot HTTP listener on
 * 127.0.0.1 receives Google's redirect, the code is exchanged with PKCE, and the refresh
 * token is handed back to the caller. Nothing here writes the token anywhere.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AuthPlus } from '@googleapis/calendar';
import { classifyGoogleError } from './errors.ts';

type AuthUrlOptions = NonNullable<Parameters<InstanceType<AuthPlus['OAuth2']>['generateAuthUrl']>[0]>;
const S256 = 'S256' as NonNullable<AuthUrlOptions['code_challenge_method']>;

/** Read-only access: the briefing reads the calendar and unread mail, and never writes. */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/gmail.readonly',
];

export interface ConsentFlowOptions {
  clientId: string;
  clientSecret: string;
  /** Loopback port for the redirect; 0 picks a free one. */
  port?: number;
  scopes?: string[];
  /** Overrides for tests: the consent page and the token endpoint. */
  authUrl?: string;
  tokenUrl?: string;
  /** Called once with the consent URL the user must open. */
  onConsentUrl(url: string): void;
  signal: AbortSignal;
}

export interface ConsentFlowResult {
  refreshToken: string;
  scopes: string[];
}

/**
 * Runs the flow to the end: resolves with the refresh token, rejects when the user denies
 * access, the state does not match, Google returns no refresh token, or `signal` aborts.
 * The listener is closed in every case.
 */
export async function runGoogleConsentFlow(options: ConsentFlowOptions): Promise<ConsentFlowResult> {
  options.signal.throwIfAborted();
  const { auth } = await import('@googleapis/calendar');
  const state = randomBytes(16).toString('hex');
  let server: Server | undefined;
  try {
    const redirect = await new Promise<{ server: Server; port: number; code: Promise<string> }>((resolve, reject) => {
      let deliver: (code: string) => void = () => {};
      let fail: (error: Error) => void = () => {};
      const code = new Promise<string>((resolveCode, rejectCode) => {
        deliver = resolveCode;
        fail = rejectCode;
      });
      const listener = createServer((request, response) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        if (url.pathname !== '/callback') {
          response.writeHead(404).end();
          return;
        }
        const error = url.searchParams.get('error');
        const received = url.searchParams.get('code');
        const ok = !error && received && url.searchParams.get('state') === state;
        response.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          ok
            ? '<!doctype html><title>Switchboard</title><p>Switchboard is authorised. You can close this tab and return to the terminal.</p>'
            : '<!doctype html><title>Switchboard</title><p>Authorisation failed. Return to the terminal for details.</p>',
        );
        if (error) fail(new Error(`Google refused the authorisation: ${error.replace(/[^\w.-]/g, '')}`));
        else if (!received) fail(new Error('the redirect carried no authorisation code'));
        else if (url.searchParams.get('state') !== state) fail(new Error('the redirect state does not match this request; try again'));
        else deliver(received);
      });
      listener.on('error', reject);
      listener.listen(options.port ?? 0, '127.0.0.1', () => {
        resolve({ server: listener, port: (listener.address() as AddressInfo).port, code });
      });
    });
    server = redirect.server;
    const redirectUri = `http://127.0.0.1:${redirect.port}/callback`;
    const client = new auth.OAuth2({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUri,
      endpoints: {
        ...(options.tokenUrl ? { oauth2TokenUrl: options.tokenUrl } : {}),
        ...(options.authUrl ? { oauth2AuthBaseUrl: options.authUrl } : {}),
      },
    });
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const scopes = options.scopes ?? GOOGLE_SCOPES;
    options.onConsentUrl(
      client.generateAuthUrl({
        access_type: 'offline',
        // Without consent Google omits the refresh token when the app was authorised before.
        prompt: 'consent',
        scope: scopes,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: S256,
      }),
    );
    const code = await abortable(redirect.code, options.signal);
    let tokens;
    try {
      ({ tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri }));
    } catch (error) {
      throw classifyGoogleError(error, 'token exchange');
    }
    if (!tokens.refresh_token) {
      throw new Error('Google returned no refresh token; remove Switchboard at myaccount.google.com/permissions and run this again');
    }
    return { refreshToken: tokens.refresh_token, scopes: tokens.scope ? tokens.scope.split(' ') : scopes };
  } finally {
    if (server) {
      server.closeAllConnections();
      server.close();
    }
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
