/**
 * How the CLI prints for people: times in the owner's time zone with the zone named, aligned
 * columns, and colour only on a terminal (never when `NO_COLOR` is set, never into a pipe).
 */
export { ownerTimeZone } from '../../config/owner-time-zone.ts';

/** `2026-12-02 07:00` in `zone`; `-` for null. */
export function localTime(instant: string | Date | null | undefined, zone: string, withSeconds = false): string {
  if (instant === null || instant === undefined) return '-';
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return String(instant);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${withSeconds ? `:${parts.second}` : ''}`;
}

/** The calendar day (YYYY-MM-DD) of `instant` in `zone`. */
export function localDay(instant: Date, zone: string): string {
  return localTime(instant, zone).slice(0, 10);
}

/** The UTC instants bounding the local day `day` (YYYY-MM-DD) in `zone`: [start, end). */
export function localDayBounds(day: string, zone: string): { start: Date; end: Date } {
  const startOf = (text: string) => {
    // Local midnight: guess UTC midnight, then correct by the zone's offset at that instant (twice, for DST edges).
    let guess = new Date(`${text}T00:00:00Z`);
    for (let i = 0; i < 2; i++) {
      const shown = new Date(`${localTime(guess, zone, true).replace(' ', 'T')}Z`);
      guess = new Date(guess.getTime() - (shown.getTime() - new Date(`${text}T00:00:00Z`).getTime()));
    }
    return guess;
  };
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { start: startOf(day), end: startOf(next.toISOString().slice(0, 10)) };
}

export interface Paint {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

/** Colour for `stream` when it is a terminal and `NO_COLOR` is unset (https://no-color.org). */
export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const enabled = Boolean(stream.isTTY) && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

/** Visible length, ignoring colour codes. */
function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/**
 * Rows as aligned columns separated by two spaces. `align` per column, default left; the last
 * column is never padded (so a long free-text column does not push trailing spaces).
 */
export function table(rows: string[][], align: Array<'left' | 'right'> = []): string {
  if (rows.length === 0) return '';
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) => Math.max(...rows.map((row) => visibleLength(row[column] ?? ''))));
  return rows
    .map((row) =>
      row
        .map((cell, column) => {
          if (column === row.length - 1 && align[column] !== 'right') return cell;
          const pad = ' '.repeat(widths[column] - visibleLength(cell));
          return align[column] === 'right' ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `text` cut to `max` characters on one line, with an ellipsis when cut. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
