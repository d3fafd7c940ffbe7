import { describe, expect, it } from 'vitest';
import { formatAgo, formatAmount, formatDate, initials, parseUtcStamp } from './format';

describe('format', () => {
  it("reads Odoo's UTC stamps, and nothing else", () => {
    expect(parseUtcStamp('2026-11-27 08:05:09')?.toISOString()).toBe('2026-11-27T08:05:09.000Z');
    expect(parseUtcStamp('yesterday'), 'garbage is no date').toBeNull();
    expect(parseUtcStamp(null)).toBeNull();
  });

  it('says how long ago in the largest unit, in the language of the window', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    expect(formatAgo('en', new Date('2026-11-27T09:58:00Z'), now)).toBe('2 minutes ago');
    expect(formatAgo('en', new Date('2026-11-27T09:59:59Z'), now)).toBe('now');
    expect(formatAgo('en', new Date('2026-11-24T10:00:00Z'), now)).toBe('3 days ago');
    expect(formatAgo('ar', new Date('2026-11-27T09:58:00Z'), now), 'Arabic').toMatch(/دقيقت/);
  });

  it('groups amounts for the locale and shows a dash for none', () => {
    expect(formatAmount('en', 1234567.4)).toBe('1,234,567');
    expect(formatAmount('en', null)).toBe('—');
    expect(formatAmount('ar', 1200), 'Arabic grouping and digits').toMatch(/^[٠-٩0-9][٬,.]?[٠-٩0-9]{3}$/);
  });

  it('dates follow the locale asked for, each call (formatters are kept per locale)', () => {
    const day = new Date('2026-11-27T10:00:00Z');
    const en = formatDate('en', day);
    expect(en).toMatch(/Nov/);
    const ar = formatDate('ar', day);
    expect(ar, 'a kept English formatter must not answer for Arabic').not.toMatch(/Nov/);
    expect(ar).not.toBe(en);
    expect(formatDate('en', day), 'nor an Arabic one for English').toBe(en);
    expect(formatDate('en', day, true), 'with the time, a formatter of its own').not.toBe(en);
  });

  it('initials work for any script', () => {
    expect(initials('Amal Haddad')).toBe('AH');
    expect(initials('  sara  al   mansoori ')).toBe('SM');
    expect(initials('زيد')).toBe('ز');
    expect(initials('')).toBe('');
  });
});
