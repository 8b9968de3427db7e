/**
 * Wiring the briefing's real dependencies from config, for the daemon: SMTP or the outbox,
 * Google Calendar and Gmail when `google` is configured with a refresh token, the stored mail
 * extractions when a mail account is configured, code follow-ups when code-edit has allowed
 * repositories, and budgets.
 * The Google libraries still load only on the first call.
 */
import type { Config } from '../../config/schema.ts';
import { createMailDelivery } from '../mail/delivery.ts';
import { createGoogleCalendarSource } from '../google/calendar.ts';
import { createGmailSource } from '../google/gmail.ts';
import { allowedReposFromSettings } from '../code-edit/follow-ups.ts';
import { createCodeFollowUpSource } from './code-follow-up-source.ts';
import type { BriefingDeps } from './types.ts';

/** Deps for `createBriefingSkill`; a `google` section with an empty refresh token counts as not configured. */
export function briefingDepsFromConfig(config: Config, dataDir: string): BriefingDeps {
  const google = config.google;
  const connected = google && google.clientId && google.clientSecret && google.refreshToken ? google : undefined;
  const allowedRepos = allowedReposFromSettings(config.skills['code-edit']);
  return {
    delivery: createMailDelivery({ smtp: config.mail.smtp, dataDir, timeZone: config.timezone }),
    ...(connected ? { calendar: createGoogleCalendarSource(connected), gmail: createGmailSource(connected) } : {}),
    readStoredExtractions: Object.keys(config.mail.accounts).length > 0,
    ...(allowedRepos.length ? { codeFollowUps: createCodeFollowUpSource(allowedRepos) } : {}),
    budgets: config.budgets,
    ...(readsReplies(config) ? { replies: true } : {}),
  };
}

/** True when an enabled job runs the `mail-replies` skill: replies to the briefing can act. */
export function readsReplies(config: Config): boolean {
  return Object.values(config.jobs).some((job) => job.enabled && job.skill === 'mail-replies');
}
