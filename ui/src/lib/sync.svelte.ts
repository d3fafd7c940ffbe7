// The sync status of the current account, pushed by Rust on every change (start, progress,
// end), shared by the status bar and the screens that reload when a sync lands.
import { ipc, type SyncStatus } from '$lib/ipc';

type Listener = (status: SyncStatus) => void;

/** A background sync that ends sooner than this is never shown as running: an idle window
 *  syncing every 30 s would otherwise repaint its status bar (text, spinner, button) twice
 *  per sync for nothing the rep needs to see (BENCHMARKS.md, "Notifications": idle cost). */
export const SHOW_RUNNING_AFTER_MS = 1_000;

export class Sync {
  status = $state<SyncStatus | null>(null);
  // Callbacks, not state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<Listener>();
  #started = false;
  /** A sync is running, whether or not it is shown yet. */
  #running = false;
  /** The newest running status not shown yet, and when it will be. */
  #held: SyncStatus | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The rep asked for this sync: show it at once. */
  #asked = false;

  /** Starts listening (once); returns when the first status is known. */
  async start() {
    if (this.#started) return;
    this.#started = true;
    await ipc
      .onSyncStatusChanged((status) => this.receive(status))
      .catch(() => {
        this.#started = false;
      });
    await ipc
      .syncStatus()
      .then((status) => this.receive(status))
      .catch(() => {});
  }

  /** Syncs now, showing the sync as running from the first moment (the rep is watching). */
  async now() {
    this.#asked = true;
    if (this.#held) this.#show(this.#held);
    try {
      await ipc.syncNow();
    } catch (e) {
      this.#asked = false;
      throw e;
    }
  }

  /** Calls `listener` when a sync has finished having changed something (or the account
   *  was switched): an idle pipeline is not reloaded and repainted every interval. */
  onFinished(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A status pushed by Rust (exported for tests). */
  receive(status: SyncStatus) {
    if (status.in_progress) {
      this.#running = true;
      if (this.#asked || this.status?.in_progress) {
        this.#show(status);
      } else {
        this.#held = status;
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          if (this.#held) this.#show(this.#held);
        }, SHOW_RUNNING_AFTER_MS);
      }
      return;
    }
    const finished = this.#running && status.changed;
    const switched = this.status !== null && this.status.account_id !== status.account_id;
    this.#running = false;
    this.#asked = false;
    this.#show(status);
    if (finished || switched) for (const listener of this.#listeners) listener(status);
  }

  #show(status: SyncStatus) {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = null;
    this.status = status;
  }
}

export const sync = new Sync();
