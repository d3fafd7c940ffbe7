//! The pipeline commands: accounts, leads, edits through the outbox, pending changes and
//! conflicts. Thin, like every command: arguments → crm-core → a view. Edits never wait for
//! the network; they wake the background sync, which pushes them when Odoo is reachable.
#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri injects command arguments by value"
)]

use super::error::{CommandError, ErrorKind};
use super::views::{AccountView, LeadView, MessageView, OutboxView, StatsView};
use crate::state::AppState;
use crm_core::crm::{FieldValue, LeadField, Ref};
use crm_core::secret::Secret;
use crm_core::store::{Account, LeadQuery};
use crm_core::sync::account::{self, AccountInput};
use crm_core::sync::{self, Change, Edit, NewLead, Resolution, desk};
use serde::Deserialize;
use tauri::State;

impl From<sync::Error> for CommandError {
    fn from(e: sync::Error) -> Self {
        let kind = match e.kind() {
            sync::ErrorKind::Offline => ErrorKind::Offline,
            sync::ErrorKind::Auth => ErrorKind::Auth,
            sync::ErrorKind::Validation => ErrorKind::Validation,
            sync::ErrorKind::NotFound => ErrorKind::NotFound,
            sync::ErrorKind::Internal => {
                tracing::error!("sync: {e}");
                ErrorKind::Internal
            }
        };
        CommandError::new(kind, e.to_string())
    }
}

pub(super) fn current(state: &AppState) -> Result<Account, CommandError> {
    state.store().current_account()?.ok_or_else(|| {
        CommandError::new(
            ErrorKind::NotFound,
            "No Odoo account yet: add one in Settings.",
        )
    })
}

/// The accounts, oldest first (never their keys).
#[tauri::command(async)]
#[specta::specta]
pub fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>, CommandError> {
    Ok(state
        .store()
        .accounts()?
        .iter()
        .map(AccountView::from)
        .collect())
}

/// Verifies the credentials against Odoo, keeps the key in the OS keyring and the account
/// here. The key crosses IPC once, inbound, and is never sent back.
#[tauri::command]
#[specta::specta]
pub async fn add_account(
    state: State<'_, AppState>,
    url: String,
    database: String,
    login: String,
    api_key: String,
) -> Result<AccountView, CommandError> {
    let added = account::add(
        state.shared_store(),
        state.secrets.as_ref(),
        AccountInput {
            url,
            database,
            login,
            secret: Secret::new(api_key),
        },
        state.runner.options.clone(),
        state.now(),
    )
    .await?;
    state.trigger.sync_now();
    Ok(AccountView::from(&added))
}

/// Removes an account, its key and its cache.
#[tauri::command(async)]
#[specta::specta]
pub fn remove_account(state: State<'_, AppState>, id: i32) -> Result<(), CommandError> {
    account::remove(state.shared_store(), state.secrets.as_ref(), id.into())?;
    state.trigger.sync_now();
    Ok(())
}

/// Makes an account the one the window shows, and syncs it.
#[tauri::command(async)]
#[specta::specta]
pub fn use_account(state: State<'_, AppState>, id: i32) -> Result<(), CommandError> {
    state.store().set_current_account(id.into())?;
    state.trigger.sync_now();
    Ok(())
}

/// Cached leads of the current account matching a search and a stage: instant, offline.
#[tauri::command(async)]
#[specta::specta]
pub fn list_leads(
    state: State<'_, AppState>,
    search: Option<String>,
    stage_id: Option<i32>,
) -> Result<Vec<LeadView>, CommandError> {
    let account = current(&state)?;
    let store = state.store();
    let leads = store.leads(
        account.id,
        &LeadQuery {
            search,
            stage_id: stage_id.map(i64::from),
            ..LeadQuery::default()
        },
    )?;
    let outbox = store.outbox(account.id)?;
    Ok(leads
        .iter()
        .map(|l| {
            LeadView::of(
                l,
                store.lead_client_key(account.id, l.id).ok().flatten(),
                &outbox,
            )
        })
        .collect())
}

