// Number and date formatting for the Stats screen: small pure functions of the UI locale, so
// Arabic gets its own digits, separators and month names wherever the platform's ICU has them.
import type { Locale } from '$lib/i18n/index.svelte';

/** What a number that cannot be computed (nothing to divide by) shows as. */
export const NONE = '—';

// Building Intl formatters is far slower than using them, and charts format on every redraw.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numbers(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n${locale}${JSON.stringify(options)}`;
  let formatter = cache.get(key) as Intl.NumberFormat | undefined;
  if (!formatter) cache.set(key, (formatter = new Intl.NumberFormat(locale, options)));
  return formatter;
}

function dates(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d${locale}${JSON.stringify(options)}`;
  let formatter = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!formatter) cache.set(key, (formatter = new Intl.DateTimeFormat(locale, options)));
  return formatter;
}

/** A count, grouped: 12,345. */
export function formatInteger(locale: Locale, value: number): string {
  return numbers(locale, { maximumFractionDigits: 0 }).format(value);
}

/**
 * Expected revenue, grouped, no decimals. The cache does not hold the company currency yet, so
 * no currency sign: the labels say "expected revenue". `null` is a sum Rust could not represent.
 */
export function formatRevenue(locale: Locale, value: number | null): string {
  return value === null || !Number.isFinite(value)
    ? NONE
    : numbers(locale, { maximumFractionDigits: 0 }).format(value);
}

/** Short revenue for chart axes, where space is tight: 12K, 1.2M. */
export function formatCompact(locale: Locale, value: number): string {
  return numbers(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A ratio (0–1) as a whole percentage; `null` (nothing to divide by) as a dash. */
export function formatPercent(locale: Locale, ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio)
    ? NONE
    : numbers(locale, { style: 'percent', maximumFractionDigits: 0 }).format(ratio);
}

/** Days to close, to one decimal: enough to compare periods without false precision. */
export function roundDays(days: number): number {
  return Math.round(days * 10) / 10;
}

/** An ISO day (YYYY-MM-DD) as a Date at UTC midnight, or null when it is not a real day. */
export function parseDay(iso: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  // Date.UTC rolls 2026-02-30 over to March; a rolled-over day was not a day.
  return date.toISOString().slice(0, 10) === iso ? date : null;
}

// Days carry no time zone: they are formatted in UTC, where they were parsed, so that a user
// west of Greenwich does not see the day before.
const DAY: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeZone: 'UTC' };

/** A day, medium style: "Nov 3, 2026". */
export function formatDay(locale: Locale, iso: string): string {
  const date = parseDay(iso);
  return date ? dates(locale, DAY).format(date) : iso;
}

/** The Monday a week starts on, short, for chart axes: "Nov 3". */
export function formatWeek(locale: Locale, iso: string): string {
  const date = parseDay(iso);
  return date ? dates(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date) : iso;
}

/** The first day of a month, as the month: "Nov 2026". */
export function formatMonth(locale: Locale, iso: string): string {
  const date = parseDay(iso);
  return date ? dates(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date) : iso;
}

/** Days `first` to `last`, both included: "Sep 1 – Nov 30, 2026". */
export function formatDayRange(locale: Locale, first: string, last: string): string {
  const start = parseDay(first);
  const end = parseDay(last);
  if (!start || !end) return `${first} – ${last}`;
  if (end <= start) return dates(locale, DAY).format(start);
  return dates(locale, DAY).formatRange(start, end);
}

/** Rust's UTC timestamp (`YYYY-MM-DD HH:MM:SS`) as a Date, or null. */
export function parseTimestamp(utc: string | null): Date | null {
  const match = utc && /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(utc);
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2]}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * When the numbers were last synced, in the user's time zone (`timeZone` is for tests):
 * "Nov 26, 2026, 12:00 PM". Null when the timestamp is missing or unreadable.
 */
export function formatAsOf(locale: Locale, utc: string | null, timeZone?: string): string | null {
  const date = parseTimestamp(utc);
  if (!date) return null;
  return dates(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}
