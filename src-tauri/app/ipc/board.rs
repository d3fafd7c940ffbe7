//! The Pipeline screen's reads: reference data, the kanban board, pages of the list and of
//! long columns, and the filters it keeps across restarts. All from the cache: instant and
//! offline. Filters arrive typed and are turned into a `crm_core::store::LeadQuery` here.
#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri injects command arguments by value"
)]

use super::error::{CommandError, ErrorKind};
use super::pipeline::current;
use super::views::LeadView;
use crate::state::AppState;
use crm_core::crm::LeadStatus;
use crm_core::store::{LeadQuery, LeadSort, LookupKind, Scope, SortColumn, Store};
use serde::{Deserialize, Serialize};
use tauri::State;

/// Whose leads the Pipeline screen shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ScopeView {
    /// Assigned to me.
    Mine,
    /// Assigned to nobody.
    Unassigned,
    /// Mine and the unassigned ones (what a rep usually works).
    MineAndUnassigned,
    /// Everything I may see.
    #[default]
    All,
}

/// An outcome to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StatusView {
    Open,
    Won,
    Lost,
}

/// The Pipeline screen's filters. Empty lists and nulls do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeadFilter {
    /// What the rep typed: every word must start a word of the lead (digits of a phone
    /// number match whatever the formatting).
    pub search: Option<String>,
    pub scope: ScopeView,
    pub stage_ids: Vec<i32>,
    pub source_ids: Vec<i32>,
    pub tag_ids: Vec<i32>,
    /// 0 (normal) to 3 (very high).
    pub priorities: Vec<i32>,
    pub statuses: Vec<StatusView>,
    /// Created on or after this day, `YYYY-MM-DD`.
    pub created_from: Option<String>,
    /// Created on or before this day, `YYYY-MM-DD`.
    pub created_to: Option<String>,
}

/// A sortable column of the list view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SortColumnView {
    Name,
    Contact,
    Stage,
    Salesperson,
    Revenue,
    Priority,
    Created,
    Updated,
}

/// The list view's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ListSort {
    pub column: SortColumnView,
    pub ascending: bool,
}

impl Default for ListSort {
    fn default() -> Self {
        Self {
            column: SortColumnView::Updated,
            ascending: false,
        }
    }
}

/// Kanban or list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PipelineLayout {
    #[default]
    Kanban,
    List,
}

/// What the Pipeline screen restores on start: filters, layout and list order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PipelineView {
    pub filter: LeadFilter,
    pub layout: PipelineLayout,
    pub sort: ListSort,
}

impl Default for PipelineView {
    fn default() -> Self {
        Self {
            filter: LeadFilter {
                // Odoo's pipeline shows the active leads: open and won, not lost.
                statuses: vec![StatusView::Open, StatusView::Won],
                ..LeadFilter::default()
            },
            layout: PipelineLayout::Kanban,
            sort: ListSort::default(),
        }
    }
}

/// Parses a `YYYY-MM-DD` day, naming what it is in the error.
pub(super) fn parse_day(text: &str, which: &str) -> Result<time::Date, CommandError> {
    time::Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| {
        CommandError::new(
            ErrorKind::Validation,
            format!("The {which} must be a date like 2026-11-01, not {text:?}."),
        )
    })
}

impl LeadFilter {
    /// The store query for this filter, for the Odoo user `me`.
    fn query(&self, me: i64, sort: LeadSort) -> Result<LeadQuery, CommandError> {
        let ids = |v: &[i32]| v.iter().copied().map(i64::from).collect::<Vec<_>>();
        let created_before = match self.created_to.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(to) => Some(
                parse_day(to, "“created until” date")?
                    .next_day()
                    .unwrap_or(time::Date::MAX),
            ),
            None => None,
        };
        Ok(LeadQuery {
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            scope: match self.scope {
                ScopeView::All => Scope::All,
                ScopeView::Mine => Scope::Mine(me),
                ScopeView::Unassigned => Scope::Unassigned,
                ScopeView::MineAndUnassigned => Scope::MineAndUnassigned(me),
            },
            stage_ids: ids(&self.stage_ids),
            source_ids: ids(&self.source_ids),
            tag_ids: ids(&self.tag_ids),
            priorities: ids(&self.priorities),
            statuses: self
                .statuses
                .iter()
                .map(|s| match s {
                    StatusView::Open => LeadStatus::Open,
                    StatusView::Won => LeadStatus::Won,
                    StatusView::Lost => LeadStatus::Lost,
                })
                .collect(),
            created_from: match self
                .created_from
                .as_deref()
                .filter(|t| !t.trim().is_empty())
            {
                Some(from) => Some(parse_day(from, "“created from” date")?),
                None => None,
            },
            created_before,
            sort,
            ..LeadQuery::default()
        })
    }
}

