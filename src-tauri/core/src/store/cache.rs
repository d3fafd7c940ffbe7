//! The pipeline cache: stages, lookups, users, partners, leads and messages of each account,
//! and the cursors of the incremental pull.

use super::{Error, Store};
use crate::crm::{
    Lead, LeadStatus, LeadType, Message, MessageKind, Named, Partner, Ref, Stage, User,
};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use time::{Date, PrimitiveDateTime};

/// The small named models mirrored per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    /// crm.tag
    Tag,
    /// crm.lost.reason
    LostReason,
    /// crm.team
    Team,
    /// utm.source
    Source,
    /// utm.medium
    Medium,
}

impl LookupKind {
    /// Every kind.
    pub const ALL: [LookupKind; 5] = [
        LookupKind::Tag,
        LookupKind::LostReason,
        LookupKind::Team,
        LookupKind::Source,
        LookupKind::Medium,
    ];

    fn key(self) -> &'static str {
        match self {
            LookupKind::Tag => "tag",
            LookupKind::LostReason => "lost_reason",
            LookupKind::Team => "team",
            LookupKind::Source => "source",
            LookupKind::Medium => "medium",
        }
    }
}

/// Where a model's incremental pull stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Everything written before this (Odoo time) has been pulled.
    pub cursor: Option<PrimitiveDateTime>,
    /// A window being paged: `(since, until, after_id)`; a crash resumes it.
    pub window: Option<(Option<PrimitiveDateTime>, PrimitiveDateTime, i64)>,
    /// When ids were last re-listed (local time).
    pub reconciled_at: Option<PrimitiveDateTime>,
}

/// Which leads to list: the filters of the Pipeline screen and `crm-desk leads`. Empty
/// lists and `None`s do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadQuery {
    /// Words that must all appear in the name, contact, company, email, phone (digits
    /// compared without formatting) or description.
    pub search: Option<String>,
    /// Stage id.
    pub stage_id: Option<i64>,
    /// Whose leads.
    pub scope: Scope,
    /// Any of these stages.
    pub stage_ids: Vec<i64>,
    /// Any of these UTM sources.
    pub source_ids: Vec<i64>,
    /// Carrying any of these tags.
    pub tag_ids: Vec<i64>,
    /// Any of these priorities (0–3).
    pub priorities: Vec<i64>,
    /// Any of these outcomes.
    pub statuses: Vec<LeadStatus>,
    /// Created on or after this day (UTC).
    pub created_from: Option<Date>,
    /// Created before this day (UTC).
    pub created_before: Option<Date>,
    /// The order.
    pub sort: LeadSort,
    /// Skip this many (paging).
    pub offset: usize,
    /// At most this many.
    pub limit: Option<usize>,
}

/// Whose leads a query lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// Everything the rep may see.
    #[default]
    All,
    /// Assigned to this Odoo user.
    Mine(i64),
    /// Assigned to nobody.
    Unassigned,
    /// Assigned to this user or to nobody.
    MineAndUnassigned(i64),
}

/// The order of a lead list; ties are broken by id, newest first, so paging is stable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LeadSort {
    /// Most recently updated first.
    #[default]
    Updated,
    /// Odoo's kanban order: highest priority first, then newest.
    Priority,
    /// By a column, ascending or descending.
    Column(SortColumn, bool),
}

/// A sortable column of the list view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// Lead title.
    Name,
    /// Contact or customer.
    Contact,
    /// Stage, in pipeline order.
    Stage,
    /// Salesperson's name.
    Salesperson,
    /// Expected revenue.
    Revenue,
    /// Priority.
    Priority,
    /// Creation date.
    Created,
    /// Last update.
    Updated,
}

impl LeadSort {
    /// `ORDER BY` terms over the lead table `l` (and, for the stage and salesperson, the
    /// subqueries that need no join in the page selection).
    fn order_by(self) -> String {
        let (expr, ascending) = match self {
            LeadSort::Updated => ("coalesce(l.updated_at, '9999')", false),
            LeadSort::Priority => ("l.priority", false),
            LeadSort::Column(column, ascending) => (
                match column {
                    SortColumn::Name => "l.name COLLATE NOCASE",
                    SortColumn::Contact => {
                        "coalesce(l.contact_name, l.partner_name, l.company_name) COLLATE NOCASE"
                    }
                    SortColumn::Stage => {
                        "(SELECT s.sequence FROM stage s \
                          WHERE s.account_id = l.account_id AND s.id = l.stage_id)"
                    }
                    SortColumn::Salesperson => {
                        "(SELECT u.name FROM odoo_user u \
                          WHERE u.account_id = l.account_id AND u.id = l.user_id) COLLATE NOCASE"
                    }
                    SortColumn::Revenue => "l.expected_revenue",
                    SortColumn::Priority => "l.priority",
                    SortColumn::Created => "l.created_at",
                    SortColumn::Updated => "l.updated_at",
                },
                ascending,
            ),
        };
        let direction = if ascending { "ASC" } else { "DESC" };
        // NULLs sort last either way: an unset revenue is not "the smallest".
        format!(" ORDER BY ({expr}) IS NULL, {expr} {direction}, l.id DESC")
    }

    /// Whether an index reads this order for an account instead of a sort: `lead_recent`
    /// (migration 0013) holds exactly the terms `order_by` writes for the list's default,
    /// last updated first. Keep the two in step (a test reads the query plan).
    fn is_indexed(self) -> bool {
        self == LeadSort::Column(SortColumn::Updated, false)
    }
}

/// The last `N` remembered answers: what was computed for a `K` while the cached leads
/// were in a given state ([`Store::leads_state`]), newest first. The kanban asks the same
/// questions on every keystroke of a search; answering them again costs a scan of every
/// lead (the filter rows), or a listing of every match (a search asked again: a space
/// before the next word, "lead" → "lead ", or a backspace).
#[derive(Debug)]
pub(super) struct Remembered<K, V, const N: usize = 1>(
    std::sync::Mutex<std::collections::VecDeque<(K, LeadsState, V)>>,
);

/// Writes to `lead` through this connection, and SQLite's `data_version` (other
/// connections' commits): see [`Store::leads_state`].
type LeadsState = (u64, i64);

impl<K: PartialEq, V: Clone, const N: usize> Remembered<K, V, N> {
    pub(super) fn new() -> Self {
        Self(std::sync::Mutex::new(std::collections::VecDeque::new()))
    }

