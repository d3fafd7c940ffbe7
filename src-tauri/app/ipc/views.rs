//! Shapes the UI reads. Domain types are converted here, so crm-core never has to know what
//! the window wants.
//!
//! Ids are `i64` here and `number` in TypeScript: exact, since Odoo ids are PostgreSQL
//! `integer`s (below 2^31) and local ids are small SQLite row ids.

use super::error::CommandError;
use crate::state::AppState;
use crm_core::paths::DataDirSource;
use crm_core::store::Notice;
use serde::Serialize;

/// What the About panel (and `crm-desk info --json`) shows.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub data_dir_source: DataDirSource,
    pub database_file: String,
    pub settings_file: String,
    pub log_dir: String,
    pub schema_version: u32,
    /// Set when the user's database could not be used; the UI shows it until restart.
    pub database_notice: Option<DatabaseNotice>,
    /// Set when settings.toml or a CRM_DESK_* variable was ignored.
    pub settings_problem: Option<String>,
}

/// What happened to a database that could not be used.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseNotice {
    /// Where the old file was moved, if it was.
    pub moved_to: Option<String>,
    /// True when the app runs on a temporary database that is lost at exit.
    pub temporary: bool,
    /// A sentence for the user.
    pub message: String,
}

impl From<&Notice> for DatabaseNotice {
    fn from(notice: &Notice) -> Self {
        match notice {
            Notice::MovedAside { moved_to, reason } => Self {
                moved_to: Some(moved_to.display().to_string()),
                temporary: false,
                message: format!(
                    "Your local database could not be read ({reason}). It was moved to {} and \
                     a fresh one was started; your pipeline will be downloaded again from Odoo.",
                    moved_to.display()
                ),
            },
            Notice::Temporary { reason } => Self {
                moved_to: None,
                temporary: true,
                message: format!(
                    "CRM Desk is running on a temporary database because {reason}. Changes \
                     made now are lost when the app closes."
                ),
            },
        }
    }
}

impl AppInfo {
    pub fn of(state: &AppState) -> Result<Self, CommandError> {
        let paths = &state.paths;
        Ok(Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: paths.data_dir.display().to_string(),
            data_dir_source: paths.source,
            database_file: paths.database().display().to_string(),
            settings_file: paths.settings().display().to_string(),
            log_dir: paths.log_dir.display().to_string(),
            schema_version: state.store().schema_version()?,
            database_notice: state.database_notice.as_ref().map(DatabaseNotice::from),
            settings_problem: state.settings_problem(),
        })
    }
}

/// An Odoo account as the UI and `crm-desk account list --json` show it (never its key).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    #[specta(type = specta_typescript::Number)]
    pub id: i64,
    pub odoo_url: String,
    pub database: String,
    pub login: String,
    pub user_name: String,
    pub server_version: String,
    pub transport: String,
    pub is_current: bool,
    pub last_synced_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_kind: Option<String>,
}

impl From<&crm_core::store::Account> for AccountView {
    fn from(a: &crm_core::store::Account) -> Self {
        Self {
            id: a.id,
            odoo_url: a.odoo_url.clone(),
            database: a.database.clone(),
            login: a.login.clone(),
            user_name: a.user_name.clone(),
            server_version: a.server_version.clone(),
            transport: a.transport.clone(),
            is_current: a.is_current,
            last_synced_at: a.last_synced_at.map(crm_core::store::format_datetime),
            last_error: a.last_error.clone(),
            last_error_kind: a.last_error_kind.clone(),
        }
    }
}

/// A record reference: id and display name.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RefView {
    #[specta(type = specta_typescript::Number)]
    pub id: i64,
    pub name: String,
}

impl From<&crm_core::crm::Ref> for RefView {
    fn from(r: &crm_core::crm::Ref) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
        }
    }
}

