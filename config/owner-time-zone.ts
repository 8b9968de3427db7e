/**
 * The owner's time zone, read from ONE place: `timezone` at the top of the config (the key
 * `init` writes and `config check` validates, path `timezone`), else the host's zone. Days
 * of the ledger, the bill, the briefing and `status` are counted in it; a job's own
 * `timezone` only moves that job's schedule and context. USER.md does not set it.
 */

/** The host's IANA time zone, `UTC` when the runtime cannot tell. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** `config.timezone`, else the host's zone. */
export function ownerTimeZone(config: { timezone?: string }): string {
  return config.timezone ?? hostTimeZone();
}
