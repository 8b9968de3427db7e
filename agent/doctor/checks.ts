/**
 * `switchboard doctor`'s checks, one function per part. Each returns rows and never throws: a
 * failure is a row with `ok: false`, what was found and the fix. No row ever carries a secret.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Config, ImapAccountConfig, SmtpConfig } from '../../config/schema.ts';
import { lifecycleState } from '../../config/catalogue.ts';
import { listMigrations } from '../../memory/store.ts';
import type { ModelSpec } from '../../contracts/types.ts';

export interface DoctorRow {
  /** The part checked, e.g. `database`, `model gpt-5.6-luna`, `imap personal`. */
  part: string;
  ok: boolean;
  /** What was found. */
  detail: string;
  /** What to do when `ok` is false (or a warning stands). */
  fix?: string;
}

/** Redacts every secret from a message before it reaches a row. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  return result;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The database, opened read-only and never migrated: full integrity check, every migration
 * applied, the file readable by its owner only. A database not created yet passes.
 */
export async function checkDatabase(databasePath: string): Promise<DoctorRow> {
  const part = 'database';
  if (!existsSync(databasePath)) return { part, ok: true, detail: `${databasePath} not created yet (the first start creates it)` };
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    let version: number;
    let integrity: string;
    try {
      db.pragma('busy_timeout = 5000');
      version = Number(db.pragma('user_version', { simple: true }));
      integrity = String(db.pragma('integrity_check', { simple: true }));
    } finally {
      db.close();
    }
    const latest = Math.max(...listMigrations().map((migration) => migration.version));
    const mode = statSync(databasePath).mode & 0o777;
    const problems: string[] = [];
    const fixes: string[] = [];
    if (integrity !== 'ok') {
      problems.push(`integrity_check: ${integrity}`);
      fixes.push('restore switchboard.db from a backup; the ledger cannot be trusted');
    }
    if (version < latest) {
      problems.push(`schema ${version}, migrations up to ${latest} not applied`);
      fixes.push('run `switchboard start` once: it applies pending migrations');
    } else if (version > latest) {
      problems.push(`schema ${version} is from a newer Switchboard (this one knows ${latest})`);
      fixes.push('run the newer Switchboard, or restore a backup made by this version');
    }
    if (mode & 0o077) {
      problems.push(`mode ${mode.toString(8)} lets other users read it`);
      fixes.push(`chmod 600 ${databasePath}`);
    }
    const detail = `${databasePath}: integrity ok, schema ${version}/${latest}, mode ${mode.toString(8)}`;
    return problems.length === 0
      ? { part, ok: true, detail }
      : { part, ok: false, detail: `${databasePath}: ${problems.join('; ')}`, fix: fixes.join('; ') };
  } catch (error) {
    return { part, ok: false, detail: `${databasePath}: ${message(error)}`, fix: 'restore switchboard.db from a backup, or move it away to start afresh' };
  }
}

/** The data dir is writable (or, not created yet, can be created by the first start). */
export function checkDataDir(dataDir: string): DoctorRow {
  const part = 'data dir';
  try {
    if (!existsSync(dataDir)) {
      let parent = dirname(dataDir);
      while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
      if (!statSync(parent).isDirectory()) throw new Error(`${parent} is not a directory`);
      accessSync(parent, constants.W_OK);
      return { part, ok: true, detail: `${dataDir} not created yet; ${parent} is writable, so the first start can create it` };
    }
    if (!statSync(dataDir).isDirectory()) return { part, ok: false, detail: `${dataDir} is not a directory`, fix: 'point --data-dir or SWITCHBOARD_DATA_DIR at a directory' };
    accessSync(dataDir, constants.W_OK);
    const probe = mkdtempSync(join(dataDir, '.doctor-'));
    writeFileSync(join(probe, 'write-test'), 'ok');
    rmSync(probe, { recursive: true, force: true });
    return { part, ok: true, detail: `${dataDir} is writable` };
  } catch (error) {
    return { part, ok: false, detail: `${dataDir}: ${message(error)}`, fix: `give the user running Switchboard write access to ${dataDir}` };
  }
}

/** Every repository the config names for code edits (job `repo` options and `skills.code-edit.allowedRepos`). */
export function configuredRepositories(config: Config): Array<{ path: string; key: string }> {
  const repos: Array<{ path: string; key: string }> = [];
  const allowed = config.skills['code-edit']?.allowedRepos;
  if (Array.isArray(allowed)) {
    allowed.forEach((repo, index) => {
      if (typeof repo === 'string') repos.push({ path: repo, key: `skills.code-edit.allowedRepos.${index}` });
    });
  }
  for (const [name, job] of Object.entries(config.jobs)) {
    if (job.skill === 'code-edit' && typeof job.options.repo === 'string') repos.push({ path: job.options.repo, key: `jobs.${name}.options.repo` });
  }
  return repos;
}

