/** Small formatting helpers for times, durations and counts as the operator reads them. */

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** 24-hour clock time, to the minute ("08:11") or with `seconds` to the second ("08:11:22"). */
export function formatClock(ms: number, seconds = false): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}

/** A duration as an operator reads it: seconds, minutes, hours, days; never milliseconds. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  const abs = Math.abs(ms);
  // Below ten seconds a tenth still matters (on-delays of 0.5 s); above, whole seconds do.
  if (abs < 10_000) return `${sign}${Number((abs / 1_000).toFixed(1))} s`;
  const s = Math.round(abs / 1_000);
  if (s < 60) return `${sign}${s} s`;
  if (s < 3_600) return `${sign}${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const min = Math.round(s / 60);
  if (min < 1_440) return `${sign}${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
  const h = Math.round(min / 60);
  return `${sign}${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** How long ago (or how far ahead) a time is, in words: "just now", "5 min ago", "in 2 h". */
export function formatRelative(ms: number | null | undefined, now: number): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const delta = now - ms;
  if (Math.abs(delta) < 5_000) return 'just now';
  const span = formatDuration(Math.abs(delta)).replace(/ \d+ (s|min|h)$/, '');
  return delta > 0 ? `${span} ago` : `in ${span}`;
}

/** The time zone of the times shown, as an offset from UTC ("UTC", "UTC+01:00", "UTC−05:00"). */
export function formatTimeZone(ms: number = Date.now(), offsetMinutes: number = -new Date(ms).getTimezoneOffset()): string {
  if (offsetMinutes === 0) return 'UTC';
  const abs = Math.abs(offsetMinutes);
  return `UTC${offsetMinutes > 0 ? '+' : '−'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A time to the second, 24-hour, with its time zone: "2026-12-03 08:11:22 UTC+01:00". */
export function formatTimeWithZone(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return `${formatTime(ms).slice(0, 19)} ${formatTimeZone(ms)}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `datetime-local` input value for a time (local time, to the second). */
export function toLocalInput(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

export function fromLocalInput(text: string): number | null {
  if (text.trim() === '') return null;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** Any thrown value as a sentence for the operator. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
