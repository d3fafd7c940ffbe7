//! How a WhatsApp message reads in Odoo: the chatter note, the lead's title and description.
//! Pure functions of the parsed message.

use crate::whatsapp::{Inbound, Media, Message};
use time::OffsetDateTime;
use time::macros::format_description;

/// The message types this build renders; anything else is logged as unsupported.
pub const SUPPORTED: &[&str] = &[
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
];

/// Whether the message's type is one the bridge renders.
pub fn is_supported(message: &Message) -> bool {
    SUPPORTED.contains(&message.kind.as_str())
}

/// What the customer said or sent, as plain text (one or more lines).
pub fn content(message: &Message) -> String {
    let media = |label: &str, m: &Option<Media>| {
        let m = m.clone().unwrap_or_default();
        let mut line = label.to_owned();
        if let Some(name) = m.filename.as_deref().filter(|s| !s.is_empty()) {
            line.push_str(&format!(" \u{201c}{name}\u{201d}"));
        }
        let mut details = Vec::new();
        if let Some(mime) = &m.mime_type {
            details.push(mime.clone());
        }
        if let Some(id) = &m.id {
            details.push(format!("media id {id}"));
        }
        if !details.is_empty() {
            line.push_str(&format!(" ({})", details.join(", ")));
        }
        match m
            .caption
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(caption) => format!("{line}\n{caption}"),
            None => line,
        }
    };
    match message.kind.as_str() {
        "text" => message
            .text
            .as_ref()
            .map(|t| t.body.clone())
            .unwrap_or_default(),
        "image" => media("Image", &message.image),
        "video" => media("Video", &message.video),
        "audio" => {
            let voice = message.audio.as_ref().and_then(|a| a.voice) == Some(true);
            media(
                if voice { "Voice message" } else { "Audio" },
                &message.audio,
            )
        }
        "document" => media("Document", &message.document),
        "sticker" => media("Sticker", &message.sticker),
        "location" => {
            let l = message.location.clone().unwrap_or_default();
            let mut lines = vec![format!(
                "Location: https://maps.google.com/?q={},{}",
                l.latitude, l.longitude
            )];
            lines.extend(l.name.filter(|s| !s.is_empty()));
            lines.extend(l.address.filter(|s| !s.is_empty()));
            lines.join("\n")
        }
        "contacts" => {
            let cards = message.contacts.clone().unwrap_or_default();
            let mut lines = vec![format!("Shared {} contact card(s):", cards.len())];
            for c in cards {
                let name = c
                    .name
                    .and_then(|n| n.formatted_name)
                    .unwrap_or_else(|| "(no name)".into());
                let phones: Vec<_> = c.phones.into_iter().filter_map(|p| p.phone).collect();
                let emails: Vec<_> = c.emails.into_iter().filter_map(|e| e.email).collect();
                let details: Vec<String> = phones.into_iter().chain(emails).collect();
                lines.push(if details.is_empty() {
                    format!("- {name}")
                } else {
                    format!("- {name}: {}", details.join(", "))
                });
            }
            lines.join("\n")
        }
        "interactive" => {
            let i = message.interactive.clone().unwrap_or_default();
            match i.button_reply.or(i.list_reply) {
                Some(reply) => {
                    let title = reply.title.unwrap_or_default();
                    match reply.description.filter(|d| !d.is_empty()) {
                        Some(d) => format!("Chose \u{201c}{title}\u{201d} ({d})"),
                        None => format!("Chose \u{201c}{title}\u{201d}"),
                    }
                }
                None => format!("Interactive reply ({})", i.kind),
            }
        }
        "button" => {
            let b = message.button.clone().unwrap_or_default();
            format!(
                "Tapped \u{201c}{}\u{201d}",
                b.text.or(b.payload).unwrap_or_default()
            )
        }
        "reaction" => {
            let r = message.reaction.clone().unwrap_or_default();
            let target = r.message_id.unwrap_or_default();
            match r.emoji {
                Some(emoji) => format!("Reacted {emoji} to message {target}"),
                None => format!("Removed their reaction to message {target}"),
            }
        }
        other => format!("unsupported message type {other}"),
    }
}

/// The sender as a person reads it: "Ana Souza (+5511987654321)".
pub fn sender_label(inbound: &Inbound, e164: Option<&str>) -> String {
    let number = e164
        .map(str::to_owned)
        .or_else(|| inbound.wa_id.as_ref().map(|w| format!("+{w}")))
        .or_else(|| inbound.username.clone())
        .unwrap_or_else(|| inbound.sender_key().to_owned());
    match inbound
        .profile_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        Some(name) => format!("{name} ({number})"),
        None => number,
    }
}

