/**
 * Gmail as a source of unread important mail (an alternative to IMAP for reading): ids,
 * senders, subjects and snippets only, fetched with `format: 'metadata'` so bodies never
 * leave Google. No retries of its own (`retry: false`).
 */
import { classifyGoogleError } from './errors.ts';
import { createGoogleAuth, withSlash, type GoogleConnection } from './client.ts';
import type { UnreadMailSource, UnreadMessage } from './types.ts';

const QUERY = 'is:unread is:important';

/** An unread-mail source over the authorised account (`users/me`); the library loads on first use. */
export function createGmailSource(connection: GoogleConnection): UnreadMailSource {
  let api: Promise<import('@googleapis/gmail').gmail_v1.Gmail> | undefined;
  const load = () =>
    (api ??= (async () => {
      const auth = await createGoogleAuth(connection);
      const { gmail } = await import('@googleapis/gmail');
      return gmail({ version: 'v1', auth, ...(connection.rootUrl ? { rootUrl: withSlash(connection.rootUrl) } : {}) });
    })());
  return {
    async importantUnread(max: number, signal: AbortSignal): Promise<UnreadMessage[]> {
      const client = await load().catch((error) => {
        api = undefined;
        throw classifyGoogleError(error, 'gmail');
      });
      try {
        const list = await client.users.messages.list({ userId: 'me', q: QUERY, maxResults: max }, { retry: false, signal });
        const ids = (list.data.messages ?? []).flatMap((message) => (message.id ? [message.id] : [])).slice(0, max);
        const messages = await Promise.all(
          ids.map(async (id) => {
            const response = await client.users.messages.get(
              { userId: 'me', id, format: 'metadata', metadataHeaders: ['From', 'Subject', 'Date'] },
              { retry: false, signal },
            );
            return toMessage(id, response.data);
          }),
        );
        return messages.sort((a, b) => (b.receivedAt ?? '').localeCompare(a.receivedAt ?? ''));
      } catch (error) {
        throw classifyGoogleError(error, 'gmail');
      }
    },
  };
}

type ApiMessage = import('@googleapis/gmail').gmail_v1.Schema$Message;

function toMessage(id: string, data: ApiMessage): UnreadMessage {
  const headers = data.payload?.headers ?? [];
  const header = (name: string) => headers.find((entry) => entry.name?.toLowerCase() === name.toLowerCase())?.value ?? '';
  const internal = Number(data.internalDate);
  return {
    id,
    ...(data.threadId ? { threadId: data.threadId } : {}),
    from: header('From'),
    subject: header('Subject') || '(no subject)',
    snippet: decodeEntities(data.snippet ?? ''),
    ...(Number.isFinite(internal) && internal > 0 ? { receivedAt: new Date(internal).toISOString() } : {}),
  };
}

/** Gmail snippets arrive HTML-escaped; decode to plain text (the renderer escapes again). */
function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
