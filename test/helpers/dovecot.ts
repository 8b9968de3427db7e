/**
 * A real Dovecot IMAP server for tests, run from a config of its own in a temp folder (nothing
 * read from /etc), listening on a free loopback port with one passwd-file user. Tests that need
 * it skip with `DOVECOT_SKIP` when the binary is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

/** `false` when Dovecot is installed, else the skip message for `test(..., { skip })`. */
export const DOVECOT_SKIP: string | false = existsSync(DOVECOT_BINARY)
  ? false
  : 'Dovecot is not installed: apt-get install dovecot-imapd (CI installs it)';

/** The unprivileged uid/gid Dovecot switches to for the test user's mail. */
const MAIL_OWNER = 65534;

export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Appends a raw RFC 822 message; returns its UID. Creates the mailbox when missing. */
  append(rawMessage: string | Buffer, mailbox?: string): Promise<number>;
  /** Appends many messages over one connection (for benchmarks); returns the last UID. */
  appendMany(rawMessages: Iterable<string | Buffer>, mailbox?: string): Promise<number>;
  /** Deletes and recreates a mailbox, which gives it a new UIDVALIDITY and UIDs from 1. */
  recreateMailbox(mailbox: string): Promise<void>;
  /** An imapflow client for the test user, already connected. The caller logs out. */
  client(): Promise<ImapFlow>;
  /** Dovecot's log, for diagnosing a failing test. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts Dovecot in the foreground; resolves once the IMAP port accepts connections. */
export async function startDovecot(options: { user?: string; password?: string } = {}): Promise<DovecotServer> {
  const user = options.user ?? 'tester';
  const password = options.password ?? 'secret-pass';
  const root = mkdtempSync(join(tmpdir(), 'sb-dovecot-'));
  // Dovecot's login and mail processes run unprivileged and must reach these folders.
  chmodSync(root, 0o755);
  const mailRoot = join(root, 'mail');
  mkdirSync(join(mailRoot, user), { recursive: true });
  chownSync(mailRoot, MAIL_OWNER, MAIL_OWNER);
  chownSync(join(mailRoot, user), MAIL_OWNER, MAIL_OWNER);
  const passwd = join(root, 'passwd');
  writeFileSync(passwd, `${user}:{PLAIN}${password}:${MAIL_OWNER}:${MAIL_OWNER}::${join(mailRoot, user)}\n`);
  const port = await freePort();
  const logPath = join(root, 'dovecot.log');
  const configPath = join(root, 'dovecot.conf');
  writeFileSync(
    configPath,
    [
      'protocols = imap',
      'listen = 127.0.0.1',
      `base_dir = ${join(root, 'run')}`,
      `state_dir = ${join(root, 'state')}`,
      `log_path = ${logPath}`,
      `instance_name = sb-dovecot-${process.pid}-${port}`,
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `mail_location = maildir:${mailRoot}/%u`,
      'mail_uid = 65534',
      'mail_gid = 65534',
      'first_valid_uid = 1',
      'first_valid_gid = 1',
      `passdb {\n  driver = passwd-file\n  args = ${passwd}\n}`,
      `userdb {\n  driver = passwd-file\n  args = ${passwd}\n}`,
      `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      '',
    ].join('\n'),
  );
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const readLog = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '') + stderr;
  try {
    await waitForPort(port, child, readLog);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  const client = async (): Promise<ImapFlow> => {
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: password },
      logger: false,
    });
    await imap.connect();
    return imap;
  };

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    client,
    log: readLog,
    async append(rawMessage, mailbox = 'INBOX') {
      const imap = await client();
      try {
        if (mailbox !== 'INBOX') {
          const existing = await imap.list();
          if (!existing.some((entry) => entry.path === mailbox)) await imap.mailboxCreate(mailbox);
        }
        const appended = await imap.append(mailbox, rawMessage);
        if (!appended || typeof appended.uid !== 'number') throw new Error(`APPEND to ${mailbox} returned no UID`);
        return appended.uid;
      } finally {
        await imap.logout();
      }
    },
    async appendMany(rawMessages, mailbox = 'INBOX') {
      const imap = await client();
      let last = 0;
      try {
        for (const raw of rawMessages) {
          const appended = await imap.append(mailbox, raw);
          last = appended ? appended.uid ?? last : last;
        }
        return last;
      } finally {
        await imap.logout();
      }
    },
    async recreateMailbox(mailbox) {
      const imap = await client();
      try {
        await imap.mailboxDelete(mailbox);
        await imap.mailboxCreate(mailbox);
      } finally {
        await imap.logout();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, readLog: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}: ${readLog()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`dovecot did not open port ${port} within 5 s: ${readLog()}`);
}
