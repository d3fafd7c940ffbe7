//! WhatsApp Cloud API webhooks: the signature, the handshake token, and the payload, parsed
//! into inbound messages (with their sender) and delivery receipts.
//!
//! Shapes follow Meta's documented webhooks (reference: external-protocols.md §1). Parsing is
//! lenient where Meta varies (timestamps as strings or numbers, ids with or without
//! `wamid.`, phone absent for users with a username) and never fails on a message type it
//! does not know: that type is kept by name and logged as unsupported.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Whether `header` (`X-Hub-Signature-256`) is `sha256=` + the HMAC-SHA256 of the raw body
/// with the app secret. The comparison is constant-time.
pub fn signature_is_valid(app_secret: &[u8], raw_body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret) else {
        return false;
    };
    mac.update(raw_body);
    mac.verify_slice(&sig).is_ok()
}

/// The `X-Hub-Signature-256` header value Meta would send for `raw_body` (for the demo
/// sender, the benchmark and tests).
pub fn sign(app_secret: &[u8], raw_body: &[u8]) -> String {
    #[allow(clippy::expect_used, reason = "HMAC takes keys of any length")]
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret).expect("HMAC accepts any key");
    mac.update(raw_body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Constant-time comparison of the handshake's verify token.
pub fn token_matches(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// A webhook body that is not the JSON Meta sends.
#[derive(Debug, thiserror::Error)]
#[error("not a WhatsApp webhook payload: {0}")]
pub struct Malformed(String);

/// Everything one webhook carries that the bridge acts on.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Notification {
    /// Inbound messages, in payload order.
    pub messages: Vec<Inbound>,
    /// Delivery receipts.
    pub statuses: Vec<Receipt>,
}

/// One inbound message with what the webhook says about its sender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbound {
    /// The message.
    pub message: Message,
    /// Profile name from `contacts[]`.
    pub profile_name: Option<String>,
    /// Username (2026) from `contacts[]`.
    pub username: Option<String>,
    /// The sender's phone digits (`wa_id` / `from`), when WhatsApp shares it.
    pub wa_id: Option<String>,
    /// The business-scoped user id, when present.
    pub user_id: Option<String>,
    /// The business number that received it.
    pub business_number: Option<String>,
}

impl Inbound {
    /// The key a sender is known by: the business-scoped user id when present, else the
    /// phone digits (external-protocols.md §1.6). Never empty for a parsed message.
    pub fn sender_key(&self) -> &str {
        self.user_id
            .as_deref()
            .or(self.wa_id.as_deref())
            .unwrap_or("unknown")
    }
}

