//! Offline-first sync between one account's Odoo and the local cache.
//!
//! - [`edit`]: what the rep changes ([`Edit`]), the [`Base`] it was made from, conflicts;
//! - [`plan`]: every sync decision as a pure function, table-tested;
//! - [`engine`]: the one place that sequences network calls and database writes;
//! - [`account`]: adding (verified against Odoo, key into the keyring) and removing accounts;
//! - [`desk`]: the operations the UI and the CLI call (queue an edit, resolve a conflict, …).
//!
//! Must stay true: an edit is in the outbox, durably, before anything is sent; an entry
//! leaves the outbox only when Odoo has it, the rep discarded it, or the rep took Odoo's
//! value; a push that may have reached Odoo is checked before it is repeated.

pub mod account;
pub mod desk;
pub mod edit;
pub mod engine;
pub mod plan;
pub mod scheduler;

pub use edit::{Base, Change, Conflict, Edit, NewLead, Resolution, Subject};
pub use engine::{Engine, Phase, Progress, Report, SyncOptions};
pub use scheduler::{Runner, SyncStatus, Trigger};

use crate::odoo;
use crate::secrets::SecretError;
use crate::store;
use time::PrimitiveDateTime;

/// The clock, passed in so that everything time-dependent is testable.
pub trait Clock: Send + Sync {
    /// Now, UTC.
    fn now(&self) -> PrimitiveDateTime;
}

/// Why a sync operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Talking to Odoo failed.
    #[error(transparent)]
    Odoo(#[from] odoo::Error),
    /// The local database failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// The keyring failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The keyring has no key for this account.
    #[error("the keyring has no API key for {0}; remove the account and add it again with a key")]
    NoKey(String),
    /// Talking to Odoo failed, with a hint about the likely cause.
    #[error("{source} {hint}")]
    OdooHint {
        /// What Odoo said.
        source: odoo::Error,
        /// What probably causes it here.
        hint: &'static str,
    },
    /// The request itself is wrong (bad value, unknown id, nothing to resolve).
    #[error("{0}")]
    Invalid(String),
}

/// The small set of kinds the UI and the CLI branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Odoo cannot be reached.
    Offline,
    /// The key was refused or is missing.
    Auth,
    /// Odoo or the rep's input refused a value.
    Validation,
    /// No such lead, account or entry.
    NotFound,
    /// Anything else (keyring, database, protocol).
    Internal,
}

impl ErrorKind {
    /// The name used in JSON and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Offline => "offline",
            ErrorKind::Auth => "auth",
            ErrorKind::Validation => "validation",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Internal => "internal",
        }
    }
}

impl Error {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Odoo(e) | Error::OdooHint { source: e, .. } => match e.kind() {
                odoo::ErrorKind::Offline | odoo::ErrorKind::Server => ErrorKind::Offline,
                odoo::ErrorKind::Auth => ErrorKind::Auth,
                odoo::ErrorKind::AccessDenied | odoo::ErrorKind::Validation => {
                    ErrorKind::Validation
                }
                odoo::ErrorKind::NotFound => ErrorKind::NotFound,
                odoo::ErrorKind::Unsupported | odoo::ErrorKind::Protocol => ErrorKind::Internal,
            },
            Error::Store(store::Error::NoSuchLead(_) | store::Error::NoSuchAccount(_)) => {
                ErrorKind::NotFound
            }
            Error::Store(store::Error::DuplicateAccount(_)) | Error::Invalid(_) => {
                ErrorKind::Validation
            }
            Error::NoKey(_) => ErrorKind::Auth,
            Error::Store(_) | Error::Secret(_) => ErrorKind::Internal,
        }
    }
}
