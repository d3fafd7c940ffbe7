//! Events Rust sends to the window.

use crm_core::settings::Settings;
use serde::{Deserialize, Serialize};

/// Settings were saved (from this window or another process); the UI re-applies theme and
/// language.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SettingsChanged(pub Settings);

/// How syncing the current account goes: sent on every change (start, progress, end).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SyncStatusChanged(pub crm_core::sync::SyncStatus);

/// The notification centre changed (a sync added items, or some were read): the new
/// unread count, for the badge.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct NotificationsChanged {
    pub unread: u32,
}

/// The rep clicked a desktop notification: show this lead (`null`: the notification
/// centre, for a summary of several leads).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct OpenLead {
    #[specta(type = Option<specta_typescript::Number>)]
    pub lead_id: Option<i64>,
}
