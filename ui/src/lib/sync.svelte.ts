// The sync status of the current account, pushed by Rust on every change (start, progress,
// end), shared by the status bar and the screens that reload when a sync lands.
import { ipc, type SyncStatus } from '$lib/ipc';

type Listener = (status: SyncStatus) => void;

class Sync {
  status = $state<SyncStatus | null>(null);
  #listeners = new Set<Listener>();
  #started = false;

  /** Starts listening (once); returns when the first status is known. */
  async start() {
    if (this.#started) return;
    this.#started = true;
    await ipc
      .onSyncStatusChanged((status) => this.#set(status))
      .catch(() => {
        this.#started = false;
      });
    await ipc
      .syncStatus()
      .then((status) => this.#set(status))
      .catch(() => {});
  }

  /** Calls `listener` when a sync has finished having changed something (or the account
   *  was switched): an idle pipeline is not reloaded and repainted every interval. */
  onFinished(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(status: SyncStatus) {
    const finished = this.status?.in_progress === true && !status.in_progress && status.changed;
    const switched = this.status !== null && this.status.account_id !== status.account_id;
    this.status = status;
    if (finished || switched) for (const listener of this.#listeners) listener(status);
  }
}

export const sync = new Sync();
