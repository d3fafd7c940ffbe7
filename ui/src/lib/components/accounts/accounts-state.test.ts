// @vitest-environment happy-dom
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView, SyncStatus } from '$lib/ipc';
import { AccountFormState } from './account-form.svelte';
import { AccountsState } from './accounts.svelte';

afterEach(() => clearMocks());

const account = (id: number, isCurrent: boolean, extra: Partial<AccountView> = {}): AccountView => ({
  id,
  odooUrl: `https://acme${id}.odoo.com`,
  database: `acme${id}`,
  login: `sara${id}@acme.com`,
  userName: `Sara ${id}`,
  serverVersion: '18.0',
  transport: 'jsonrpc',
  isCurrent,
  lastSyncedAt: null,
  lastError: null,
  lastErrorKind: null,
  ...extra,
});

const status = (extra: Partial<SyncStatus>): SyncStatus => ({
  account_id: 1,
  in_progress: false,
  progress: null,
  online: true,
  last_success: null,
  pending: 0,
  failed: 0,
  conflicts: 0,
  last_error: null,
  last_error_kind: null,
  changed: true,
  ...extra,
});

function fill(form: AccountFormState) {
  form.url = ' https://acme.odoo.com ';
  form.database = 'acme';
  form.login = 'sara@acme.com';
  form.apiKey = 's3cret';
}

describe('AccountFormState', () => {
  it('does not call Odoo while a field is missing, and points at the first one', async () => {
    let calls = 0;
    mockIPC(() => calls++);
    const form = new AccountFormState();
    form.url = 'https://acme.odoo.com';
    const outcome = await form.submit();
    expect(outcome, 'the database is the first empty field on screen').toEqual({
      status: 'invalid',
      field: 'database',
    });
    expect(calls, 'an obvious slip needs no round trip').toBe(0);
    expect(form.errors.login).toBe('settings.account.error.loginRequired');
  });

  it('clears a field’s message as soon as the rep edits it', async () => {
    mockIPC(() => null);
    const form = new AccountFormState();
    await form.submit();
    form.edited('url');
    expect(form.errors.url).toBe(undefined);
    expect(form.errors.apiKey, 'other messages stay until fixed').toBeDefined();
  });

  it('connects with the trimmed fields and forgets the key once Rust has it', async () => {
    let received: unknown;
    mockIPC((cmd, args) => {
      if (cmd === 'add_account') {
        received = args;
        return account(1, true);
      }
    });
    const form = new AccountFormState();
    fill(form);
    form.showKey = true;
    const outcome = await form.submit();
    expect(outcome.status).toBe('added');
    expect(received, 'Rust receives exactly what it verifies').toEqual({
      url: 'https://acme.odoo.com',
      database: 'acme',
      login: 'sara@acme.com',
      apiKey: 's3cret',
    });
    expect(form.apiKey, 'the key lives in the keyring only from now on').toBe('');
    expect(form.showKey, 'the next key typed starts hidden').toBe(false);
    expect(form.busy).toBe(false);
  });

  it('keeps what was typed when Odoo refuses, and says why', async () => {
    mockIPC(() => {
      throw { kind: 'auth', message: 'Odoo refused the login or the API key.' };
    });
    const form = new AccountFormState();
    fill(form);
    const outcome = await form.submit();
    expect(outcome.status).toBe('failed');
    expect(form.failure?.kind, 'the hint depends on the kind').toBe('auth');
    expect(form.failure?.message).toBe('Odoo refused the login or the API key.');
    expect([form.url, form.database, form.login], 'nothing to retype').toEqual([
      ' https://acme.odoo.com ',
      'acme',
      'sara@acme.com',
    ]);
    expect(form.apiKey, 'Odoo shows a key once: a network slip must not cost a new one').toBe('s3cret');
  });

  it('shows the busy state while checking and ignores a second click', async () => {
    let calls = 0;
    let answer: (value: AccountView) => void = () => {};
    mockIPC((cmd) => {
      if (cmd !== 'add_account') return;
      calls++;
      return new Promise<AccountView>((resolve) => (answer = resolve));
    });
    const form = new AccountFormState();
    fill(form);
    const first = form.submit();
    expect(form.busy, '"Checking the connection…" shows at once').toBe(true);
    expect(await form.submit(), 'a double click must not add the account twice').toEqual({ status: 'busy' });
    answer(account(1, true));
    await first;
    expect(calls).toBe(1);
    expect(form.busy).toBe(false);
  });

  it('reports an unreachable server as offline, a previous failure cleared on retry', async () => {
    let attempt = 0;
    mockIPC(() => {
      attempt++;
      if (attempt === 1)
        throw { kind: 'offline', message: 'Odoo at https://acme.odoo.com cannot be reached.' };
      return account(1, true);
    });
    const form = new AccountFormState();
    fill(form);
    await form.submit();
    expect(form.failure?.kind).toBe('offline');
    await form.submit();
    expect(form.failure, 'the old error must not linger after success').toBe(null);
  });
});

