//! The commands the UI can invoke. Each is thin: arguments → crm-core → view.
#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri injects command arguments by value"
)]

use super::error::CommandError;
use super::events::SettingsChanged;
use super::views::AppInfo;
use crate::state::AppState;
use crm_core::settings::Settings;
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// Version, folders and database state, for the About panel and the startup notices.
#[tauri::command]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CommandError> {
    AppInfo::of(&state)
}

/// The settings in force (file + environment overrides).
#[tauri::command]
#[specta::specta]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

/// Validates and saves settings atomically, then tells every window.
#[tauri::command]
#[specta::specta]
pub fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, CommandError> {
    #[allow(
        clippy::disallowed_methods,
        reason = "the shell is where the clock is read"
    )]
    let now = time::OffsetDateTime::now_utc();
    state.save_settings(settings.clone(), now)?;
    if let Err(e) = SettingsChanged(settings.clone()).emit(&app) {
        tracing::warn!("could not announce the settings change: {e}");
    }
    Ok(settings)
}

/// Called by the UI once its shell has painted; logs the cold-start time. Returns the
/// milliseconds since the process started.
#[tauri::command]
#[specta::specta]
pub fn report_first_paint() -> u32 {
    let elapsed = crate::PROCESS_START
        .get()
        .map(|start| start.elapsed().as_millis())
        .unwrap_or(0);
    tracing::info!(first_paint_ms = elapsed as u64, "first paint");
    u32::try_from(elapsed).unwrap_or(u32::MAX)
}

/// The latest sync status of the current account.
#[tauri::command]
#[specta::specta]
pub fn sync_status(state: State<'_, AppState>) -> crm_core::sync::SyncStatus {
    state.last_status()
}

/// Syncs as soon as possible (the status event reports how it goes).
#[tauri::command]
#[specta::specta]
pub fn sync_now(state: State<'_, AppState>) {
    state.trigger.sync_now();
}
