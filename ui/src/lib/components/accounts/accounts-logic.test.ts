import { describe, expect, it } from 'vitest';
import { format } from '$lib/i18n/index.svelte';
import type { ErrorKind } from '$lib/ipc';
import { formatAgo, formatDate, parseUtcStamp } from '$lib/format';
import { accountName, transportLabel } from './display';
import { adviceFor, asKind, type FailureContext } from './failure';
import { cleaned, firstInvalid, validateAccount, type AccountInput } from './validation';

const filled: AccountInput = {
  url: 'https://acme.odoo.com',
  database: 'acme',
  login: 'sara@acme.com',
  apiKey: '0123abcd',
};

describe('validateAccount', () => {
  it('accepts a complete input, so the form goes on to ask Odoo', () => {
    expect(validateAccount(filled)).toEqual({});
  });

  it('names every empty field, in English and in Arabic', () => {
    const errors = validateAccount({ url: ' ', database: '', login: '  ', apiKey: '' });
    expect(Object.keys(errors).sort(), 'each field gets its own message').toEqual(
      ['apiKey', 'database', 'login', 'url'].sort(),
    );
    expect(format('en', errors.url!)).toContain('https://mycompany.odoo.com');
    expect(format('en', errors.apiKey!)).toBe('Paste your API key.');
    expect(format('ar', errors.database!), 'Arabic users read Arabic').toMatch(/[\u0600-\u06FF]/);
  });

  it('wants an http(s) address, and says so rather than "invalid"', () => {
    for (const url of ['acme.odoo.com', 'ftp://acme.odoo.com', 'javascript:alert(1)']) {
      expect(validateAccount({ ...filled, url }).url, url).toBe('settings.account.error.urlScheme');
    }
    expect(format('en', 'settings.account.error.urlScheme')).toContain('https://');
    expect(validateAccount({ ...filled, url: 'HTTP://192.168.1.20:8069' }).url, 'LAN servers are fine').toBe(
      undefined,
    );
    expect(validateAccount({ ...filled, url: 'https://' }).url, 'a scheme without a host').toBe(
      'settings.account.error.urlInvalid',
    );
  });

  it('lets a key with spaces through: on Odoo 16–18 it may be a password', () => {
    expect(validateAccount({ ...filled, apiKey: ' pass word ' }).apiKey).toBe(undefined);
    expect(cleaned({ ...filled, apiKey: ' pass word ' }).apiKey).toBe(' pass word ');
  });

  it('trims what a paste from an e-mail adds around the other fields', () => {
    expect(
      cleaned({ url: ' https://a.odoo.com ', database: ' a\t', login: ' s@a.com ', apiKey: 'k' }),
    ).toEqual({
      url: 'https://a.odoo.com',
      database: 'a',
      login: 's@a.com',
      apiKey: 'k',
    });
  });

  it('sends focus to the first problem in reading order', () => {
    expect(
      firstInvalid({
        apiKey: 'settings.account.error.apiKeyRequired',
        login: 'settings.account.error.loginRequired',
      }),
    ).toBe('login');
    expect(firstInvalid({})).toBe(null);
  });
});

describe('adviceFor', () => {
  const kinds: ErrorKind[] = ['offline', 'auth', 'conflict', 'validation', 'not_found', 'internal'];
  const contexts: FailureContext[] = ['connect', 'manage', 'sync'];

  it('tells the rep what to check for each kind of connection failure', () => {
    expect(format('en', adviceFor('auth', 'connect').hint), 'a refused key').toMatch(/login and the API key/);
    expect(format('en', adviceFor('offline', 'connect').hint), 'an unreachable server').toMatch(
      /address and this computer’s network/,
    );
    expect(format('en', adviceFor('not_found', 'connect').hint)).toMatch(/database name/);
    expect(adviceFor('auth', 'connect').icon).toBe('key');
    expect(adviceFor('offline', 'connect').icon).toBe('offline');
  });

  it('advises a new key when a background sync is refused, since the key cannot be edited', () => {
    expect(format('en', adviceFor('auth', 'sync').hint)).toMatch(/remove this account.*new API key/);
  });

  it('treats an unknown kind string from the sync status as internal, never crashes', () => {
    expect(asKind('something_new')).toBe('internal');
    expect(asKind(null)).toBe('internal');
    expect(adviceFor('weird', 'sync').hint).toBe('settings.account.hint.internal');
  });

  it('has a hint in both languages for every kind in every context', () => {
    for (const context of contexts) {
      for (const kind of kinds) {
        const { hint } = adviceFor(kind, context);
        expect(format('en', hint), `${context}/${kind}`).not.toBe('');
        expect(format('ar', hint), `${context}/${kind}`).not.toBe(format('en', hint));
      }
    }
  });
});

