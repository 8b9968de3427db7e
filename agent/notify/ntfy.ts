/**
 * Push notifications of urgent items to an ntfy topic (`notify.ntfy`), off unless configured.
 * After each run ends the notifier reads what became urgent since it was turned on (a new
 * approval waiting, a failed or timed-out run, a dead model, a budget cap acting: see
 * memory/notifications.ts), claims each item once, and sends one HTTP POST per item with a
 * timeout. A push that fails is logged and recorded; it never fails or delays a run's outcome.
 * The access token is read from the environment variable `tokenEnv` names, registered with the
 * secret registry, and never stored, logged or put in an error.
 */
import type { NtfyConfig } from '../../config/schema.ts';
import type { Redactor } from '../../contracts/redactor.ts';
import { getKv, setKv } from '../../memory/kv.ts';
import { claimNotification, recordNotification, urgentItemsSince, type UrgentItem, type UrgentKind } from '../../memory/notifications.ts';
import type { Store } from '../../memory/store.ts';
import type { Logger } from '../logger.ts';

/** Pushes only what became urgent after this instant (when the first notifier started), never the history. */
const SINCE_KEY = 'notify.ntfy.since';
const MAX_MESSAGE_CHARS = 1_000;
const CHANNEL = 'ntfy';

export interface UrgentNotifier {
  /** Pushes every urgent item not pushed before; never throws. Resolves once every push ended. */
  scan(): Promise<void>;
}

export interface NtfyNotifierDeps {
  db: Store;
  /** The current `notify.ntfy`, or undefined (off); a function so a SIGHUP reload is seen. */
  settings: () => NtfyConfig | undefined;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** The process's secret registry: the token is added to it when read. */
  secrets?: Redactor & { add?(value: string | undefined): void };
  fetch?: typeof fetch;
  now?: () => Date;
}

export function createNtfyNotifier(deps: NtfyNotifierDeps): UrgentNotifier {
  const env = deps.env ?? process.env;
  const send = deps.fetch ?? fetch;
  const now = deps.now ?? (() => new Date());
  let scanning: Promise<void> | undefined;
  // The first process with ntfy on pushes what became urgent since it started, not the history.
  const openedAt = now();

  async function scanOnce(settings: NtfyConfig): Promise<void> {
    const at = now();
    let since = getKv(deps.db, SINCE_KEY);
    if (since === undefined) {
      since = openedAt.toISOString();
      setKv(deps.db, SINCE_KEY, since, at);
    }
    const wanted = new Set<UrgentKind>(settings.events);
    const items = urgentItemsSince(deps.db, new Date(since)).filter((item) => wanted.has(item.kind));
    let token: string | undefined;
    if (settings.tokenEnv) {
      token = env[settings.tokenEnv] || undefined;
      deps.secrets?.add?.(token);
      if (!token) {
        deps.logger.error({ event: 'notify-failed', channel: CHANNEL, tokenEnv: settings.tokenEnv }, `notify.ntfy.tokenEnv: environment variable ${settings.tokenEnv} is not set; nothing pushed`);
        return;
      }
    }
    for (const item of items) {
      if (!claimNotification(deps.db, item, CHANNEL, at)) continue;
      const error = await post(settings, item, token);
      recordNotification(deps.db, item.key, error === undefined ? { status: 'sent' } : { status: 'failed', error });
      if (error === undefined) deps.logger.info({ event: 'notify-sent', channel: CHANNEL, item: item.key }, `pushed: ${item.title}`);
      else deps.logger.warn({ event: 'notify-failed', channel: CHANNEL, item: item.key, error }, `push failed: ${error}`);
    }
  }

  /** Undefined on success, else why (no secret in it). */
  async function post(settings: NtfyConfig, item: UrgentItem, token: string | undefined): Promise<string | undefined> {
    const redact = (text: string) => (deps.secrets ? deps.secrets.redact(text) : text);
    const url = `${settings.url.replace(/\/+$/, '')}/${settings.topic}`;
    try {
      const response = await send(url, {
        method: 'POST',
        headers: {
          // ntfy reads the title and priority from headers; header values must be plain ASCII.
          Title: asciiHeader(redact(item.title)),
          Priority: String(settings.priority),
          Tags: item.kind,
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: redact(plain(item.message)).slice(0, MAX_MESSAGE_CHARS),
        signal: AbortSignal.timeout(settings.timeout),
        redirect: 'error',
      });
      await response.body?.cancel();
      return response.ok ? undefined : `HTTP ${response.status} from ${settings.url}`;
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError') return `no answer from ${settings.url} within ${settings.timeout} ms`;
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return redact(`cannot reach ${settings.url}${cause}`).slice(0, 300);
    }
  }

  return {
    scan() {
      const settings = deps.settings();
      if (!settings) return Promise.resolve();
      // One scan at a time: two runs ending together must not push the same item twice (the claim guards that too).
      const previous = scanning ?? Promise.resolve();
      const next = previous.then(() =>
        scanOnce(settings).catch((error: unknown) => {
          deps.logger.warn({ event: 'notify-failed', channel: CHANNEL, error: String(error) }, 'urgent items could not be pushed');
        }),
      );
      scanning = next;
      return next;
    },
  };
}

function plain(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ');
}

function asciiHeader(text: string): string {
  return text.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/\s+/g, ' ').trim().slice(0, 200) || 'Switchboard';
}
