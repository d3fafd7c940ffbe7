// Locale formatting shared by the screens: numbers, money, dates and "2 min ago", through
// Intl for the current locale. Pure functions (the locale is an argument) so they test
// without a window.
import type { Locale } from '$lib/i18n/index.svelte';

type Formatter = Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat;

// Building an Intl formatter costs far more than using one (cards and list rows format an
// amount or a date each as they are drawn; the profiler found the status bar building one
// per "ago"), so each is built once per key: locale and options.
const formatters = new Map<string, Formatter>();

function cached<T extends Formatter>(key: string, build: () => T): T {
  let format = formatters.get(key) as T | undefined;
  if (!format) {
    format = build();
    formatters.set(key, format);
  }
  return format;
}

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cached(`number:${locale}:${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

/** An amount of the company's currency (the cache does not know which): grouped, no cents. */
export function formatAmount(locale: Locale, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** A large amount in few characters (12.5K, ١٢٫٥ ألف) for column headers. */
export function formatCompactAmount(locale: Locale, value: number): string {
  return numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A count, grouped. */
export function formatCount(locale: Locale, value: number): string {
  return numberFormat(locale, {}).format(value);
}

/** Odoo's UTC stamp (`YYYY-MM-DD HH:MM:SS`) as a Date; null when absent or malformed. */
export function parseUtcStamp(stamp: string | null | undefined): Date | null {
  if (!stamp) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(stamp);
  if (!match) return null;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = match.slice(1).map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** "2 minutes ago", "yesterday", "now": the largest unit that fits. A time ahead of ours
 *  (the server's clock ahead of this computer's) reads as "now": these stamps are past. */
export function formatAgo(locale: Locale, then: Date, now: Date): string {
  const seconds = Math.min(0, Math.round((then.getTime() - now.getTime()) / 1000));
  const format = cached(`ago:${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** A date (and time when asked) in the locale's words: "27 Nov 2026", "٢٧ نوفمبر ٢٠٢٦". */
export function formatDate(locale: Locale, date: Date, withTime = false): string {
  const format = cached(
    `date:${locale}:${withTime}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        dateStyle: 'medium',
        ...(withTime ? { timeStyle: 'short' } : {}),
      }),
  );
  return format.format(date);
}

/** Initials of a name (two letters, any script): "Amal Haddad" → "AH", "زيد" → "ز". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters
    .map((w) => [...(w ?? '')][0] ?? '')
    .join('')
    .toUpperCase();
}
