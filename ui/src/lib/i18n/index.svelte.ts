import { IntlMessageFormat } from 'intl-messageformat';
import { ar } from './ar';
import { en, type MessageKey } from './en';
import type { Language } from '$lib/ipc';

export type Locale = 'en' | 'ar';

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, ar };

/** The locale for a language setting; "system" follows the OS (navigator.languages). */
export function resolveLocale(setting: Language, systemLanguages: readonly string[]): Locale {
  if (setting !== 'system') return setting;
  const first = systemLanguages.find((l) => /^(ar|en)\b/i.test(l));
  return first?.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

// Messages are ICU MessageFormat (FormatJS): `{name}` placeholders, and `{count, plural, …}`,
// which Arabic needs (zero, one, two, few, many, other). Compiled once per locale and key.
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, not state
const compiled = new Map<string, IntlMessageFormat>();

/** Formats a catalog message for a locale. */
export function format(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const id = `${locale}\u0000${key}`;
  let message = compiled.get(id);
  if (!message) {
    message = new IntlMessageFormat(catalogs[locale][key], locale, undefined, {
      ignoreTag: true,
    });
    compiled.set(id, message);
  }
  try {
    return String(message.format(params));
  } catch {
    // A missing parameter is a bug the catalog tests catch; never break the screen for it.
    return catalogs[locale][key];
  }
}

/** The current locale, reactive: components re-render when it changes. */
class I18n {
  locale = $state<Locale>('en');
  dir = $derived<'rtl' | 'ltr'>(this.locale === 'ar' ? 'rtl' : 'ltr');

  t = (key: MessageKey, params?: Record<string, string | number>): string => format(this.locale, key, params);

  /** Applies the language setting to the document (lang and dir drive fonts and layout). */
  apply(setting: Language) {
    this.locale = resolveLocale(setting, navigator.languages ?? [navigator.language]);
    document.documentElement.lang = this.locale;
    document.documentElement.dir = this.dir;
  }
}

export const i18n = new I18n();
export const t = i18n.t;