describe('display', () => {
  it('reads Rust time stamps as UTC', () => {
    expect(parseUtcStamp('2026-11-26 10:00:00')?.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(parseUtcStamp(null), 'never synced').toBe(null);
    expect(parseUtcStamp('garbage'), 'a bad stamp shows as "not yet", not NaN').toBe(null);
  });

  it('says how long ago in the current locale', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
    expect(formatAgo('en', ago(5), now)).toBe('now');
    expect(formatAgo('en', ago(5 * 60), now)).toBe('5 minutes ago');
    expect(formatAgo('en', ago(3 * 3600), now)).toBe('3 hours ago');
    expect(formatAgo('en', ago(26 * 3600), now)).toBe('yesterday');
    expect(formatAgo('en', ago(400 * 24 * 3600), now)).toBe('last year');
    expect(formatAgo('ar', ago(5 * 60), now), 'Arabic words, not English').toMatch(/دقائق/);
  });

  it('never claims a last sync in the future when clocks disagree', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    expect(formatAgo('en', new Date('2026-11-26T10:03:00Z'), now)).toBe('now');
  });

  it('gives the exact time for the tooltip', () => {
    expect(formatDate('en', new Date('2026-11-26T10:00:00Z'), true)).toMatch(/2026/);
  });

  it('names the API and the account as people know them', () => {
    expect(transportLabel('json2')).toBe('JSON-2');
    expect(transportLabel('jsonrpc')).toBe('JSON-RPC');
    expect(transportLabel('xmlrpc'), 'unknown values pass through').toBe('xmlrpc');
    expect(accountName({ userName: 'Sara Ali', login: 'sara@acme.com' })).toBe('Sara Ali');
    expect(accountName({ userName: ' ', login: 'sara@acme.com' }), 'no name: the login').toBe(
      'sara@acme.com',
    );
  });
});

describe('account messages', () => {
  it('counts lost changes with the Arabic plural forms', () => {
    const lost = (locale: 'en' | 'ar', count: number) =>
      format(locale, 'settings.account.remove.unpushed', { count });
    expect(lost('en', 0), 'nothing to lose is said plainly, not as "0 changes"').toBe(
      'Every change made here has reached Odoo.',
    );
    expect(lost('ar', 0)).toContain('وصلت جميع التغييرات');
    expect(lost('en', 1)).toBe('1 change made here has not reached Odoo yet and will be lost.');
    expect(lost('en', 3)).toMatch(/^3 changes/);
    expect(lost('ar', 1), 'one: a word, no digit').toContain('تغيير واحد');
    expect(lost('ar', 2), 'two: the dual').toContain('تغييران');
    expect(lost('ar', 5), 'few: plural').toContain('تغييرات');
    expect(lost('ar', 11), 'many: accusative singular').toContain('تغييرًا');
  });

  it('names the account on the remove confirmation', () => {
    expect(format('en', 'settings.account.removeNamed', { name: 'Sara Ali' })).toBe(
      'Remove the account of Sara Ali',
    );
    expect(format('ar', 'settings.account.removeNamed', { name: 'سارة' })).toContain('سارة');
  });
});
