/**
 * The dashboard's access token: 32 random bytes in `<data-dir>/dashboard-token` (mode 0600),
 * made on first use. Whoever can read the data dir can open the dashboard; nobody else can.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function dashboardTokenPath(dataDir: string): string {
  return join(dataDir, 'dashboard-token');
}

/** The token, creating it (0600) when absent. */
export function readOrCreateDashboardToken(dataDir: string): string {
  const path = dashboardTokenPath(dataDir);
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length >= 32) return token;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Constant-time comparison; false for any missing or different token. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