impl From<ListSort> for LeadSort {
    fn from(sort: ListSort) -> Self {
        let column = match sort.column {
            SortColumnView::Name => SortColumn::Name,
            SortColumnView::Contact => SortColumn::Contact,
            SortColumnView::Stage => SortColumn::Stage,
            SortColumnView::Salesperson => SortColumn::Salesperson,
            SortColumnView::Revenue => SortColumn::Revenue,
            SortColumnView::Priority => SortColumn::Priority,
            SortColumnView::Created => SortColumn::Created,
            SortColumnView::Updated => SortColumn::Updated,
        };
        LeadSort::Column(column, sort.ascending)
    }
}

/// A pipeline stage.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StageView {
    pub id: i32,
    pub name: String,
    pub is_won: bool,
    /// Collapsed in the kanban.
    pub fold: bool,
}

/// A tag, source, lost reason, team or salesperson.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NamedView {
    pub id: i32,
    pub name: String,
    /// Odoo's colour index (tags; 0 = none).
    pub color: i32,
}

/// What the Pipeline screen needs to draw filters, cards and dialogs.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PipelineBasics {
    /// The rep's Odoo user id.
    pub me: i32,
    /// Stages in pipeline order: those of the rep's teams and those shared by all teams.
    pub stages: Vec<StageView>,
    pub tags: Vec<NamedView>,
    pub sources: Vec<NamedView>,
    pub lost_reasons: Vec<NamedView>,
    pub salespeople: Vec<NamedView>,
    /// Last complete sync, UTC (`YYYY-MM-DD HH:MM:SS`).
    pub last_synced_at: Option<String>,
}

fn id32(id: i64) -> i32 {
    i32::try_from(id).unwrap_or(i32::MAX)
}

fn named(store: &Store, account: i64, kind: LookupKind) -> Result<Vec<NamedView>, CommandError> {
    Ok(store
        .lookups(account, kind)?
        .into_iter()
        .map(|n| NamedView {
            id: id32(n.id),
            name: n.name,
            color: i32::try_from(n.color).unwrap_or(0),
        })
        .collect())
}

/// The stages the rep works with: shared ones and those of the rep's teams (when the cache
/// knows the rep's teams; otherwise all).
fn rep_stages(store: &Store, account: i64, me: i64) -> Result<Vec<StageView>, CommandError> {
    let teams = store.teams_of_user(account, me)?;
    Ok(store
        .stages(account)?
        .into_iter()
        .filter(|s| {
            teams.is_empty()
                || s.team_ids.is_empty()
                || s.team_ids.iter().any(|t| teams.contains(t))
        })
        .map(|s| StageView {
            id: id32(s.id),
            name: s.name,
            is_won: s.is_won,
            fold: s.fold,
        })
        .collect())
}

/// Stages, tags, sources, lost reasons and salespeople of the current account.
#[tauri::command(async)]
#[specta::specta]
pub fn pipeline_basics(state: State<'_, AppState>) -> Result<PipelineBasics, CommandError> {
    let account = current(&state)?;
    let store = state.store();
    Ok(PipelineBasics {
        me: id32(account.uid),
        stages: rep_stages(&store, account.id, account.uid)?,
        tags: named(&store, account.id, LookupKind::Tag)?,
        sources: named(&store, account.id, LookupKind::Source)?,
        lost_reasons: named(&store, account.id, LookupKind::LostReason)?,
        salespeople: store
            .users(account.id)?
            .into_iter()
            .map(|u| NamedView {
                id: id32(u.id),
                name: u.name,
                color: 0,
            })
            .collect(),
        last_synced_at: account.last_synced_at.map(crm_core::store::format_datetime),
    })
}

/// One kanban column: its totals over the whole filter and its first cards.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ColumnView {
    /// `null`: leads that have no stage.
    pub stage_id: Option<i32>,
    pub count: u32,
    /// Expected revenue of the leads in the column.
    pub revenue: f64,
    /// The first cards, in kanban order (priority, then newest); the rest come through
    /// `lead_page` as the column scrolls.
    pub leads: Vec<LeadView>,
}

/// The kanban board for a filter.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BoardView {
    pub columns: Vec<ColumnView>,
    /// Leads matching the filter on the whole board.
    pub total: u32,
}