    fn answers(&self) -> std::sync::MutexGuard<'_, std::collections::VecDeque<(K, LeadsState, V)>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The answer for `key`, if it was computed in `state`.
    fn get(&self, key: &K, state: LeadsState) -> Option<V> {
        let mut answers = self.answers();
        // Answers from before a write are of no use again: the state only moves forward.
        answers.retain(|(_, s, _)| *s == state);
        let at = answers.iter().position(|(k, _, _)| k == key)?;
        let hit = answers.remove(at)?;
        let value = hit.2.clone();
        answers.push_front(hit);
        Some(value)
    }

    /// Remembers `value` for `key` in `state`, forgetting the oldest answer past `N`.
    fn keep(&self, key: K, state: LeadsState, value: V) {
        let mut answers = self.answers();
        answers.push_front((key, state, value));
        answers.truncate(N);
    }

    fn clear(&self) {
        self.answers().clear();
    }
}

/// How a query without a search finds the account's leads.
#[derive(Debug, Clone, Copy)]
enum Scan {
    /// The key range: in key order (what the board's filter rows are read in).
    Keys,
    /// `account_id = ?1`: lets an index that starts with the account order the rows.
    Account,
}

/// What the board ranks and sums of a lead that passes the filters.
#[derive(Debug, Clone, Copy)]
pub(super) struct BoardRow {
    key: i64,
    stage: Option<i64>,
    priority: i64,
    id: i64,
    revenue: f64,
}

/// SQL: `column` holds a key of account `?1`'s leads.
fn of_account(column: &str) -> String {
    format!("{column} BETWEEN ?1 * {LEAD_KEY} - {LEAD_SPAN} AND ?1 * {LEAD_KEY} + {LEAD_SPAN}")
}

/// Open leads and their expected revenue in one stage, for a kanban column header.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTotal {
    /// The stage (`None`: leads without one).
    pub stage_id: Option<i64>,
    /// Leads matching the query in it.
    pub count: u64,
    /// Their expected revenue.
    pub revenue: f64,
}

const DATETIME: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
const DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A datetime as stored (`YYYY-MM-DD HH:MM:SS`, UTC, as Odoo writes it). Written by hand:
/// the pull formats three per lead, and `time`'s general formatter was a visible share of
/// the cost of storing a page.
pub fn format_datetime(dt: PrimitiveDateTime) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(19);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    out
}

/// Parses [`format_datetime`]'s output.
pub fn parse_datetime(text: &str) -> Option<PrimitiveDateTime> {
    PrimitiveDateTime::parse(text, DATETIME).ok()
}

fn format_date(d: Date) -> String {
    d.format(DATE).unwrap_or_default()
}

fn reference(id: Option<i64>, name: Option<String>) -> Option<Ref> {
    id.map(|id| Ref {
        id,
        name: name.unwrap_or_default(),
    })
}

/// The columns `lead_from_row` reads, in order, with the names of related records joined
/// from their mirrors (`FROM` [`LEAD_FROM`]).
const LEAD_COLUMNS: &str = "l.id, l.name, l.kind, l.active, l.status, l.stage_id, s.name, \
    l.user_id, u.name, l.team_id, t.name, l.partner_id, l.partner_name, l.tag_ids, \
    l.contact_name, l.company_name, l.email, l.phone, l.mobile, l.description, \
    l.expected_revenue, l.probability, l.priority, l.lost_reason_id, r.name, l.source_id, \
    so.name, l.medium_id, me.name, l.campaign_id, l.campaign_name, l.deadline, l.closed_at, \
    l.created_at, l.updated_at";

/// A lead's key: account id × this + lead id. `lead.key` (its rowid, migration 0010),
/// `lead_search.rowid` and the search queue all use it.
pub(super) const LEAD_KEY: i64 = 1_000_000_000_000;
/// Lead ids (Odoo's, or negative for leads created here) stay within ± this.
pub(super) const LEAD_SPAN: i64 = 500_000_000_000;
/// SQL for the key of lead `?2` of account `?1` (`LEAD_KEY` spelled out: a `const` cannot
/// format; `key_of_spells_lead_key` checks the two agree).
pub(super) const KEY_OF: &str = "(?1 * 1000000000000 + ?2)";

/// The lead table with its joined names; callers choose the rows (by `l.key`).
const LEAD_FROM: &str = "lead l
    LEFT JOIN stage s ON s.account_id = l.account_id AND s.id = l.stage_id
    LEFT JOIN odoo_user u ON u.account_id = l.account_id AND u.id = l.user_id
    LEFT JOIN lookup t ON t.account_id = l.account_id AND t.kind = 'team' AND t.id = l.team_id
    LEFT JOIN lookup r ON r.account_id = l.account_id AND r.kind = 'lost_reason'
        AND r.id = l.lost_reason_id
    LEFT JOIN lookup so ON so.account_id = l.account_id AND so.kind = 'source'
        AND so.id = l.source_id
    LEFT JOIN lookup me ON me.account_id = l.account_id AND me.kind = 'medium'
        AND me.id = l.medium_id";

fn lead_from_row(row: &Row<'_>) -> rusqlite::Result<Lead> {
    let tags: String = row.get(13)?;
    let kind: String = row.get(2)?;
    let status: String = row.get(4)?;
    let dt = |i: usize| -> rusqlite::Result<Option<PrimitiveDateTime>> {
        Ok(row
            .get::<_, Option<String>>(i)?
            .as_deref()
            .and_then(parse_datetime))
    };
    Ok(Lead {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: if kind == "lead" {
            LeadType::Lead
        } else {
            LeadType::Opportunity
        },
        active: row.get(3)?,
        status: match status.as_str() {
            "won" => LeadStatus::Won,
            "lost" => LeadStatus::Lost,
            _ => LeadStatus::Open,
        },
        stage: reference(row.get(5)?, row.get(6)?),
        user: reference(row.get(7)?, row.get(8)?),
        team: reference(row.get(9)?, row.get(10)?),
        partner: reference(row.get(11)?, row.get(12)?),
        tag_ids: serde_json::from_str(&tags).unwrap_or_default(),
        contact_name: row.get(14)?,
        company_name: row.get(15)?,
        email: row.get(16)?,
        phone: row.get(17)?,
        mobile: row.get(18)?,
        description: row.get(19)?,
        expected_revenue: row.get(20)?,
        probability: row.get(21)?,
        priority: row.get(22)?,
        lost_reason: reference(row.get(23)?, row.get(24)?),
        source: reference(row.get(25)?, row.get(26)?),
        medium: reference(row.get(27)?, row.get(28)?),
        campaign: reference(row.get(29)?, row.get(30)?),
        deadline: row
            .get::<_, Option<String>>(31)?
            .and_then(|d| Date::parse(&d, DATE).ok()),
        closed_at: dt(32)?,
        created_at: dt(33)?,
        updated_at: dt(34)?,
    })
}

