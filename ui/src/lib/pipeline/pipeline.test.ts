// @vitest-environment happy-dom
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BoardView, LeadView, PipelineBasics } from '$lib/ipc';
import { activeFilters, boardAfterMove, defaultView, Pipeline, tabStop } from './pipeline.svelte';
import { scrollToShow, visibleRange } from './window';

const basics: PipelineBasics = {
  me: 7,
  stages: [
    { id: 1, name: 'New', isWon: false, fold: false },
    { id: 2, name: 'Proposition', isWon: false, fold: false },
    { id: 3, name: 'Won', isWon: true, fold: false },
  ],
  tags: [],
  sources: [],
  lostReasons: [],
  salespeople: [],
  lastSyncedAt: null,
};

function lead(id: number, stage: number, revenue = 100): LeadView {
  return {
    id,
    clientKey: null,
    name: `Lead ${id}`,
    kind: 'opportunity',
    status: 'open',
    active: true,
    stage: { id: stage, name: basics.stages.find((s) => s.id === stage)?.name ?? '' },
    salesperson: null,
    team: null,
    partner: null,
    contactName: null,
    companyName: null,
    email: null,
    phone: null,
    description: null,
    expectedRevenue: revenue,
    probability: null,
    priority: 0,
    tagIds: [],
    lostReason: null,
    source: null,
    medium: null,
    createdAt: null,
    updatedAt: null,
    pending: 0,
    conflict: false,
  };
}

const board: BoardView = {
  columns: [
    { stageId: 1, count: 2, revenue: 300, leads: [lead(10, 1, 100), lead(11, 1, 200)] },
    { stageId: 2, count: 0, revenue: 0, leads: [] },
    { stageId: 3, count: 0, revenue: 0, leads: [] },
  ],
  total: 2,
};

describe('virtualized windows', () => {
  it('draws a screenful plus overscan, never past the ends', () => {
    expect(visibleRange(0, 600, 112, 5000, 4), 'top of a 5,000-card column').toEqual({ start: 0, end: 10 });
    expect(visibleRange(112 * 1000, 600, 112, 5000, 4), 'deep in the column').toEqual({
      start: 996,
      end: 1010,
    });
    expect(visibleRange(112 * 4999, 600, 112, 5000, 4).end, 'the end is the last card').toBe(5000);
    expect(visibleRange(0, 600, 112, 0), 'an empty column draws nothing').toEqual({ start: 0, end: 0 });
  });

  it('scrolls just enough to show a focused card', () => {
    expect(scrollToShow(0, 500, 600, 100), 'above: align its top').toBe(0);
    expect(scrollToShow(20, 0, 600, 100), 'below: align its bottom').toBe(1500);
    expect(scrollToShow(3, 0, 600, 100), 'visible: no jump').toBe(0);
  });
});

describe('filters', () => {
  it('counts what differs from the default, not the search', () => {
    const filter = defaultView().filter;
    expect(activeFilters(filter)).toBe(0);
    expect(activeFilters({ ...filter, search: 'solar' }), 'the search has its own box').toBe(0);
    expect(activeFilters({ ...filter, scope: 'mine', tagIds: [1, 2], statuses: ['lost'] })).toBe(3);
    expect(activeFilters({ ...filter, statuses: ['won', 'open'] }), 'order does not matter').toBe(0);
  });
});

describe('moving a card', () => {
  it('moves it between columns with their counts and revenue, marked pending', () => {
    const stage = basics.stages[1]!;
    const moved = boardAfterMove(board, board.columns[0]!.leads[1]!, stage);
    expect(moved.columns[0]).toMatchObject({ count: 1, revenue: 100 });
    expect(moved.columns[1]).toMatchObject({ count: 1, revenue: 200 });
    expect(moved.columns[1]!.leads[0]).toMatchObject({ id: 11, pending: 1, stage: { id: 2 } });
    expect(board.columns[0]!.count, 'the previous board is left as it was').toBe(2);
  });
});

