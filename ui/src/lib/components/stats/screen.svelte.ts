// The state of the Stats screen: the period, the numbers for it, and how getting them went.
// The numbers come from the cache, so they answer at once and offline: while a new period
// loads, the previous numbers stay on screen rather than giving way to a spinner.
import { ipc, IpcError, type StatsView } from '$lib/ipc';
import {
  DEFAULT_PRESET,
  calendarToday,
  exclusiveEnd,
  lastDay,
  presetOf,
  presetPeriod,
  type Period,
  type PresetChoice,
} from './period';

export class StatsScreen {
  preset = $state<PresetChoice>(DEFAULT_PRESET);
  /** First day, as the date input shows it. */
  from = $state('');
  /** Last day included, as the date input shows it. */
  through = $state('');
  /** The numbers on screen, and the period they are for (not necessarily the one picked). */
  view = $state.raw<StatsView | null>(null);
  shown = $state.raw<Period | null>(null);
  /** No Odoo account yet: the screen points to Settings. */
  noAccount = $state(false);
  /** Rust refused the period (kind "validation"): shown next to the dates. */
  invalid = $state<string | null>(null);
  /** Anything else that went wrong. */
  error = $state.raw<IpcError | null>(null);
  busy = $state(false);

  // Answers can overtake each other (a click on a preset during a sync reload): only the
  // latest request may land.
  #request = 0;
  #today: () => Date;

  constructor(today: () => Date = calendarToday) {
    this.#today = today;
    this.#usePreset(DEFAULT_PRESET);
  }

  /** The period as Rust takes it. */
  get period(): Period {
    return { from: this.from, to: exclusiveEnd(this.through) };
  }

  #usePreset(preset: PresetChoice) {
    this.preset = preset;
    if (preset === 'custom') return;
    const period = presetPeriod(preset, this.#today());
    this.from = period.from;
    this.through = lastDay(period.to);
  }

  /** A preset was picked ("custom" keeps the dates, for editing). */
  choose(preset: PresetChoice): Promise<void> {
    this.#usePreset(preset);
    return preset === 'custom' ? Promise.resolve() : this.load();
  }

  /** The dates were edited. */
  pick(from: string, through: string): Promise<void> {
    this.from = from;
    this.through = through;
    this.preset = presetOf(this.period, this.#today());
    return this.load();
  }

  /** After a sync: a preset follows the calendar (the day may have changed), custom stays put. */
  refresh(): Promise<void> {
    this.#usePreset(this.preset);
    return this.load();
  }

  async load(): Promise<void> {
    const request = ++this.#request;
    const period = this.period;
    this.busy = true;
    try {
      const view = await ipc.pipelineStats(period.from, period.to);
      if (request !== this.#request) return;
      this.view = view;
      this.shown = period;
      this.noAccount = false;
      this.invalid = null;
      this.error = null;
    } catch (e) {
      if (request !== this.#request) return;
      const error = e instanceof IpcError ? e : new IpcError('internal', String(e));
      if (error.kind === 'not_found') {
        this.noAccount = true;
        this.view = null;
        this.shown = null;
        this.error = null;
      } else if (error.kind === 'validation') {
        // The last good numbers stay, labelled with their own period, until the dates are fixed.
        this.invalid = error.message;
        this.error = null;
      } else {
        this.error = error;
      }
    } finally {
      if (request === this.#request) this.busy = false;
    }
  }

  /**
   * Reloads whenever a sync ends, so the screen stays "as of the last sync". Resolves to the
   * unsubscribe function.
   */
  watchSync(): Promise<() => void> {
    // Unknown at first: the first "not running" status may be the end of a sync that started
    // before this screen opened; a reload from the cache is cheap either way.
    let running: boolean | null = null;
    return ipc.onSyncStatusChanged((status) => {
      // Only a sync that changed something moves the numbers.
      const ended = !status.in_progress && running !== false && status.changed;
      running = status.in_progress;
      if (ended) void this.refresh();
    });
  }
}
