/**
 * The host's zone is answered without loading ICU only where the host is plainly UTC, and the
 * answer is always the one `Intl` gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UTC_NAMES } from '../../config/owner-time-zone.ts';

const MODULE = fileURLToPath(new URL('../../config/owner-time-zone.ts', import.meta.url));

test('every name taken for UTC without Intl is one Intl resolves to UTC', () => {
  for (const name of UTC_NAMES) {
    assert.equal(new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone, 'UTC', name);
  }
});

function inChild(tz: string | undefined): { zone: string; intl: string } {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (tz !== undefined) env.TZ = tz;
  const script = `const { hostTimeZone } = await import(${JSON.stringify(MODULE)}); const zone = hostTimeZone(); process.stdout.write(JSON.stringify({ zone, intl: Intl.DateTimeFormat().resolvedOptions().timeZone }));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8' })) as { zone: string; intl: string };
}

test('the host zone matches Intl: unset TZ (the /etc/localtime link), a UTC alias, and a zone that is not UTC', () => {
  for (const tz of [undefined, 'Etc/UTC', ':UTC', 'Europe/Berlin', 'America/New_York']) {
    const { zone, intl } = inChild(tz);
    assert.equal(zone, intl, `TZ=${tz ?? '(unset)'}`);
  }
});

test('TZ changed at run time changes the answer, as it changes Intl\'s', async () => {
  const { hostTimeZone } = await import('../../config/owner-time-zone.ts');
  const before = process.env.TZ;
  try {
    process.env.TZ = 'Asia/Tokyo';
    assert.equal(hostTimeZone(), 'Asia/Tokyo');
    process.env.TZ = 'Etc/UTC';
    assert.equal(hostTimeZone(), 'UTC');
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
});
