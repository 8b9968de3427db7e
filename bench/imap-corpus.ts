/**
 * The IMAP benchmark's 1,000 test messages (mostly small text mail, some HTML, some with a
 * 100 kB attachment, one in 200 over the 5 MB fetch cap) and a child-process entry point that
 * appends them to a server, so that building ~45 MB of messages never shows in the memory
 * figures of the process that measures the skill.
 *
 *   node --import tsx bench/imap-corpus.ts HOST PORT USER PASSWORD COUNT
 *   (prints the appended size in MB)
 */
import { ImapFlow } from 'imapflow';

const MB = 1024 * 1024;

/** Message `index` (1-based) of the corpus, as raw RFC 822 bytes. */
export function corpusMessage(index: number): Buffer {
  const head = [
    `From: Sender ${index % 37} <sender${index % 37}@example.com>`,
    'To: user@example.org',
    `Subject: Bench message ${index}`,
    `Date: Fri, 14 Mar 2025 ${String(index % 24).padStart(2, '0')}:00:00 +0100`,
    `Message-ID: <bench-${index}@example.com>`,
    'MIME-Version: 1.0',
  ];
  let body: string;
  if (index % 200 === 0) {
    // Over the 5 MB cap: only its headers are fetched.
    body = `Content-Type: text/plain; charset=utf-8\r\n\r\n${'large scan line\r\n'.repeat((6 * MB) / 17)}`;
  } else if (index % 10 === 0) {
    const attachment = Buffer.alloc(100_000, index).toString('base64').replace(/.{76}/g, '$&\r\n');
    body = [
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Invoice ${index} attached, total ${index}.00 EUR, due next Friday.`,
      '--b',
      `Content-Type: application/pdf; name="invoice-${index}.pdf"`,
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--b--',
    ].join('\r\n');
  } else if (index % 3 === 0) {
    body = `Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>${'<p>Newsletter paragraph with <a href="https://example.com">a link</a>.</p>'.repeat(40)}</body></html>`;
  } else {
    body = `Content-Type: text/plain; charset=utf-8\r\n\r\n${`Hello, about the meeting on Tuesday at 3pm (item ${index}).\r\n`.repeat(60)}`;
  }
  return Buffer.from(`${head.join('\r\n')}\r\n${body}\r\n`);
}

/** Appends messages 1..count to INBOX over one connection; resolves with their total size in MB. */
export async function appendCorpus(server: { host: string; port: number; user: string; password: string }, count: number): Promise<number> {
  const client = new ImapFlow({ host: server.host, port: server.port, secure: false, doSTARTTLS: false, auth: { user: server.user, pass: server.password }, logger: false });
  await client.connect();
  let bytes = 0;
  try {
    for (let index = 1; index <= count; index++) {
      const message = corpusMessage(index);
      bytes += message.length;
      await client.append('INBOX', message);
    }
  } finally {
    await client.logout();
  }
  return bytes / MB;
}

if (process.argv[1] === import.meta.filename) {
  const [host, port, user, password, count] = process.argv.slice(2);
  const megabytes = await appendCorpus({ host, port: Number(port), user, password }, Number(count));
  process.stdout.write(`${megabytes}\n`);
}
