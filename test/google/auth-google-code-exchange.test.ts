import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { startGoogleFake } from '../helpers/google-fake.ts';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { registerAuthGoogleCommand } from '../../agent/cli/commands/auth-google.ts';
import { runGoogleConsentFlow } from '../../skills/google/consent-flow.ts';

/** The shipped default config plus a `google` section pointing at the fake. */
function aConfigFile(rootUrl: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'sb-auth-google-'));
  const path = join(directory, 'config.yaml');
  const google = [
    'google:',
    '  clientId: client-id.apps.googleusercontent.com',
    '  clientSecret: ${SB_TEST_GOOGLE_SECRET}',
    '  refreshToken: ${SB_TEST_GOOGLE_REFRESH_TOKEN:-}',
    `  rootUrl: ${rootUrl}`,
  ].join('\n');
  writeFileSync(path, `${readFileSync(DEFAULT_CONFIG_PATH, 'utf8')}\n${google}\n`);
  return path;
}

/** Plays the browser: follows the consent URL's redirect back to the loopback listener. */
async function followRedirect(consentUrl: string, code: string, state?: string): Promise<number> {
  const consent = new URL(consentUrl);
  const redirect = new URL(consent.searchParams.get('redirect_uri')!);
  redirect.searchParams.set('code', code);
  redirect.searchParams.set('state', state ?? consent.searchParams.get('state')!);
  return (await fetch(redirect)).status;
}

test('`auth google` prints a consent URL, exchanges the code with PKCE and prints the refresh token', async (t) => {
  const fake = await startGoogleFake({ codes: { 'code-123': 'refresh-from-google' } });
  t.after(() => fake.close());
  process.env.SB_TEST_GOOGLE_SECRET = 'client-secret-value';
  t.after(() => delete process.env.SB_TEST_GOOGLE_SECRET);
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sb-auth-data-')), 'data');
  let output = '';
  let browser: Promise<number> | undefined;
  const program = new Command('switchboard').option('-c, --config <file>').option('-d, --data-dir <dir>').exitOverride();
  registerAuthGoogleCommand(program, {
    signal: AbortSignal.timeout(5000),
    stdout: {
      write(text: string) {
        output += text;
        const url = /https:\/\/accounts\.google\.com\S+/.exec(text);
        if (url) browser = followRedirect(url[0], 'code-123');
      },
    },
  });

  await program.parseAsync(['node', 'switchboard', '-c', aConfigFile(fake.rootUrl), '-d', dataDir, 'auth', 'google']);

  assert.equal(await browser, 200, 'the browser is told it may close the tab');
  assert.match(output, /Refresh token:\n\n {2}refresh-from-google\n/);
  assert.match(output, /refreshToken: \$\{GOOGLE_REFRESH_TOKEN\}/, 'tells the user where to put it');
  const exchange = fake.requests.find((request) => request.path === '/token');
  assert.equal(exchange?.form?.get('grant_type'), 'authorization_code');
  assert.equal(exchange?.form?.get('code'), 'code-123');
  assert.equal(exchange?.form?.get('client_secret'), 'client-secret-value');
  assert.match(exchange?.form?.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  assert.ok((exchange?.form?.get('code_verifier') ?? '').length >= 43, 'PKCE verifier sent');
  assert.equal(existsSync(dataDir), false, 'nothing written to the data directory (no database, no log)');
});

test('the consent URL asks for offline, read-only access with a fresh consent and an S256 challenge', async (t) => {
  const fake = await startGoogleFake({ codes: { good: 'refresh-token' } });
  t.after(() => fake.close());
  let consentUrl = '';

  const result = await runGoogleConsentFlow({
    clientId: 'client-id',
    clientSecret: 'client-secret',
    tokenUrl: fake.tokenUrl,
    signal: AbortSignal.timeout(5000),
    onConsentUrl: (url) => {
      consentUrl = url;
      void followRedirect(url, 'good');
    },
  });

  assert.equal(result.refreshToken, 'refresh-token');
  const params = new URL(consentUrl).searchParams;
  assert.equal(params.get('access_type'), 'offline');
  assert.equal(params.get('prompt'), 'consent');
  assert.equal(params.get('code_challenge_method'), 'S256');
  assert.deepEqual(params.get('scope')?.split(' '), [
    'https://www.googleapis.com/auth/calendar.readonly',
    'https://www.googleapis.com/auth/gmail.readonly',
  ]);
});

test('a redirect with the wrong state is refused and no code is exchanged', async (t) => {
  const fake = await startGoogleFake({ codes: { good: 'refresh-token' } });
  t.after(() => fake.close());
  let status: Promise<number> | undefined;

  await assert.rejects(
    runGoogleConsentFlow({
      clientId: 'client-id',
      clientSecret: 'client-secret',
      tokenUrl: fake.tokenUrl,
      signal: AbortSignal.timeout(5000),
      onConsentUrl: (url) => {
        status = followRedirect(url, 'good', 'forged-state');
      },
    }),
    /state does not match/,
  );
  assert.equal(await status, 400);
  assert.equal(fake.requests.filter((request) => request.path === '/token').length, 0);
});

test('a code the token endpoint refuses is reported as an auth error without the secret', async (t) => {
  const fake = await startGoogleFake({ codes: {} });
  t.after(() => fake.close());

  await assert.rejects(
    runGoogleConsentFlow({
      clientId: 'client-id',
      clientSecret: 'client-secret',
      tokenUrl: fake.tokenUrl,
      signal: AbortSignal.timeout(5000),
      onConsentUrl: (url) => void followRedirect(url, 'stale'),
    }),
    (error: Error & { kind?: string }) => {
      assert.equal(error.kind, 'auth');
      assert.doesNotMatch(error.message, /client-secret/);
      return true;
    },
  );
});
