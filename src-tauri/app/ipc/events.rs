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
