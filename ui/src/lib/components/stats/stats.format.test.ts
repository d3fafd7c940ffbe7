import { describe, expect, it } from 'vitest';
import {
  NONE,
  formatAsOf,
  formatCompact,
  formatDay,
  formatDayRange,
  formatInteger,
  formatMonth,
  formatPercent,
  formatRevenue,
  formatWeek,
  parseDay,
  parseTimestamp,
  roundDays,
} from './format';

/**
 * Arabic output with Western digits and no direction marks. Whether 'ar' uses Arabic-Indic
 * digits depends on the platform's CLDR; the tests check the numbers, not the digit shapes.
 */
function latin(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/\u066b/g, '.')
    .replace(/\u066c/g, ',')
    .replace(/\u066a/g, '%')
    .replace(/[\u200e\u200f\u061c]/g, '')
    .replace(/\s/gu, ' ');
}

describe('numbers', () => {
  it('a win rate of 2 won out of 3 closed shows as 67 %', () => {
    expect(formatPercent('en', 2 / 3)).toBe('67%');
    expect(latin(formatPercent('ar', 2 / 3))).toBe('67%');
  });

  it('a rate with nothing to divide by shows a dash, not 0 % or NaN', () => {
    expect(formatPercent('en', null)).toBe(NONE);
    expect(formatPercent('ar', Number.NaN)).toBe(NONE);
  });

  it('revenue is grouped, without decimals or a currency sign (the cache has no currency)', () => {
    expect(formatRevenue('en', 1234567.6)).toBe('1,234,568');
    expect(latin(formatRevenue('ar', 1234567.6))).toMatch(/^1.?234.?568$/);
    expect(formatRevenue('en', null), 'a sum Rust could not represent').toBe(NONE);
  });

  it('axis ticks are compact', () => {
    expect(formatCompact('en', 12_000)).toBe('12K');
    expect(formatCompact('en', 1_250_000)).toBe('1.3M');
    expect(formatCompact('ar', 12_000)).not.toBe('12K');
  });

  it('counts are grouped in the locale', () => {
    expect(formatInteger('en', 12345)).toBe('12,345');
    expect(formatInteger('ar', 12345)).toBe(new Intl.NumberFormat('ar').format(12345));
  });

  it('days to close keep one decimal', () => {
    expect(roundDays(4.46)).toBe(4.5);
    expect(roundDays(12)).toBe(12);
    expect(roundDays(0.04)).toBe(0);
  });
});

describe('days', () => {
  it('reads ISO days and refuses days that do not exist', () => {
    expect(parseDay('2026-11-03')?.toISOString()).toBe('2026-11-03T00:00:00.000Z');
    expect(parseDay('2026-02-30'), 'Feb 30 would roll over to March').toBeNull();
    expect(parseDay('')).toBeNull();
    expect(parseDay('03/11/2026')).toBeNull();
  });

  it('formats days as days, whatever the time zone (no day-before shift)', () => {
    expect(formatDay('en', '2026-11-03')).toBe('Nov 3, 2026');
    expect(formatWeek('en', '2026-11-03')).toBe('Nov 3');
    expect(formatMonth('en', '2026-11-01')).toBe('Nov 2026');
    expect(formatMonth('ar', '2026-11-01')).toContain('نوفمبر');
    expect(formatDay('en', 'nonsense'), 'an unreadable day is shown as is').toBe('nonsense');
  });

  it('formats a period from its first to its last day', () => {
    // ICU puts thin spaces around the dash.
    expect(latin(formatDayRange('en', '2026-09-01', '2026-11-30'))).toBe('Sep 1 – Nov 30, 2026');
    expect(formatDayRange('en', '2026-11-03', '2026-11-03')).toBe('Nov 3, 2026');
    expect(latin(formatDayRange('ar', '2026-09-01', '2026-11-30'))).toContain('2026');
  });
});

describe('as of last sync', () => {
  it('reads the UTC timestamp Rust sends', () => {
    expect(parseTimestamp('2026-11-26 10:05:00')?.toISOString()).toBe('2026-11-26T10:05:00.000Z');
    expect(parseTimestamp(null)).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
  });

  it('shows it in the user’s time zone', () => {
    expect(latin(formatAsOf('en', '2026-11-26 10:05:00', 'UTC') ?? '')).toBe('Nov 26, 2026, 10:05 AM');
    expect(latin(formatAsOf('en', '2026-11-26 23:30:00', 'Asia/Riyadh') ?? ''), 'UTC+3: the next day').toBe(
      'Nov 27, 2026, 2:30 AM',
    );
    expect(latin(formatAsOf('ar', '2026-11-26 10:05:00', 'UTC') ?? '')).toContain('2026');
  });

  it('never synced is null, for the screen to say so', () => {
    expect(formatAsOf('en', null)).toBeNull();
  });
});
