//! The CRM Desk desktop app: the only crate that imports Tauri.
//!
//! One binary, two faces: with no subcommand it opens the window; with a subcommand
//! (`crm-desk info --json`, later `sync`, `leads`, `account`) it runs headless for scripts and
//! tests. Both start from the same [`state::AppState`], so they see the same data directory,
//! settings and database.
//!
//! Must stay true: IPC commands are thin (arguments → crm-core → view); anything worth
//! testing without a window lives in crm-core.

mod cli;
mod desktop;
mod ipc;
mod logging;
pub mod os_keyring;
mod state;

use clap::Parser;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

/// When `main` started, for the cold-start-to-first-paint measurement.
static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Entry point of the `crm-desk` binary.
pub fn main() -> ExitCode {
    PROCESS_START.get_or_init(Instant::now);
    #[cfg(target_os = "linux")]
    let software_frames = webkit_renderer();
    // Before any thread starts: `time` reads the local offset only in a one-thread process.
    desktop::LOCAL_OFFSET
        .get_or_init(|| time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC));
    let args = cli::Args::parse();
    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();

    let paths = match state::resolve_paths(args.data_dir.clone(), &identifier) {
        Ok(paths) => paths,
        Err(e) => {
            eprintln!("crm-desk: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Settings first: they say how many log files to keep. Problems reading them are
    // logged by AppState::open, once logging runs.
    let settings = state::load_settings(&paths, std::env::vars());
    let headless = args.command.is_some();
    logging::init(
        &paths.log_dir,
        settings.settings.log.keep_files,
        if headless { "warn" } else { "info" },
    );
    #[cfg(target_os = "linux")]
    if software_frames && !headless {
        tracing::info!("no GPU render node: WebKit draws with its shared-memory renderer");
    }

    #[allow(
        clippy::disallowed_methods,
        reason = "the shell is where the clock is read"
    )]
    let now = time::OffsetDateTime::now_utc();
    let secrets: std::sync::Arc<dyn crm_core::secrets::SecretStore> =
        std::sync::Arc::new(os_keyring::OsKeyring::new(identifier));
    let state = state::AppState::open(paths, settings, secrets, now);

    match args.command {
        Some(command) => cli::run(&command, args.account, &state),
        None => match run_window(state, context) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!("the window could not start: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn run_window(state: state::AppState, context: tauri::Context) -> anyhow::Result<()> {
    use tauri::Manager;
    let ipc = ipc::builder();
    let mut builder = tauri::Builder::default();
    // One window per data folder: a second launch brings the running one forward. Only for
    // the platform's folder: an explicit CRM_DESK_DATA_DIR (tests, demos, a second profile)
    // is a deliberate second instance.
    if state.paths.source == crm_core::paths::DataDirSource::Platform {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tracing::info!("CRM Desk was launched again: showing this window instead");
            desktop::show_window(app);
        }));
    }
    // Both managed on the builder, before `setup` runs, so that nothing started from there (the
    // background sync's first pass, a window event) can ask for the state before it exists:
    // managing it at the end of `setup` raced the sync task, which then died on its first
    // settings read and never synced (seen once in CI).
    builder
        .manage(state)
        .manage(desktop::Desktop::default())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(ipc.invoke_handler())
        .on_window_event(|window, event| match event {
            // Coming back to the window is when a rep expects fresh data.
            tauri::WindowEvent::Focused(true) => {
                window.state::<state::AppState>().trigger.sync_now();
            }
            // With notifications on, closing the window keeps the app in the tray, so
            // they keep coming; Quit is in the tray menu.
            tauri::WindowEvent::CloseRequested { api, .. } => {
                let settings = window.state::<state::AppState>().settings().notifications;
                if settings.enabled && settings.keep_in_tray && desktop::has_tray(window.app_handle()) {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
            _ => {}
        })
        .setup(move |app| {
            ipc.mount_events(app);
            let state = app.state::<state::AppState>();
            if let Ok(platform_dir) = app.path().app_data_dir()
                && state.paths.source == crm_core::paths::DataDirSource::Platform
                && platform_dir != state.paths.data_dir
            {
                tracing::warn!(ours = %state.paths.data_dir.display(), tauri = %platform_dir.display(),
                    "our app-data path differs from Tauri's");
            }
            start_background_sync(app.handle(), &state);
            desktop::register_with_os(app.handle());
            if let Err(e) = desktop::tray(app.handle()) {
                tracing::warn!("no tray icon on this desktop: {e}");
            }
            Ok(())
        })
        .run(context)?;
    Ok(())
}

/// The background sync of the current account, publishing its status to the window and
/// what it announces to the desktop.
fn start_background_sync(app: &tauri::AppHandle, state: &state::AppState) {
    use tauri::Manager;
    use tauri_specta::Event;
    let settings_app = app.clone();
    let publish_app = app.clone();
    let announce_app = app.clone();
    let settings = move || settings_app.state::<state::AppState>().settings();
    let publish = move |status: crm_core::sync::SyncStatus| {
        publish_app
            .state::<state::AppState>()
            .set_status(status.clone());
        if let Err(e) = ipc::events::SyncStatusChanged(status).emit(&publish_app) {
            tracing::warn!("could not send the sync status to the window: {e}");
        }
    };
    let announce = move |account: &crm_core::store::Account,
                         items: &[crm_core::store::Notification]| {
        desktop::announce(&announce_app, account, items);
    };
    let (runner, trigger) = (std::sync::Arc::clone(&state.runner), state.trigger.clone());
    tauri::async_runtime::spawn(crm_core::sync::scheduler::supervise(
        "the background sync",
        move || {
            crm_core::sync::scheduler::run(
                std::sync::Arc::clone(&runner),
                trigger.clone(),
                settings.clone(),
                publish.clone(),
                announce.clone(),
            )
        },
        std::time::Duration::from_secs(5),
    ));
}

/// Chooses WebKitGTK's renderer before any thread starts, while setting the environment is
/// still sound. The DMA-BUF renderer hands frames to the window in GPU buffers; on a machine
/// without a GPU render node (a virtual machine, a remote desktop) it falls back to software
/// through that same path, which costs every frame that changes: scrolling a long column
/// measured 88 ms a frame with it and 35 ms with the shared-memory renderer (BENCHMARKS.md,
/// "Pipeline screen"). With a GPU, WebKit's default stays. A value the user set stands.
/// Returns whether it chose the shared-memory renderer.
#[cfg(target_os = "linux")]
fn webkit_renderer() -> bool {
    const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    let has_gpu = std::fs::read_dir("/dev/dri").is_ok_and(|nodes| {
        nodes
            .flatten()
            .any(|node| node.file_name().to_string_lossy().starts_with("renderD"))
    });
    if has_gpu || std::env::var_os(VAR).is_some() {
        return false;
    }
    #[allow(
        unsafe_code,
        reason = "set_var is unsound only with other threads running: none has started yet \
                  (this is the first thing `main` does)"
    )]
    // SAFETY: called first in `main`, before logging, Tauri or any runtime spawns a thread.
    unsafe {
        std::env::set_var(VAR, "1");
    }
    true
}
