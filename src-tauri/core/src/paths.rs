//! Where CRM Desk keeps its files.
//!
//! The data directory is the platform's app-data directory for the app identifier (the same
//! directory Tauri's `app_data_dir()` returns: `$XDG_DATA_HOME/<identifier>` on Linux,
//! `~/Library/Application Support/<identifier>` on macOS, `%APPDATA%\<identifier>` on Windows),
//! unless `CRM_DESK_DATA_DIR` names another. Tests always set the override so they never touch
//! a real user's data.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "CRM_DESK_DATA_DIR";

/// File name of the local database inside the data directory.
pub const DATABASE_FILE: &str = "crm-desk.sqlite3";

/// File name of the settings file inside the data directory.
pub const SETTINGS_FILE: &str = "settings.toml";

/// Where the data directory came from, shown in the About panel so a user (or a support
/// engineer) can tell an override from the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DataDirSource {
    /// `CRM_DESK_DATA_DIR` was set.
    Environment,
    /// The platform's per-user application data directory.
    Platform,
}

/// The files and folders of one CRM Desk installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    /// Root of everything CRM Desk writes.
    pub data_dir: PathBuf,
    /// Daily-rotated log files.
    pub log_dir: PathBuf,
    /// How `data_dir` was chosen.
    pub source: DataDirSource,
}

/// The platform has no per-user data directory (no `$HOME`), and no override was given.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot find a per-user data directory (is HOME set?); set {DATA_DIR_ENV} to a writable folder"
)]
pub struct NoDataDir;

impl DataPaths {
    /// Resolves the paths from an optional override (normally the value of
    /// [`DATA_DIR_ENV`]) and the app identifier from tauri.conf.json.
    pub fn resolve(override_dir: Option<PathBuf>, identifier: &str) -> Result<Self, NoDataDir> {
        match override_dir.filter(|dir| !dir.as_os_str().is_empty()) {
            Some(dir) => Ok(Self::under(dir, DataDirSource::Environment)),
            None => {
                let dir = dirs::data_dir().ok_or(NoDataDir)?.join(identifier);
                Ok(Self::under(dir, DataDirSource::Platform))
            }
        }
    }

    /// Resolves the paths from the process environment.
    pub fn from_env(identifier: &str) -> Result<Self, NoDataDir> {
        Self::resolve(
            std::env::var_os(DATA_DIR_ENV).map(PathBuf::from),
            identifier,
        )
    }

    /// All paths under one directory (used by tests and by the override).
    pub fn under(data_dir: impl AsRef<Path>, source: DataDirSource) -> Self {
        let data_dir = absolute(data_dir.as_ref());
        Self {
            log_dir: data_dir.join("logs"),
            data_dir,
            source,
        }
    }

    /// The SQLite database file.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    /// The TOML settings file.
    pub fn settings(&self) -> PathBuf {
        self.data_dir.join(SETTINGS_FILE)
    }
}

/// The About panel and `info --json` report this path to humans and scripts, so a relative
/// override is made absolute once, here.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_wins_and_keeps_everything_under_it() {
        let paths = DataPaths::resolve(Some("/tmp/crm-x".into()), "app.crmdesk").expect("override");
        assert_eq!(paths.source, DataDirSource::Environment);
        assert_eq!(paths.database(), Path::new("/tmp/crm-x/crm-desk.sqlite3"));
        assert_eq!(paths.settings(), Path::new("/tmp/crm-x/settings.toml"));
        assert!(
            paths.log_dir.starts_with("/tmp/crm-x"),
            "tests rely on logs staying inside the overridden data dir"
        );
    }

    #[test]
    fn empty_override_means_no_override() {
        let paths = DataPaths::resolve(Some(PathBuf::new()), "app.crmdesk");
        if let Ok(paths) = paths {
            assert_eq!(
                paths.source,
                DataDirSource::Platform,
                "CRM_DESK_DATA_DIR= must not mean cwd"
            );
            assert!(paths.data_dir.ends_with("app.crmdesk"));
        }
    }

    #[test]
    fn relative_override_is_made_absolute() {
        let paths = DataPaths::under("rel/dir", DataDirSource::Environment);
        assert!(
            paths.data_dir.is_absolute(),
            "reported paths must be usable from anywhere"
        );
    }
}
