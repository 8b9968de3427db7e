/**
 * The owner's time zone, read from ONE place: `timezone` at the top of the config (the key
 * `init` writes and `config check` validates, path `timezone`), else the host's zone. Days
 * of the ledger, the bill, the briefing and `status` are counted in it; a job's own
 * `timezone` only moves that job's schedule and context. USER.md does not set it.
 */

import { readlinkSync } from 'node:fs';

/**
 * Names of UTC that the runtime's `Intl` resolves to `UTC` (test/config/host-time-zone.test.ts
 * checks each against `Intl`).
 */
export const UTC_NAMES: ReadonlySet<string> = new Set([
  'UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu',
  'Etc/GMT', 'GMT', 'Etc/GMT0', 'GMT0', 'Etc/Greenwich', 'Greenwich',
]);

let known: { tz: string | undefined; zone: string } | undefined;

/**
 * The host's IANA time zone, `UTC` when the runtime cannot tell. A host whose zone is plainly
 * UTC (`TZ`, else the /etc/localtime link, names one of `UTC_NAMES`) is answered without
 * `Intl`: its first use loads ICU's time-zone data, about 35 ms of every command's start on this
 * machine, and days in UTC need none of it (memory/ledger-days.ts). Any other host asks `Intl`,
 * as before. Read again when `TZ` changes.
 */
export function hostTimeZone(): string {
  // `TZ` set at run time changes the answer, as it changes `Intl`'s.
  if (known?.tz !== process.env.TZ || known === undefined) {
    known = { tz: process.env.TZ, zone: plainlyUtc() ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };
  }
  return known.zone;
}

function plainlyUtc(): boolean {
  const fromEnv = process.env.TZ;
  if (fromEnv !== undefined) return UTC_NAMES.has(fromEnv.replace(/^:/, ''));
  try {
    const target = readlinkSync('/etc/localtime');
    const zone = /(?:^|\/)zoneinfo\/(.+)$/.exec(target)?.[1];
    return zone !== undefined && UTC_NAMES.has(zone);
  } catch {
    return false;
  }
}

/** `config.timezone`, else the host's zone. */
export function ownerTimeZone(config: { timezone?: string }): string {
  return config.timezone ?? hostTimeZone();
}
