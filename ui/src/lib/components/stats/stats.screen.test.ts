// @vitest-environment happy-dom
// The test stands in for Rust, so it reaches under $lib/ipc to mock the transport.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatsView, SyncStatus } from '$lib/ipc';
import { tiles } from './model';
import { StatsScreen } from './screen.svelte';

afterEach(() => clearMocks());

const today = () => new Date(2026, 10, 15); // Nov 15, 2026

function stats(overrides: Partial<StatsView> = {}): StatsView {
  return {
    won: 2,
    lost: 1,
    winRate: 2 / 3,
    created: 5,
    opportunities: 2,
    leadToOpportunity: 0.4,
    pipelineByStage: [],
    leadsBySourceWeek: [],
    wonBySalespersonMonth: [],
    averageDaysToClose: 3,
    asOf: '2026-11-15 08:00:00',
    ...overrides,
  };
}

function status(in_progress: boolean): SyncStatus {
  return {
    account_id: 1,
    in_progress,
    progress: null,
    online: true,
    last_success: null,
    pending: 0,
    failed: 0,
    conflicts: 0,
    last_error: null,
    last_error_kind: null,
    changed: true,
  };
}

/** Rust's pipeline_stats: records the periods asked for, answers with `answer`. */
function rust(answer: (period: { from: string; to: string }) => StatsView) {
  const asked: { from: string; to: string }[] = [];
  mockIPC(
    (cmd, args) => {
      if (cmd !== 'pipeline_stats') return null;
      const period = args as { from: string; to: string };
      asked.push(period);
      if (period.to <= period.from)
        throw { kind: 'validation', message: 'The period must end after it starts.' };
      return answer(period);
    },
    { shouldMockEvents: true },
  );
  return asked;
}

describe('Stats screen', () => {
  it('opens on the last three months and shows the win rate the cache computes', async () => {
    const asked = rust(() => stats());
    const screen = new StatsScreen(today);
    await screen.load();
    expect(asked).toEqual([{ from: '2026-09-01', to: '2026-12-01' }]);
    expect(screen.preset).toBe('last3Months');
    expect(screen.through, 'the date input shows the last day').toBe('2026-11-30');
    expect(tiles(screen.view as StatsView, 'en').find((t) => t.id === 'win-rate')?.value).toBe('67%');
    expect(screen.shown).toEqual({ from: '2026-09-01', to: '2026-12-01' });
  });

  it('a preset and typed dates ask Rust for the matching period', async () => {
    const asked = rust(() => stats());
    const screen = new StatsScreen(today);
    await screen.choose('thisYear');
    await screen.pick('2026-03-01', '2026-03-31');
    expect(asked).toEqual([
      { from: '2026-01-01', to: '2027-01-01' },
      { from: '2026-03-01', to: '2026-04-01' },
    ]);
    expect(screen.preset).toBe('custom');
    await screen.pick('2026-11-01', '2026-11-30');
    expect(screen.preset, 'typing this month’s dates selects "This month"').toBe('thisMonth');
  });

  it('no account yet: the screen points to Settings', async () => {
    mockIPC(() => {
      throw { kind: 'not_found', message: 'No Odoo account yet: add one in Settings.' };
    });
    const screen = new StatsScreen(today);
    await screen.load();
    expect(screen.noAccount).toBe(true);
    expect(screen.view).toBeNull();
    expect(screen.error, 'not an error: a first-run state').toBeNull();
  });

  it('a period Rust refuses is reported next to the dates, and the last numbers stay', async () => {
    rust(() => stats());
    const screen = new StatsScreen(today);
    await screen.load();
    const before = screen.view;
    await screen.pick('2026-11-30', '2026-11-01');
    expect(screen.invalid).toBe('The period must end after it starts.');
    expect(screen.view, 'no blank screen for a typo').toBe(before);
    expect(screen.shown, 'labelled with the period they are for').toEqual({
      from: '2026-09-01',
      to: '2026-12-01',
    });
    await screen.pick('2026-11-01', '2026-11-30');
    expect(screen.invalid, 'fixing the dates clears the message').toBeNull();
  });

  it('other failures are errors to retry, not an empty screen', async () => {
    mockIPC(() => {
      throw { kind: 'internal', message: 'database is locked' };
    });
    const screen = new StatsScreen(today);
    await screen.load();
    expect(screen.error?.kind).toBe('internal');
    expect(screen.busy).toBe(false);
  });

  it('only the latest answer lands when answers overtake each other', async () => {
    const pending: ((view: StatsView) => void)[] = [];
    mockIPC((cmd) => {
      if (cmd === 'pipeline_stats') return new Promise<StatsView>((resolve) => pending.push(resolve));
    });
    const screen = new StatsScreen(today);
    const first = screen.load();
    const second = screen.choose('thisMonth');
    await new Promise((r) => setTimeout(r, 0));
    pending[1]?.(stats({ created: 2 }));
    await second;
    pending[0]?.(stats({ created: 99 }));
    await first;
    expect(screen.view?.created).toBe(2);
    expect(screen.shown).toEqual({ from: '2026-11-01', to: '2026-12-01' });
  });

  it('reloads when a sync ends, so the numbers stay as of the last sync', async () => {
    let created = 1;
    const asked = rust(() => stats({ created }));
    const screen = new StatsScreen(today);
    await screen.load();
    const stop = await screen.watchSync();

    await emit('sync-status-changed', status(true));
    await emit('sync-status-changed', status(true));
    expect(asked, 'progress of a running sync does not reload').toHaveLength(1);

    created = 7;
    await emit('sync-status-changed', status(false));
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toHaveLength(2);
    expect(screen.view?.created).toBe(7);

    await emit('sync-status-changed', status(false));
    await new Promise((r) => setTimeout(r, 0));
    expect(asked, 'a status change outside a sync (an edit queued) does not reload').toHaveLength(2);

    stop();
    // The mock leaves the unlistened handler registered and warns when it finds it gone:
    // that warning is the unsubscription working.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await emit('sync-status-changed', status(true));
    await emit('sync-status-changed', status(false));
    await new Promise((r) => setTimeout(r, 0));
    expect(asked, 'unsubscribed when the screen closes').toHaveLength(2);
    warn.mockRestore();
  });
});