/// The chatter note for a message: who, when, what type, the content, and ids.
pub fn note(inbound: &Inbound, e164: Option<&str>) -> String {
    let m = &inbound.message;
    let when = OffsetDateTime::from_unix_timestamp(m.timestamp)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| "unknown time".into());
    let mut lines = vec![format!(
        "WhatsApp {} from {} at {when}",
        if m.kind.is_empty() {
            "message"
        } else {
            &m.kind
        },
        sender_label(inbound, e164)
    )];
    lines.push(content(m));
    if let Some(r) = &m.referral {
        let mut ad = vec!["From an ad".to_owned()];
        ad.extend(r.headline.clone());
        ad.extend(r.source_url.clone());
        ad.extend(r.ctwa_clid.as_ref().map(|c| format!("click id {c}")));
        lines.push(ad.join(" \u{b7} "));
    }
    if let Some(ctx) = &m.context
        && (ctx.forwarded == Some(true) || ctx.frequently_forwarded == Some(true))
    {
        lines.push("(forwarded)".into());
    }
    lines.push(format!("WhatsApp message id: {}", m.id));
    lines.join("\n")
}

/// A new lead's title: "WhatsApp: <first words>" (or the type, for media without caption).
pub fn lead_title(message: &Message) -> String {
    const WORDS: usize = 8;
    const CHARS: usize = 60;
    let text = match message.kind.as_str() {
        "text" => content(message),
        _ => [&message.image, &message.video, &message.document]
            .into_iter()
            .flatten()
            .find_map(|m| m.caption.clone())
            .unwrap_or_else(|| message.kind.clone()),
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut title: String = words
        .iter()
        .take(WORDS)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let mut cut = words.len() > WORDS;
    if title.chars().count() > CHARS {
        title = title.chars().take(CHARS).collect();
        cut = true;
    }
    if title.is_empty() {
        title = "new conversation".into();
    }
    if cut {
        title.push('\u{2026}');
    }
    format!("WhatsApp: {title}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatsapp::Text;

    fn text(body: &str) -> Message {
        Message {
            id: "wamid.X".into(),
            from: Some("5511987654321".into()),
            timestamp: 1_764_150_000,
            kind: "text".into(),
            text: Some(Text { body: body.into() }),
            ..Message::default()
        }
    }

    #[test]
    fn titles_take_the_first_words() {
        assert_eq!(
            lead_title(&text("Hi, I'd like a quote for the premium plan please")),
            "WhatsApp: Hi, I'd like a quote for the premium\u{2026}"
        );
        assert_eq!(lead_title(&text("مرحبا")), "WhatsApp: مرحبا");
        assert_eq!(lead_title(&text("   ")), "WhatsApp: new conversation");
        let image = Message {
            kind: "image".into(),
            text: None,
            ..text("")
        };
        assert_eq!(lead_title(&image), "WhatsApp: image");
    }

    #[test]
    fn notes_say_who_when_what_and_which_message() {
        let inbound = Inbound {
            message: text("Hello"),
            profile_name: Some("Ana Souza".into()),
            username: None,
            wa_id: Some("5511987654321".into()),
            user_id: None,
            business_number: None,
        };
        let note = note(&inbound, Some("+5511987654321"));
        assert_eq!(
            note,
            "WhatsApp text from Ana Souza (+5511987654321) at 2025-11-26 09:40:00 UTC\nHello\n\
             WhatsApp message id: wamid.X"
        );
    }

    #[test]
    fn the_desktop_reads_the_customers_words_back_from_the_note() {
        // The agreement with crm-desk's notifications (ARCHITECTURE.md): the body of a "new
        // WhatsApp message" notification is what the customer wrote, not the note's header.
        let inbound = Inbound {
            message: text("Is the offer still on?\nAnd the price?"),
            profile_name: Some("Layla".into()),
            username: None,
            wa_id: Some("971501234567".into()),
            user_id: None,
            business_number: None,
        };
        let note = note(&inbound, Some("+971501234567"));
        assert_eq!(
            crm_core::odoo::whatsapp_words(&note),
            "Is the offer still on?\nAnd the price?"
        );
        assert!(crm_core::odoo::is_chatter_key(
            &crm_core::odoo::chatter_key("wamid.X")
        ));
    }

    #[test]
    fn unknown_types_say_so() {
        let m = Message {
            kind: "order".into(),
            text: None,
            ..text("")
        };
        assert!(!is_supported(&m));
        assert_eq!(content(&m), "unsupported message type order");
    }
}
