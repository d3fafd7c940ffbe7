import { describe, expect, it } from 'vitest';
import { ar } from './ar';
import { en } from './en';
import { format, resolveLocale } from './index.svelte';

describe('translations', () => {
  it('Arabic has every English key and no empty strings', () => {
    expect(Object.keys(ar).sort(), 'a missing key shows English in an Arabic UI').toEqual(
      Object.keys(en).sort(),
    );
    for (const [key, text] of Object.entries(ar)) {
      expect(text.trim(), `ar["${key}"] is empty`).not.toBe('');
    }
  });

  it('placeholders survive translation', () => {
    for (const [key, text] of Object.entries(en)) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(ar[key as keyof typeof en]), `ar["${key}"] must keep the placeholders of en`).toEqual(
        names(text),
      );
    }
  });
});

describe('resolveLocale', () => {
  it('follows the system when set to system', () => {
    expect(resolveLocale('system', ['ar-EG', 'en-US'])).toBe('ar');
    expect(resolveLocale('system', ['fr-FR', 'en-GB'])).toBe('en');
    expect(resolveLocale('system', ['de-DE'])).toBe('en');
  });
  it('an explicit choice wins over the system', () => {
    expect(resolveLocale('en', ['ar-SA'])).toBe('en');
    expect(resolveLocale('ar', ['en-US'])).toBe('ar');
  });
});

describe('format', () => {
  it('fills named placeholders and leaves unknown ones visible', () => {
    expect(format('Stored in {path}', { path: '/x' })).toBe('Stored in /x');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
