//! The Stats screen's numbers, computed from the cache (so they work offline and are "as of
//! the last sync"): conversion rates, pipeline value by stage, leads by source per week, won
//! revenue by salesperson per month, average days to close. A pure function of the rows
//! [`crate::store::Store::stats_rows`] reads.

use crate::crm::{LeadStatus, LeadType};
use time::{Date, Duration, PrimitiveDateTime};

/// A period of days, `from` included, `to` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// The day after the last.
    pub to: Date,
}

impl Period {
    fn contains(&self, at: Option<PrimitiveDateTime>) -> bool {
        at.is_some_and(|t| t.date() >= self.from && t.date() < self.to)
    }
}

/// What the statistics need of one cached lead.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    /// Lead or opportunity.
    pub kind: LeadType,
    /// Open, won or lost.
    pub status: LeadStatus,
    /// Stage id, name and sequence.
    pub stage: Option<(i64, String, i64)>,
    /// Salesperson's name.
    pub salesperson: Option<String>,
    /// UTM source name.
    pub source: Option<String>,
    /// Expected revenue.
    pub expected_revenue: f64,
    /// Created in Odoo.
    pub created_at: Option<PrimitiveDateTime>,
    /// Won or lost at.
    pub closed_at: Option<PrimitiveDateTime>,
}

/// Open leads and their expected revenue in one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageValue {
    /// Stage id (`None`: no stage).
    pub stage_id: Option<i64>,
    /// Stage name.
    pub name: String,
    /// Open leads.
    pub count: u64,
    /// Their expected revenue.
    pub value: f64,
}

/// Leads created in one week from one source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceWeek {
    /// The Monday the week starts on.
    pub week: Date,
    /// Source name ("" when none).
    pub source: String,
    /// Leads created.
    pub count: u64,
}

/// Won revenue of one salesperson in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct SalespersonMonth {
    /// The first day of the month.
    pub month: Date,
    /// Salesperson's name ("" when unassigned).
    pub salesperson: String,
    /// Leads won.
    pub count: u64,
    /// Their expected revenue.
    pub revenue: f64,
}

/// Everything the Stats screen shows for a period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PipelineStats {
    /// Won in the period (by closing date).
    pub won: u64,
    /// Lost in the period.
    pub lost: u64,
    /// won ÷ (won + lost); `None` when nothing closed.
    pub win_rate: Option<f64>,
    /// Leads and opportunities created in the period.
    pub created: u64,
    /// Of those, the ones that are opportunities now.
    pub opportunities: u64,
    /// opportunities ÷ created (lead → opportunity); `None` when nothing was created.
    pub lead_to_opportunity: Option<f64>,
    /// Open leads by stage, in stage order (now, not limited to the period).
    pub pipeline_by_stage: Vec<StageValue>,
    /// Leads created per week and source, chronological.
    pub leads_by_source_week: Vec<SourceWeek>,
    /// Won revenue per month and salesperson, chronological, largest first within a month.
    pub won_by_salesperson_month: Vec<SalespersonMonth>,
    /// Mean days from creation to winning, for leads won in the period.
    pub average_days_to_close: Option<f64>,
}

