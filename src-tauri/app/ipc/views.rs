//! Shapes the UI reads. Domain types are converted here, so crm-core never has to know what
//! the window wants.

use super::error::CommandError;
use crate::state::AppState;
use crm_core::paths::DataDirSource;
use crm_core::store::Notice;
use serde::Serialize;

/// What the About panel (and `crm-desk info --json`) shows.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub data_dir_source: DataDirSource,
    pub database_file: String,
    pub settings_file: String,
    pub log_dir: String,
    pub schema_version: u32,
    /// Set when the user's database could not be used; the UI shows it until restart.
    pub database_notice: Option<DatabaseNotice>,
    /// Set when settings.toml or a CRM_DESK_* variable was ignored.
    pub settings_problem: Option<String>,
}

/// What happened to a database that could not be used.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseNotice {
    /// Where the old file was moved, if it was.
    pub moved_to: Option<String>,
    /// True when the app runs on a temporary database that is lost at exit.
    pub temporary: bool,
    /// A sentence for the user.
    pub message: String,
}

impl From<&Notice> for DatabaseNotice {
    fn from(notice: &Notice) -> Self {
        match notice {
            Notice::MovedAside { moved_to, reason } => Self {
                moved_to: Some(moved_to.display().to_string()),
                temporary: false,
                message: format!(
                    "Your local database could not be read ({reason}). It was moved to {} and \
                     a fresh one was started; your pipeline will be downloaded again from Odoo.",
                    moved_to.display()
                ),
            },
            Notice::Temporary { reason } => Self {
                moved_to: None,
                temporary: true,
                message: format!(
                    "CRM Desk is running on a temporary database because {reason}. Changes \
                     made now are lost when the app closes."
                ),
            },
        }
    }
}

impl AppInfo {
    pub fn of(state: &AppState) -> Result<Self, CommandError> {
        let paths = &state.paths;
        Ok(Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: paths.data_dir.display().to_string(),
            data_dir_source: paths.source,
            database_file: paths.database().display().to_string(),
            settings_file: paths.settings().display().to_string(),
            log_dir: paths.log_dir.display().to_string(),
            schema_version: state.store().schema_version()?,
            database_notice: state.database_notice.as_ref().map(DatabaseNotice::from),
            settings_problem: state.settings_problem(),
        })
    }
}