describe('AccountsState', () => {
  it('lists the accounts and marks the current one', async () => {
    mockIPC((cmd) => (cmd === 'list_accounts' ? [account(1, true), account(2, false)] : null));
    const accounts = new AccountsState();
    await accounts.load();
    expect(accounts.loaded).toBe(true);
    expect(accounts.accounts.map((a) => a.id)).toEqual([1, 2]);
    expect(accounts.current?.id).toBe(1);
  });

  it('switches the active account and shows the new current one', async () => {
    let current = 1;
    const used: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'use_account') {
        used.push(args);
        current = (args as { id: number }).id;
        return null;
      }
      if (cmd === 'list_accounts') return [account(1, current === 1), account(2, current === 2)];
    });
    const accounts = new AccountsState();
    await accounts.load();
    expect(await accounts.use(2)).toBe(true);
    expect(used, 'Rust names the argument id').toEqual([{ id: 2 }]);
    expect(accounts.current?.id, 'the list is re-read after switching').toBe(2);
    expect(accounts.busyId).toBe(null);
  });

  it('removes an account and drops it from the list', async () => {
    let listed = [account(1, true), account(2, false)];
    mockIPC((cmd, args) => {
      if (cmd === 'remove_account') {
        listed = listed.filter((a) => a.id !== (args as { id: number }).id);
        return null;
      }
      if (cmd === 'list_accounts') return listed;
    });
    const accounts = new AccountsState();
    await accounts.load();
    expect(await accounts.remove(2)).toBe(true);
    expect(accounts.accounts.map((a) => a.id)).toEqual([1]);
    expect(accounts.rowFailure).toBe(null);
  });

  it('refreshes a stale list when the account was already gone', async () => {
    let lists = 0;
    mockIPC((cmd) => {
      if (cmd === 'remove_account') throw { kind: 'not_found', message: 'No account 2.' };
      if (cmd === 'list_accounts')
        return ++lists === 1 ? [account(1, true), account(2, false)] : [account(1, true)];
    });
    const accounts = new AccountsState();
    await accounts.load();
    expect(await accounts.remove(2)).toBe(false);
    expect(accounts.rowFailure, 'the failure is kept for the screen to explain').toMatchObject({
      id: 2,
      action: 'remove',
    });
    expect(accounts.rowFailure?.failure.kind).toBe('not_found');
    expect(
      accounts.accounts.map((a) => a.id),
      'the gone account disappears',
    ).toEqual([1]);
  });

  it('keeps the account when the keyring refuses to delete its key', async () => {
    mockIPC((cmd) => {
      if (cmd === 'remove_account') throw { kind: 'internal', message: 'no usable keyring (locked).' };
      if (cmd === 'list_accounts') return [account(1, true)];
    });
    const accounts = new AccountsState();
    await accounts.load();
    expect(await accounts.remove(1)).toBe(false);
    expect(accounts.rowFailure?.failure.message).toContain('keyring');
    expect(accounts.accounts).toHaveLength(1);
  });

  it('counts what removing the current account would lose, and nothing for another', async () => {
    mockIPC((cmd) =>
      cmd === 'sync_status' ? status({ account_id: 1, pending: 2, failed: 1, conflicts: 1 }) : null,
    );
    const accounts = new AccountsState();
    expect(await accounts.unpushed(1), 'pending, refused and conflicting edits are all lost').toBe(4);
    expect(await accounts.unpushed(2), 'Rust only counts the current account').toBe(null);
  });

  it('says when the list cannot be read', async () => {
    mockIPC(() => {
      throw { kind: 'internal', message: 'The database is locked.' };
    });
    const accounts = new AccountsState();
    await accounts.load();
    expect(accounts.loaded, 'the screen stops saying "Loading…"').toBe(true);
    expect(accounts.loadFailure?.message).toBe('The database is locked.');
  });

  it('re-reads the list when a sync ends, so "last synced" and errors are fresh', async () => {
    let synced: string | null = null;
    mockIPC((cmd) => (cmd === 'list_accounts' ? [account(1, true, { lastSyncedAt: synced })] : null), {
      shouldMockEvents: true,
    });
    const accounts = new AccountsState();
    await accounts.load();
    const stop = await accounts.watch();
    synced = '2026-11-26 10:00:00';
    await emit('sync-status-changed', status({ in_progress: true }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(accounts.accounts[0]?.lastSyncedAt, 'progress events do not reload').toBe(null);
    await emit('sync-status-changed', status({ in_progress: false }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(accounts.accounts[0]?.lastSyncedAt).toBe('2026-11-26 10:00:00');
    stop();
  });
});
