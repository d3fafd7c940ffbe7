//! The seed's connector features: a customer from a WhatsApp contact, a lead for it, stage
//! and status updates, and the sales report.

use super::client::{Client, Context, Page};
use super::domain::Domain;
use super::error::Error;
use super::record::format_datetime;
use crate::crm::{LeadDraft, SalesReport, WhatsAppContact};
use crate::phone;
use serde_json::{Map, Value, json};
use time::PrimitiveDateTime;

/// The marker written in a partner's notes to find it again by WhatsApp id when there is no
/// phone number (business-scoped user ids). Odoo has no WhatsApp-id field on res.partner.
fn marker(key: &str) -> String {
    format!("WhatsApp ID: {key}")
}

impl Client {
    /// Finds the customer (res.partner) for a WhatsApp contact, by phone number (compared in
    /// E.164, whatever the formatting in Odoo) or by WhatsApp id, or creates one. Returns the
    /// partner id and whether it was created.
    pub async fn find_or_create_customer(
        &self,
        contact: &WhatsAppContact,
    ) -> Result<(i64, bool), Error> {
        let ctx = Context::default();
        let e164 = contact.phone_e164.clone().or_else(|| {
            contact
                .wa_id
                .as_deref()
                .and_then(|w| phone::to_e164(w, None))
        });
        if let Some(e164) = &e164 {
            // Odoo keeps `phone_sanitized` (E.164) on partners: an exact match first.
            let exact = Domain::field("phone_sanitized").eq(e164.clone());
            let page = Page {
                limit: Some(1),
                order: Some("id".into()),
                ..Page::default()
            };
            if let Ok(found) = self.search("res.partner", &exact, &page, &ctx).await
                && let Some(id) = found.first()
            {
                return Ok((*id, false));
            }
            // Numbers stored without a country code are not sanitized: match loosely on the
            // last four digits in Odoo, then exactly here.
            let digits = phone::digits(e164);
            let tail = &digits[digits.len().saturating_sub(4)..];
            let mut domain = Domain::field("phone").ilike(tail);
            let mut fields = vec!["phone"];
            if self.version().has_mobile() {
                domain = domain.or(Domain::field("mobile").ilike(tail));
                fields.push("mobile");
            }
            let page = Page {
                limit: Some(200),
                order: Some("id".into()),
                ..Page::default()
            };
            for row in self
                .search_read("res.partner", &domain, &fields, &page, &ctx)
                .await?
            {
                for field in &fields {
                    let Some(stored) = row.text(field) else {
                        continue;
                    };
                    let stored_digits = phone::digits(&stored);
                    let same = phone::to_e164(&stored, None).is_some_and(|s| &s == e164)
                        || (stored_digits.len() >= 8
                            && digits.ends_with(stored_digits.trim_start_matches('0')));
                    if same {
                        return Ok((row.id(), false));
                    }
                }
            }
        }
        if let Some(key) = contact.key() {
            let found = self
                .search(
                    "res.partner",
                    &Domain::field("comment").ilike(marker(key)),
                    &Page {
                        limit: Some(1),
                        ..Page::default()
                    },
                    &ctx,
                )
                .await?;
            if let Some(id) = found.first() {
                return Ok((*id, false));
            }
        }
        let name = contact
            .profile_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| e164.clone())
            .unwrap_or_else(|| "WhatsApp contact".to_owned());
        let mut values = Map::new();
        values.insert("name".into(), json!(name));
        if let Some(e164) = &e164 {
            values.insert("phone".into(), json!(e164));
        }
        if let Some(key) = contact.key() {
            values.insert("comment".into(), json!(format!("<p>{}</p>", marker(key))));
        }
        Ok((self.create("res.partner", values, &ctx).await?, true))
    }

    /// Creates a lead from a draft; returns its id.
    pub async fn create_lead(&self, draft: &LeadDraft) -> Result<i64, Error> {
        let mut v = Map::new();
        v.insert("name".into(), json!(draft.name));
        v.insert(
            "type".into(),
            json!(if draft.is_lead { "lead" } else { "opportunity" }),
        );
        let optional: [(&str, Option<Value>); 9] = [
            ("partner_id", draft.partner_id.map(Value::from)),
            ("contact_name", draft.contact_name.clone().map(Value::from)),
            ("phone", draft.phone.clone().map(Value::from)),
            ("email_from", draft.email.clone().map(Value::from)),
            (
                "description",
                draft
                    .description
                    .as_ref()
                    .map(|d| json!(crate::crm::text_to_html(d))),
            ),
            ("source_id", draft.source_id.map(Value::from)),
            ("medium_id", draft.medium_id.map(Value::from)),
            ("team_id", draft.team_id.map(Value::from)),
            (
                "user_id",
                draft
                    .user_id
                    .map(|u| u.map_or(Value::Bool(false), Value::from)),
            ),
        ];
        for (field, value) in optional {
            if let Some(value) = value {
                v.insert(field.into(), value);
            }
        }
        if !draft.tag_ids.is_empty() {
            v.insert("tag_ids".into(), json!([[6, 0, draft.tag_ids]]));
        }
        self.create("crm.lead", v, &Context::default()).await
    }

    /// Moves a lead to a stage (a won stage makes it won, as in Odoo's kanban).
    pub async fn set_stage(&self, lead_id: i64, stage_id: i64) -> Result<(), Error> {
        let mut v = Map::new();
        v.insert("stage_id".into(), json!(stage_id));
        self.write("crm.lead", &[lead_id], v, &Context::default())
            .await
    }

    /// Won revenue and counts, by salesperson, stage, source and month, for leads closed in
    /// `[from, to)` (UTC).
    pub async fn sales_report(
        &self,
        from: PrimitiveDateTime,
        to: PrimitiveDateTime,
    ) -> Result<SalesReport, Error> {
        let domain = Domain::field("date_closed")
            .ge(format_datetime(from))
            .and(Domain::field("date_closed").lt(format_datetime(to)))
            .and(Domain::field("probability").eq(100))
            .and(Domain::field("stage_id.is_won").eq(true));
        let page = Page {
            order: Some("id".into()),
            ..Page::default()
        };
        let leads = self.leads(&domain, &page, &Context::default()).await?;
        Ok(SalesReport::from_won(&leads))
    }
}
