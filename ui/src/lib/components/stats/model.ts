// What the Stats screen shows, shaped from Rust's StatsView: the key figure tiles, and for each
// chart its series, its tooltip lines, a one-sentence summary and a data table for screen
// readers. Pure functions of the view, the period and the locale; the components only draw.
import type { MessageKey } from '$lib/i18n/en';
import { format, type Locale } from '$lib/i18n/index.svelte';
import type { StatsView } from '$lib/ipc';
import {
  NONE,
  formatDay,
  formatInteger,
  formatMonth,
  formatPercent,
  formatRevenue,
  formatWeek,
  roundDays,
} from './format';
import { weeksOf, monthsOf, type Period } from './period';

/** Nothing was created, won or lost in the period: the period-bound parts have nothing to say. */
export function isPeriodEmpty(view: StatsView): boolean {
  return view.created === 0 && view.won === 0 && view.lost === 0;
}

/** Nothing in the cache at all (never synced, or an empty CRM). */
export function isCacheEmpty(view: StatsView): boolean {
  return isPeriodEmpty(view) && view.pipelineByStage.length === 0;
}

export interface Tile {
  id: 'win-rate' | 'conversion' | 'days' | 'created';
  label: string;
  /** The figure, or NONE when it cannot be computed. */
  value: string;
  /** A line under the figure; when the figure is missing, why. */
  detail: string;
  missing: boolean;
}

/** The key figures: win rate, lead → opportunity, average days to close, leads created. */
export function tiles(view: StatsView, locale: Locale): Tile[] {
  const t = (key: MessageKey, params?: Record<string, string | number>) => format(locale, key, params);
  const tile = (
    id: Tile['id'],
    label: MessageKey,
    value: string | null,
    detail: string,
    why: MessageKey,
  ): Tile => ({
    id,
    label: t(label),
    value: value ?? NONE,
    detail: value === null ? t(why) : detail,
    missing: value === null,
  });
  return [
    tile(
      'win-rate',
      'stats.kpi.winRate',
      view.winRate === null ? null : formatPercent(locale, view.winRate),
      t('stats.kpi.winRate.detail', { won: view.won, lost: view.lost }),
      'stats.kpi.winRate.none',
    ),
    tile(
      'conversion',
      'stats.kpi.conversion',
      view.leadToOpportunity === null ? null : formatPercent(locale, view.leadToOpportunity),
      t('stats.kpi.conversion.detail', { opportunities: view.opportunities, created: view.created }),
      'stats.kpi.conversion.none',
    ),
    tile(
      'days',
      'stats.kpi.days',
      view.averageDaysToClose === null
        ? null
        : t('stats.kpi.days.value', { days: roundDays(view.averageDaysToClose) }),
      t('stats.kpi.days.detail'),
      'stats.kpi.days.none',
    ),
    tile(
      'created',
      'stats.kpi.created',
      formatInteger(locale, view.created),
      t('stats.kpi.created.detail'),
      'stats.kpi.created.detail',
    ),
  ];
}

export interface Series {
  label: string;
  /** One value per label (revenue or leads). */
  values: number[];
  /** The lead counts behind the values, for tooltips. */
  counts: number[];
  /** The series that lumps the smaller ones together. */
  other: boolean;
}

export interface Table {
  caption: string;
  columns: string[];
  rows: string[][];
}

export interface ChartView {
  /** Category labels, in time or stage order (the chart mirrors them in RTL). */
  labels: string[];
  series: Series[];
  /** Tooltip title of a category. */
  titles: string[];
  /** Tooltip lines of one bar. */
  tooltip: (series: number, index: number) => string[];
  /** What the value axis counts, for its ticks. */
  axis: 'revenue' | 'count';
  /** The accessible name of the chart: what a sighted user takes in at a glance. */
  summary: string;
  /** Every number, for screen readers. */
  table: Table;
  empty: boolean;
}

// Beyond six colours a stacked bar is unreadable (and the palette runs out): the smallest
// series are then lumped into "other", which the table still lists one by one.
export const MAX_SERIES = 6;

/** The series names by total (largest first), the smallest lumped when there are too many. */
function rank(totals: Map<string, number>, locale: Locale): { kept: string[]; lumped: boolean } {
  const names = [...totals.keys()].sort(
    (a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b, locale),
  );
  return names.length <= MAX_SERIES
    ? { kept: names, lumped: false }
    : { kept: names.slice(0, MAX_SERIES - 1), lumped: true };
}

/** The categories of a time chart: every bucket of the period, and any Rust returned outside it. */
function timeline(expected: string[], found: string[]): string[] {
  return [...new Set([...expected, ...found])].sort();
}

/** Open leads now, by stage (not limited to the period: a pipeline is a snapshot). */
export function stageChart(view: StatsView, locale: Locale): ChartView {
  const t = (key: MessageKey, params?: Record<string, string | number>) => format(locale, key, params);
  const stages = view.pipelineByStage;
  const labels = stages.map((s) => s.name || t('stats.chart.stage.none'));
  const values = stages.map((s) => s.value ?? 0);
  const counts = stages.map((s) => s.count);
  const total = values.reduce((a, b) => a + b, 0);
  return {
    labels,
    titles: labels,
    series: [{ label: t('stats.chart.revenue'), values, counts, other: false }],
    tooltip: (_, i) => [
      `${t('stats.chart.revenue')}: ${formatRevenue(locale, stages[i]?.value ?? null)}`,
      t('stats.chart.stage.count', { count: counts[i] ?? 0 }),
    ],
    axis: 'revenue',
    summary: `${t('stats.chart.stage.title')}: ${t('stats.chart.stage.summary', {
      stages: stages.length,
      count: counts.reduce((a, b) => a + b, 0),
      value: formatRevenue(locale, total),
    })}`,
    table: {
      caption: t('stats.chart.stage.title'),
      columns: [t('stats.table.stage'), t('stats.table.openLeads'), t('stats.table.revenue')],
      rows: stages.map((s, i) => [
        labels[i] ?? '',
        formatInteger(locale, s.count),
        formatRevenue(locale, s.value),
      ]),
    },
    empty: stages.length === 0,
  };
}

