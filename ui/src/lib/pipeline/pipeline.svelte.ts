// The Pipeline screen's state: reference data, the saved view (filters, layout, order), the
// kanban board, and the edits made from it. Everything is read from the cache through IPC,
// so it answers offline; edits apply locally at once and go to Odoo through the outbox.
import { tick } from 'svelte';
import {
  ipc,
  IpcError,
  type BoardView,
  type LeadFilter,
  type LeadView,
  type ListSort,
  type PipelineBasics,
  type PipelineLayout,
  type PipelineView,
  type StageView,
} from '$lib/ipc';

/** Cards loaded with the board per column (a screenful and the overscan); the rest load as
 *  a column scrolls. */
export const FIRST_CARDS = 12;
/** Cards or rows per page after the first. */
export const PAGE = 60;

export function defaultView(): PipelineView {
  return {
    filter: {
      search: null,
      scope: 'all',
      stageIds: [],
      sourceIds: [],
      tagIds: [],
      priorities: [],
      statuses: ['open', 'won'],
      createdFrom: null,
      createdTo: null,
    },
    layout: 'kanban',
    sort: { column: 'updated', ascending: false },
  };
}

/** How many filters differ from the default (the search excluded), for the filter button. */
export function activeFilters(filter: LeadFilter): number {
  const base = defaultView().filter;
  let n = 0;
  if (filter.scope !== base.scope) n++;
  for (const key of ['stageIds', 'sourceIds', 'tagIds', 'priorities'] as const) {
    if (filter[key].length > 0) n++;
  }
  if ([...filter.statuses].sort().join() !== [...base.statuses].sort().join()) n++;
  if (filter.createdFrom || filter.createdTo) n++;
  return n;
}

/** The board after moving a card to another column, before Odoo (or the cache) answers. */
export function boardAfterMove(board: BoardView, lead: LeadView, stage: StageView): BoardView {
  const revenue = lead.expectedRevenue ?? 0;
  const moved: LeadView = { ...lead, stage: { id: stage.id, name: stage.name }, pending: lead.pending + 1 };
  return {
    ...board,
    columns: board.columns.map((column) => {
      if (column.stageId === stage.id) {
        return {
          ...column,
          count: column.count + 1,
          revenue: (column.revenue ?? 0) + revenue,
          leads: [moved, ...column.leads],
        };
      }
      if (column.stageId === (lead.stage?.id ?? null)) {
        return {
          ...column,
          count: Math.max(0, column.count - 1),
          revenue: (column.revenue ?? 0) - revenue,
          leads: column.leads.filter((l) => l.id !== lead.id),
        };
      }
      return column;
    }),
  };
}

/** The card in the board's tab order (roving tabindex): the one the rep focused last while
 *  the board still shows it, else the first card of the first column that has one. */
export function tabStop(board: BoardView, focused: number | null): number | null {
  const shown = board.columns.flatMap((column) => column.leads);
  if (focused !== null && shown.some((lead) => lead.id === focused)) return focused;
  return shown[0]?.id ?? null;
}

export type Phase = 'loading' | 'ready' | 'no-account' | 'error';

export class Pipeline {
  phase = $state<Phase>('loading');
  /** Why the screen could not load (phase "error"). */
  error = $state<string | null>(null);
  /** An action that failed (a move, a quick create): shown, then dismissed. */
  notice = $state<string | null>(null);
  basics = $state<PipelineBasics | null>(null);
  view = $state<PipelineView>(defaultView());
  /** Raw, not deep state: every board is replaced whole (a keystroke, a move), so a deep
   *  proxy would only wrap every card of every new board for nothing. */
  board = $state.raw<BoardView | null>(null);
  /** Bumped whenever cached leads may have changed: columns and the list reload pages. */
  generation = $state(0);
  /** The lead shown in the side panel. */
  openLeadId = $state<number | null>(null);

  #inFlight = false;
  #again = false;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;

  stage(id: number | null | undefined): StageView | undefined {
    return this.basics?.stages.find((s) => s.id === id);
  }

  async load() {
    try {
      const [basics, view] = await Promise.all([ipc.pipelineBasics(), ipc.pipelineView()]);
      this.basics = basics;
      this.view = view;
      await this.refresh();
      this.phase = 'ready';
    } catch (e) {
      this.fail(e);
    }
  }

  /** Reloads the board (and tells the list and columns to reload). Calls made while one is
   *  running coalesce into one more, so typing never queues a request per keystroke. */
  async refresh() {
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    this.#inFlight = true;
    try {
      do {
        this.#again = false;
        const filter = $state.snapshot(this.view.filter);
        if (this.view.layout === 'kanban') {
          const board = await ipc.board(filter, FIRST_CARDS);
          mark('board:received');
          this.board = board;
        }
        this.generation++;
        await tick();
        mark('board:rendered');
      } while (this.#again);
    } catch (e) {
      this.fail(e);
    } finally {
      this.#inFlight = false;
    }
  }

  /** After a sync: reference data may have changed too. */
  async reload() {
    if (this.phase === 'no-account' || this.phase === 'error') return this.load();
    try {
      this.basics = await ipc.pipelineBasics();
    } catch (e) {
      return this.fail(e);
    }
    await this.refresh();
  }

  setFilter(patch: Partial<LeadFilter>) {
    this.view.filter = { ...this.view.filter, ...patch };
    this.persist();
    void this.refresh();
  }

  resetFilters() {
    this.view.filter = { ...defaultView().filter, search: this.view.filter.search };
    this.persist();
    void this.refresh();
  }

  setLayout(layout: PipelineLayout) {
    this.view.layout = layout;
    this.persist();
    void this.refresh();
  }

  setSort(sort: ListSort) {
    this.view.sort = sort;
    this.persist();
    this.generation++;
  }

  /** Moves a lead to a stage: a won stage marks it won. Instant here, pushed later. */
  async moveLead(lead: LeadView, stageId: number) {
    const stage = this.stage(stageId);
    if (!stage || lead.stage?.id === stageId) return;
    if (this.board) this.board = boardAfterMove(this.board, lead, stage);
    try {
      await ipc.editLead(lead.id, stage.isWon ? { op: 'won' } : { op: 'update', stageId });
    } catch (e) {
      this.notice = e instanceof IpcError ? e.message : String(e);
    }
    await this.refresh();
  }

  /** Creates a lead at the top of a column. */
  async quickCreate(name: string, stageId: number | null): Promise<LeadView | null> {
    try {
      const lead = await ipc.createLead(name, stageId === null ? {} : { stageId });
      await this.refresh();
      return lead;
    } catch (e) {
      this.notice = e instanceof IpcError ? e.message : String(e);
      return null;
    }
  }

  private persist() {
    clearTimeout(this.#saveTimer);
    // Saved shortly after the last change: a rep typing a search writes once.
    this.#saveTimer = setTimeout(() => {
      ipc.savePipelineView($state.snapshot(this.view)).catch((e: unknown) => {
        this.notice = e instanceof IpcError ? e.message : String(e);
      });
    }, 400);
  }

  private fail(e: unknown) {
    if (e instanceof IpcError && e.kind === 'not_found' && this.basics === null) {
      this.phase = 'no-account';
      return;
    }
    this.error = e instanceof IpcError ? e.message : String(e);
    this.phase = 'error';
  }
}

export const pipeline = new Pipeline();

/** A User Timing mark, only the latest of each name kept: bench/ui reads them to split a
 *  keystroke into the IPC call, Svelte's DOM update and WebKit's rendering. */
function mark(name: string) {
  performance.clearMarks(name);
  performance.mark(name);
}