/// The Stats screen's numbers for the days `from` (included) to `to` (excluded), ISO dates,
/// computed from the cache: instant and offline, "as of" the last sync.
#[tauri::command(async)]
#[specta::specta]
pub fn pipeline_stats(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<StatsView, CommandError> {
    let period = crm_core::stats::Period {
        from: super::board::parse_day(&from, "period's start")?,
        to: super::board::parse_day(&to, "period's end")?,
    };
    if period.to <= period.from {
        return Err(CommandError::new(
            ErrorKind::Validation,
            "The period must end after it starts.",
        ));
    }
    let account = current(&state)?;
    let rows = state.store().stats_rows(account.id)?;
    Ok(StatsView::of(
        &crm_core::stats::PipelineStats::compute(&rows, period),
        account.last_synced_at.map(crm_core::store::format_datetime),
    ))
}

/// A lead with its chatter: the newest messages are fetched when Odoo is reachable and
/// kept; offline, the kept ones are returned with `offline: true`.
#[tauri::command]
#[specta::specta]
pub async fn open_lead(
    state: State<'_, AppState>,
    id: i32,
) -> Result<super::views::LeadDetail, CommandError> {
    let account = current(&state)?;
    let lead_id = i64::from(id);
    let limit = state.settings().sync.messages_per_lead as usize;
    let fetched = async {
        let client = state.runner.connect(&account).await?;
        sync::Engine {
            client: &client,
            store: std::sync::Arc::clone(state.shared_store()),
            account: &account,
            clock: state.runner.clock.as_ref(),
        }
        .pull_messages(lead_id, limit)
        .await
    }
    .await;
    let offline = match fetched {
        Ok(_) => false,
        Err(e) if e.kind() == sync::ErrorKind::Offline => true,
        Err(e) => return Err(e.into()),
    };
    let store = state.store();
    let lead = store
        .lead(account.id, lead_id)?
        .ok_or(crm_core::store::Error::NoSuchLead(lead_id))?;
    Ok(super::views::LeadDetail {
        lead: LeadView::of(
            &lead,
            store.lead_client_key(account.id, lead_id)?,
            &store.outbox(account.id)?,
        ),
        messages: store
            .messages(account.id, lead_id)?
            .iter()
            .map(MessageView::from)
            .collect(),
        offline,
        synced_at: store.lead_synced_at(account.id, lead_id)?,
    })
}

/// A change the window asks for; ids are Odoo's (or a lead's local negative id).
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(tag = "op", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum EditRequest {
    /// New values for the given fields (absent = unchanged; `clear*` empties a field).
    Update {
        #[serde(default)]
        #[specta(optional)]
        name: Option<String>,
        #[serde(default)]
        #[specta(optional)]
        stage_id: Option<i32>,
        #[serde(default)]
        #[specta(optional)]
        priority: Option<u8>,
        #[serde(default)]
        #[specta(optional)]
        tag_ids: Option<Vec<i32>>,
        #[serde(default)]
        #[specta(optional)]
        salesperson_id: Option<i32>,
        #[serde(default)]
        #[specta(optional)]
        clear_salesperson: Option<bool>,
        #[serde(default)]
        #[specta(optional)]
        expected_revenue: Option<f64>,
        #[serde(default)]
        #[specta(optional)]
        probability: Option<f64>,
        #[serde(default)]
        #[specta(optional)]
        contact_name: Option<String>,
        #[serde(default)]
        #[specta(optional)]
        email: Option<String>,
        #[serde(default)]
        #[specta(optional)]
        phone: Option<String>,
        /// Plain text; stored as Odoo's HTML.
        #[serde(default)]
        #[specta(optional)]
        description: Option<String>,
    },
    Won,
    Lost {
        #[serde(default)]
        #[specta(optional)]
        reason_id: Option<i32>,
    },
    Restore,
    Note {
        text: String,
    },
}

fn reference(id: i32) -> FieldValue {
    FieldValue::Ref(Ref {
        id: id.into(),
        name: String::new(),
    })
}

impl EditRequest {
    fn into_edit(self) -> Edit {
        match self {
            EditRequest::Update {
                name,
                stage_id,
                priority,
                tag_ids,
                salesperson_id,
                clear_salesperson,
                expected_revenue,
                probability,
                contact_name,
                email,
                phone,
                description,
            } => {
                let text = |v: Option<String>| v.map(|t| FieldValue::text(Some(&t)));
                let salesperson = match (salesperson_id, clear_salesperson) {
                    (_, Some(true)) => Some(FieldValue::Empty),
                    (Some(id), _) => Some(reference(id)),
                    _ => None,
                };
                let fields = [
                    (LeadField::Name, text(name)),
                    (LeadField::Stage, stage_id.map(reference)),
                    (LeadField::Priority, priority.map(FieldValue::Stars)),
                    (
                        LeadField::Tags,
                        tag_ids.map(|t| FieldValue::Ids(t.into_iter().map(i64::from).collect())),
                    ),
                    (LeadField::Salesperson, salesperson),
                    (
                        LeadField::ExpectedRevenue,
                        expected_revenue.map(FieldValue::Number),
                    ),
                    (LeadField::Probability, probability.map(FieldValue::Number)),
                    (LeadField::ContactName, text(contact_name)),
                    (LeadField::Email, text(email)),
                    (LeadField::Phone, text(phone)),
                    (
                        LeadField::Description,
                        description.map(|d| {
                            if d.trim().is_empty() {
                                FieldValue::Empty
                            } else {
                                FieldValue::Text(crm_core::crm::text_to_html(&d))
                            }
                        }),
                    ),
                ];
                Edit::Update {
                    changes: fields
                        .into_iter()
                        .filter_map(|(field, value)| value.map(|value| Change { field, value }))
                        .collect(),
                }
            }
            EditRequest::Won => Edit::Won,
            EditRequest::Lost { reason_id } => Edit::Lost {
                reason: reason_id.map(|id| Ref {
                    id: id.into(),
                    name: String::new(),
                }),
            },
            EditRequest::Restore => Edit::Restore,
            EditRequest::Note { text } => Edit::Note { text },
        }
    }
}

/// Applies a change to the cached lead at once and queues it for Odoo; returns the lead as
/// the rep now sees it.
#[tauri::command(async)]
#[specta::specta]
pub fn edit_lead(
    state: State<'_, AppState>,
    id: i32,
    edit: EditRequest,
) -> Result<LeadView, CommandError> {
    let account = current(&state)?;
    let queued = desk::edit(
        &mut state.store(),
        account.id,
        id.into(),
        edit.into_edit(),
        state.now(),
    )?;
    state.trigger.sync_now();
    lead_view(&state, &account, queued.lead_id)
}

/// Creates a lead here (pushed with a client key, so never twice).
#[tauri::command(async)]
#[specta::specta]
pub fn create_lead(
    state: State<'_, AppState>,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    contact_name: Option<String>,
    stage_id: Option<i32>,
) -> Result<LeadView, CommandError> {
    let account = current(&state)?;
    let (queued, _key) = desk::create(
        &mut state.store(),
        account.id,
        NewLead {
            name,
            phone,
            email,
            contact_name,
            stage: stage_id.map(|id| Ref {
                id: id.into(),
                name: String::new(),
            }),
            ..NewLead::default()
        },
        state.now(),
    )?;
    state.trigger.sync_now();
    lead_view(&state, &account, queued.lead_id)
}

fn lead_view(state: &AppState, account: &Account, id: i64) -> Result<LeadView, CommandError> {
    let store = state.store();
    let lead = store
        .lead(account.id, id)?
        .ok_or(crm_core::store::Error::NoSuchLead(id))?;
    Ok(LeadView::of(
        &lead,
        store.lead_client_key(account.id, id)?,
        &store.outbox(account.id)?,
    ))
}

/// Every change not yet in Odoo (pending, failed with Odoo's reason, or in conflict with
/// both values), in the order they were made.
#[tauri::command(async)]
#[specta::specta]
pub fn list_changes(state: State<'_, AppState>) -> Result<Vec<OutboxView>, CommandError> {
    let account = current(&state)?;
    Ok(state
        .store()
        .outbox(account.id)?
        .iter()
        .map(OutboxView::from)
        .collect())
}

/// Sends a failed change again.
#[tauri::command(async)]
#[specta::specta]
pub fn retry_change(state: State<'_, AppState>, id: i32) -> Result<(), CommandError> {
    let account = current(&state)?;
    desk::retry(&mut state.store(), account.id, id.into())?;
    state.trigger.sync_now();
    Ok(())
}

/// Gives a change up: it is undone here.
#[tauri::command(async)]
#[specta::specta]
pub fn discard_change(state: State<'_, AppState>, id: i32) -> Result<(), CommandError> {
    let account = current(&state)?;
    desk::discard(&mut state.store(), account.id, id.into())?;
    state.trigger.sync_now();
    Ok(())
}

/// Which side wins a conflict.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    Mine,
    Theirs,
}

/// Resolves a conflict (only the one about `field`, e.g. `stage`, when given).
#[tauri::command(async)]
#[specta::specta]
pub fn resolve_conflict(
    state: State<'_, AppState>,
    id: i32,
    keep: Keep,
    field: Option<String>,
) -> Result<(), CommandError> {
    let account = current(&state)?;
    let field = field
        .map(|f| {
            LeadField::ALL
                .into_iter()
                .find(|x| x.as_str() == f)
                .ok_or_else(|| CommandError::new(ErrorKind::Validation, format!("No field {f:?}.")))
        })
        .transpose()?;
    let how = match keep {
        Keep::Mine => Resolution::KeepMine,
        Keep::Theirs => Resolution::TakeTheirs,
    };
    desk::resolve(&mut state.store(), account.id, id.into(), field, how)?;
    state.trigger.sync_now();
    Ok(())
}