/** Leads created per week, stacked by source. */
export function sourceChart(view: StatsView, period: Period, locale: Locale): ChartView {
  const t = (key: MessageKey, params?: Record<string, string | number>) => format(locale, key, params);
  const rows = view.leadsBySourceWeek;
  const weeks = timeline(
    weeksOf(period),
    rows.map((r) => r.week),
  );
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.source, (totals.get(r.source) ?? 0) + r.count);
  const { kept, lumped } = rank(totals, locale);
  const name = (source: string) => source || t('stats.chart.source.none');
  const series: Series[] = kept.map((source) => ({
    label: name(source),
    values: weeks.map(() => 0),
    counts: weeks.map(() => 0),
    other: false,
  }));
  if (lumped) {
    series.push({
      label: t('stats.chart.source.other'),
      values: weeks.map(() => 0),
      counts: weeks.map(() => 0),
      other: true,
    });
  }
  for (const r of rows) {
    const s = series[kept.includes(r.source) ? kept.indexOf(r.source) : series.length - 1];
    const w = weeks.indexOf(r.week);
    if (s && w >= 0) {
      s.values[w] = (s.values[w] ?? 0) + r.count;
      s.counts[w] = (s.counts[w] ?? 0) + r.count;
    }
  }
  const count = [...totals.values()].reduce((a, b) => a + b, 0);
  return {
    labels: weeks.map((w) => formatWeek(locale, w)),
    titles: weeks.map((w) => t('stats.chart.week', { date: formatDay(locale, w) })),
    series,
    tooltip: (s, i) => [
      t('stats.chart.source.tooltip', {
        source: series[s]?.label ?? '',
        count: series[s]?.counts[i] ?? 0,
      }),
    ],
    axis: 'count',
    summary: `${t('stats.chart.source.title')}: ${t('stats.chart.source.summary', {
      count,
      sources: totals.size,
      weeks: weeks.length,
    })}`,
    table: {
      caption: t('stats.chart.source.title'),
      columns: [t('stats.table.week'), t('stats.table.source'), t('stats.table.leads')],
      rows: rows.map((r) => [formatDay(locale, r.week), name(r.source), formatInteger(locale, r.count)]),
    },
    empty: rows.length === 0,
  };
}

/** Won expected revenue per month, stacked by salesperson (the seed's "sales report"). */
export function salespersonChart(view: StatsView, period: Period, locale: Locale): ChartView {
  const t = (key: MessageKey, params?: Record<string, string | number>) => format(locale, key, params);
  const rows = view.wonBySalespersonMonth;
  const months = timeline(
    monthsOf(period),
    rows.map((r) => r.month),
  );
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.salesperson, (totals.get(r.salesperson) ?? 0) + (r.revenue ?? 0));
  const { kept, lumped } = rank(totals, locale);
  const name = (who: string) => who || t('stats.chart.salesperson.none');
  const series: Series[] = kept.map((who) => ({
    label: name(who),
    values: months.map(() => 0),
    counts: months.map(() => 0),
    other: false,
  }));
  if (lumped) {
    series.push({
      label: t('stats.chart.salesperson.other'),
      values: months.map(() => 0),
      counts: months.map(() => 0),
      other: true,
    });
  }
  for (const r of rows) {
    const s = series[kept.includes(r.salesperson) ? kept.indexOf(r.salesperson) : series.length - 1];
    const m = months.indexOf(r.month);
    if (s && m >= 0) {
      s.values[m] = (s.values[m] ?? 0) + (r.revenue ?? 0);
      s.counts[m] = (s.counts[m] ?? 0) + r.count;
    }
  }
  const labels = months.map((m) => formatMonth(locale, m));
  return {
    labels,
    titles: labels,
    series,
    tooltip: (s, i) => [
      t('stats.chart.salesperson.tooltip', {
        salesperson: series[s]?.label ?? '',
        revenue: formatRevenue(locale, series[s]?.values[i] ?? 0),
        count: series[s]?.counts[i] ?? 0,
      }),
    ],
    axis: 'revenue',
    summary: `${t('stats.chart.salesperson.title')}: ${t('stats.chart.salesperson.summary', {
      revenue: formatRevenue(
        locale,
        [...totals.values()].reduce((a, b) => a + b, 0),
      ),
      count: rows.reduce((a, r) => a + r.count, 0),
      people: totals.size,
    })}`,
    table: {
      caption: t('stats.chart.salesperson.title'),
      columns: [
        t('stats.table.month'),
        t('stats.table.salesperson'),
        t('stats.table.won'),
        t('stats.table.revenue'),
      ],
      rows: rows.map((r) => [
        formatMonth(locale, r.month),
        name(r.salesperson),
        formatInteger(locale, r.count),
        formatRevenue(locale, r.revenue),
      ]),
    },
    empty: rows.length === 0,
  };
}
