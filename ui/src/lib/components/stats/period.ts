// Periods of the Stats screen. Rust takes `from` (included) and `to` (excluded) as ISO days;
// people think of the last day instead ("to Nov 30"), so the date inputs show `through`, the
// last day included, and `to` is only ever computed from it.
import { parseDay } from './format';

export const PRESETS = ['thisMonth', 'last3Months', 'last12Months', 'thisYear'] as const;
export type Preset = (typeof PRESETS)[number];
export type PresetChoice = Preset | 'custom';

/** What the screen opens on. */
export const DEFAULT_PRESET: Preset = 'last3Months';

/** A period as Rust wants it: `from` included, `to` excluded. */
export interface Period {
  from: string;
  to: string;
}

/** Now, read for its calendar day only (a plain Date: nothing reactive hangs on it). */
export function calendarToday(): Date {
  return new Date();
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function day(year: number, month: number, date: number): string {
  return iso(new Date(Date.UTC(year, month, date)));
}

/** `days` after an ISO day (before, when negative); an unreadable day is returned as is. */
export function addDays(isoDay: string, days: number): string {
  const date = parseDay(isoDay);
  if (!date) return isoDay;
  date.setUTCDate(date.getUTCDate() + days);
  return iso(date);
}

/** The excluded end Rust wants, from the last day shown. Unreadable input goes to Rust as is, so
 *  that its validation message names the problem. */
export function exclusiveEnd(through: string): string {
  return addDays(through, 1);
}

/** The last day included, from Rust's excluded end. */
export function lastDay(to: string): string {
  return addDays(to, -1);
}

/**
 * The period of a preset around `today` (the user's calendar day). The presets are whole
 * calendar months ending with the current one, so that the monthly chart compares whole
 * months and "this month" is the same period all month long.
 */
export function presetPeriod(preset: Preset, today: Date): Period {
  const year = today.getFullYear();
  const month = today.getMonth();
  const nextMonth = day(year, month + 1, 1);
  switch (preset) {
    case 'thisMonth':
      return { from: day(year, month, 1), to: nextMonth };
    case 'last3Months':
      return { from: day(year, month - 2, 1), to: nextMonth };
    case 'last12Months':
      return { from: day(year, month - 11, 1), to: nextMonth };
    case 'thisYear':
      return { from: day(year, 0, 1), to: day(year + 1, 0, 1) };
  }
}

/** The preset a period is, if any: typing a preset's dates by hand selects it. */
export function presetOf(period: Period, today: Date): PresetChoice {
  return (
    PRESETS.find((preset) => {
      const candidate = presetPeriod(preset, today);
      return candidate.from === period.from && candidate.to === period.to;
    }) ?? 'custom'
  );
}

/** The Monday of the week of an ISO day (weeks start on Monday, as in crm-core). */
export function mondayOf(isoDay: string): string {
  const date = parseDay(isoDay);
  if (!date) return isoDay;
  return addDays(isoDay, -((date.getUTCDay() + 6) % 7));
}

/** The first day of the month of an ISO day. */
export function monthOf(isoDay: string): string {
  return `${isoDay.slice(0, 7)}-01`;
}

// A bound on the buckets of a chart: a mistyped year (0202) must not build 100,000 weeks.
const MAX_BUCKETS = 600;

function buckets(period: Period, first: string, next: (bucket: string) => string): string[] {
  if (!parseDay(period.from) || !parseDay(period.to)) return [];
  const out: string[] = [];
  for (let bucket = first; bucket < period.to && out.length < MAX_BUCKETS; bucket = next(bucket)) {
    out.push(bucket);
  }
  return out;
}

/** Every week (its Monday) that overlaps the period, so empty weeks show as gaps. */
export function weeksOf(period: Period): string[] {
  return buckets(period, mondayOf(period.from), (monday) => addDays(monday, 7));
}

/** Every month (its first day) that overlaps the period. */
export function monthsOf(period: Period): string[] {
  return buckets(period, monthOf(period.from), (first) => {
    const date = parseDay(first) as Date;
    return day(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  });
}
