//! What can go wrong talking to Odoo, classified so callers can act on it.
#![allow(
    missing_docs,
    reason = "operators, variants and fields mirror Odoo's own names, explained in the type docs"
)]

use std::time::Duration;

/// A failed Odoo call. Every variant says what the user can do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The server could not be reached (DNS, refused, reset, no network).
    #[error("Odoo at {url} cannot be reached: {detail}. Check the address and your connection.")]
    Offline { url: String, detail: String },
    /// No answer in time.
    #[error("Odoo did not answer within {0:?}. It may be busy; try again.")]
    Timeout(Duration),
    /// The TLS handshake failed (bad or self-signed certificate, wrong port).
    #[error(
        "a secure connection to Odoo failed: {0}. Check that the address uses the right https certificate."
    )]
    Tls(String),
    /// The login or API key was refused, or the key expired.
    #[error(
        "Odoo refused the login or API key ({0}). Create a new API key in Odoo (Preferences → Account Security) and enter it again."
    )]
    Auth(String),
    /// The user may not do this (access rights or record rules).
    #[error("Odoo denied access: {0}")]
    AccessDenied(String),
    /// Odoo refused the values; its message is kept as is.
    #[error("{0}")]
    Validation(String),
    /// The record does not exist (any more).
    #[error("the record no longer exists in Odoo: {0}")]
    MissingRecord(String),
    /// The model or method does not exist: wrong Odoo version, or a module is not installed.
    #[error("Odoo does not know {what}: is the CRM app installed, and is this Odoo 16 or later?")]
    UnknownMethod { what: String },
    /// The database named does not exist on the server.
    #[error("the database {0:?} does not exist on this Odoo server")]
    UnknownDatabase(String),
    /// The answer did not have the expected shape (logged with a snippet of the raw body).
    #[error("Odoo answered something unexpected: {0}")]
    Protocol(String),
    /// The server failed (500, 502, 503, 504, 429, or an internal Odoo exception).
    #[error("Odoo had a server error: {0}")]
    Server(String),
}

/// The small set of kinds callers branch on (sync, the UI's `ErrorKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Offline,
    Auth,
    AccessDenied,
    Validation,
    NotFound,
    Unsupported,
    Protocol,
    Server,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Offline { .. } | Error::Timeout(_) | Error::Tls(_) => ErrorKind::Offline,
            Error::Auth(_) => ErrorKind::Auth,
            Error::AccessDenied(_) => ErrorKind::AccessDenied,
            Error::Validation(_) => ErrorKind::Validation,
            Error::MissingRecord(_) => ErrorKind::NotFound,
            Error::UnknownMethod { .. } | Error::UnknownDatabase(_) => ErrorKind::Unsupported,
            Error::Protocol(_) => ErrorKind::Protocol,
            Error::Server(_) => ErrorKind::Server,
        }
    }

    /// Whether repeating the same *read* may succeed (writes are never repeated blindly).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Offline { .. } | Error::Timeout(_) | Error::Server(_)
        )
    }

    /// Classifies an Odoo exception by its `name` (JSON-2 body or JSON-RPC `error.data`).
    pub(crate) fn from_odoo(name: &str, message: &str, status: Option<u16>) -> Self {
        let message = message.to_owned();
        // JSON-RPC reports an unknown model as a UserError: recognise it before UserError.
        if message.starts_with("Object ") && message.ends_with(" doesn't exist") {
            return Error::UnknownMethod { what: message };
        }
        match name {
            "odoo.exceptions.AccessDenied" => Error::Auth(message),
            "werkzeug.exceptions.Unauthorized" => Error::Auth(message),
            "odoo.exceptions.AccessError" => Error::AccessDenied(message),
            "odoo.exceptions.ValidationError"
            | "odoo.exceptions.UserError"
            | "odoo.exceptions.RedirectWarning" => Error::Validation(message),
            "odoo.exceptions.MissingError" => Error::MissingRecord(message),
            "werkzeug.exceptions.NotFound" | "builtins.AttributeError" => {
                Error::UnknownMethod { what: message }
            }
            "werkzeug.exceptions.UnprocessableEntity" | "werkzeug.exceptions.BadRequest" => {
                Error::Protocol(format!("{name}: {message}"))
            }
            "psycopg2.OperationalError" if message.contains("does not exist") => {
                Error::UnknownDatabase(message)
            }
            _ => match status {
                Some(422) => Error::Validation(message),
                Some(403) => Error::AccessDenied(message),
                _ => Error::Server(format!("{name}: {message}")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odoo_exception_names_map_to_kinds() {
        let cases = [
            ("odoo.exceptions.AccessDenied", ErrorKind::Auth),
            ("werkzeug.exceptions.Unauthorized", ErrorKind::Auth),
            ("odoo.exceptions.AccessError", ErrorKind::AccessDenied),
            ("odoo.exceptions.ValidationError", ErrorKind::Validation),
            ("odoo.exceptions.UserError", ErrorKind::Validation),
            ("odoo.exceptions.MissingError", ErrorKind::NotFound),
            ("werkzeug.exceptions.NotFound", ErrorKind::Unsupported),
            ("builtins.AttributeError", ErrorKind::Unsupported),
            ("builtins.ValueError", ErrorKind::Server),
        ];
        for (name, kind) in cases {
            assert_eq!(Error::from_odoo(name, "m", None).kind(), kind, "{name}");
        }
    }

    #[test]
    fn only_network_and_server_failures_are_transient() {
        assert!(Error::Timeout(Duration::from_secs(1)).is_transient());
        assert!(Error::Server("502".into()).is_transient());
        assert!(
            !Error::Auth("Invalid apikey".into()).is_transient(),
            "a bad key stays bad"
        );
        assert!(!Error::Validation("no".into()).is_transient());
    }

    #[test]
    fn auth_errors_tell_the_user_what_to_do() {
        let text = Error::Auth("Invalid apikey".into()).to_string();
        assert!(text.contains("new API key"), "{text}");
    }
}
