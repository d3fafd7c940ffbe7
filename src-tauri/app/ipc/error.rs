//! The one error type that crosses IPC. The UI switches on [`ErrorKind`], never on `message`.

use serde::Serialize;

/// What kind of failure, for the UI to decide what to show and offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[expect(
    dead_code,
    reason = "conflicts are shown from the pending list today; a command refusing because of one arrives with the pipeline UI"
)]
pub enum ErrorKind {
    /// Odoo cannot be reached; the edit is kept and retried.
    Offline,
    /// The API key is wrong or expired; ask for a new one.
    Auth,
    /// The same field changed here and in Odoo; the rep chooses.
    Conflict,
    /// The input is not acceptable; `message` says which field and why.
    Validation,
    /// The record does not exist (any more).
    NotFound,
    /// A bug or an environment problem; details are in the log.
    Internal,
}

/// A failed command, as the UI receives it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CommandError {
    pub kind: ErrorKind,
    /// A sentence for the user: what happened and what to do.
    pub message: String,
}

impl CommandError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl From<crm_core::store::Error> for CommandError {
    fn from(e: crm_core::store::Error) -> Self {
        tracing::error!("database: {e}");
        Self::new(
            ErrorKind::Internal,
            format!("The local database failed: {e}"),
        )
    }
}

impl From<crm_core::settings::Error> for CommandError {
    fn from(e: crm_core::settings::Error) -> Self {
        use crm_core::settings::Error;
        match e {
            Error::Invalid { .. } => Self::new(ErrorKind::Validation, e.to_string()),
            Error::Io { .. } => {
                tracing::error!("settings: {e}");
                Self::new(ErrorKind::Internal, format!("Settings were not saved: {e}"))
            }
        }
    }
}
