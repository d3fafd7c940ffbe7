// The notification centre of the current account: its items and the unread count for the
// navigation badge. Rust tells us when it changes (a sync announced something, or items
// were read elsewhere, e.g. by clicking the desktop notification).
import { ipc, IpcError, type NotificationView } from '$lib/ipc';

class Inbox {
  items = $state<NotificationView[]>([]);
  unread = $state(0);
  loaded = $state(false);
  error = $state<string | null>(null);
  #listening = false;

  async start() {
    if (this.#listening) return;
    this.#listening = true;
    await ipc
      .onNotificationsChanged((changed) => {
        this.unread = changed.unread;
        void this.load();
      })
      .catch(() => (this.#listening = false));
    await this.load();
  }

  async load() {
    try {
      const centre = await ipc.listNotifications();
      this.items = centre.items;
      this.unread = centre.unread;
      this.error = null;
    } catch (e) {
      // No account yet: an empty centre, not an error.
      if (e instanceof IpcError && e.kind === 'not_found') {
        this.items = [];
        this.unread = 0;
      } else {
        this.error = e instanceof IpcError ? e.message : String(e);
      }
    } finally {
      this.loaded = true;
    }
  }

  async markRead(id: number | null) {
    try {
      await ipc.markNotificationsRead(id);
    } catch (e) {
      this.error = e instanceof IpcError ? e.message : String(e);
    }
    await this.load();
  }
}

export const inbox = new Inbox();
