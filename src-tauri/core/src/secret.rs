//! Secrets (Odoo API keys, passwords) as a type that cannot leak by accident.
//!
//! [`Secret`] prints `<redacted>` in `Debug`, has no `Display`, no `Serialize` (so it can never be
//! written into a settings file, the database or an IPC response) and zeroes its memory on drop.
//! The only way to the value is [`Secret::expose`], which is easy to grep for in review.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A secret string, such as an Odoo API key.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value that must never be logged or persisted outside the OS keyring.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The secret itself. Call only where the value leaves for its one legitimate
    /// destination (the keyring, an Authorization header).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when the secret is empty or only whitespace, i.e. the user typed nothing.
    pub fn is_blank(&self) -> bool {
        self.expose().trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Secrets arrive from the UI (the user types an API key) so they can be deserialized; they
/// are never serialized back.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(feature = "specta")]
impl specta::Type for Secret {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        String::definition(types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use static_assertions::assert_not_impl_any;

    // A secret must not be printable or serializable: these fail to compile if someone adds it.
    assert_not_impl_any!(Secret: fmt::Display, serde::Serialize);

    #[test]
    fn debug_never_shows_the_value() {
        let key = Secret::new("0123456789abcdef");
        let printed = format!("{key:?} {:?}", Some(&key));
        assert!(
            !printed.contains("0123456789abcdef"),
            "a secret printed with {{:?}} (as in logs and panics) must not reveal its value: {printed}"
        );
        assert_eq!(format!("{key:?}"), "<redacted>");
    }

    #[test]
    fn deserializes_from_a_plain_string_and_exposes_on_request() {
        let key: Secret = serde_json::from_str("\"abc\"").expect("a JSON string is a valid secret");
        assert_eq!(
            key.expose(),
            "abc",
            "the keyring needs the exact value the user typed"
        );
        assert!(
            Secret::new("  ").is_blank(),
            "whitespace only counts as no key at all"
        );
    }
}