/// A lead as the rep sees it (Odoo's values with their pending edits applied).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeadView {
    /// Odoo id; negative for a lead created here and not pushed yet.
    #[specta(type = specta_typescript::Number)]
    pub id: i64,
    /// The key of a lead created here (also after it was pushed).
    pub client_key: Option<String>,
    pub name: String,
    /// `lead` or `opportunity`.
    pub kind: String,
    /// `open`, `won` or `lost`.
    pub status: String,
    pub active: bool,
    pub stage: Option<RefView>,
    pub salesperson: Option<RefView>,
    pub team: Option<RefView>,
    pub partner: Option<RefView>,
    pub contact_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub expected_revenue: f64,
    pub probability: f64,
    pub priority: u8,
    #[specta(type = Vec<specta_typescript::Number>)]
    pub tag_ids: Vec<i64>,
    pub lost_reason: Option<RefView>,
    pub source: Option<RefView>,
    pub medium: Option<RefView>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// Edits of this lead not in Odoo yet.
    pub pending: u32,
    /// One of them conflicts with a change made in Odoo.
    pub conflict: bool,
}

impl LeadView {
    pub fn of(
        lead: &crm_core::crm::Lead,
        client_key: Option<String>,
        outbox: &[crm_core::store::OutboxEntry],
    ) -> Self {
        use crm_core::crm::{LeadStatus, LeadType};
        let r = |x: &Option<crm_core::crm::Ref>| x.as_ref().map(RefView::from);
        let mine = outbox.iter().filter(|e| e.lead_id == lead.id);
        Self {
            id: lead.id,
            client_key,
            name: lead.name.clone(),
            kind: match lead.kind {
                LeadType::Lead => "lead",
                LeadType::Opportunity => "opportunity",
            }
            .into(),
            status: match lead.status {
                LeadStatus::Open => "open",
                LeadStatus::Won => "won",
                LeadStatus::Lost => "lost",
            }
            .into(),
            active: lead.active,
            stage: r(&lead.stage),
            salesperson: r(&lead.user),
            team: r(&lead.team),
            partner: r(&lead.partner),
            contact_name: lead.contact_name.clone(),
            company_name: lead.company_name.clone(),
            email: lead.email.clone(),
            phone: lead.phone.clone(),
            // Odoo keeps HTML; the window edits plain text (and sends plain text back).
            description: lead.description.as_deref().map(crm_core::crm::html_to_text),
            expected_revenue: lead.expected_revenue,
            probability: lead.probability,
            priority: lead.priority,
            tag_ids: lead.tag_ids.clone(),
            lost_reason: r(&lead.lost_reason),
            source: r(&lead.source),
            medium: r(&lead.medium),
            created_at: lead.created_at.map(crm_core::store::format_datetime),
            updated_at: lead.updated_at.map(crm_core::store::format_datetime),
            pending: u32::try_from(mine.clone().count()).unwrap_or(u32::MAX),
            conflict: mine
                .clone()
                .any(|e| e.state == crm_core::store::EntryState::Conflict),
        }
    }
}

/// One side of a conflict, for display.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    /// The field (`stage`, `phone`, …), `status`, or `deleted`.
    pub subject: String,
    pub base: String,
    pub mine: String,
    pub theirs: String,
}

/// An edit not yet in Odoo.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OutboxView {
    /// The change's id (for retry, discard, resolve).
    #[specta(type = specta_typescript::Number)]
    pub id: i64,
    #[specta(type = specta_typescript::Number)]
    pub lead_id: i64,
    /// `pending`, `failed` or `conflict`.
    pub state: String,
    /// What the change does, in a few words.
    pub summary: String,
    pub error: Option<String>,
    pub error_kind: Option<String>,
    pub conflicts: Vec<ConflictView>,
    pub attempts: u32,
    pub created_at: String,
}

impl From<&crm_core::store::OutboxEntry> for OutboxView {
    fn from(e: &crm_core::store::OutboxEntry) -> Self {
        use crm_core::store::EntryState;
        use crm_core::sync::Subject;
        let summary = e.edit.summary();
        Self {
            id: e.seq,
            lead_id: e.lead_id,
            state: match e.state {
                EntryState::Pending => "pending",
                EntryState::Failed => "failed",
                EntryState::Conflict => "conflict",
            }
            .into(),
            summary,
            error: e.error.clone(),
            error_kind: e.error_kind.clone(),
            conflicts: e
                .conflicts
                .iter()
                .map(|c| ConflictView {
                    subject: match c.subject {
                        Subject::Field(f) => f.as_str().into(),
                        Subject::Status => "status".into(),
                        Subject::Deleted => "deleted".into(),
                    },
                    base: c.base.display(),
                    mine: c.mine.display(),
                    theirs: c.theirs.display(),
                })
                .collect(),
            attempts: e.attempts,
            created_at: crm_core::store::format_datetime(e.created_at),
        }
    }
}

