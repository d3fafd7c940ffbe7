//! What the running app holds: its paths, settings and database, opened once at start and
//! shared by the window's commands and the headless CLI.

use crm_core::paths::DataPaths;
use crm_core::secrets::SecretStore;
use crm_core::settings::{self, Settings};
use crm_core::store::{self, Notice, Store};
use crm_core::sync::{Clock, Runner, Trigger};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use time::{OffsetDateTime, PrimitiveDateTime};

/// The system clock: the shell is where time is read.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> PrimitiveDateTime {
        #[allow(
            clippy::disallowed_methods,
            reason = "the shell is where the clock is read"
        )]
        let now = OffsetDateTime::now_utc();
        PrimitiveDateTime::new(now.date(), now.time())
    }
}

/// The app's state, managed by Tauri in window mode.
pub struct AppState {
    pub paths: DataPaths,
    store: Arc<Mutex<Store>>,
    /// The OS keyring, where API keys live.
    pub secrets: Arc<dyn SecretStore>,
    /// Runs syncs (background, on demand, `crm-desk sync`).
    pub runner: Arc<Runner>,
    /// Wakes the background sync.
    pub trigger: Trigger,
    /// The last status the background sync published.
    status: Mutex<crm_core::sync::SyncStatus>,
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
    pub fn open(
        paths: DataPaths,
        loaded: settings::Loaded,
        secrets: Arc<dyn SecretStore>,
        now: OffsetDateTime,
    ) -> Self {
        if let Some(problem) = &loaded.problem {
            tracing::warn!("settings: {problem}");
        }
        let opened = store::open_or_recover(&paths.database(), now);
        if let Err(e) = opened.store.record_opened_by(env!("CARGO_PKG_VERSION")) {
            tracing::warn!("could not record the app version in the database: {e}");
        }
        tracing::info!(data_dir = %paths.data_dir.display(), "CRM Desk {} started", env!("CARGO_PKG_VERSION"));
        let store = Arc::new(Mutex::new(opened.store));
        let options = crm_core::odoo::Options {
            transport: loaded.settings.odoo.transport.into(),
            ..crm_core::odoo::Options::default()
        };
        let runner = Arc::new(Runner {
            store: Arc::clone(&store),
            secrets: Arc::clone(&secrets),
            clock: Arc::new(SystemClock),
            options,
            lock_dir: Some(paths.data_dir.clone()),
        });
        Self {
            paths,
            store,
            secrets,
            runner,
            trigger: Trigger::default(),
            status: Mutex::default(),
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

    /// The database, shareable with background tasks.
    pub fn shared_store(&self) -> &Arc<Mutex<Store>> {
        &self.store
    }

    /// The last published sync status (or the cache's account of the last sync).
    pub fn last_status(&self) -> crm_core::sync::SyncStatus {
        let status = self
            .status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if status.account_id != 0 {
            return status;
        }
        let account = self.store().current_account().ok().flatten();
        self.runner.status(account.as_ref())
    }

    /// Remembers the status just published.
    pub fn set_status(&self, status: crm_core::sync::SyncStatus) {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner) = status;
    }

    /// Now, UTC.
    pub fn now(&self) -> PrimitiveDateTime {
        SystemClock.now()
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
