/**
 * The real `MailSession`, over imapflow. TLS from the start (`secure: true`) or STARTTLS
 * required (`secure: false`); plaintext only with `allowInsecure` (loopback tests). Password,
 * password file or an XOAUTH2 access token (Gmail OAuth; a Gmail app password is a password).
 */
import { readFileSync } from 'node:fs';
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { FetchedMessage, MailAccount, MailSession, MessageSize, OpenedMailbox } from './types.ts';

export class MailAccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailAccountError';
  }
}

/** imapflow options for an account. Throws `MailAccountError` naming the key when no credential is set. */
export function imapOptions(account: MailAccount): ImapFlowOptions {
  const keyPath = `mail.accounts.${account.name}`;
  let auth: ImapFlowOptions['auth'];
  if (account.accessToken) {
    auth = { user: account.user, accessToken: account.accessToken };
  } else {
    let password = account.password;
    if (password === undefined && account.passwordFile) {
      try {
        password = readFileSync(account.passwordFile, 'utf8').trim();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new MailAccountError(`${keyPath}.passwordFile: cannot read ${account.passwordFile} (${code})`);
      }
    }
    if (!password) {
      throw new MailAccountError(`${keyPath}: set password, passwordFile or accessToken`);
    }
    auth = { user: account.user, pass: password };
  }
  return {
    host: account.host,
    port: account.port,
    secure: account.secure,
    // Without TLS from the start, STARTTLS is required; opportunistic (and plaintext when not
    // offered) only where the user allowed it, which loopback tests do.
    doSTARTTLS: account.secure ? undefined : account.allowInsecure ? undefined : true,
    auth,
    logger: false,
    disableAutoIdle: true,
    socketTimeout: 120_000,
  };
}

/** Connects to the account and returns a session. Rejects with the server's or socket's error. */
export async function openImapMailbox(account: MailAccount, signal: AbortSignal): Promise<MailSession> {
  // Loaded at the first connection: a daemon with no mail job never pays for imapflow.
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow(imapOptions(account));
  // imapflow reports late socket errors as events; without a listener they would crash the daemon.
  client.on('error', () => {});
  const onAbort = () => client.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
  } catch (error) {
    signal.removeEventListener('abort', onAbort);
    client.close();
    throw error;
  }
  return createImapSession(client, () => signal.removeEventListener('abort', onAbort));
}

/** A session over a connected imapflow client (exported for the benchmark's baseline and tests). */
export function createImapSession(client: ImapFlow, onClose: () => void = () => {}): MailSession {
  let release: (() => void) | undefined;
  return {
    async open(mailbox: string): Promise<OpenedMailbox> {
      release?.();
      const lock = await client.getMailboxLock(mailbox, { readOnly: true });
      release = () => lock.release();
      const opened = client.mailbox;
      if (!opened) throw new Error(`mailbox ${mailbox} did not open`);
      return { path: opened.path, uidValidity: String(opened.uidValidity) };
    },
    async listAfter(afterUid: number): Promise<MessageSize[]> {
      const entries: MessageSize[] = [];
      // `UID n:*` also returns the highest message when n is past it, hence the filter.
      for await (const message of client.fetch(`${afterUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
        if (message.uid > afterUid) entries.push({ uid: message.uid, size: message.size ?? 0 });
      }
      return entries.sort((a, b) => a.uid - b.uid);
    },
    async listSince(since: Date): Promise<MessageSize[]> {
      const uids = await client.search({ since }, { uid: true });
      if (!uids || uids.length === 0) return [];
      const entries: MessageSize[] = [];
      for await (const message of client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) {
        entries.push({ uid: message.uid, size: message.size ?? 0 });
      }
      return entries.sort((a, b) => a.uid - b.uid);
    },
    async fetchMessages(entries: MessageSize[], maxMessageBytes: number): Promise<FetchedMessage[]> {
      const small = entries.filter((entry) => entry.size <= maxMessageBytes).map((entry) => entry.uid);
      const large = entries.filter((entry) => entry.size > maxMessageBytes).map((entry) => entry.uid);
      const fetched: FetchedMessage[] = [];
      if (small.length) {
        for await (const message of client.fetch(small.join(','), { uid: true, size: true, source: true }, { uid: true })) {
          if (!message.source) continue;
          fetched.push({ uid: message.uid, size: message.size ?? message.source.length, source: message.source, oversized: false });
        }
      }
      if (large.length) {
        for await (const message of client.fetch(large.join(','), { uid: true, size: true, headers: true }, { uid: true })) {
          fetched.push({
            uid: message.uid,
            size: message.size ?? 0,
            source: Buffer.concat([message.headers ?? Buffer.alloc(0), Buffer.from('\r\n')]),
            oversized: true,
          });
        }
      }
      return fetched.sort((a, b) => a.uid - b.uid);
    },
    async close() {
      release?.();
      release = undefined;
      onClose();
      try {
        await client.logout();
      } catch {
        client.close();
      }
    },
  };
}
