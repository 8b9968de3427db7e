/**
 * Short-lived OAuth2 access tokens minted from the `google:` refresh token, for Gmail over IMAP
 * (XOAUTH2). A token is reused while it has more than `refreshBefore` left and refreshed before
 * it expires, so a daemon reading Gmail keeps working past the token's hour.
 */
import type { GoogleConnection } from './client.ts';
import { assertGoogleConnection, tokenUrlFor } from './client.ts';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface AccessTokenSource {
  /** A token valid for at least `refreshBefore`; refreshes when needed. Rejects with the endpoint's error. */
  get(signal?: AbortSignal): Promise<string>;
  /** When the current token expires; undefined before the first `get`. */
  expiresAt(): Date | undefined;
}

export interface AccessTokenOptions {
  now?: () => Date;
  /** Refresh when less than this is left; default 5 minutes. */
  refreshBeforeMs?: number;
  fetch?: typeof fetch;
  /** Told each new access token, so the process's redactor knows it before it can reach a log or an error. */
  onToken?: (token: string) => void;
}

export class AccessTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessTokenError';
  }
}

export function createAccessTokenSource(connection: Pick<GoogleConnection, 'clientId' | 'clientSecret' | 'refreshToken' | 'rootUrl' | 'tokenUrl'>, options: AccessTokenOptions = {}): AccessTokenSource {
  const now = options.now ?? (() => new Date());
  const refreshBefore = options.refreshBeforeMs ?? 5 * 60_000;
  const post = options.fetch ?? fetch;
  let current: { token: string; expiresAt: Date } | undefined;
  let pending: Promise<string> | undefined;

  async function refresh(signal?: AbortSignal): Promise<string> {
    assertGoogleConnection({ ...connection, calendars: [] });
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: connection.refreshToken,
      client_id: connection.clientId,
      client_secret: connection.clientSecret,
    });
    const response = await post(tokenUrlFor(connection) ?? GOOGLE_TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal,
    });
    const answer = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!response.ok || !answer.access_token) {
      // The endpoint's error code only: its description may quote the request.
      throw new AccessTokenError(`google token refresh failed: HTTP ${response.status}${answer.error ? ` ${answer.error}` : ''}${answer.error === 'invalid_grant' ? '; run `switchboard auth google` for a new refresh token' : ''}`);
    }
    options.onToken?.(answer.access_token);
    current = { token: answer.access_token, expiresAt: new Date(now().getTime() + (answer.expires_in ?? 3600) * 1000) };
    return current.token;
  }

  return {
    async get(signal) {
      if (current && current.expiresAt.getTime() - now().getTime() > refreshBefore) return current.token;
      // One refresh at a time: concurrent callers share it.
      pending ??= refresh(signal).finally(() => {
        pending = undefined;
      });
      return pending;
    },
    expiresAt: () => current?.expiresAt,
  };
}
