/**
 * Typed date and time entry, 24-hour, in local time: "YYYY-MM-DD HH:MM:SS". The browser's
 * datetime-local field follows the machine's locale (AM/PM on an en-US workstation) and takes
 * six-digit years; this one takes digits, puts the separators in itself, and so stops the
 * year at four digits. Pure.
 */

export const DATE_TIME_PLACEHOLDER = 'YYYY-MM-DD HH:MM:SS';
/** Where each separator goes, after how many digits. */
const SEPARATORS: ReadonlyArray<readonly [number, string]> = [[4, '-'], [6, '-'], [8, ' '], [10, ':'], [12, ':']];
const MAX_DIGITS = 14;

/** What is typed, as the field shows it: digits only, at most 14, separators inserted before the digit that follows them. */
export function maskDateTime(typed: string): string {
  const digits = typed.replace(/\D/g, '').slice(0, MAX_DIGITS);
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    const separator = SEPARATORS.find(([at]) => at === i);
    if (separator) out += separator[1];
    out += digits[i];
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A time as the field shows it (local time, to the second); empty for none. */
export function toDateTimeText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export type DateTimeEntry = { readonly ok: true; readonly ms: number | null } | { readonly ok: false; readonly problem: string };

/** Reads the field: empty is no time; otherwise a date and time to the minute at least, each part in its range. */
export function readDateTime(text: string): DateTimeEntry {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, ms: null };
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
  if (!m) return { ok: false, problem: `Type the date and time as ${DATE_TIME_PLACEHOLDER} (seconds may be left out).` };
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  if (month < 1 || month > 12) return { ok: false, problem: `There is no month ${pad(month)}: use 01 to 12.` };
  const days = new Date(year, month, 0).getDate();
  if (day < 1 || day > days) return { ok: false, problem: `${year}-${pad(month)} has no day ${pad(day)}: it has ${days} days.` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: 'Hours go from 00 to 23, minutes and seconds from 00 to 59.' };
  return { ok: true, ms: new Date(year, month - 1, day, hour, minute, second).getTime() };
}
