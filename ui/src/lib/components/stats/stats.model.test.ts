import { describe, expect, it } from 'vitest';
import type { StatsView } from '$lib/ipc';
import { barConfig, type Palette } from './charts';
import { NONE } from './format';
import {
  MAX_SERIES,
  isCacheEmpty,
  isPeriodEmpty,
  salespersonChart,
  sourceChart,
  stageChart,
  tiles,
  type Tile,
} from './model';
import {
  addDays,
  exclusiveEnd,
  lastDay,
  mondayOf,
  monthsOf,
  presetOf,
  presetPeriod,
  weeksOf,
} from './period';

/** Arabic output with Western digits and plain spaces, whatever digits the platform's CLDR uses. */
function latin(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/\u066b/g, '.')
    .replace(/\u066c/g, ',')
    .replace(/\u066a/g, '%')
    .replace(/[\u200e\u200f\u061c]/g, '')
    .replace(/\s/gu, ' ');
}

function stats(overrides: Partial<StatsView> = {}): StatsView {
  return {
    won: 0,
    lost: 0,
    winRate: null,
    created: 0,
    opportunities: 0,
    leadToOpportunity: null,
    pipelineByStage: [],
    leadsBySourceWeek: [],
    wonBySalespersonMonth: [],
    averageDaysToClose: null,
    asOf: '2026-11-26 10:00:00',
    ...overrides,
  };
}

const tile = (list: Tile[], id: Tile['id']) => list.find((t) => t.id === id) as Tile;
const november = { from: '2026-11-01', to: '2026-12-01' };

describe('key figures', () => {
  const view = stats({
    won: 2,
    lost: 1,
    winRate: 2 / 3,
    created: 10,
    opportunities: 3,
    leadToOpportunity: 0.3,
    averageDaysToClose: 4.46,
  });

  it('2 won and 1 lost is a 67 % win rate, with the counts under it', () => {
    const winRate = tile(tiles(view, 'en'), 'win-rate');
    expect(winRate.value).toBe('67%');
    expect(winRate.detail).toBe('2 won · 1 lost');
    expect(winRate.missing).toBe(false);
  });

  it('lead → opportunity is opportunities over leads created', () => {
    const conversion = tile(tiles(view, 'en'), 'conversion');
    expect(conversion.value).toBe('30%');
    expect(conversion.detail).toBe('3 opportunities out of 10 leads');
    expect(
      tile(tiles(stats({ created: 1, opportunities: 1, leadToOpportunity: 1 }), 'en'), 'conversion').detail,
    ).toBe('1 opportunity out of 1 lead');
  });

  it('average days to close, to one decimal, with the right plural', () => {
    expect(tile(tiles(view, 'en'), 'days').value).toBe('4.5 days');
    expect(tile(tiles(stats({ averageDaysToClose: 1 }), 'en'), 'days').value).toBe('1 day');
  });

  it('leads created', () => {
    expect(tile(tiles(stats({ created: 1234 }), 'en'), 'created').value).toBe('1,234');
  });

  it('a figure that cannot be computed is a dash, explained', () => {
    const empty = tiles(stats(), 'en');
    for (const id of ['win-rate', 'conversion', 'days'] as const) {
      expect(tile(empty, id).value, id).toBe(NONE);
      expect(tile(empty, id).missing, id).toBe(true);
    }
    expect(tile(empty, 'win-rate').detail).toBe('No lead was won or lost in this period.');
    expect(tile(empty, 'conversion').detail).toBe('No lead was created in this period.');
    expect(tile(empty, 'days').detail).toBe('No lead was won in this period.');
    expect(tile(empty, 'created').value, 'zero leads is a number, not a gap').toBe('0');
  });

  it('Arabic uses its plural forms: two, few (3–10), many (11–99)', () => {
    const detail = (won: number, lost: number) =>
      latin(tile(tiles(stats({ won, lost, winRate: won / (won + lost) }), 'ar'), 'win-rate').detail);
    expect(detail(1, 2)).toBe('صفقة رابحة واحدة · صفقتان خاسرتان');
    expect(detail(3, 11)).toBe('3 صفقات رابحة · 11 صفقة خاسرة');
    expect(detail(100, 0)).toBe('100 صفقة رابحة · لا صفقات خاسرة');
    const days = (d: number) => latin(tile(tiles(stats({ averageDaysToClose: d }), 'ar'), 'days').value);
    expect(days(2)).toBe('يومان');
    expect(days(5)).toBe('5 أيام');
    expect(days(12)).toBe('12 يومًا');
    expect(days(4.5), 'fractions take the "other" form').toBe('4.5 يوم');
    expect(latin(tile(tiles(stats({ winRate: 2 / 3, won: 2, lost: 1 }), 'ar'), 'win-rate').value)).toBe(
      '67%',
    );
  });
});