fn monday(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

fn first_of_month(d: Date) -> Date {
    d.replace_day(1).unwrap_or(d)
}

impl PipelineStats {
    /// Computes the statistics of `rows` for `period`.
    pub fn compute(rows: &[StatsRow], period: Period) -> Self {
        let mut s = Self::default();
        let mut days_to_close = Vec::new();
        for r in rows {
            if period.contains(r.closed_at) {
                match r.status {
                    LeadStatus::Won => {
                        s.won += 1;
                        let month = first_of_month(r.closed_at.map_or(period.from, |t| t.date()));
                        let who = r.salesperson.clone().unwrap_or_default();
                        match s
                            .won_by_salesperson_month
                            .iter_mut()
                            .find(|m| m.month == month && m.salesperson == who)
                        {
                            Some(m) => {
                                m.count += 1;
                                m.revenue += r.expected_revenue;
                            }
                            None => s.won_by_salesperson_month.push(SalespersonMonth {
                                month,
                                salesperson: who,
                                count: 1,
                                revenue: r.expected_revenue,
                            }),
                        }
                        if let (Some(created), Some(closed)) = (r.created_at, r.closed_at) {
                            days_to_close.push((closed - created).as_seconds_f64() / 86_400.0);
                        }
                    }
                    LeadStatus::Lost => s.lost += 1,
                    LeadStatus::Open => {}
                }
            }
            if period.contains(r.created_at) {
                s.created += 1;
                if r.kind == LeadType::Opportunity {
                    s.opportunities += 1;
                }
                let week = monday(r.created_at.map_or(period.from, |t| t.date()));
                let source = r.source.clone().unwrap_or_default();
                match s
                    .leads_by_source_week
                    .iter_mut()
                    .find(|w| w.week == week && w.source == source)
                {
                    Some(w) => w.count += 1,
                    None => s.leads_by_source_week.push(SourceWeek {
                        week,
                        source,
                        count: 1,
                    }),
                }
            }
            if r.status == LeadStatus::Open {
                let id = r.stage.as_ref().map(|(id, _, _)| *id);
                match s.pipeline_by_stage.iter_mut().find(|v| v.stage_id == id) {
                    Some(v) => {
                        v.count += 1;
                        v.value += r.expected_revenue;
                    }
                    None => s.pipeline_by_stage.push(StageValue {
                        stage_id: id,
                        name: r
                            .stage
                            .as_ref()
                            .map(|(_, n, _)| n.clone())
                            .unwrap_or_default(),
                        count: 1,
                        value: r.expected_revenue,
                    }),
                }
            }
        }
        let sequence = |id: Option<i64>| {
            rows.iter()
                .find_map(|r| r.stage.as_ref().filter(|(s, _, _)| Some(*s) == id))
                .map_or(i64::MAX, |(_, _, seq)| *seq)
        };
        s.pipeline_by_stage
            .sort_by_key(|v| (sequence(v.stage_id), v.stage_id));
        s.leads_by_source_week
            .sort_by(|a, b| a.week.cmp(&b.week).then_with(|| a.source.cmp(&b.source)));
        s.won_by_salesperson_month.sort_by(|a, b| {
            a.month
                .cmp(&b.month)
                .then_with(|| b.revenue.total_cmp(&a.revenue))
                .then_with(|| a.salesperson.cmp(&b.salesperson))
        });
        let closed = s.won + s.lost;
        s.win_rate = (closed > 0).then(|| s.won as f64 / closed as f64);
        s.lead_to_opportunity = (s.created > 0).then(|| s.opportunities as f64 / s.created as f64);
        s.average_days_to_close = (!days_to_close.is_empty())
            .then(|| days_to_close.iter().sum::<f64>() / days_to_close.len() as f64);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn row(status: LeadStatus, stage: i64, revenue: f64) -> StatsRow {
        StatsRow {
            kind: LeadType::Opportunity,
            status,
            stage: Some((stage, format!("S{stage}"), 10 - stage)),
            salesperson: Some("Sara".into()),
            source: Some("WhatsApp".into()),
            expected_revenue: revenue,
            created_at: Some(datetime!(2026-11-02 09:00)),
            closed_at: None,
        }
    }

    const NOVEMBER: Period = Period {
        from: date!(2026 - 11 - 01),
        to: date!(2026 - 12 - 01),
    };

    #[test]
    fn win_rate_and_days_to_close_count_what_closed_in_the_period() {
        let rows = vec![
            StatsRow {
                closed_at: Some(datetime!(2026-11-12 09:00)),
                ..row(LeadStatus::Won, 4, 1000.0)
            },
            StatsRow {
                closed_at: Some(datetime!(2026-11-06 09:00)),
                ..row(LeadStatus::Won, 4, 500.0)
            },
            StatsRow {
                closed_at: Some(datetime!(2026-11-20 00:00)),
                ..row(LeadStatus::Lost, 1, 50.0)
            },
            StatsRow {
                closed_at: Some(datetime!(2026-10-20 00:00)),
                ..row(LeadStatus::Lost, 1, 50.0)
            },
        ];
        let s = PipelineStats::compute(&rows, NOVEMBER);
        assert_eq!(
            (s.won, s.lost),
            (2, 1),
            "October's loss is outside the period"
        );
        assert_eq!(s.win_rate, Some(2.0 / 3.0));
        assert_eq!(s.average_days_to_close, Some(7.0), "(10 + 4) / 2 days");
        assert_eq!(
            s.won_by_salesperson_month,
            [SalespersonMonth {
                month: date!(2026 - 11 - 01),
                salesperson: "Sara".into(),
                count: 2,
                revenue: 1500.0
            }]
        );
        assert!(s.pipeline_by_stage.is_empty(), "nothing is open");
    }

    #[test]
    fn pipeline_by_stage_in_stage_order_and_sources_by_week() {
        let rows = vec![
            row(LeadStatus::Open, 1, 100.0),
            row(LeadStatus::Open, 2, 200.0),
            row(LeadStatus::Open, 2, 50.0),
            StatsRow {
                source: None,
                kind: LeadType::Lead,
                created_at: Some(datetime!(2026-11-11 09:00)),
                ..row(LeadStatus::Open, 1, 0.0)
            },
        ];
        let s = PipelineStats::compute(&rows, NOVEMBER);
        let stages: Vec<_> = s
            .pipeline_by_stage
            .iter()
            .map(|v| (v.name.as_str(), v.count, v.value))
            .collect();
        assert_eq!(
            stages,
            [("S2", 2, 250.0), ("S1", 2, 100.0)],
            "ordered by the stage's sequence (S2 has 8, S1 has 9)"
        );
        assert_eq!((s.created, s.opportunities), (4, 3));
        assert_eq!(s.lead_to_opportunity, Some(0.75));
        let weeks: Vec<_> = s
            .leads_by_source_week
            .iter()
            .map(|w| (w.week, w.source.as_str(), w.count))
            .collect();
        assert_eq!(
            weeks,
            [
                (date!(2026 - 11 - 02), "WhatsApp", 3),
                (date!(2026 - 11 - 09), "", 1)
            ]
        );
        assert_eq!(s.win_rate, None, "nothing closed: no rate, not 0 %");
    }
}
