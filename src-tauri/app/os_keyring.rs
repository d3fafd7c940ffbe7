//! The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) as a [`SecretStore`], through the `keyring` crate. Entries live under the app
//! identifier as service, so a dev build (`io.crmdesk.desk.dev`) never sees the real app's
//! keys.
//!
//! keyring 3 silently falls back to an in-memory mock when no platform feature is enabled:
//! the features are set in Cargo.toml, and the sync Secret Service client is used because the
//! async one panics inside a tokio runtime (reference/tauri-linux.md).

use crm_core::secret::Secret;
use crm_core::secrets::{SecretError, SecretStore};

pub struct OsKeyring {
    service: String,
}

impl OsKeyring {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, key).map_err(map_error)
    }
}

fn map_error(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            let lower = text.to_lowercase();
            if [
                "dbus",
                "secret service",
                "no such",
                "not provided",
                "locked",
                "prompt",
            ]
            .iter()
            .any(|w| lower.contains(w))
            {
                SecretError::Unavailable(text)
            } else {
                SecretError::Failed(text)
            }
        }
        other => SecretError::Failed(other.to_string()),
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn set(&self, key: &str, secret: &Secret) -> Result<(), SecretError> {
        self.entry(key)?
            .set_password(secret.expose())
            .map_err(map_error)
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}
