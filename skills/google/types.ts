/**
 * What the Google sources return, as plain data: calendar events and unread mail headers.
 * Mail fields are untrusted text from strangers; callers escape them and pass them to a
 * model only as delimited data.
 */

export interface CalendarEvent {
  id: string;
  /** The configured calendar id the event came from. */
  calendarId: string;
  title: string;
  /** ISO 8601 instant for timed events; `YYYY-MM-DD` for all-day events. */
  start: string;
  end: string;
  allDay: boolean;
  location?: string;
}

export interface UnreadMessage {
  id: string;
  threadId?: string;
  from: string;
  subject: string;
  snippet: string;
  /** ISO 8601, from the message's internal date, when known. */
  receivedAt?: string;
}

/** A half-open window [start, end) and the zone used to label all-day events. */
export interface TimeWindow {
  start: Date;
  end: Date;
  timeZone: string;
}

export interface CalendarSource {
  /** Events overlapping `window` on every configured calendar, sorted by start; cancelled ones left out. */
  eventsBetween(window: TimeWindow, signal: AbortSignal): Promise<CalendarEvent[]>;
}

export interface UnreadMailSource {
  /** Unread messages Google marks important, newest first, at most `max`. */
  importantUnread(max: number, signal: AbortSignal): Promise<UnreadMessage[]>;
}

export type GoogleErrorKind = 'auth' | 'rate_limited' | 'server' | 'network' | 'timeout' | 'bad_request' | 'not_found' | 'aborted';

/** A Google call that failed, classified once here so callers decide on `kind`. */
export class GoogleSourceError extends Error {
  readonly kind: GoogleErrorKind;
  readonly status?: number;
  constructor(kind: GoogleErrorKind, message: string, status?: number) {
    super(message);
    this.name = 'GoogleSourceError';
    this.kind = kind;
    this.status = status;
  }
}