/** A repository path exists and is a git work tree; `undefined` when it is. */
export function repositoryProblem(path: string, home: string | undefined): string | undefined {
  const resolved = path.startsWith('~/') && home ? join(home, path.slice(2)) : path;
  if (!isAbsolute(resolved)) return `${path} is not an absolute path`;
  if (!existsSync(resolved)) return `${path} does not exist`;
  if (!statSync(resolved).isDirectory()) return `${path} is not a directory`;
  const result = spawnSync('git', ['-C', resolved, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (result.status !== 0 || result.stdout.trim() !== 'true') return `${path} is not a git work tree`;
  return undefined;
}

export function checkRepositories(config: Config, home: string | undefined): DoctorRow[] {
  return configuredRepositories(config).map(({ path, key }) => {
    const problem = repositoryProblem(path, home);
    return problem
      ? { part: `repository ${path}`, ok: false, detail: `${key}: ${problem}`, fix: `clone the repository there or fix ${key}` }
      : { part: `repository ${path}`, ok: true, detail: `${key}: a git work tree` };
  });
}

/** Logs in to an IMAP account and opens each configured folder (read-only). */
export async function checkImapAccount(name: string, account: ImapAccountConfig, secrets: readonly string[], timeoutMs = 15_000): Promise<DoctorRow> {
  const part = `imap ${name}`;
  const { imapOptions } = await import('../../skills/email-extract/imap-source.ts');
  const { ImapFlow } = await import('imapflow');
  let client: InstanceType<typeof ImapFlow> | undefined;
  try {
    client = new ImapFlow({ ...imapOptions({ name, ...account }), socketTimeout: timeoutMs, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs });
    client.on('error', () => {});
    await client.connect();
  } catch (error) {
    client?.close();
    const detail = redact(imapError(error), secrets);
    return { part, ok: false, detail: `${account.user}@${account.host}:${account.port}: ${detail}`, fix: `check mail.accounts.${name} host, port, user and password` };
  }
  try {
    const missing: string[] = [];
    for (const mailbox of account.mailboxes) {
      try {
        await client.status(mailbox, { messages: true });
      } catch {
        missing.push(mailbox);
      }
    }
    if (missing.length > 0) {
      return { part, ok: false, detail: `logged in as ${account.user}; no folder ${missing.join(', ')}`, fix: `fix mail.accounts.${name}.mailboxes (folder names are case-sensitive)` };
    }
    return { part, ok: true, detail: `logged in as ${account.user} at ${account.host}:${account.port}; ${account.mailboxes.join(', ')} open` };
  } finally {
    await client.logout().catch(() => client?.close());
  }
}

function imapError(error: unknown): string {
  const details = error as { authenticationFailed?: boolean; responseText?: string; code?: string };
  if (details.authenticationFailed) return `login refused${details.responseText ? ` (${details.responseText})` : ''}`;
  return details.code ? `${details.code}: ${message(error)}` : message(error);
}

/** Connects to the SMTP server and authenticates (nodemailer `verify`), sending nothing. */
export async function checkSmtp(smtp: SmtpConfig, secrets: readonly string[], timeoutMs = 15_000): Promise<DoctorRow> {
  const part = 'smtp';
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ignoreTLS: smtp.ignoreTLS,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.verify();
    return { part, ok: true, detail: `${smtp.host}:${smtp.port} accepted the connection${smtp.user ? ` and login as ${smtp.user}` : ''}` };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const fix = code === 'EAUTH' ? 'check mail.smtp.user and the password' : 'check mail.smtp.host, port, secure and ignoreTLS';
    return { part, ok: false, detail: `${smtp.host}:${smtp.port}: ${redact(message(error), secrets)}`, fix };
  } finally {
    transport.close();
  }
}

/** Exchanges the Google refresh token for an access token at the token endpoint. */
export async function checkGoogle(google: NonNullable<Config['google']>, secrets: readonly string[]): Promise<DoctorRow> {
  const part = 'google';
  try {
    const { createGoogleAuth } = await import('../../skills/google/client.ts');
    const client = await createGoogleAuth({ ...google, calendars: google.calendars });
    const { token } = await client.getAccessToken();
    if (!token) throw new Error('the token endpoint returned no access token');
    return { part, ok: true, detail: 'refresh token exchanged for an access token' };
  } catch (error) {
    const response = (error as { response?: { data?: { error?: string; error_description?: string } } }).response?.data;
    const detail = response?.error ? `${response.error}${response.error_description ? `: ${response.error_description}` : ''}` : message(error);
    return { part, ok: false, detail: redact(detail, secrets), fix: 'run `switchboard auth google` for a new refresh token' };
  }
}

/** Lifecycle of a configured model on `today`: refused when retired, a fix when retiring within 30 days. */
export function lifecycleProblem(model: ModelSpec, today: string): { ok: boolean; note?: string; fix?: string } {
  const state = lifecycleState(model.lifecycle, today);
  if (state.state === 'retired') {
    return { ok: false, note: `retired on ${state.retires}`, fix: state.replacement ? `replace it with ${state.replacement}` : 'replace it with a live catalogue model' };
  }
  if (state.state === 'retiring') {
    return { ok: true, note: `retires on ${state.retires} (in ${state.daysLeft} days)`, fix: state.replacement ? `move to ${state.replacement} before then` : 'move to a live catalogue model before then' };
  }
  return { ok: true };
}
