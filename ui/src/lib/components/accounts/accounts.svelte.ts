import { ipc, type AccountView, type IpcError } from '$lib/ipc';
import { asIpcError } from './failure';

/** A failed switch or removal, shown on the account's row. */
export type RowFailure = { id: number; action: 'use' | 'remove'; failure: IpcError };

/** The accounts in Settings: the list, switching, removing, and keeping it fresh. */
export class AccountsState {
  accounts = $state<AccountView[]>([]);
  loaded = $state(false);
  loadFailure = $state<IpcError | null>(null);
  /** The account a switch or removal is running for. */
  busyId = $state<number | null>(null);
  rowFailure = $state<RowFailure | null>(null);

  current = $derived(this.accounts.find((a) => a.isCurrent) ?? null);

  async load() {
    try {
      this.accounts = await ipc.listAccounts();
      this.loadFailure = null;
    } catch (e) {
      this.loadFailure = asIpcError(e);
    } finally {
      this.loaded = true;
    }
  }

  /** Makes `id` the account the window shows. Returns whether it worked. */
  use(id: number): Promise<boolean> {
    return this.act(id, 'use', () => ipc.useAccount(id));
  }

  /** Removes `id` with its key and its cache. Returns whether it worked. */
  remove(id: number): Promise<boolean> {
    return this.act(id, 'remove', () => ipc.removeAccount(id));
  }

  /**
   * Edits of `id` not yet in Odoo, which removing it would lose. Rust counts them for the
   * current account only; for another one, or when the count cannot be had, null (the
   * dialog then warns in general terms).
   */
  async unpushed(id: number): Promise<number | null> {
    try {
      const status = await ipc.syncStatus();
      return status.account_id === id ? status.pending + status.failed + status.conflicts : null;
    } catch {
      return null;
    }
  }

  /**
   * Reloads the list when a sync ends (its last-synced time or error changed). Returns the
   * unsubscribe function.
   */
  async watch(): Promise<() => void> {
    return ipc.onSyncStatusChanged((status) => {
      if (!status.in_progress) void this.load();
    });
  }

  private async act(id: number, action: RowFailure['action'], call: () => Promise<unknown>) {
    if (this.busyId !== null) return false;
    this.busyId = id;
    this.rowFailure = null;
    try {
      await call();
      return true;
    } catch (e) {
      this.rowFailure = { id, action, failure: asIpcError(e) };
      return false;
    } finally {
      this.busyId = null;
      // Also after a failure: "not found" means the list is stale.
      await this.load();
    }
  }
}
