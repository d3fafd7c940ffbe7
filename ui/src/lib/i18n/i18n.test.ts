import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { ar } from './ar';
import { en, type MessageKey } from './en';
import { format, resolveLocale } from './index.svelte';

/** The argument names a message uses, from its parsed ICU syntax tree. */
function argumentsOf(text: string, locale: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: unknown[]) => {
    for (const node of nodes as { value?: unknown; options?: Record<string, { value: unknown[] }> }[]) {
      if (typeof node.value === 'string' && 'type' in node && node.type !== 0) names.add(node.value);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(text, locale).getAst());
  return [...names].sort();
}

describe('translations', () => {
  it('Arabic has every English key and no empty strings', () => {
    expect(Object.keys(ar).sort(), 'a missing key shows English in an Arabic UI').toEqual(
      Object.keys(en).sort(),
    );
    for (const [key, text] of Object.entries(ar)) {
      expect(text.trim(), `ar["${key}"] is empty`).not.toBe('');
    }
  });

  it('every message is valid ICU and Arabic keeps the arguments of English', () => {
    for (const [key, text] of Object.entries(en)) {
      const translated = ar[key as MessageKey];
      expect(argumentsOf(translated, 'ar'), `ar["${key}"] must use the arguments of en`).toEqual(
        argumentsOf(text, 'en'),
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
  it('fills named placeholders', () => {
    expect(format('en', 'settings.file', { path: '/x' })).toBe('Stored in /x');
  });
  it('a missing argument shows the message rather than breaking the screen', () => {
    expect(format('en', 'settings.file')).toBe('Stored in {path}');
  });
});
