//! What crm-bridge does in Odoo for an inbound WhatsApp message: find the sender's open lead
//! or create one, and log the message on its chatter, each step checkable before it is
//! repeated (so a crash between two steps plus Meta's redeliveries never doubles anything).

use super::client::{Client, Context, Page};
use super::domain::Domain;
use super::error::Error;
use super::models::values;
use crate::crm::text_to_html;
use serde_json::{Map, Value, json};

/// The Message-Id stored on the chatter message of a WhatsApp message (`mail.message.
/// message_id`, indexed in Odoo, which mail gateways use the same way): the key that finds
/// it again before posting twice.
pub fn chatter_key(whatsapp_message_id: &str) -> String {
    format!("<{whatsapp_message_id}{CHATTER_KEY_END}")
}

/// How every [`chatter_key`] ends: what marks a chatter message as a customer's WhatsApp
/// message (crm-bridge logs only what customers send).
const CHATTER_KEY_END: &str = "@whatsapp.crm-bridge>";

/// Whether a chatter message's Message-Id is one crm-bridge gave a WhatsApp message.
pub fn is_chatter_key(message_id: &str) -> bool {
    message_id.starts_with('<') && message_id.ends_with(CHATTER_KEY_END)
}

/// The customer's words in the text of crm-bridge's chatter note (the bridge's `chatter::note`
/// writes a "WhatsApp <type> from <sender> at <time>" line first and the WhatsApp message id
/// last): what a notification shows. Text that is not such a note comes back trimmed.
pub fn whatsapp_words(note: &str) -> String {
    let mut lines: Vec<&str> = note.lines().map(str::trim).collect();
    if lines.len() > 1 && lines.first().is_some_and(|l| l.starts_with("WhatsApp ")) {
        lines.remove(0);
    }
    if lines.len() > 1
        && lines
            .last()
            .is_some_and(|l| l.starts_with("WhatsApp message id: "))
    {
        lines.pop();
    }
    lines.join("\n").trim().to_owned()
}

/// A lead to open for a new conversation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboundLead {
    /// Title ("WhatsApp: <first words>").
    pub name: String,
    /// The customer.
    pub partner_id: i64,
    /// Contact name (the WhatsApp profile name).
    pub contact_name: Option<String>,
    /// Phone in E.164, when the sender has one.
    pub phone: Option<String>,
    /// The first message, as plain text.
    pub description: String,
    /// UTM source, medium and tags that mark the lead as WhatsApp's.
    pub source_id: Option<i64>,
    /// UTM medium.
    pub medium_id: Option<i64>,
    /// Tags.
    pub tag_ids: Vec<i64>,
    /// Sales team.
    pub team_id: Option<i64>,
    /// Salesperson; `None` leaves Odoo's default.
    pub user_id: Option<i64>,
    /// `Some("lead")` / `Some("opportunity")`; `None` lets Odoo choose (its default depends on
    /// whether the company uses leads).
    pub kind: Option<&'static str>,
}

impl Client {
    /// The chatter message already posted for a WhatsApp message: `(message id, lead id)`.
    pub async fn chatter_message_by_key(&self, key: &str) -> Result<Option<(i64, i64)>, Error> {
        let rows = self
            .search_read(
                "mail.message",
                &Domain::field("message_id").eq(key),
                &["res_id"],
                &Page {
                    limit: Some(1),
                    order: Some("id".into()),
                    ..Page::default()
                },
                &Context::default(),
            )
            .await?;
        Ok(rows.first().map(|r| (r.id(), r.int("res_id"))))
    }

    /// The customer's open lead (active, not in a won stage), oldest first: where the next
    /// message of the conversation goes.
    pub async fn open_lead_of(&self, partner_id: i64) -> Result<Option<i64>, Error> {
        let domain = Domain::field("partner_id")
            .eq(partner_id)
            .and(Domain::field("stage_id.is_won").eq(false));
        self.first_id("crm.lead", &domain).await
    }

    /// Creates the lead of a new conversation; returns its id.
    pub async fn create_inbound_lead(&self, lead: &InboundLead) -> Result<i64, Error> {
        let mut v = values(&[
            ("name", json!(lead.name)),
            ("partner_id", json!(lead.partner_id)),
            ("description", json!(text_to_html(&lead.description))),
        ]);
        let optional: [(&str, Option<Value>); 7] = [
            ("type", lead.kind.map(Value::from)),
            ("contact_name", lead.contact_name.clone().map(Value::from)),
            ("phone", lead.phone.clone().map(Value::from)),
            ("source_id", lead.source_id.map(Value::from)),
            ("medium_id", lead.medium_id.map(Value::from)),
            ("team_id", lead.team_id.map(Value::from)),
            ("user_id", lead.user_id.map(Value::from)),
        ];
        for (field, value) in optional {
            if let Some(value) = value {
                v.insert(field.into(), value);
            }
        }
        if !lead.tag_ids.is_empty() {
            v.insert("tag_ids".into(), json!([[6, 0, lead.tag_ids]]));
        }
        self.create("crm.lead", v, &Context::default()).await
    }

