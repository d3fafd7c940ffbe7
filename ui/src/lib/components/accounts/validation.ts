import type { MessageKey } from '$lib/i18n/en';

/** What the rep types to connect an account. */
export type AccountInput = { url: string; database: string; login: string; apiKey: string };
export type AccountField = keyof AccountInput;

/** One message per invalid field; an empty object means the input may be sent. */
export type FieldErrors = Partial<Record<AccountField, MessageKey>>;

/** Field order on screen, so focus goes to the first problem the rep would read. */
export const fieldOrder: readonly AccountField[] = ['url', 'database', 'login', 'apiKey'];

/**
 * Checks what can be checked without Odoo, so an obvious slip gets a message next to its
 * field at once instead of a round trip and a sentence about the server.
 */
export function validateAccount(input: AccountInput): FieldErrors {
  const errors: FieldErrors = {};
  const url = input.url.trim();
  if (url === '') errors.url = 'settings.account.error.urlRequired';
  else if (!/^https?:\/\//i.test(url)) errors.url = 'settings.account.error.urlScheme';
  else if (!hasHost(url)) errors.url = 'settings.account.error.urlInvalid';
  if (input.database.trim() === '') errors.database = 'settings.account.error.databaseRequired';
  if (input.login.trim() === '') errors.login = 'settings.account.error.loginRequired';
  if (input.apiKey.trim() === '') errors.apiKey = 'settings.account.error.apiKeyRequired';
  return errors;
}

function hasHost(url: string): boolean {
  try {
    return new URL(url).hostname !== '';
  } catch {
    return false;
  }
}

/** The first invalid field in screen order, to move focus to. */
export function firstInvalid(errors: FieldErrors): AccountField | null {
  return fieldOrder.find((field) => errors[field] !== undefined) ?? null;
}

/**
 * What is sent to Rust: surrounding spaces (a paste from an e-mail) removed, except from the
 * key, which on Odoo 16–18 may be a password where a space can be meaningful.
 */
export function cleaned(input: AccountInput): AccountInput {
  return {
    url: input.url.trim(),
    database: input.database.trim(),
    login: input.login.trim(),
    apiKey: input.apiKey,
  };
}
