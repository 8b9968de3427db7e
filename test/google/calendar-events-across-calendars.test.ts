import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGoogleFake, type FakeEvent } from '../helpers/google-fake.ts';
import { createGoogleCalendarSource } from '../../skills/google/calendar.ts';
import type { GoogleConnection } from '../../skills/google/client.ts';

function anEvent(id: string, summary: string, start: string, end: string): FakeEvent {
  return { id, summary, start: { dateTime: start }, end: { dateTime: end } };
}

function aConnection(rootUrl: string, calendars: string[]): GoogleConnection {
  return { clientId: 'client-id', clientSecret: 'client-secret', refreshToken: 'fake-refresh-token', rootUrl, calendars };
}

// Europe/Berlin in May is UTC+2: "today" is 2025-05-05 local.
const today = { start: new Date('2025-05-04T22:00:00Z'), end: new Date('2025-05-05T22:00:00Z'), timeZone: 'Europe/Berlin' };

const calendars = {
  primary: [
    anEvent('p1', 'Stand-up', '2025-05-05T07:30:00Z', '2025-05-05T07:45:00Z'),
    anEvent('p2', 'Dentist', '2025-05-06T08:00:00Z', '2025-05-06T09:00:00Z'),
    { id: 'p3', summary: 'Cancelled sync', start: { dateTime: '2025-05-05T09:00:00Z' }, end: { dateTime: '2025-05-05T10:00:00Z' }, status: 'cancelled' },
  ],
  'family@group.calendar.google.com': [
    anEvent('f1', 'School run', '2025-05-05T06:15:00Z', '2025-05-05T06:45:00Z'),
    { id: 'f2', summary: 'Bin day', start: { date: '2025-05-05' }, end: { date: '2025-05-06' } },
  ],
};

test('events of today from two calendars, merged in start order, cancelled ones dropped', async (t) => {
  const fake = await startGoogleFake({ calendars });
  t.after(() => fake.close());
  const source = createGoogleCalendarSource(aConnection(fake.rootUrl, Object.keys(calendars)));

  const events = await source.eventsBetween(today, AbortSignal.timeout(5000));

  assert.deepEqual(
    events.map((event) => [event.title, event.calendarId, event.allDay]),
    [
      ['Bin day', 'family@group.calendar.google.com', true],
      ['School run', 'family@group.calendar.google.com', false],
      ['Stand-up', 'primary', false],
    ],
  );
  assert.equal(events[2].start, '2025-05-05T07:30:00.000Z');
});

test('each calendar is asked for the window in the user time zone, single events ordered by start', async (t) => {
  const fake = await startGoogleFake({ calendars });
  t.after(() => fake.close());
  const source = createGoogleCalendarSource(aConnection(fake.rootUrl, ['primary']));

  await source.eventsBetween(today, AbortSignal.timeout(5000));

  const call = fake.requests.find((request) => request.path === '/calendar/v3/calendars/primary/events');
  assert.ok(call, 'events.list reached the fake through rootUrl');
  assert.equal(call.query.get('timeMin'), '2025-05-04T22:00:00.000Z');
  assert.equal(call.query.get('timeMax'), '2025-05-05T22:00:00.000Z');
  assert.equal(call.query.get('timeZone'), 'Europe/Berlin');
  assert.equal(call.query.get('singleEvents'), 'true');
  assert.equal(call.query.get('orderBy'), 'startTime');
  assert.equal(call.authorization, 'Bearer fake-access-token');
});

test('the refresh token is exchanged at the fake token endpoint, once for all calendars', async (t) => {
  const fake = await startGoogleFake({ calendars });
  t.after(() => fake.close());
  const source = createGoogleCalendarSource(aConnection(fake.rootUrl, Object.keys(calendars)));

  await source.eventsBetween(today, AbortSignal.timeout(5000));
  await source.eventsBetween(today, AbortSignal.timeout(5000));

  const tokenCalls = fake.requests.filter((request) => request.path === '/token');
  assert.equal(tokenCalls.length, 1);
  assert.equal(tokenCalls[0].form?.get('grant_type'), 'refresh_token');
  assert.equal(tokenCalls[0].form?.get('refresh_token'), 'fake-refresh-token');
  assert.equal(tokenCalls[0].form?.get('client_id'), 'client-id');
});

test('a server error is not retried by the library (the router owns retries)', async (t) => {
  const fake = await startGoogleFake({ calendars, calendarStatus: 503 });
  t.after(() => fake.close());
  const source = createGoogleCalendarSource(aConnection(fake.rootUrl, ['primary']));

  await assert.rejects(source.eventsBetween(today, AbortSignal.timeout(5000)), { name: 'GoogleSourceError', kind: 'server' });
  assert.equal(fake.requests.filter((request) => request.path.startsWith('/calendar/')).length, 1);
});
