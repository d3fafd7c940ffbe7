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

/** Replaces `{name}` placeholders. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The current locale, reactive: components re-render when it changes. */
class I18n {
  locale = $state<Locale>('en');
  dir = $derived<'rtl' | 'ltr'>(this.locale === 'ar' ? 'rtl' : 'ltr');

  t = (key: MessageKey, params?: Record<string, string | number>): string =>
    format(catalogs[this.locale][key], params);

  /** Applies the language setting to the document (lang and dir drive fonts and layout). */
  apply(setting: Language) {
    this.locale = resolveLocale(setting, navigator.languages ?? [navigator.language]);
    document.documentElement.lang = this.locale;
    document.documentElement.dir = this.dir;
  }
}

export const i18n = new I18n();
export const t = i18n.t;