describe('the board in the tab order', () => {
  const searched: BoardView = {
    columns: [
      { stageId: 1, count: 0, revenue: 0, leads: [] },
      { stageId: 2, count: 1, revenue: 100, leads: [lead(20, 2)] },
      { stageId: 3, count: 0, revenue: 0, leads: [] },
    ],
    total: 1,
  };
  it('keeps the card the rep focused while the new board still shows it', () => {
    expect(tabStop(board, 11), 'a sync must not move the rep off their card').toBe(11);
  });
  it('falls back to the first card shown when a search hides the focused one', () => {
    expect(tabStop(searched, 11), 'Tab must land on a card that is drawn').toBe(20);
    expect(tabStop(board, null), 'with nothing focused yet, the first card is the stop').toBe(10);
  });
  it('has no stop on an empty board', () => {
    const empty = { columns: searched.columns.map((c) => ({ ...c, count: 0, leads: [] })), total: 0 };
    expect(tabStop(empty, 20)).toBeNull();
  });
});

describe('Pipeline', () => {
  let calls: { cmd: string; args: Record<string, unknown> }[];
  let respond: (cmd: string, args: Record<string, unknown>) => unknown;

  beforeEach(() => {
    calls = [];
    respond = () => undefined;
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: args as Record<string, unknown> });
      if (cmd === 'pipeline_basics') return basics;
      if (cmd === 'pipeline_view') return defaultView();
      if (cmd === 'board') return board;
      return respond(cmd, args as Record<string, unknown>);
    });
  });
  afterEach(() => {
    clearMocks();
    vi.useRealTimers();
  });

  it('dropping on a won stage marks the lead won; other stages change the stage', async () => {
    const pipeline = new Pipeline();
    await pipeline.load();
    respond = (cmd) => (cmd === 'edit_lead' ? lead(10, 3) : undefined);
    await pipeline.moveLead(lead(10, 1), 3);
    await pipeline.moveLead(lead(11, 1), 2);
    const edits = calls.filter((c) => c.cmd === 'edit_lead').map((c) => c.args);
    expect(edits, 'Odoo wants action_set_won, not a bare stage write, for a won stage').toEqual([
      { id: 10, edit: { op: 'won' } },
      { id: 11, edit: { op: 'update', stageId: 2 } },
    ]);
  });

  it('typing while the board loads asks once more, with the latest search', async () => {
    const pipeline = new Pipeline();
    await pipeline.load();
    calls = [];
    for (const typed of ['s', 'so', 'sol', 'sola', 'solar']) pipeline.setFilter({ search: typed });
    await vi.waitFor(() => expect(calls.filter((c) => c.cmd === 'board').length).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const boards = calls.filter((c) => c.cmd === 'board');
    expect(boards.length, 'one request in flight, one for everything typed meanwhile').toBe(2);
    expect((boards[1]!.args.filter as { search: string }).search).toBe('solar');
  });

  it('saves the view once after a burst of changes', async () => {
    vi.useFakeTimers();
    const pipeline = new Pipeline();
    await pipeline.load();
    pipeline.setFilter({ scope: 'mine' });
    pipeline.setFilter({ tagIds: [4] });
    pipeline.setLayout('list');
    await vi.advanceTimersByTimeAsync(1000);
    const saves = calls.filter((c) => c.cmd === 'save_pipeline_view');
    expect(saves.length, 'one write for the burst').toBe(1);
    expect(saves[0]!.args.view).toMatchObject({ layout: 'list', filter: { scope: 'mine', tagIds: [4] } });
  });

  it('without an account it says so rather than failing', async () => {
    clearMocks();
    mockIPC(() => {
      throw { kind: 'not_found', message: 'No Odoo account yet: add one in Settings.' };
    });
    const pipeline = new Pipeline();
    await pipeline.load();
    expect(pipeline.phase).toBe('no-account');
  });
});