/// One chatter message, as text.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    #[specta(type = specta_typescript::Number)]
    pub id: i64,
    /// The body as plain text.
    pub text: String,
    /// `comment`, `email`, `notification`, `whatsapp` (a customer's message) or `other`.
    pub kind: String,
    /// An internal note.
    pub internal: bool,
    pub author: Option<String>,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub date: Option<String>,
    /// Written here and not yet in Odoo.
    pub pending: bool,
}

impl From<&crm_core::crm::Message> for MessageView {
    fn from(m: &crm_core::crm::Message) -> Self {
        Self {
            id: m.id,
            text: crm_core::crm::html_to_text(&m.body),
            kind: m.kind.as_str().into(),
            internal: m.internal,
            author: m.author.as_ref().map(|a| a.name.clone()),
            date: m.date.map(crm_core::store::format_datetime),
            pending: m.id < 0,
        }
    }
}

/// A lead opened in the window: the lead, its chatter (newest first), and whether Odoo
/// could not be reached to refresh the chatter.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeadDetail {
    pub lead: LeadView,
    pub messages: Vec<MessageView>,
    pub offline: bool,
    /// When this lead last came from Odoo (UTC); null for a lead not pulled since it was
    /// created or edited here.
    pub synced_at: Option<String>,
}

/// Open leads and their expected revenue in one stage.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StageValueView {
    pub stage_id: Option<i32>,
    pub name: String,
    pub count: u32,
    pub value: f64,
}

/// Leads created in one week (starting on `week`, a Monday) from one source.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceWeekView {
    pub week: String,
    pub source: String,
    pub count: u32,
}

/// Won revenue of one salesperson in one month (`month`: its first day).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SalespersonMonthView {
    pub month: String,
    pub salesperson: String,
    pub count: u32,
    pub revenue: f64,
}

/// The Stats screen's numbers for a period, computed from the cache.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StatsView {
    pub won: u32,
    pub lost: u32,
    /// won ÷ (won + lost); null when nothing closed in the period.
    pub win_rate: Option<f64>,
    pub created: u32,
    pub opportunities: u32,
    /// opportunities ÷ created; null when nothing was created.
    pub lead_to_opportunity: Option<f64>,
    pub pipeline_by_stage: Vec<StageValueView>,
    pub leads_by_source_week: Vec<SourceWeekView>,
    pub won_by_salesperson_month: Vec<SalespersonMonthView>,
    pub average_days_to_close: Option<f64>,
    /// The last successful sync: the numbers are as of then.
    pub as_of: Option<String>,
}

impl StatsView {
    pub fn of(s: &crm_core::stats::PipelineStats, as_of: Option<String>) -> Self {
        let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        let id = |v: i64| i32::try_from(v).unwrap_or_default();
        Self {
            won: n(s.won),
            lost: n(s.lost),
            win_rate: s.win_rate,
            created: n(s.created),
            opportunities: n(s.opportunities),
            lead_to_opportunity: s.lead_to_opportunity,
            pipeline_by_stage: s
                .pipeline_by_stage
                .iter()
                .map(|v| StageValueView {
                    stage_id: v.stage_id.map(id),
                    name: v.name.clone(),
                    count: n(v.count),
                    value: v.value,
                })
                .collect(),
            leads_by_source_week: s
                .leads_by_source_week
                .iter()
                .map(|w| SourceWeekView {
                    week: w.week.to_string(),
                    source: w.source.clone(),
                    count: n(w.count),
                })
                .collect(),
            won_by_salesperson_month: s
                .won_by_salesperson_month
                .iter()
                .map(|m| SalespersonMonthView {
                    month: m.month.to_string(),
                    salesperson: m.salesperson.clone(),
                    count: n(m.count),
                    revenue: m.revenue,
                })
                .collect(),
            average_days_to_close: s.average_days_to_close,
            as_of,
        }
    }
}
