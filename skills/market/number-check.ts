/**
 * Flagging numbers in a model's text that the figures do not contain. A number passes when it
 * equals a figure as rendered (percent or plain) up to the precision the model wrote it with,
 * or is a date part, a parameter the indicators name (20-day, RSI 14, 52-week) or appears in
 * the user's notes. A flag is a prompt to check, not proof of invention.
 */

/** Window lengths, indicator periods and the usual RSI thresholds. */
const PARAMETERS = [1, 5, 14, 20, 21, 30, 50, 52, 70, 200, 252];

export interface FlaggedNumber {
  text: string;
  value: number;
}

/** Every number in `text` with the way it was written (commas dropped, sign and % kept). */
export function extractNumbers(text: string): { raw: string; value: number; decimals: number }[] {
  const found: { raw: string; value: number; decimals: number }[] = [];
  // Dates are checked as whole tokens first, so 2025-03-14 is not read as 2025, -3 and -14.
  const withoutDates = text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, ' ');
  for (const match of withoutDates.matchAll(/(?<![\w.])[-−+]?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?/g)) {
    const raw = match[0];
    const digits = raw.replace(/[,$%+]/g, '').replace('−', '-');
    const value = Number(digits);
    if (!Number.isFinite(value)) continue;
    const decimals = digits.includes('.') ? digits.split('.')[1].length : 0;
    found.push({ raw, value, decimals });
  }
  return found;
}

/**
 * The numbers of `text` found in neither `figures` (raw values; fractions also count as
 * percentages) nor `allowedText` (the notes, the dates of the data).
 */
export function flagUnsourcedNumbers(text: string, figures: number[], allowedText: string): FlaggedNumber[] {
  const candidates = figures.flatMap((value) => [value, value * 100]).map(Math.abs);
  const allowed = new Set([...PARAMETERS, ...extractNumbers(allowedText).map((number) => Math.abs(number.value))]);
  const flagged: FlaggedNumber[] = [];
  for (const number of extractNumbers(text)) {
    const magnitude = Math.abs(number.value);
    if (allowed.has(magnitude)) continue;
    if (number.decimals === 0 && magnitude >= 1990 && magnitude <= 2100) continue; // a year
    const tolerance = 0.5 * 10 ** -number.decimals + 1e-9;
    if (candidates.some((candidate) => Math.abs(candidate - magnitude) <= tolerance)) continue;
    flagged.push({ text: number.raw, value: number.value });
  }
  return flagged;
}