describe('empty periods', () => {
  it('a period with nothing created, won or lost is empty, even with open leads in the pipeline', () => {
    const pipeline = [{ stageId: 1, name: 'New', count: 2, value: 500 }];
    expect(isPeriodEmpty(stats({ pipelineByStage: pipeline }))).toBe(true);
    expect(isCacheEmpty(stats({ pipelineByStage: pipeline })), 'the pipeline chart still has something').toBe(
      false,
    );
    expect(isPeriodEmpty(stats({ lost: 1 }))).toBe(false);
    expect(isCacheEmpty(stats())).toBe(true);
  });
});

describe('periods', () => {
  const today = new Date(2026, 10, 15); // Nov 15, 2026, local time

  it('presets are whole calendar months ending with the current one', () => {
    expect(presetPeriod('thisMonth', today)).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(presetPeriod('last3Months', today)).toEqual({ from: '2026-09-01', to: '2026-12-01' });
    expect(presetPeriod('last12Months', today)).toEqual({ from: '2025-12-01', to: '2026-12-01' });
    expect(presetPeriod('thisYear', today)).toEqual({ from: '2026-01-01', to: '2027-01-01' });
  });

  it('presets cross the new year', () => {
    const january = new Date(2027, 0, 31);
    expect(presetPeriod('last3Months', january)).toEqual({ from: '2026-11-01', to: '2027-02-01' });
    expect(presetPeriod('thisMonth', new Date(2026, 11, 31))).toEqual({
      from: '2026-12-01',
      to: '2027-01-01',
    });
  });

  it('the date inputs show the last day; Rust gets the day after', () => {
    expect(lastDay('2026-12-01')).toBe('2026-11-30');
    expect(exclusiveEnd('2026-02-28')).toBe('2026-03-01');
    expect(exclusiveEnd('2028-02-28'), 'leap year').toBe('2028-02-29');
    expect(exclusiveEnd(''), 'an empty input goes to Rust as is, to be refused there').toBe('');
    expect(addDays('2026-11-03', -7)).toBe('2026-10-27');
  });

  it('typing a preset’s dates selects it', () => {
    expect(presetOf({ from: '2026-09-01', to: '2026-12-01' }, today)).toBe('last3Months');
    expect(presetOf({ from: '2026-09-02', to: '2026-12-01' }, today)).toBe('custom');
  });

  it('weeks start on Monday and cover the whole period', () => {
    expect(mondayOf('2026-11-01'), 'a Sunday').toBe('2026-10-26');
    expect(mondayOf('2026-11-02'), 'a Monday').toBe('2026-11-02');
    expect(weeksOf(november)).toEqual([
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
    expect(monthsOf({ from: '2026-09-15', to: '2026-12-01' })).toEqual([
      '2026-09-01',
      '2026-10-01',
      '2026-11-01',
    ]);
    expect(weeksOf({ from: '', to: '2026-12-01' }), 'no buckets for an unreadable period').toEqual([]);
    expect(
      monthsOf({ from: '0202-01-01', to: '2026-12-01' }).length,
      'a mistyped year stays bounded',
    ).toBeLessThanOrEqual(600);
  });
});

describe('pipeline by stage', () => {
  const view = stats({
    pipelineByStage: [
      { stageId: 1, name: 'New', count: 3, value: 1500 },
      { stageId: 2, name: 'Proposition', count: 1, value: 20000 },
      { stageId: null, name: '', count: 2, value: null },
    ],
  });

  it('one bar per stage, in Rust’s stage order, with the lead count in the tooltip', () => {
    const chart = stageChart(view, 'en');
    expect(chart.labels).toEqual(['New', 'Proposition', 'No stage']);
    expect(chart.series).toHaveLength(1);
    expect(chart.series[0]?.values).toEqual([1500, 20000, 0]);
    expect(chart.tooltip(0, 0)).toEqual(['Expected revenue: 1,500', '3 open leads']);
    expect(chart.tooltip(0, 1)).toEqual(['Expected revenue: 20,000', '1 open lead']);
  });

  it('screen readers get a summary and every number', () => {
    const chart = stageChart(view, 'en');
    expect(chart.summary).toBe(
      'Open pipeline by stage: 3 stages holding 6 open leads, 21,500 in expected revenue.',
    );
    expect(chart.table.columns).toEqual(['Stage', 'Open leads', 'Expected revenue']);
    expect(chart.table.rows).toEqual([
      ['New', '3', '1,500'],
      ['Proposition', '1', '20,000'],
      ['No stage', '2', NONE],
    ]);
    expect(chart.empty).toBe(false);
    expect(stageChart(stats(), 'en').empty).toBe(true);
  });

  it('Arabic tooltips count in Arabic', () => {
    expect(latin(stageChart(view, 'ar').tooltip(0, 0)[1] ?? '')).toBe('3 عملاء محتملين مفتوحين');
    expect(stageChart(view, 'ar').labels[2]).toBe('دون مرحلة');
  });
});

describe('leads by source per week', () => {
  const view = stats({
    created: 6,
    leadsBySourceWeek: [
      { week: '2026-11-02', source: 'WhatsApp', count: 3 },
      { week: '2026-11-02', source: '', count: 1 },
      { week: '2026-11-16', source: 'WhatsApp', count: 1 },
      { week: '2026-11-16', source: 'Website', count: 1 },
    ],
  });

  it('stacks sources over every week of the period, empty weeks included', () => {
    const chart = sourceChart(view, november, 'en');
    expect(chart.labels).toEqual(['Oct 26', 'Nov 2', 'Nov 9', 'Nov 16', 'Nov 23', 'Nov 30']);
    expect(
      chart.series.map((s) => s.label),
      'largest source first',
    ).toEqual(['WhatsApp', 'No source', 'Website']);
    expect(chart.series[0]?.values).toEqual([0, 3, 0, 1, 0, 0]);
    expect(chart.titles[1]).toBe('Week of Nov 2, 2026');
    expect(chart.tooltip(0, 1)).toEqual(['WhatsApp: 3 leads']);
    expect(chart.summary).toBe('Leads by source per week: 6 leads from 3 sources over 6 weeks.');
    expect(chart.table.rows[0]).toEqual(['Nov 2, 2026', 'WhatsApp', '3']);
  });

  it('lumps the smallest sources into "Other sources" beyond six colours', () => {
    const many = stats({
      leadsBySourceWeek: Array.from({ length: 8 }, (_, i) => ({
        week: '2026-11-09',
        source: `S${i}`,
        count: 10 - i,
      })),
    });
    const chart = sourceChart(many, november, 'en');
    expect(chart.series).toHaveLength(MAX_SERIES);
    const other = chart.series[MAX_SERIES - 1];
    expect(other?.label).toBe('Other sources');
    expect(other?.other).toBe(true);
    expect(other?.values[2], 'S5 + S6 + S7 = 5 + 4 + 3').toBe(12);
    expect(chart.table.rows, 'the table still names every source').toHaveLength(8);
  });

  it('nothing created: the chart says so instead of drawing nothing', () => {
    expect(sourceChart(stats(), november, 'en').empty).toBe(true);
  });
});

describe('won revenue by salesperson per month', () => {
  const view = stats({
    won: 4,
    wonBySalespersonMonth: [
      { month: '2026-09-01', salesperson: 'Sara', count: 1, revenue: 1000 },
      { month: '2026-11-01', salesperson: 'Omar', count: 2, revenue: 9000 },
      { month: '2026-11-01', salesperson: '', count: 1, revenue: null },
    ],
  });
  const period = { from: '2026-09-01', to: '2026-12-01' };

  it('one stack per month of the period, one segment per salesperson', () => {
    const chart = salespersonChart(view, period, 'en');
    expect(chart.labels).toEqual(['Sep 2026', 'Oct 2026', 'Nov 2026']);
    expect(chart.series.map((s) => s.label)).toEqual(['Omar', 'Sara', 'Unassigned']);
    expect(chart.series[0]?.values).toEqual([0, 0, 9000]);
    expect(chart.series[1]?.values).toEqual([1000, 0, 0]);
    expect(chart.tooltip(0, 2)).toEqual(['Omar: 9,000 (2 won leads)']);
    expect(chart.summary).toBe(
      'Won revenue by salesperson per month: 10,000 in expected revenue from 4 won leads, by 3 salespeople.',
    );
    expect(chart.table.rows[2]).toEqual(['Nov 2026', 'Unassigned', '1', NONE]);
  });

  it('Arabic', () => {
    const chart = salespersonChart(view, period, 'ar');
    expect(chart.series[2]?.label).toBe('غير مُسنَد');
    expect(latin(chart.tooltip(0, 2)[0] ?? '')).toBe('Omar: 9,000 (صفقتان رابحتان)');
  });
});

describe('chart configuration', () => {
  const palette: Palette = {
    text: 'rgb(1, 1, 1)',
    muted: 'rgb(2, 2, 2)',
    border: 'rgb(3, 3, 3)',
    surface: 'rgb(4, 4, 4)',
    accent: 'rgb(5, 5, 5)',
    series: ['rgb(10, 0, 0)', 'rgb(20, 0, 0)'],
    other: 'rgb(9, 9, 9)',
    font: 'system-ui',
  };
  const env = (rtl: boolean) => ({
    locale: (rtl ? 'ar' : 'en') as 'ar' | 'en',
    rtl,
    reducedMotion: false,
    palette,
  });
  const weekly = sourceChart(
    stats({
      leadsBySourceWeek: [
        { week: '2026-11-02', source: 'A', count: 1 },
        { week: '2026-11-02', source: 'B', count: 2 },
      ],
    }),
    november,
    'en',
  );

  it('time runs right to left in Arabic, with the value axis on the right', () => {
    const ltr = barConfig(weekly, { stacked: true }, env(false)).options;
    const rtl = barConfig(weekly, { stacked: true }, env(true)).options;
    expect(ltr?.scales?.x?.reverse).toBe(false);
    expect(rtl?.scales?.x?.reverse).toBe(true);
    expect(rtl?.scales?.y?.position).toBe('right');
    expect(rtl?.plugins?.legend?.rtl).toBe(true);
    expect(rtl?.plugins?.tooltip?.rtl).toBe(true);
    expect(rtl?.scales?.x?.stacked).toBe(true);
  });

  it('horizontal bars grow from the inline start, stage names on that side', () => {
    const stages = stageChart(
      stats({ pipelineByStage: [{ stageId: 1, name: 'New', count: 1, value: 1 }] }),
      'ar',
    );
    const options = barConfig(stages, { horizontal: true }, env(true)).options;
    expect(options?.indexAxis).toBe('y');
    expect(options?.scales?.x?.reverse, 'the value axis').toBe(true);
    expect(options?.scales?.y?.position).toBe('right');
    expect(options?.plugins?.legend?.display, 'one series needs no legend').toBe(false);
  });

  it('colours come from the theme: accent alone, series colours stacked, grey for "other"', () => {
    const single = stageChart(
      stats({ pipelineByStage: [{ stageId: 1, name: 'New', count: 1, value: 1 }] }),
      'en',
    );
    expect(barConfig(single, {}, env(false)).data.datasets[0]?.backgroundColor).toBe(palette.accent);
    const datasets = barConfig(weekly, { stacked: true }, env(false)).data.datasets;
    expect(
      datasets.map((d) => d.backgroundColor),
      'B has more leads, so comes first',
    ).toEqual(['rgb(10, 0, 0)', 'rgb(20, 0, 0)']);
    expect(datasets.map((d) => d.label)).toEqual(['B', 'A']);
    expect(datasets[0]?.borderColor, 'segments are separated by the card colour').toBe(palette.surface);
    const ticks = barConfig(single, {}, env(false)).options?.scales?.y?.ticks;
    expect(ticks?.color).toBe(palette.muted);
  });
});