fn count32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn views(store: &Store, account: i64, leads: &[crm_core::crm::Lead]) -> Vec<LeadView> {
    let outbox = store.outbox(account).unwrap_or_else(|e| {
        tracing::warn!("reading the outbox for card hints: {e}");
        Vec::new()
    });
    leads
        .iter()
        .map(|l| {
            LeadView::of(
                l,
                store.lead_client_key(account, l.id).ok().flatten(),
                &outbox,
            )
        })
        .collect()
}

/// The kanban board: a column per stage of the rep's pipeline (stages the filter leaves
/// out are left out), each with its count, revenue and first `per_column` cards.
#[tauri::command(async)]
#[specta::specta]
pub fn board(
    state: State<'_, AppState>,
    filter: LeadFilter,
    per_column: u32,
) -> Result<BoardView, CommandError> {
    let account = current(&state)?;
    let store = state.store();
    let query = filter.query(account.uid, LeadSort::Priority)?;
    let per_column = usize::try_from(per_column.min(500)).unwrap_or(500);
    let (totals, cards) = store.board(account.id, &query, per_column)?;
    let mut stage_ids: Vec<Option<i64>> = rep_stages(&store, account.id, account.uid)?
        .iter()
        .map(|s| Some(i64::from(s.id)))
        .filter(|id| {
            query.stage_ids.is_empty() || id.is_some_and(|id| query.stage_ids.contains(&id))
        })
        .collect();
    // Never hide a lead: a stage outside the rep's teams, or no stage, still gets a column
    // when leads of the filter are in it.
    for total in &totals {
        if !stage_ids.contains(&total.stage_id) {
            stage_ids.push(total.stage_id);
        }
    }
    let mut columns = Vec::with_capacity(stage_ids.len());
    let mut total = 0;
    for stage_id in stage_ids {
        let found = totals.iter().find(|t| t.stage_id == stage_id);
        total += found.map_or(0, |t| t.count);
        let leads: Vec<_> = cards
            .iter()
            .filter(|l| l.stage.as_ref().map(|s| s.id) == stage_id)
            .cloned()
            .collect();
        columns.push(ColumnView {
            stage_id: stage_id.map(id32),
            count: count32(found.map_or(0, |t| t.count)),
            revenue: found.map_or(0.0, |t| t.revenue),
            leads: views(&store, account.id, &leads),
        });
    }
    Ok(BoardView {
        columns,
        total: count32(total),
    })
}

/// A page of leads and how many match in all.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeadPage {
    pub total: u32,
    pub leads: Vec<LeadView>,
}

/// A page of the leads matching a filter: the list view (sorted by `sort`) and the rest of
/// a long kanban column (`sort` null: kanban order).
#[tauri::command(async)]
#[specta::specta]
pub fn lead_page(
    state: State<'_, AppState>,
    filter: LeadFilter,
    sort: Option<ListSort>,
    offset: u32,
    limit: u32,
) -> Result<LeadPage, CommandError> {
    let account = current(&state)?;
    let store = state.store();
    let mut query = filter.query(account.uid, sort.map_or(LeadSort::Priority, LeadSort::from))?;
    let total = store.count_leads(account.id, &query)?;
    query.offset = usize::try_from(offset).unwrap_or(usize::MAX);
    query.limit = Some(usize::try_from(limit.min(1000)).unwrap_or(1000));
    let leads = store.leads(account.id, &query)?;
    Ok(LeadPage {
        total: count32(total),
        leads: views(&store, account.id, &leads),
    })
}

const PIPELINE_VIEW: &str = "pipeline";

/// The filters, layout and order the Pipeline screen was left with (defaults the first
/// time, or when what was saved can no longer be read).
#[tauri::command(async)]
#[specta::specta]
pub fn pipeline_view(state: State<'_, AppState>) -> Result<PipelineView, CommandError> {
    let account = current(&state)?;
    let saved = state.store().view_state(account.id, PIPELINE_VIEW)?;
    Ok(saved
        .and_then(|json| {
            serde_json::from_str(&json)
                .inspect_err(|e| tracing::warn!("saved pipeline view ignored: {e}"))
                .ok()
        })
        .unwrap_or_default())
}

/// Keeps the Pipeline screen's filters, layout and order for the next start.
#[tauri::command(async)]
#[specta::specta]
pub fn save_pipeline_view(
    state: State<'_, AppState>,
    view: PipelineView,
) -> Result<(), CommandError> {
    let account = current(&state)?;
    // Refuse what the next start could not apply, rather than find out then.
    view.filter.query(account.uid, LeadSort::Priority)?;
    let json = serde_json::to_string(&view)
        .map_err(|e| CommandError::new(ErrorKind::Internal, e.to_string()))?;
    state
        .store()
        .save_view_state(account.id, PIPELINE_VIEW, &json)?;
    Ok(())
}