/// Inserts or replaces a lead's Odoo values (its client key, if any, is kept).
pub(super) fn upsert_lead(
    tx: &Transaction<'_>,
    account: i64,
    lead: &Lead,
    synced_at: Option<&str>,
) -> Result<(), Error> {
    let mut stmt = upsert_statement(tx)?;
    upsert_with(&mut stmt, account, lead, synced_at)?;
    queue_for_search(tx, account, &[lead.id])
}

/// Queues leads for the search index (`Store::index_search`). Every lead written through
/// the upsert must pass here: inserts have no trigger (migration 0009), so that a page of
/// leads costs one statement here instead of a trigger run per row.
fn queue_for_search(tx: &Transaction<'_>, account: i64, ids: &[i64]) -> Result<(), Error> {
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(&format!(
        "INSERT OR IGNORE INTO lead_search_queue (key)
         SELECT ?1 * {LEAD_KEY} + value FROM json_each(?2)"
    ))?
    .execute(params![account, json])?;
    Ok(())
}

/// The upsert of [`upsert_lead`], prepared once for a whole page.
fn upsert_statement<'t>(tx: &'t Transaction<'_>) -> Result<rusqlite::CachedStatement<'t>, Error> {
    Ok(tx.prepare_cached(&upsert_sql())?)
}

/// The lead upsert, run once per stored lead: what it costs per row is most of what the
/// initial sync spends beyond fetching, so a test holds it to plain b-tree work.
pub(super) fn upsert_sql() -> String {
    format!(
        "INSERT INTO lead (key, account_id, id, name, kind, active, status, stage_id, user_id,
            team_id, partner_id, partner_name, tag_ids, contact_name, company_name, email,
            phone, mobile, description, expected_revenue, probability, priority,
            lost_reason_id, source_id, medium_id, campaign_id, campaign_name, deadline,
            closed_at, created_at, updated_at, synced_at)
         VALUES ({KEY_OF}, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
            ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29,
            ?30, ?31)
         ON CONFLICT (key) DO UPDATE SET
            name = excluded.name, kind = excluded.kind, active = excluded.active,
            status = excluded.status, stage_id = excluded.stage_id,
            user_id = excluded.user_id, team_id = excluded.team_id,
            partner_id = excluded.partner_id,
            partner_name = excluded.partner_name, tag_ids = excluded.tag_ids,
            contact_name = excluded.contact_name, company_name = excluded.company_name,
            email = excluded.email, phone = excluded.phone, mobile = excluded.mobile,
            description = excluded.description, expected_revenue = excluded.expected_revenue,
            probability = excluded.probability, priority = excluded.priority,
            lost_reason_id = excluded.lost_reason_id, source_id = excluded.source_id,
            medium_id = excluded.medium_id, campaign_id = excluded.campaign_id,
            campaign_name = excluded.campaign_name, deadline = excluded.deadline,
            closed_at = excluded.closed_at, created_at = excluded.created_at,
            updated_at = excluded.updated_at,
            synced_at = coalesce(excluded.synced_at, lead.synced_at)"
    )
}

fn upsert_with(
    stmt: &mut rusqlite::CachedStatement<'_>,
    account: i64,
    lead: &Lead,
    synced_at: Option<&str>,
) -> Result<(), Error> {
    let id_of = |r: &Option<Ref>| r.as_ref().map(|r| r.id);
    fn name_of(r: &Option<Ref>) -> Option<&str> {
        r.as_ref().map(|r| r.name.as_str())
    }
    let tags = {
        use std::fmt::Write;
        let mut out = String::with_capacity(2 + lead.tag_ids.len() * 4);
        out.push('[');
        for (i, id) in lead.tag_ids.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{id}");
        }
        out.push(']');
        out
    };
    stmt.execute(params![
        account,
        lead.id,
        lead.name,
        match lead.kind {
            LeadType::Lead => "lead",
            LeadType::Opportunity => "opportunity",
        },
        lead.active,
        match lead.status {
            LeadStatus::Open => "open",
            LeadStatus::Won => "won",
            LeadStatus::Lost => "lost",
        },
        id_of(&lead.stage),
        id_of(&lead.user),
        id_of(&lead.team),
        id_of(&lead.partner),
        name_of(&lead.partner),
        tags,
        lead.contact_name,
        lead.company_name,
        lead.email,
        lead.phone,
        lead.mobile,
        lead.description,
        lead.expected_revenue,
        lead.probability,
        lead.priority,
        id_of(&lead.lost_reason),
        id_of(&lead.source),
        id_of(&lead.medium),
        id_of(&lead.campaign),
        name_of(&lead.campaign),
        lead.deadline.map(format_date),
        lead.closed_at.map(format_datetime),
        lead.created_at.map(format_datetime),
        lead.updated_at.map(format_datetime),
        synced_at,
    ])?;
    Ok(())
}

pub(super) fn lead_in(
    tx: &rusqlite::Connection,
    account: i64,
    id: i64,
) -> Result<Option<Lead>, Error> {
    Ok(tx
        .query_row(
            &format!("SELECT {LEAD_COLUMNS} FROM {LEAD_FROM} WHERE l.key = {KEY_OF}"),
            params![account, id],
            lead_from_row,
        )
        .optional()?)
}

