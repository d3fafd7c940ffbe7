//! The IPC boundary between the window and Rust: every command and event, listed once.
//!
//! [`builder`] is the single list: it feeds Tauri's invoke handler and the TypeScript export
//! in `ui/src/lib/ipc/bindings.ts`. The test below fails when that committed file differs
//! from what the code generates (`make bindings` rewrites it).
//!
//! Commands that read or write the cache are `#[tauri::command(async)]`: Tauri runs plain
//! `fn` commands on the main thread, which also presents the web view's frames and waits
//! for the store while a sync writes a page. A board query over 100,000 leads there held
//! back the frame showing its own result. Only quick commands that touch no store stay
//! on the main thread.

pub mod board;
pub mod commands;
pub mod contact;
pub mod error;
pub mod events;
pub mod notifications;
pub mod pipeline;
pub mod views;

use tauri_specta::{Builder, collect_commands, collect_events};

/// Every command and event the UI can use.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        // One TypeScript type per Rust type: the UI sends back what it received (settings),
        // so separate serialize/deserialize shapes would only add unions to narrow.
        .disable_serde_phases()
        .commands(collect_commands![
            commands::app_info,
            commands::get_settings,
            commands::save_settings,
            commands::report_first_paint,
            commands::sync_status,
            commands::sync_now,
            pipeline::list_accounts,
            pipeline::add_account,
            pipeline::remove_account,
            pipeline::use_account,
            pipeline::list_leads,
            board::pipeline_basics,
            board::board,
            board::lead_page,
            board::pipeline_view,
            board::save_pipeline_view,
            contact::contact_lead,
            notifications::list_notifications,
            notifications::mark_notifications_read,
            pipeline::pipeline_stats,
            pipeline::open_lead,
            pipeline::edit_lead,
            pipeline::create_lead,
            pipeline::list_changes,
            pipeline::retry_change,
            pipeline::discard_change,
            pipeline::resolve_conflict,
        ])
        .events(collect_events![
            events::SettingsChanged,
            events::SyncStatusChanged,
            events::NotificationsChanged,
            events::OpenLead
        ])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    const BINDINGS: &str = "ui/src/lib/ipc/bindings.ts";

    fn generate(to: &Path) {
        super::builder()
            .export(
                specta_typescript::Typescript::default().header(
                    "// Generated from the Rust IPC types by `make bindings`. Do not edit.\n\
                     /* eslint-disable */",
                ),
                to,
            )
            .expect("the IPC types export to TypeScript");
    }

    /// Fails when the committed bindings drift from the Rust types. `UPDATE_BINDINGS=1`
    /// (what `make bindings` sets) rewrites them instead.
    #[test]
    fn typescript_bindings_are_current() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            generate(&committed);
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let fresh = dir.path().join("bindings.ts");
        generate(&fresh);
        let fresh = std::fs::read_to_string(fresh).expect("generated bindings");
        let committed = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            fresh == committed,
            "{BINDINGS} is out of date with the Rust IPC types: run `make bindings` and commit it"
        );
    }
}