/// A message object of `messages[]`. Each content kind is an optional field named like its
/// `type`, so unknown types still parse.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Message {
    /// `wamid.…`
    pub id: String,
    /// Phone digits of the sender (absent for some username users).
    #[serde(default)]
    pub from: Option<String>,
    /// Business-scoped user id of the sender (2026).
    #[serde(default)]
    pub from_user_id: Option<String>,
    /// Unix seconds.
    #[serde(default, deserialize_with = "string_or_number")]
    pub timestamp: i64,
    /// text, image, …, or a type this build does not know.
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticker: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<SharedContact>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<Interactive>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button: Option<Button>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Reaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<Referral>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<MessageContext>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Text {
    #[serde(default)]
    pub body: String,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Media {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub voice: Option<bool>,
    #[serde(default)]
    pub animated: Option<bool>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Location {
    #[serde(default)]
    pub latitude: f64,
    #[serde(default)]
    pub longitude: f64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SharedContact {
    #[serde(default)]
    pub name: Option<ContactName>,
    #[serde(default)]
    pub phones: Vec<ContactPhone>,
    #[serde(default)]
    pub emails: Vec<ContactEmail>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContactName {
    #[serde(default)]
    pub formatted_name: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContactPhone {
    #[serde(default)]
    pub phone: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContactEmail {
    #[serde(default)]
    pub email: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Interactive {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub button_reply: Option<Reply>,
    #[serde(default)]
    pub list_reply: Option<Reply>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Reply {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Button {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub payload: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Reaction {
    #[serde(default)]
    pub message_id: Option<String>,
    /// Absent when the reaction was removed.
    #[serde(default)]
    pub emoji: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Referral {
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub ctwa_clid: Option<String>,
}

#[allow(missing_docs, reason = "field names are Meta's")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MessageContext {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub forwarded: Option<bool>,
    #[serde(default)]
    pub frequently_forwarded: Option<bool>,
}

/// A delivery receipt (`statuses[]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Receipt {
    /// The business's message.
    pub id: String,
    /// sent, delivered, read, failed, played.
    pub status: String,
    /// Unix seconds.
    #[serde(default, deserialize_with = "string_or_number")]
    pub timestamp: i64,
    /// Phone or group id.
    #[serde(default)]
    pub recipient_id: Option<String>,
    /// Business-scoped user id (2026).
    #[serde(default)]
    pub recipient_user_id: Option<String>,
    /// For failed ones.
    #[serde(default)]
    pub errors: Option<Value>,
}

#[derive(Deserialize)]
struct Envelope {
    object: String,
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: Option<ChangeValue>,
}

#[derive(Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    statuses: Vec<Receipt>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    display_phone_number: Option<String>,
}

#[derive(Deserialize)]
struct Contact {
    #[serde(default)]
    wa_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    username: Option<String>,
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().unwrap_or_default(),
        Value::String(s) => s.trim().parse().unwrap_or_default(),
        _ => 0,
    })
}

/// Parses a webhook body: `object` must be `whatsapp_business_account` with an `entry` list.
/// Messages without an id or a sender are skipped, never fatal; other `changes` fields too.
pub fn parse(body: &[u8]) -> Result<Notification, Malformed> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| Malformed(e.to_string()))?;
    if envelope.object != "whatsapp_business_account" {
        return Err(Malformed(format!(
            "object is {:?}, expected \"whatsapp_business_account\"",
            envelope.object
        )));
    }
    let mut out = Notification::default();
    for change in envelope.entry.into_iter().flat_map(|e| e.changes) {
        // Other fields (account updates, templates…) are not the bridge's business.
        let ("messages", Some(value)) = (change.field.as_str(), change.value) else {
            continue;
        };
        let business_number = value.metadata.and_then(|m| m.display_phone_number);
        for message in value.messages {
            if message.id.trim().is_empty()
                || (message.from.is_none() && message.from_user_id.is_none())
            {
                continue;
            }
            // Match the sender by id, never by position: one batch may carry several senders.
            let contact = value.contacts.iter().find(|c| {
                (message.from_user_id.is_some() && c.user_id == message.from_user_id)
                    || (message.from.is_some() && c.wa_id == message.from)
            });
            let profile = contact.and_then(|c| c.profile.as_ref());
            out.messages.push(Inbound {
                profile_name: profile.and_then(|p| p.name.clone()),
                username: profile.and_then(|p| p.username.clone()),
                wa_id: message
                    .from
                    .clone()
                    .or_else(|| contact.and_then(|c| c.wa_id.clone())),
                user_id: message
                    .from_user_id
                    .clone()
                    .or_else(|| contact.and_then(|c| c.user_id.clone())),
                business_number: business_number.clone(),
                message,
            });
        }
        out.statuses.extend(value.statuses);
    }
    Ok(out)
}

/// A webhook body with one inbound text message, shaped exactly as Meta sends it (non-ASCII
/// written as `\uXXXX` escapes, as Meta signs it): for the demo, the benchmark and tests.
pub fn text_webhook(wamid: &str, wa_id: &str, name: &str, text: &str, timestamp: i64) -> String {
    let body = serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "109876543210987",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550001111", "phone_number_id": "111222333444555"},
                    "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                    "messages": [{
                        "from": wa_id,
                        "id": wamid,
                        "timestamp": timestamp.to_string(),
                        "type": "text",
                        "text": {"body": text}
                    }]
                }
            }]
        }]
    });
    escape_non_ascii(&body.to_string())
}

/// JSON text with every non-ASCII character as a `\uXXXX` escape (UTF-16, as Meta writes it).
pub fn escape_non_ascii(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metas_published_signature_vector() {
        let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
        let header = "sha256=c84a394cc475525991e78ff16e430b02e47f953877d2af0ade26956ce6f384dc";
        assert!(signature_is_valid(b"test-app-secret", body, Some(header)));
        assert_eq!(
            sign(b"test-app-secret", body),
            header,
            "we sign as Meta does"
        );
        assert!(!signature_is_valid(b"other-secret", body, Some(header)));
        assert!(!signature_is_valid(b"test-app-secret", body, None));
        assert!(!signature_is_valid(
            b"test-app-secret",
            body,
            Some("sha1=abc")
        ));
        assert!(!signature_is_valid(
            b"test-app-secret",
            body,
            Some("sha256=zz")
        ));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abc", "ab"));
        assert!(!token_matches("abc", "abd"));
    }

    #[test]
    fn not_a_whatsapp_payload_is_malformed() {
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"object":"page","entry":[]}"#).is_err());
        assert!(parse(br#"{"object":"whatsapp_business_account"}"#).is_err());
        let empty = parse(br#"{"object":"whatsapp_business_account","entry":[]}"#)
            .expect("an empty batch is valid");
        assert!(empty.messages.is_empty());
    }
}
