//! The notification centre: what syncs announced, per account and Odoo user.
#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri injects command arguments by value"
)]

use super::error::CommandError;
use super::pipeline::current;
use crate::state::AppState;
use serde::Serialize;
use tauri::State;

/// One item of the notification centre. The window words it by `category`.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    #[specta(type = specta_typescript::Number)]
    pub id: i64,
    /// `new_lead`, `new_leads`, `assigned`, `conflict` or `failed_push`.
    pub category: String,
    /// Contact or lead name (empty for a summary).
    pub title: String,
    /// The message's first line, the lead's name, the edit or Odoo's reason.
    pub body: String,
    #[specta(type = Option<specta_typescript::Number>)]
    pub lead_id: Option<i64>,
    /// Leads it stands for.
    pub count: u32,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    pub read: bool,
}

/// The centre of the current account's user, newest first, and how many are unread.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationCentre {
    pub unread: u32,
    pub items: Vec<NotificationView>,
}

/// The newest 200 notifications of the current account's user.
#[tauri::command(async)]
#[specta::specta]
pub fn list_notifications(state: State<'_, AppState>) -> Result<NotificationCentre, CommandError> {
    let account = current(&state)?;
    let store = state.store();
    let items = store.notifications(account.id, account.uid, 200)?;
    Ok(NotificationCentre {
        unread: u32::try_from(store.unread_notifications(account.id, account.uid)?)
            .unwrap_or(u32::MAX),
        items: items
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                category: n.category.as_str().into(),
                title: n.title,
                body: n.body,
                lead_id: n.lead_id,
                count: n.count,
                created_at: n.created_at,
                read: n.read,
            })
            .collect(),
    })
}

/// Marks one notification read, or all of them (`id` null).
#[tauri::command(async)]
#[specta::specta]
pub fn mark_notifications_read(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: Option<i32>,
) -> Result<(), CommandError> {
    let account = current(&state)?;
    let now = crm_core::store::format_datetime(state.now());
    state
        .store()
        .mark_notifications_read(account.id, account.uid, id.map(i64::from), &now)?;
    crate::desktop::notify_window(&app);
    Ok(())
}
