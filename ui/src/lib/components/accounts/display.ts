import type { AccountView } from '$lib/ipc';

/**
 * A time stamp from Rust: UTC `YYYY-MM-DD HH:MM:SS` (an ISO string is accepted too).
 * Returns null for anything else, so a bad value shows as "never" rather than "NaN years".
 */
export function parseUtc(stamp: string | null | undefined): Date | null {
  if (!stamp) return null;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(stamp) ? `${stamp.replace(' ', 'T')}Z` : stamp;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * How long ago `then` was, in words of `locale` ("5 minutes ago", "منذ ٥ دقائق"). A time in
 * the future (the server's clock ahead of ours) reads as "now": a last sync cannot be ahead.
 */
export function relativeTime(then: Date, now: Date, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const seconds = Math.max(0, (now.getTime() - then.getTime()) / 1000);
  for (const [unit, size] of units) {
    if (seconds >= size) return format.format(-Math.floor(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** The exact date and time, for a tooltip next to the relative one. */
export function absoluteTime(then: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(then);
}

/** The API in use, as Odoo's documentation names it. */
export function transportLabel(transport: string): string {
  const names: Record<string, string> = { json2: 'JSON-2', jsonrpc: 'JSON-RPC' };
  return names[transport] ?? transport;
}

/** How an account is named to the rep: Odoo's name for the user, else the login. */
export function accountName(account: Pick<AccountView, 'userName' | 'login'>): string {
  return account.userName.trim() || account.login;
}
