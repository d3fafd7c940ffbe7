//! What the running app holds: its paths, settings and database, opened once at start and
//! shared by the window's commands and the headless CLI.

use crm_core::paths::DataPaths;
use crm_core::settings::{self, Settings};
use crm_core::store::{self, Notice, Store};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use time::OffsetDateTime;

/// The app's state, managed by Tauri in window mode.
pub struct AppState {
    pub paths: DataPaths,
    store: Mutex<Store>,
    /// Set when the database the user had could not be used (moved aside, or too new).
    pub database_notice: Option<Notice>,
    settings: RwLock<Settings>,
    /// Why settings.toml or the environment could not be used, until the next good save.
    settings_problem: Mutex<Option<String>>,
}

pub fn resolve_paths(
    data_dir: Option<PathBuf>,
    identifier: &str,
) -> Result<DataPaths, crm_core::paths::NoDataDir> {
    // clap already read CRM_DESK_DATA_DIR into `data_dir`, so this is the one place the
    // override is decided.
    DataPaths::resolve(data_dir, identifier)
}

/// Writes the documented settings file on first start, then loads it with the environment
/// overrides. Never fails; see `Loaded::problem`.
pub fn load_settings(
    paths: &DataPaths,
    env: impl IntoIterator<Item = (String, String)>,
) -> settings::Loaded {
    let written = settings::ensure_file(&paths.settings());
    let mut loaded = settings::load(&paths.settings(), env);
    if let Err(e) = written {
        loaded
            .problem
            .get_or_insert(format!("could not write the default settings file: {e}"));
    }
    loaded
}

impl AppState {
    /// Opens the database. Never fails: problems become notices the UI shows.
    pub fn open(paths: DataPaths, loaded: settings::Loaded, now: OffsetDateTime) -> Self {
        if let Some(problem) = &loaded.problem {
            tracing::warn!("settings: {problem}");
        }
        let opened = store::open_or_recover(&paths.database(), now);
        if let Err(e) = opened.store.record_opened_by(env!("CARGO_PKG_VERSION")) {
            tracing::warn!("could not record the app version in the database: {e}");
        }
        tracing::info!(data_dir = %paths.data_dir.display(), "CRM Desk {} started", env!("CARGO_PKG_VERSION"));
        Self {
            paths,
            store: Mutex::new(opened.store),
            database_notice: opened.notice,
            settings: RwLock::new(loaded.settings),
            settings_problem: Mutex::new(loaded.problem),
        }
    }

    /// The database. A panic while holding it cannot leave SQLite half-written (transactions
    /// roll back), so a poisoned lock is still safe to use.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn settings_problem(&self) -> Option<String> {
        self.settings_problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Saves settings to the file and makes them current.
    pub fn save_settings(&self, new: Settings, now: OffsetDateTime) -> Result<(), settings::Error> {
        settings::save(&self.paths.settings(), &new, now)?;
        *self
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner) = new;
        *self
            .settings_problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        Ok(())
    }
}
