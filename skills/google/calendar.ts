/**
 * Google Calendar as a briefing source: the events of the configured calendars in a time
 * window. One `events.list` per calendar (single events expanded, ordered by start), no
 * retries of its own (`retry: false`): the caller decides what a failure means.
 */
import { classifyGoogleError } from './errors.ts';
import { createGoogleAuth, withSlash, type GoogleConnection } from './client.ts';
import type { CalendarEvent, CalendarSource, TimeWindow } from './types.ts';

const MAX_EVENTS_PER_CALENDAR = 100;

/** A calendar source over `connection.calendars`; the Google library is loaded on first use. */
export function createGoogleCalendarSource(connection: GoogleConnection): CalendarSource {
  let api: Promise<import('@googleapis/calendar').calendar_v3.Calendar> | undefined;
  const load = () =>
    (api ??= (async () => {
      const auth = await createGoogleAuth(connection);
      const { calendar } = await import('@googleapis/calendar');
      return calendar({ version: 'v3', auth, ...(connection.rootUrl ? { rootUrl: withSlash(connection.rootUrl) } : {}) });
    })());
  return {
    async eventsBetween(window: TimeWindow, signal: AbortSignal): Promise<CalendarEvent[]> {
      const client = await load().catch((error) => {
        api = undefined;
        throw classifyGoogleError(error, 'calendar');
      });
      const perCalendar = await Promise.all(
        connection.calendars.map(async (calendarId) => {
          try {
            const response = await client.events.list(
              {
                calendarId,
                timeMin: window.start.toISOString(),
                timeMax: window.end.toISOString(),
                timeZone: window.timeZone,
                singleEvents: true,
                orderBy: 'startTime',
                maxResults: MAX_EVENTS_PER_CALENDAR,
              },
              { retry: false, signal },
            );
            return (response.data.items ?? []).flatMap((item) => toEvent(calendarId, item));
          } catch (error) {
            throw classifyGoogleError(error, `calendar ${calendarId}`);
          }
        }),
      );
      return perCalendar.flat().sort((a, b) => startInstant(a) - startInstant(b));
    },
  };
}

type ApiEvent = import('@googleapis/calendar').calendar_v3.Schema$Event;

function toEvent(calendarId: string, item: ApiEvent): CalendarEvent[] {
  if (item.status === 'cancelled' || !item.start || !item.end) return [];
  const allDay = !item.start.dateTime && Boolean(item.start.date);
  const start = item.start.dateTime ?? item.start.date;
  const end = item.end.dateTime ?? item.end.date;
  if (!start || !end) return [];
  return [
    {
      id: item.id ?? `${calendarId}:${start}`,
      calendarId,
      title: item.summary?.trim() || '(no title)',
      start: allDay ? start : new Date(start).toISOString(),
      end: allDay ? end : new Date(end).toISOString(),
      allDay,
      ...(item.location ? { location: item.location } : {}),
    },
  ];
}

/** All-day events sort just before midnight UTC of their date, so they lead their day's list. */
function startInstant(event: CalendarEvent): number {
  return event.allDay ? Date.parse(`${event.start}T00:00:00Z`) - 1 : Date.parse(event.start);
}
