//! Contact actions of the lead panel: a WhatsApp chat, a call, an email, opened by the OS.
//! The link is built here from the cached lead, so the page can only ask for "WhatsApp with
//! lead 42", never have an arbitrary URL opened.
#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri injects command arguments by value"
)]

use super::error::{CommandError, ErrorKind};
use super::pipeline::current;
use crate::state::AppState;
use serde::Deserialize;
use tauri_plugin_opener::OpenerExt;

/// How to reach a lead's contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ContactChannel {
    /// A WhatsApp chat (`https://wa.me/<digits>`).
    Whatsapp,
    /// A phone call (`tel:`).
    Call,
    /// An email (`mailto:`).
    Email,
}

/// The link for a channel, or why there is none.
pub fn contact_url(
    channel: ContactChannel,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<String, String> {
    let phone = phone.map(str::trim).filter(|p| !p.is_empty());
    match channel {
        ContactChannel::Whatsapp => {
            let phone = phone.ok_or("This lead has no phone number to open in WhatsApp.")?;
            // wa.me wants the full international number: a local number ("055 123 4567")
            // would open a chat with a stranger in another country.
            let e164 = crm_core::phone::to_e164(phone, None).ok_or(
                "This phone number has no country code; add it (for example +966 55 123 4567) \
                 to open a WhatsApp chat.",
            )?;
            Ok(format!("https://wa.me/{}", e164.trim_start_matches('+')))
        }
        ContactChannel::Call => {
            let phone = phone.ok_or("This lead has no phone number to call.")?;
            let dialable: String = phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            let digits = crm_core::phone::digits(phone);
            if digits.is_empty() {
                return Err("This lead's phone number has no digits to call.".into());
            }
            // Arabic-Indic digits become ASCII ones: dialers expect those.
            Ok(format!(
                "tel:{}{digits}",
                if dialable.starts_with('+') { "+" } else { "" }
            ))
        }
        ContactChannel::Email => {
            let email = email
                .map(str::trim)
                .filter(|e| e.contains('@') && !e.contains(|c: char| c.is_whitespace() || c == '?'))
                .ok_or("This lead has no email address to write to.")?;
            Ok(format!("mailto:{email}"))
        }
    }
}

/// Opens a WhatsApp chat, a call or an email to a lead's contact with the OS.
#[tauri::command]
#[specta::specta]
pub fn contact_lead(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    id: i32,
    channel: ContactChannel,
) -> Result<(), CommandError> {
    let account = current(&state)?;
    let lead = state
        .store()
        .lead(account.id, id.into())?
        .ok_or(crm_core::store::Error::NoSuchLead(id.into()))?;
    let phone = lead.phone.as_deref().or(lead.mobile.as_deref());
    let url = contact_url(channel, phone, lead.email.as_deref())
        .map_err(|why| CommandError::new(ErrorKind::Validation, why))?;
    app.opener().open_url(&url, None::<&str>).map_err(|e| {
        tracing::warn!("opening a contact link: {e}");
        CommandError::new(
            ErrorKind::Internal,
            "The system could not open the link: no application handles it on this computer.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_needs_an_international_number() {
        assert_eq!(
            contact_url(ContactChannel::Whatsapp, Some("+966 55 123 4567"), None).as_deref(),
            Ok("https://wa.me/966551234567")
        );
        assert_eq!(
            contact_url(ContactChannel::Whatsapp, Some("+٩٦٦٥٥١٢٣٤٥٦٧"), None).as_deref(),
            Ok("https://wa.me/966551234567"),
            "Arabic-Indic digits as typed by an Arabic keyboard"
        );
        let local = contact_url(ContactChannel::Whatsapp, Some("055 123 4567"), None);
        assert!(
            local.as_ref().is_err_and(|e| e.contains("country code")),
            "a local number would reach a stranger abroad: {local:?}"
        );
        assert!(contact_url(ContactChannel::Whatsapp, None, None).is_err());
    }

    #[test]
    fn calls_and_emails_are_plain_links() {
        assert_eq!(
            contact_url(ContactChannel::Call, Some("+971 (50) 123-4567"), None).as_deref(),
            Ok("tel:+971501234567")
        );
        assert_eq!(
            contact_url(ContactChannel::Call, Some("055 123 4567"), None).as_deref(),
            Ok("tel:0551234567")
        );
        assert_eq!(
            contact_url(ContactChannel::Email, None, Some(" amal@example.com ")).as_deref(),
            Ok("mailto:amal@example.com")
        );
        assert!(
            contact_url(ContactChannel::Email, None, Some("a@b.c?subject=x")).is_err(),
            "no smuggled parameters"
        );
    }
}