pub(super) fn stages_in(conn: &rusqlite::Connection, account: i64) -> Result<Vec<Stage>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, sequence, is_won, fold, team_ids FROM stage
         WHERE account_id = ?1 ORDER BY sequence, name, id",
    )?;
    let rows = stmt.query_map(params![account], |r| {
        let teams: String = r.get(5)?;
        Ok(Stage {
            id: r.get(0)?,
            name: r.get(1)?,
            sequence: r.get(2)?,
            is_won: r.get(3)?,
            fold: r.get(4)?,
            team_ids: serde_json::from_str(&teams).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// Replaces the account's stages.
    pub fn replace_stages(&mut self, account: i64, stages: &[Stage]) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM stage WHERE account_id = ?1", params![account])?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO stage (account_id, id, name, sequence, is_won, fold, team_ids)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for s in stages {
                stmt.execute(params![
                    account,
                    s.id,
                    s.name,
                    s.sequence,
                    s.is_won,
                    s.fold,
                    serde_json::to_string(&s.team_ids).unwrap_or_else(|_| "[]".into())
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The account's stages in pipeline order.
    pub fn stages(&self, account: i64) -> Result<Vec<Stage>, Error> {
        stages_in(&self.conn, account)
    }

    /// Replaces the account's records of one lookup kind.
    pub fn replace_lookups(
        &mut self,
        account: i64,
        kind: LookupKind,
        rows: &[Named],
    ) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM lookup WHERE account_id = ?1 AND kind = ?2",
            params![account, kind.key()],
        )?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO lookup (account_id, kind, id, name, color) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for n in rows {
                stmt.execute(params![account, kind.key(), n.id, n.name, n.color])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The account's records of one lookup kind, by name.
    pub fn lookups(&self, account: i64, kind: LookupKind) -> Result<Vec<Named>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, color FROM lookup WHERE account_id = ?1 AND kind = ?2
             ORDER BY name COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map(params![account, kind.key()], |r| {
            Ok(Named {
                id: r.get(0)?,
                name: r.get(1)?,
                color: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the account's users.
    pub fn replace_users(&mut self, account: i64, users: &[User]) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM odoo_user WHERE account_id = ?1",
            params![account],
        )?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO odoo_user (account_id, id, name, login, partner_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for u in users {
                stmt.execute(params![account, u.id, u.name, u.login, u.partner_id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The account's users, by name.
    pub fn users(&self, account: i64) -> Result<Vec<User>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, login, partner_id FROM odoo_user WHERE account_id = ?1
             ORDER BY name COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map(params![account], |r| {
            Ok(User {
                id: r.get(0)?,
                name: r.get(1)?,
                login: r.get(2)?,
                partner_id: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Inserts or updates partners.
    pub fn upsert_partners(&mut self, account: i64, partners: &[Partner]) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO partner (account_id, id, name, email, phone, mobile, is_company)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name,
                    email = excluded.email, phone = excluded.phone, mobile = excluded.mobile,
                    is_company = excluded.is_company",
            )?;
            for p in partners {
                stmt.execute(params![
                    account,
                    p.id,
                    p.name,
                    p.email,
                    p.phone,
                    p.mobile,
                    p.is_company
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Partners referenced by cached leads but not cached yet.
    pub fn missing_partner_ids(&self, account: i64) -> Result<Vec<i64>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT l.partner_id FROM lead l
             WHERE l.account_id = ?1 AND l.partner_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM partner p
                               WHERE p.account_id = l.account_id AND p.id = l.partner_id)
             ORDER BY 1",
        )?;
        let rows = stmt.query_map(params![account], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Ids of the cached partners that some lead references.
    pub fn referenced_partner_ids(&self, account: i64) -> Result<Vec<i64>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT partner_id FROM lead WHERE account_id = ?1 AND partner_id IS NOT NULL
             ORDER BY 1",
        )?;
        let rows = stmt.query_map(params![account], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes cached partners no lead references any more, and those in `gone`.
    pub fn prune_partners(&mut self, account: i64, gone: &[i64]) -> Result<usize, Error> {
        let tx = self.conn.transaction()?;
        let mut removed = tx.execute(
            "DELETE FROM partner WHERE account_id = ?1 AND id NOT IN
                (SELECT partner_id FROM lead WHERE account_id = ?1 AND partner_id IS NOT NULL)",
            params![account],
        )?;
        for id in gone {
            removed += tx.execute(
                "DELETE FROM partner WHERE account_id = ?1 AND id = ?2",
                params![account, id],
            )?;
        }
        tx.commit()?;
        Ok(removed)
    }

    /// A cached partner.
    pub fn partner(&self, account: i64, id: i64) -> Result<Option<Partner>, Error> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, email, phone, mobile, is_company FROM partner
                 WHERE account_id = ?1 AND id = ?2",
                params![account, id],
                |r| {
                    Ok(Partner {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        email: r.get(2)?,
                        phone: r.get(3)?,
                        mobile: r.get(4)?,
                        is_company: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Stores one page of leads read from Odoo, in one transaction, and records how far the
    /// pull's window got (`after_id`), so a crash resumes after this page and not before.
    /// `leads` are already the rep's view (pending edits applied by the caller).
    pub fn save_lead_page(
        &mut self,
        account: i64,
        leads: &[Lead],
        synced_at: &str,
        progress: Option<(&str, i64)>,
    ) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = upsert_statement(&tx)?;
            for lead in leads {
                upsert_with(&mut stmt, account, lead, Some(synced_at))?;
            }
        }
        let ids: Vec<i64> = leads.iter().map(|l| l.id).collect();
        queue_for_search(&tx, account, &ids)?;
        if let Some((model, after_id)) = progress {
            tx.execute(
                "UPDATE sync_cursor SET window_after_id = ?3 WHERE account_id = ?1 AND model = ?2",
                params![account, model, after_id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A cached lead (the rep's view).
    pub fn lead(&self, account: i64, id: i64) -> Result<Option<Lead>, Error> {
        lead_in(&self.conn, account, id)
    }

    /// The id of the lead created here with `client_key`.
    pub fn lead_id_by_key(&self, account: i64, client_key: &str) -> Result<Option<i64>, Error> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM lead WHERE account_id = ?1 AND client_key = ?2",
                params![account, client_key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The client key of a lead created here, if it was.
    pub fn lead_client_key(&self, account: i64, id: i64) -> Result<Option<String>, Error> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT client_key FROM lead WHERE key = {KEY_OF}"),
                params![account, id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Cached leads matching `query`, in its order. The search runs on the FTS5 index
    /// (`crate::search`): every word must start a word of the name, contact, company,
    /// customer, email or description, or the digits a phone number.
    pub fn leads(&self, account: i64, query: &LeadQuery) -> Result<Vec<Lead>, Error> {
        let (sql, args) = self.leads_sql(account, query)?;
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), lead_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The SQL of [`Store::leads`] and its arguments.
    pub(super) fn leads_sql(
        &self,
        account: i64,
        query: &LeadQuery,
    ) -> Result<(String, Vec<rusqlite::types::Value>), Error> {
        use std::fmt::Write;
        // Without a search, an indexed order reads the account's leads through its index;
        // the key range would make SQLite sort them all (~90 ms for the list's first page
        // at 100,000 leads, against ~1 ms).
        let scan = if query.search.is_none() && query.sort.is_indexed() {
            Scan::Account
        } else {
            Scan::Keys
        };
        let (keys, args) = self.matching(account, query, scan)?;
        // The page is chosen from the lead table alone (driven by the search index when
        // there is a search), sorted and cut; only then are the names of stages, users, etc.
        // joined, for the rows shown.
        let order = query.sort.order_by();
        // `n` numbers the page in its order, so the outer query (which joins the names of
        // stages, users, etc. for the rows shown) can keep it.
        let mut page = format!("SELECT l.key, row_number() OVER ({order}) AS n FROM {keys}{order}");
        if query.limit.is_some() || query.offset > 0 {
            let limit = query
                .limit
                .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
            let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
            let _ = write!(page, " LIMIT {limit} OFFSET {offset}");
        }
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM ({page}) k, {LEAD_FROM}
             WHERE l.key = k.key ORDER BY k.n"
        );
        Ok((sql, args))
    }

    /// The kanban board for `query` in one pass over the matching leads: per stage, the
    /// count and expected revenue of all of them and the first `per_column` cards in kanban
    /// order (priority, then newest). Returns the totals (by stage id, no stage first) and
    /// the cards, by stage then rank.
    ///
    /// The pass goes over the rows that pass the filters (remembered while a search is
    /// typed: see `filtered`), merged with the search's keys, and keeps per stage only the
    /// best `per_column` in a bounded heap; the full rows are read for the cards shown
    /// alone. (Window functions over the matches sorted every one of them: ~0.5 s for a
    /// first letter that matches 100,000 leads.)
    pub fn board(
        &self,
        account: i64,
        query: &LeadQuery,
        per_column: usize,
    ) -> Result<(Vec<StageTotal>, Vec<Lead>), Error> {
        use std::cmp::Reverse;
        use std::collections::{BTreeMap, BinaryHeap, HashMap};
        // Kanban order, best first: priority, then the newest (highest) id.
        type Rank = (i64, i64);
        struct Column {
            count: u64,
            revenue: f64,
            // The best `per_column` ranks seen, the worst of them on top.
            first: BinaryHeap<Reverse<Rank>>,
        }
        let found = self.search_keys(account, query)?;
        let filtered = self.filtered(account, query)?;
        let mut columns: BTreeMap<Option<i64>, Column> = BTreeMap::new();
        let mut add = |row: &BoardRow| {
            let column = columns.entry(row.stage).or_insert_with(|| Column {
                count: 0,
                revenue: 0.0,
                first: BinaryHeap::with_capacity(per_column + 1),
            });
            column.count += 1;
            column.revenue += row.revenue;
            let rank: Rank = (row.priority, row.id);
            if column.first.len() < per_column {
                column.first.push(Reverse(rank));
            } else if let Some(mut worst) = column.first.peek_mut()
                && rank > worst.0
            {
                *worst = Reverse(rank);
            }
        };
        // Newest first (descending key is descending id within the account): a lead of the
        // same priority as the worst kept is then never better, so most rows cost one
        // comparison. In key order every row displaced the worst (~15% of a board that
        // matches every lead went to the heap).
        match found {
            None => filtered.iter().rev().for_each(&mut add),
            // Both in key order: one merge, from the end.
            Some(keys) => {
                let mut rows = filtered.iter().rev().peekable();
                for &key in keys.iter().rev() {
                    while rows.next_if(|row| row.key > key).is_some() {}
                    if let Some(row) = rows.next_if(|row| row.key == key) {
                        add(row);
                    }
                }
            }
        }
        let mut totals = Vec::with_capacity(columns.len());
        let mut order: Vec<i64> = Vec::new();
        for (stage_id, column) in columns {
            totals.push(StageTotal {
                stage_id,
                count: column.count,
                revenue: column.revenue,
            });
            // `into_sorted_vec` of `Reverse` is best first.
            order.extend(column.first.into_sorted_vec().into_iter().map(|r| r.0.1));
        }
        let mut cards = self.leads_by_id(account, &order)?;
        let position: HashMap<i64, usize> =
            order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        cards.sort_by_key(|lead| position.get(&lead.id).copied().unwrap_or(usize::MAX));
        Ok((totals, cards))
    }

    /// Drops the keys of recent searches, so the next search lists its matches again: a
    /// benchmark of first keystrokes calls it before each ask.
    pub fn forget_recent_searches(&self) {
        self.searches.clear();
    }

    /// The keys of the account's leads that match the query's search, in key order (`None`
    /// without a search). Indexes whatever is still queued first.
    fn search_keys(
        &self,
        account: i64,
        query: &LeadQuery,
    ) -> Result<Option<std::sync::Arc<Vec<i64>>>, Error> {
        let Some(fts) = query.search.as_deref().and_then(crate::search::query) else {
            return Ok(None);
        };
        // Indexing first: a lead still queued was written, so the state below is newer than
        // any answer that misses it.
        self.index_search(usize::MAX)?;
        let key = (account, fts);
        let state = self.leads_state()?;
        if let Some(keys) = self.searches.get(&key, state) {
            return Ok(Some(keys));
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT rowid FROM lead_search WHERE lead_search MATCH ?2 AND {} ORDER BY rowid",
            of_account("rowid")
        ))?;
        let keys = stmt.query_map(params![account, key.1], |r| r.get(0))?;
        let keys = std::sync::Arc::new(keys.collect::<Result<Vec<i64>, _>>()?);
        self.searches.keep(key, state, std::sync::Arc::clone(&keys));
        Ok(Some(keys))
    }

    /// The rows that pass the query's filters (not its search), in key order, remembered
    /// until the filters or the cached leads change. Typing a search asks for the same
    /// filters on every keystroke: reading them costs a scan of every lead (~35 ms at
    /// 100,000).
    pub(super) fn filtered(
        &self,
        account: i64,
        query: &LeadQuery,
    ) -> Result<std::sync::Arc<Vec<BoardRow>>, Error> {
        let filters = LeadQuery {
            search: None,
            sort: LeadSort::default(),
            offset: 0,
            limit: None,
            ..query.clone()
        };
        let key = (account, filters);
        let state = self.leads_state()?;
        if let Some(rows) = self.filtered.get(&key, state) {
            return Ok(rows);
        }
        let (keys, args) = self.matching(account, &key.1, Scan::Keys)?;
        let sql = format!(
            "SELECT l.key, l.stage_id, l.priority, l.id, l.expected_revenue FROM {keys}
             ORDER BY l.key"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            Ok(BoardRow {
                key: r.get(0)?,
                stage: r.get(1)?,
                priority: r.get(2)?,
                id: r.get(3)?,
                revenue: r.get(4)?,
            })
        })?;
        let rows = std::sync::Arc::new(rows.collect::<Result<Vec<_>, _>>()?);
        self.filtered.keep(key, state, std::sync::Arc::clone(&rows));
        Ok(rows)
    }

    /// Changes whenever the cached leads may have: a lead written through this connection
    /// (`lead_writes`) or another connection's commit (`data_version`), such as the CLI's
    /// sync or the desktop's sync runner.
    pub(super) fn leads_state(&self) -> Result<LeadsState, Error> {
        Ok((
            self.lead_writes.load(std::sync::atomic::Ordering::Relaxed),
            self.conn
                .pragma_query_value(None, "data_version", |r| r.get::<_, i64>(0))?,
        ))
    }

    /// Cached leads by id (any order; ids not cached are left out).
    fn leads_by_id(&self, account: i64, ids: &[i64]) -> Result<Vec<Lead>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM {LEAD_FROM}
             WHERE l.key IN (SELECT ?1 * {LEAD_KEY} + value FROM json_each(?2))"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![account, json], lead_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many cached leads match `query` (ignoring its paging).
    pub fn count_leads(&self, account: i64, query: &LeadQuery) -> Result<u64, Error> {
        let (keys, args) = self.matching(account, query, Scan::Keys)?;
        let sql = format!("SELECT count(*) FROM {keys}");
        let count: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(args), |r| r.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// The `FROM … WHERE …` selecting the leads of `query` as `l`, and its arguments (`?1`
    /// is the account). Indexes any leads still queued for search first, so a search never
    /// misses what the last sync brought.
    fn matching(
        &self,
        account: i64,
        query: &LeadQuery,
        scan: Scan,
    ) -> Result<(String, Vec<rusqlite::types::Value>), Error> {
        use std::fmt::Write;
        let mut args: Vec<rusqlite::types::Value> = vec![account.into()];
        let search = query.search.as_deref().and_then(crate::search::query);
        let mut sql = match &search {
            Some(fts) => {
                self.index_search(usize::MAX)?;
                args.push(fts.clone().into());
                format!(
                    "lead_search f, lead l
                     WHERE lead_search MATCH ?2 AND l.key = f.rowid AND {}",
                    of_account("f.rowid")
                )
            }
            None => match scan {
                Scan::Keys => format!("lead l WHERE {}", of_account("l.key")),
                Scan::Account => "lead l WHERE l.account_id = ?1".to_owned(),
            },
        };
        let mut arg = |value: rusqlite::types::Value| {
            args.push(value);
            args.len()
        };
        if let Some(stage) = query.stage_id {
            let _ = write!(sql, " AND l.stage_id = ?{}", arg(stage.into()));
        }
        match query.scope {
            Scope::All => {}
            Scope::Mine(user) => {
                let _ = write!(sql, " AND l.user_id = ?{}", arg(user.into()));
            }
            Scope::Unassigned => sql.push_str(" AND l.user_id IS NULL"),
            Scope::MineAndUnassigned(user) => {
                let _ = write!(
                    sql,
                    " AND (l.user_id IS NULL OR l.user_id = ?{})",
                    arg(user.into())
                );
            }
        }
        // Lists go in as one JSON argument each: one prepared statement per filter shape,
        // whatever the number of ids.
        let mut any_of = |column: &str, values: &[i64]| {
            if !values.is_empty() {
                let json = serde_json::to_string(values).unwrap_or_else(|_| "[]".into());
                let n = arg(json.into());
                let _ = write!(sql, " AND {column} IN (SELECT value FROM json_each(?{n}))");
            }
        };
        any_of("l.stage_id", &query.stage_ids);
        any_of("l.source_id", &query.source_ids);
        any_of("l.priority", &query.priorities);
        if !query.tag_ids.is_empty() {
            let json = serde_json::to_string(&query.tag_ids).unwrap_or_else(|_| "[]".into());
            let n = arg(json.into());
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM json_each(l.tag_ids) t
                              WHERE t.value IN (SELECT value FROM json_each(?{n})))"
            );
        }
        if !query.statuses.is_empty() {
            let names: Vec<&str> = query
                .statuses
                .iter()
                .map(|s| match s {
                    LeadStatus::Open => "open",
                    LeadStatus::Won => "won",
                    LeadStatus::Lost => "lost",
                })
                .collect();
            let n = arg(serde_json::to_string(&names).unwrap_or_default().into());
            let _ = write!(sql, " AND l.status IN (SELECT value FROM json_each(?{n}))");
        }
        if let Some(from) = query.created_from {
            let _ = write!(
                sql,
                " AND l.created_at >= ?{}",
                arg(format_date(from).into())
            );
        }
        if let Some(before) = query.created_before {
            let _ = write!(
                sql,
                " AND l.created_at < ?{}",
                arg(format_date(before).into())
            );
        }
        Ok((sql, args))
    }

    /// The sales teams of the leads assigned to a user: the rep's teams, as far as the
    /// cache can tell (it mirrors no team membership), for choosing the kanban's stages.
    /// Remembered until the cached leads change (see `leads_state`).
    pub fn teams_of_user(&self, account: i64, user: i64) -> Result<Vec<i64>, Error> {
        let state = self.leads_state()?;
        if let Some(teams) = self.teams.get(&(account, user), state) {
            return Ok(teams);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT team_id FROM lead
             WHERE account_id = ?1 AND user_id = ?2 AND team_id IS NOT NULL",
        )?;
        let rows = stmt.query_map(params![account, user], |r| r.get(0))?;
        let teams: Vec<i64> = rows.collect::<Result<_, _>>()?;
        self.teams.keep((account, user), state, teams.clone());
        Ok(teams)
    }

    /// When the cached copy of a lead last came from Odoo (`None`: created or edited here
    /// and not pulled since), for the lead panel's "synced" line.
    pub fn lead_synced_at(&self, account: i64, id: i64) -> Result<Option<String>, Error> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT synced_at FROM lead WHERE key = {KEY_OF}"))?
            .query_row(params![account, id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// A piece of view state the window saved for the account (JSON), if any.
    pub fn view_state(&self, account: i64, name: &str) -> Result<Option<String>, Error> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM view_state WHERE account_id = ?1 AND name = ?2")?
            .query_row(params![account, name], |r| r.get(0))
            .optional()?)
    }

    /// Saves a piece of view state (valid JSON, or the database refuses it).
    pub fn save_view_state(&mut self, account: i64, name: &str, json: &str) -> Result<(), Error> {
        self.conn
            .prepare_cached(
                "INSERT INTO view_state (account_id, name, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET value = excluded.value",
            )?
            .execute(params![account, name, json])?;
        Ok(())
    }

    /// What the statistics need of every cached lead of the account
    /// ([`crate::stats::PipelineStats::compute`]).
    pub fn stats_rows(&self, account: i64) -> Result<Vec<crate::stats::StatsRow>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.kind, l.status, l.stage_id, s.name, s.sequence, u.name, so.name,
                    l.expected_revenue, l.created_at, l.closed_at
             FROM lead l
             LEFT JOIN stage s ON s.account_id = l.account_id AND s.id = l.stage_id
             LEFT JOIN odoo_user u ON u.account_id = l.account_id AND u.id = l.user_id
             LEFT JOIN lookup so ON so.account_id = l.account_id AND so.kind = 'source'
                 AND so.id = l.source_id
             WHERE l.account_id = ?1",
        )?;
        let rows = stmt.query_map(params![account], |r| {
            let kind: String = r.get(0)?;
            let status: String = r.get(1)?;
            let stage: Option<i64> = r.get(2)?;
            let dt = |i: usize| -> rusqlite::Result<Option<PrimitiveDateTime>> {
                Ok(r.get::<_, Option<String>>(i)?
                    .as_deref()
                    .and_then(parse_datetime))
            };
            Ok(crate::stats::StatsRow {
                kind: if kind == "lead" {
                    LeadType::Lead
                } else {
                    LeadType::Opportunity
                },
                status: match status.as_str() {
                    "won" => LeadStatus::Won,
                    "lost" => LeadStatus::Lost,
                    _ => LeadStatus::Open,
                },
                stage: match stage {
                    Some(id) => Some((
                        id,
                        r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        r.get::<_, Option<i64>>(4)?.unwrap_or(i64::MAX),
                    )),
                    None => None,
                },
                salesperson: r.get(5)?,
                source: r.get(6)?,
                expected_revenue: r.get(7)?,
                created_at: dt(8)?,
                closed_at: dt(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Brings the search index up to date for at most `max` queued leads, in one
    /// transaction; returns how many are still queued. The sync runner calls it in batches
    /// after a sync; a search first indexes whatever is left, so results are never stale.
    /// (`&self`: the index is the store's own bookkeeping, and every `Store` is used by one
    /// thread at a time.)
    pub fn index_search(&self, max: usize) -> Result<u64, Error> {
        let tx = self.conn.unchecked_transaction()?;
        {
            let keys: Vec<i64> = tx
                .prepare_cached("SELECT key FROM lead_search_queue ORDER BY key LIMIT ?1")?
                .query_map(params![i64::try_from(max).unwrap_or(i64::MAX)], |r| {
                    r.get(0)
                })?
                .collect::<Result<_, _>>()?;
            let mut forget = tx.prepare_cached("DELETE FROM lead_search WHERE rowid = ?1")?;
            let mut read = tx.prepare_cached(
                "SELECT name, contact_name, company_name, partner_name, email, description,
                        phone, mobile
                 FROM lead WHERE key = ?1",
            )?;
            let mut index =
                tx.prepare_cached("INSERT INTO lead_search (rowid, document) VALUES (?1, ?2)")?;
            let mut done = tx.prepare_cached("DELETE FROM lead_search_queue WHERE key = ?1")?;
            for key in keys {
                forget.execute(params![key])?;
                let document = read
                    .query_row(params![key], |r| {
                        let t = |i: usize| r.get::<_, Option<String>>(i);
                        let words = [t(0)?, t(1)?, t(2)?, t(3)?, t(4)?, t(5)?];
                        let phones = [t(6)?, t(7)?];
                        Ok(crate::search::document(
                            &words.iter().map(Option::as_deref).collect::<Vec<_>>(),
                            &phones.iter().map(Option::as_deref).collect::<Vec<_>>(),
                        ))
                    })
                    .optional()?;
                if let Some(document) = document {
                    index.execute(params![key, document])?;
                }
                done.execute(params![key])?;
            }
        }
        let left: i64 = tx.query_row("SELECT count(*) FROM lead_search_queue", [], |r| r.get(0))?;
        tx.commit()?;
        Ok(left.unsigned_abs())
    }

    /// How many cached leads match what the rep typed (the index alone: no join, no sort).
    pub fn count_matching(&self, account: i64, typed: &str) -> Result<u64, Error> {
        let Some(fts) = crate::search::query(typed) else {
            return self.lead_count(account);
        };
        self.index_search(usize::MAX)?;
        let n: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM lead_search WHERE lead_search MATCH ?2
               AND rowid BETWEEN ?1 * {LEAD_KEY} - {LEAD_SPAN} AND ?1 * {LEAD_KEY} + {LEAD_SPAN}"
            ))?
            .query_row(params![account, fts], |r| r.get(0))?;
        Ok(n.unsigned_abs())
    }

    /// Number of cached leads.
    pub fn lead_count(&self, account: i64) -> Result<u64, Error> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM lead WHERE account_id = ?1",
            params![account],
            |r| r.get(0),
        )?;
        Ok(n.unsigned_abs())
    }

    /// Ids of the cached leads that came from Odoo (not the ones created here, unpushed).
    pub fn synced_lead_ids(&self, account: i64) -> Result<Vec<i64>, Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id FROM lead
                 WHERE key BETWEEN ?1 * {LEAD_KEY} + 1 AND ?1 * {LEAD_KEY} + {LEAD_SPAN}
                 ORDER BY key"
        ))?;
        let rows = stmt.query_map(params![account], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes leads (and their cached messages).
    pub fn delete_leads(&mut self, account: i64, ids: &[i64]) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        {
            let mut lead = tx.prepare_cached(&format!("DELETE FROM lead WHERE key = {KEY_OF}"))?;
            let mut messages =
                tx.prepare_cached("DELETE FROM message WHERE account_id = ?1 AND lead_id = ?2")?;
            for id in ids {
                lead.execute(params![account, id])?;
                messages.execute(params![account, id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces a lead's cached chatter with `messages` (notes written here and not pushed
    /// yet stay).
    pub fn replace_messages(
        &mut self,
        account: i64,
        lead_id: i64,
        messages: &[Message],
    ) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM message WHERE account_id = ?1 AND lead_id = ?2 AND id > 0",
            params![account, lead_id],
        )?;
        {
            let mut stmt = tx.prepare_cached(UPSERT_MESSAGE)?;
            for m in messages {
                insert_message(&mut stmt, account, lead_id, m)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A lead's cached chatter, newest first (notes not pushed yet first of all).
    pub fn messages(&self, account: i64, lead_id: i64) -> Result<Vec<Message>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, lead_id, body, kind, internal, author_id, author_name, date FROM message
             WHERE account_id = ?1 AND lead_id = ?2
             ORDER BY (id < 0) DESC, date DESC, id DESC",
        )?;
        let rows = stmt.query_map(params![account, lead_id], |r| {
            let kind: String = r.get(3)?;
            Ok(Message {
                id: r.get(0)?,
                lead_id: r.get(1)?,
                body: r.get(2)?,
                kind: MessageKind::parse(&kind),
                internal: r.get(4)?,
                author: reference(r.get(5)?, r.get(6)?),
                date: r
                    .get::<_, Option<String>>(7)?
                    .as_deref()
                    .and_then(parse_datetime),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a lead to be re-read from Odoo at the next sync (after a discarded edit or a
    /// conflict resolved by taking Odoo's values).
    pub fn mark_stale(&mut self, account: i64, id: i64) -> Result<(), Error> {
        self.conn.execute(
            &format!("UPDATE lead SET synced_at = NULL WHERE key = {KEY_OF} AND id > 0"),
            params![account, id],
        )?;
        Ok(())
    }

    /// Leads marked stale.
    pub fn stale_lead_ids(&self, account: i64) -> Result<Vec<i64>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM lead WHERE account_id = ?1 AND id > 0 AND synced_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map(params![account], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Where a model's pull stands.
    pub fn cursor(&self, account: i64, model: &str) -> Result<Cursor, Error> {
        let row = self
            .conn
            .query_row(
                "SELECT cursor, window_since, window_until, window_after_id, reconciled_at
                 FROM sync_cursor WHERE account_id = ?1 AND model = ?2",
                params![account, model],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((cursor, since, until, after, reconciled)) = row else {
            return Ok(Cursor::default());
        };
        let dt = |t: Option<String>| t.as_deref().and_then(parse_datetime);
        Ok(Cursor {
            cursor: dt(cursor),
            window: dt(until).map(|until| (dt(since), until, after.unwrap_or(0))),
            reconciled_at: dt(reconciled),
        })
    }

    /// Starts paging a window (or keeps the one in progress).
    pub fn begin_window(
        &mut self,
        account: i64,
        model: &str,
        since: Option<PrimitiveDateTime>,
        until: PrimitiveDateTime,
    ) -> Result<(), Error> {
        self.conn.execute(
            "INSERT INTO sync_cursor (account_id, model, window_since, window_until, window_after_id)
             VALUES (?1, ?2, ?3, ?4, 0)
             ON CONFLICT (account_id, model) DO UPDATE SET window_since = excluded.window_since,
                window_until = excluded.window_until, window_after_id = 0",
            params![account, model, since.map(format_datetime), format_datetime(until)],
        )?;
        Ok(())
    }

    /// The window is done: everything before `until` has been pulled.
    pub fn finish_window(&mut self, account: i64, model: &str) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE sync_cursor SET cursor = window_until, window_since = NULL,
                window_until = NULL, window_after_id = NULL
             WHERE account_id = ?1 AND model = ?2",
            params![account, model],
        )?;
        Ok(())
    }

    /// Records when ids were last re-listed.
    pub fn set_reconciled(
        &mut self,
        account: i64,
        model: &str,
        at: PrimitiveDateTime,
    ) -> Result<(), Error> {
        self.conn.execute(
            "INSERT INTO sync_cursor (account_id, model, reconciled_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id, model) DO UPDATE SET reconciled_at = excluded.reconciled_at",
            params![account, model, format_datetime(at)],
        )?;
        Ok(())
    }
}

impl Store {
    /// The newest chatter message id the message delta has looked at (`None`: never).
    pub fn message_cursor(&self, account: i64) -> Result<Option<i64>, Error> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_id FROM sync_cursor WHERE account_id = ?1 AND model = 'mail.message'",
                params![account],
                |r| r.get::<_, Option<i64>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Keeps the new chatter messages of cached leads (others are dropped: their lead is not
    /// visible here) and moves the message cursor to `last_id`, in one transaction, so a
    /// crash neither loses nor repeats a message. Returns the messages kept.
    pub fn add_lead_messages(
        &mut self,
        account: i64,
        messages: &[Message],
        last_id: i64,
    ) -> Result<Vec<Message>, Error> {
        let tx = self.conn.transaction()?;
        let mut kept = Vec::new();
        {
            let mut cached = tx.prepare_cached(&format!(
                "SELECT 1 FROM lead WHERE key = {KEY_OF} AND id > 0"
            ))?;
            let mut insert = tx.prepare_cached(UPSERT_MESSAGE)?;
            for m in messages {
                if cached.exists(params![account, m.lead_id])? {
                    insert_message(&mut insert, account, m.lead_id, m)?;
                    kept.push(m.clone());
                }
            }
        }
        tx.execute(
            "INSERT INTO sync_cursor (account_id, model, last_id) VALUES (?1, 'mail.message', ?2)
             ON CONFLICT (account_id, model) DO UPDATE SET last_id = excluded.last_id",
            params![account, last_id],
        )?;
        tx.commit()?;
        Ok(kept)
    }
}

/// Writes one chatter message (parameters as [`insert_message`] binds them).
const UPSERT_MESSAGE: &str = "INSERT INTO message (account_id, id, lead_id, body, kind,
        internal, author_id, author_name, date)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
     ON CONFLICT (account_id, id) DO UPDATE SET lead_id = excluded.lead_id,
        body = excluded.body, kind = excluded.kind, internal = excluded.internal,
        author_id = excluded.author_id, author_name = excluded.author_name,
        date = excluded.date";

pub(super) fn insert_message(
    stmt: &mut rusqlite::CachedStatement<'_>,
    account: i64,
    lead_id: i64,
    m: &Message,
) -> Result<(), Error> {
    stmt.execute(params![
        account,
        m.id,
        lead_id,
        m.body,
        m.kind.as_str(),
        m.internal,
        m.author.as_ref().map(|a| a.id),
        m.author.as_ref().map(|a| a.name.clone()),
        m.date.map(format_datetime),
    ])?;
    Ok(())
}
