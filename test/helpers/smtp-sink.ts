/**
 * A loopback SMTP sink for tests: smtp-server with optional auth and no STARTTLS, each
 * received message parsed back with mailparser. `failNext(n)` refuses the next n messages.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import type { SmtpConfig } from '../../config/schema.ts';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  user?: string;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** An `mail.smtp` config pointing at the sink. */
  config(overrides?: Partial<SmtpConfig>): SmtpConfig;
  /** Refuse the next `count` messages with a 451. */
  failNext(count: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0) {
          failures--;
          const error = Object.assign(new Error('try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw, { skipImageLinks: true }).then(
          (parsed) => {
            received.push({
              raw,
              parsed,
              user: typeof session.user === 'string' ? session.user : undefined,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              },
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    config: (overrides = {}) => ({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      from: 'Switchboard <switchboard@example.com>',
      to: 'me@example.com',
      ...overrides,
    }),
    failNext(count) {
      failures = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
