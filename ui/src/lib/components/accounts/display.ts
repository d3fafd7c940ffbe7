import type { AccountView } from '$lib/ipc';

/** The API in use, as Odoo's documentation names it. */
export function transportLabel(transport: string): string {
  const names: Record<string, string> = { json2: 'JSON-2', jsonrpc: 'JSON-RPC' };
  return names[transport] ?? transport;
}

/** How an account is named to the rep: Odoo's name for the user, else the login. */
export function accountName(account: Pick<AccountView, 'userName' | 'login'>): string {
  return account.userName.trim() || account.login;
}
