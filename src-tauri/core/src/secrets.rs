//! Where API keys are kept: behind [`SecretStore`], implemented by the OS keyring in the
//! desktop shell and by [`MemorySecrets`] in tests. There is deliberately no file-backed
//! implementation: a missing keyring is an error the user must fix, never a reason to write
//! a key in plain text.

use crate::secret::Secret;
use std::collections::HashMap;
use std::sync::Mutex;

/// Why a secret could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keyring service, or it is locked and cannot prompt.
    #[error(
        "no usable keyring ({0}). CRM Desk keeps API keys only in the system keyring: start and \
         unlock your desktop's keyring (GNOME Keyring or KWallet on Linux), then try again"
    )]
    Unavailable(String),
    /// The keyring refused or failed.
    #[error("the system keyring failed: {0}")]
    Failed(String),
}

/// A place for secrets, keyed by a stable name (e.g. an account id).
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` if there is none under `key`.
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError>;
    /// Stores (or replaces) the secret under `key`.
    fn set(&self, key: &str, secret: &Secret) -> Result<(), SecretError>;
    /// Removes it; removing a missing secret succeeds.
    fn delete(&self, key: &str) -> Result<(), SecretError>;
}

/// Secrets in memory, for tests.
#[derive(Default)]
pub struct MemorySecrets(Mutex<HashMap<String, Secret>>);

impl SecretStore for MemorySecrets {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self
            .0
            .lock()
            .map_err(|e| SecretError::Failed(e.to_string()))?
            .get(key)
            .cloned())
    }
    fn set(&self, key: &str, secret: &Secret) -> Result<(), SecretError> {
        self.0
            .lock()
            .map_err(|e| SecretError::Failed(e.to_string()))?
            .insert(key.to_owned(), secret.clone());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        self.0
            .lock()
            .map_err(|e| SecretError::Failed(e.to_string()))?
            .remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let store = MemorySecrets::default();
        assert!(store.get("account-1").expect("get").is_none());
        store.set("account-1", &Secret::new("k1")).expect("set");
        assert_eq!(
            store
                .get("account-1")
                .expect("get")
                .map(|s| s.expose().to_owned())
                .as_deref(),
            Some("k1")
        );
        store.delete("account-1").expect("delete");
        store.delete("account-1").expect("deleting twice is fine");
        assert!(store.get("account-1").expect("get").is_none());
    }

    #[test]
    fn the_unavailable_message_says_what_to_do_and_never_suggests_a_file() {
        let text = SecretError::Unavailable("no secret service".into()).to_string();
        assert!(text.contains("unlock"), "{text}");
        assert!(
            !text.to_lowercase().contains("plain"),
            "no plaintext fallback is offered: {text}"
        );
    }
}