    /// Logs `text` (plain text, several lines) on a lead's chatter as an internal note carrying
    /// `key` as its Message-Id; returns the message id.
    pub async fn post_keyed_note(&self, lead_id: i64, text: &str, key: &str) -> Result<i64, Error> {
        let mut kwargs = self.note_body(text);
        kwargs.insert("message_id".into(), json!(key));
        self.post_values("crm.lead", lead_id, kwargs).await
    }

    /// Posts an internal note on a user's contact (res.partner) that notifies them (Odoo
    /// puts it in their inbox): the admin alert.
    pub async fn notify_user(&self, user_id: i64, subject: &str, text: &str) -> Result<i64, Error> {
        let users = self
            .read(
                "res.users",
                &[user_id],
                &["partner_id"],
                &Context::default(),
            )
            .await?;
        let partner = users
            .first()
            .and_then(|u| u.many2one("partner_id"))
            .ok_or_else(|| Error::MissingRecord(format!("res.users({user_id})")))?;
        let mut kwargs = self.note_body(text);
        kwargs.insert("subject".into(), json!(subject));
        kwargs.insert("partner_ids".into(), json!([partner.id]));
        self.post_values("res.partner", partner.id, kwargs).await
    }

    /// The id of the record of `model` named `name`, created when there is none (UTM sources
    /// and mediums, tags).
    pub async fn find_or_create_named(&self, model: &str, name: &str) -> Result<i64, Error> {
        match self.find_named(model, name).await? {
            Some(id) => Ok(id),
            None => {
                self.create(model, values(&[("name", json!(name))]), &Context::default())
                    .await
            }
        }
    }

    /// The id of the record of `model` named `name`, if there is one.
    pub async fn find_named(&self, model: &str, name: &str) -> Result<Option<i64>, Error> {
        self.first_id(model, &Domain::field("name").eq(name)).await
    }

    /// The user with this login.
    pub async fn user_by_login(&self, login: &str) -> Result<Option<i64>, Error> {
        self.first_id("res.users", &Domain::field("login").eq(login))
            .await
    }

    /// The lowest id matching `domain`.
    async fn first_id(&self, model: &str, domain: &Domain) -> Result<Option<i64>, Error> {
        let found = self
            .search(
                model,
                domain,
                &Page {
                    limit: Some(1),
                    order: Some("id".into()),
                    ..Page::default()
                },
                &Context::default(),
            )
            .await?;
        Ok(found.first().copied())
    }

    /// A sales team's members (salespersons), in id order.
    pub async fn team_members(&self, team_id: i64) -> Result<Vec<i64>, Error> {
        let rows = self
            .read("crm.team", &[team_id], &["member_ids"], &Context::default())
            .await?;
        let mut ids = rows
            .first()
            .map(|r| r.ids("member_ids"))
            .unwrap_or_default();
        ids.sort_unstable();
        Ok(ids)
    }

    /// An internal note's body: HTML where Odoo takes it (17+), else plain text, which Odoo
    /// escapes (line breaks are lost on 16, the words are not).
    fn note_body(&self, text: &str) -> Map<String, Value> {
        let mut kwargs = values(&[
            ("message_type", json!("comment")),
            ("subtype_xmlid", json!("mail.mt_note")),
        ]);
        if self.version().at_least(17, 0) {
            kwargs.insert("body".into(), json!(text_to_html(text)));
            kwargs.insert("body_is_html".into(), json!(true));
        } else {
            kwargs.insert("body".into(), json!(text));
        }
        kwargs
    }

    pub(super) async fn post_values(
        &self,
        model: &str,
        id: i64,
        kwargs: Map<String, Value>,
    ) -> Result<i64, Error> {
        let result = self
            .call(model, "message_post", &[id], kwargs, &Context::default())
            .await?;
        // ≤18 over JSON-RPC returns an int; 19 returns [id].
        result
            .as_i64()
            .or_else(|| {
                result
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_i64)
            })
            .ok_or_else(|| Error::Protocol(format!("message_post returned {result}")))
    }
}
