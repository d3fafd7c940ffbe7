// @vitest-environment happy-dom
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '$lib/ipc';
import { SHOW_RUNNING_AFTER_MS, Sync } from './sync.svelte';

const idle: SyncStatus = {
  account_id: 1,
  in_progress: false,
  progress: null,
  online: true,
  last_success: '2026-11-27 08:00:00',
  pending: 0,
  failed: 0,
  conflicts: 0,
  last_error: null,
  last_error_kind: null,
  changed: false,
};
const running: SyncStatus = { ...idle, in_progress: true };
const done = (changed: boolean): SyncStatus => ({ ...idle, last_success: '2026-11-27 08:00:30', changed });

describe('sync status', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    mockIPC(() => null);
  });
  afterEach(() => {
    clearMocks();
    vi.useRealTimers();
  });

  it('never shows a quick background sync as running, but still reloads when it changed something', () => {
    const sync = new Sync();
    const reloads = vi.fn();
    sync.onFinished(reloads);
    sync.receive(idle);
    sync.receive(running);
    sync.receive({ ...running, progress: { phase: 'leads', done: 0, total: null } });
    expect(sync.status?.in_progress, 'an idle window is not repainted for a sync that takes 50 ms').toBe(
      false,
    );
    sync.receive(done(true));
    vi.advanceTimersByTime(SHOW_RUNNING_AFTER_MS * 2);
    expect(sync.status, 'the ended status is shown, and nothing held comes back later').toEqual(done(true));
    expect(reloads, 'screens reload after a sync that changed something').toHaveBeenCalledTimes(1);

    sync.receive(running);
    sync.receive(done(false));
    expect(reloads, 'a sync that changed nothing reloads nothing').toHaveBeenCalledTimes(1);
  });

  it('shows a long sync once it has run for a moment, with its newest progress', () => {
    const sync = new Sync();
    sync.receive(idle);
    sync.receive(running);
    const leads: SyncStatus = { ...running, progress: { phase: 'leads', done: 500, total: 10_000 } };
    sync.receive(leads);
    vi.advanceTimersByTime(SHOW_RUNNING_AFTER_MS);
    expect(sync.status, 'a first sync of 10,000 leads shows its progress').toEqual(leads);
    const later: SyncStatus = { ...running, progress: { phase: 'leads', done: 1_000, total: 10_000 } };
    sync.receive(later);
    expect(sync.status, 'once shown, progress follows at once').toEqual(later);
  });

  it('shows a sync the rep asked for from the first moment', async () => {
    const sync = new Sync();
    sync.receive(idle);
    await sync.now();
    sync.receive(running);
    expect(sync.status?.in_progress, 'the button the rep pressed answers at once').toBe(true);
  });
});
