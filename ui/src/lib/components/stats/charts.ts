// Chart.js configuration of the Stats charts, from a ChartView and the colours of the current
// theme. Pure (types only from chart.js), so direction and theming are tested without a canvas.
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { Locale } from '$lib/i18n/index.svelte';
import { formatCompact, formatInteger } from './format';
import type { ChartView } from './model';

/** Colours resolved from the CSS custom properties at draw time (canvas cannot read var()). */
export interface Palette {
  text: string;
  muted: string;
  border: string;
  surface: string;
  accent: string;
  series: string[];
  other: string;
  font: string;
}

export interface Environment {
  locale: Locale;
  rtl: boolean;
  reducedMotion: boolean;
  palette: Palette;
}

export interface Shape {
  /** Bars along the inline axis (stage names are long and read better as rows). */
  horizontal?: boolean;
  stacked?: boolean;
}

/** The colour of series `index`: the accent when alone, "other" in a neutral grey. */
export function seriesColour(view: ChartView, index: number, palette: Palette): string {
  const series = view.series[index];
  if (series?.other) return palette.other;
  if (view.series.length === 1) return palette.accent;
  return palette.series[index % palette.series.length] ?? palette.accent;
}

type ScaleOptions = NonNullable<NonNullable<ChartConfiguration<'bar'>['options']>['scales']>[string];

export function barConfig(view: ChartView, shape: Shape, env: Environment): ChartConfiguration<'bar'> {
  const { palette, rtl, locale } = env;
  const font = { family: palette.font, size: 12 };
  const stacked = shape.stacked ?? false;

  const category: ScaleOptions = {
    type: 'category',
    stacked,
    // Time and stage order run in the reading direction: right to left in Arabic.
    reverse: rtl && !shape.horizontal,
    position: shape.horizontal ? (rtl ? 'right' : 'left') : 'bottom',
    grid: { display: false },
    border: { color: palette.border },
    ticks: { color: palette.muted, font },
  };
  const value: ScaleOptions = {
    type: 'linear',
    stacked,
    beginAtZero: true,
    // Horizontal bars grow from the inline start: from the right in Arabic.
    reverse: rtl && !!shape.horizontal,
    position: shape.horizontal ? 'bottom' : rtl ? 'right' : 'left',
    grid: { color: palette.border },
    border: { display: false },
    ticks: {
      color: palette.muted,
      font,
      precision: 0,
      callback: (tick) =>
        view.axis === 'revenue' ? formatCompact(locale, Number(tick)) : formatInteger(locale, Number(tick)),
    },
  };

  return {
    type: 'bar',
    data: {
      labels: view.labels,
      datasets: view.series.map((series, i) => ({
        label: series.label,
        data: series.values,
        backgroundColor: seriesColour(view, i, palette),
        // A hairline of the card's colour tells stacked segments apart without relying on hue.
        borderColor: palette.surface,
        borderWidth: stacked ? 1 : 0,
        borderRadius: stacked ? 0 : 4,
        maxBarThickness: 44,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      locale,
      animation: env.reducedMotion ? false : { duration: 250 },
      indexAxis: shape.horizontal ? 'y' : 'x',
      interaction: stacked ? { mode: 'index', intersect: false } : { mode: 'nearest', intersect: true },
      scales: shape.horizontal ? { x: value, y: category } : { x: category, y: value },
      plugins: {
        legend: {
          display: view.series.length > 1,
          position: 'bottom',
          align: 'start',
          rtl,
          textDirection: rtl ? 'rtl' : 'ltr',
          labels: { color: palette.text, font, boxWidth: 12, boxHeight: 12 },
        },
        tooltip: {
          rtl,
          textDirection: rtl ? 'rtl' : 'ltr',
          backgroundColor: palette.surface,
          borderColor: palette.border,
          borderWidth: 1,
          titleColor: palette.text,
          bodyColor: palette.text,
          titleFont: { ...font, weight: 'bold' },
          bodyFont: font,
          // Empty segments of a stacked week are noise in a tooltip listing the week.
          filter: (item: TooltipItem<'bar'>) => !stacked || (item.raw as number) !== 0,
          callbacks: {
            title: (items) => view.titles[items[0]?.dataIndex ?? 0] ?? '',
            label: (item) => view.tooltip(item.datasetIndex, item.dataIndex),
          },
        },
      },
    },
  };
}
