/**
 * The OAuth2 client behind every Google source, built from `google` config (client id,
 * secret and refresh token, env-interpolated by the loader). The Google libraries are
 * imported here, lazily, so a daemon without `google` config never loads them.
 */
import type { AuthPlus } from '@googleapis/calendar';

/** google-auth-library's OAuth2 client, named through the API package we depend on. */
export type OAuth2Client = InstanceType<AuthPlus['OAuth2']>;

export interface GoogleConnection {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** API root override (tests, proxies), e.g. `http://127.0.0.1:PORT/`. */
  rootUrl?: string;
  /** OAuth2 token endpoint; defaults to Google's, or `<rootUrl>token` when `rootUrl` is set. */
  tokenUrl?: string;
  calendars: string[];
}

/** The token endpoint for a connection: explicit, else under `rootUrl`, else Google's default. */
export function tokenUrlFor(connection: Pick<GoogleConnection, 'rootUrl' | 'tokenUrl'>): string | undefined {
  if (connection.tokenUrl) return connection.tokenUrl;
  if (connection.rootUrl) return new URL('token', withSlash(connection.rootUrl)).toString();
  return undefined;
}

/** Throws a message naming the config key when a credential is empty (e.g. an unset env var). */
export function assertGoogleConnection(connection: GoogleConnection): void {
  for (const key of ['clientId', 'clientSecret', 'refreshToken'] as const) {
    if (!connection[key]) {
      const hint = key === 'refreshToken' ? '; run `switchboard auth google` to get one' : '';
      throw new Error(`google.${key} is empty (check its \${ENV_VAR})${hint}`);
    }
  }
}

/** An OAuth2 client holding the refresh token; access tokens are fetched and refreshed on demand. */
export async function createGoogleAuth(connection: GoogleConnection): Promise<OAuth2Client> {
  assertGoogleConnection(connection);
  const { auth } = await import('@googleapis/calendar');
  const tokenUrl = tokenUrlFor(connection);
  const client = new auth.OAuth2({
    clientId: connection.clientId,
    clientSecret: connection.clientSecret,
    ...(tokenUrl ? { endpoints: { oauth2TokenUrl: tokenUrl } } : {}),
  });
  client.setCredentials({ refresh_token: connection.refreshToken });
  return client;
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
