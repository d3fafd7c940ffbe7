//! The calls the sync engine makes beyond plain reads: id listings, delta reads, field
//! writes of the rep's edits, and the checks that make a retried push harmless.

use super::client::{Client, Context, Page};
use super::domain::Domain;
use super::error::Error;
use super::models::values;
use super::record::format_datetime;
use crate::crm::{FieldValue, LeadField, Partner};
use crate::sync::edit::{Change, NewLead};
use serde_json::{Map, Value, json};
use time::PrimitiveDateTime;

/// The Odoo field a [`LeadField`] is stored in.
fn odoo_field(field: LeadField) -> &'static str {
    match field {
        LeadField::Name => "name",
        LeadField::Stage => "stage_id",
        LeadField::Priority => "priority",
        LeadField::Tags => "tag_ids",
        LeadField::Salesperson => "user_id",
        LeadField::ExpectedRevenue => "expected_revenue",
        LeadField::Probability => "probability",
        LeadField::ContactName => "contact_name",
        LeadField::Email => "email_from",
        LeadField::Phone => "phone",
        LeadField::Description => "description",
    }
}

/// A value as Odoo's `write` takes it for `field`.
fn odoo_value(field: LeadField, value: &FieldValue) -> Value {
    match (field, value) {
        (LeadField::Tags, FieldValue::Ids(ids)) => json!([[6, 0, ids]]),
        (LeadField::Tags, FieldValue::Empty) => json!([[6, 0, []]]),
        (LeadField::Priority, FieldValue::Stars(s)) => json!(s.to_string()),
        (LeadField::ExpectedRevenue | LeadField::Probability, FieldValue::Empty) => json!(0),
        (_, FieldValue::Empty) => Value::Bool(false),
        (_, FieldValue::Text(t)) => json!(t),
        (_, FieldValue::Ref(r)) => json!(r.id),
        (_, FieldValue::Number(n)) => json!(n),
        (_, FieldValue::Stars(s)) => json!(s),
        (_, FieldValue::Ids(ids)) => json!(ids),
    }
}

/// A lead's write_date window, `[since, until)`.
pub fn window_domain(since: Option<PrimitiveDateTime>, until: PrimitiveDateTime) -> Domain {
    let upper = Domain::field("write_date").lt(format_datetime(until));
    match since {
        Some(since) => Domain::field("write_date")
            .ge(format_datetime(since))
            .and(upper),
        None => upper,
    }
}

/// The prefix of the client key in `referred`, so a key can never match a real referrer.
const KEY_PREFIX: &str = "crm-desk:";

impl Client {
    /// Every crm.lead id the user may see, archived (lost) ones included: the cheap listing
    /// that reveals deletions and lost visibility.
    pub async fn lead_ids(&self) -> Result<Vec<i64>, Error> {
        let page = Page {
            order: Some("id".into()),
            ..Page::default()
        };
        self.search("crm.lead", &Domain::All, &page, &Context::sync())
            .await
    }

    /// How many leads a window holds (for progress on a first sync).
    pub async fn lead_count(&self, window: &Domain) -> Result<u64, Error> {
        self.search_count("crm.lead", window, &Context::sync())
            .await
    }

    /// Partners written in `[since, ∞)`.
    pub async fn partners_written_since(
        &self,
        since: PrimitiveDateTime,
    ) -> Result<Vec<Partner>, Error> {
        let domain = Domain::field("write_date").ge(format_datetime(since));
        let rows = self
            .search_read(
                "res.partner",
                &domain,
                &self.partner_fields(),
                &Page {
                    order: Some("id".into()),
                    ..Page::default()
                },
                &Context::sync(),
            )
            .await?;
        Ok(rows.iter().map(super::models::partner).collect())
    }

    /// Writes the rep's field changes to one lead.
    pub async fn write_lead(&self, lead_id: i64, changes: &[Change]) -> Result<(), Error> {
        let mut v = Map::new();
        for c in changes {
            v.insert(odoo_field(c.field).into(), odoo_value(c.field, &c.value));
        }
        self.write("crm.lead", &[lead_id], v, &Context::sync())
            .await
    }

    /// The lead created from `client_key`, if an earlier push created it already.
    pub async fn lead_by_client_key(&self, client_key: &str) -> Result<Option<i64>, Error> {
        let found = self
            .search(
                "crm.lead",
                &Domain::field("referred").eq(format!("{KEY_PREFIX}{client_key}")),
                &Page {
                    limit: Some(1),
                    order: Some("id".into()),
                    ..Page::default()
                },
                &Context::sync(),
            )
            .await?;
        Ok(found.first().copied())
    }

    /// Creates a lead the rep typed, carrying its client key (in `referred`, a plain char
    /// field every Odoo 16–19 has) so that [`Client::lead_by_client_key`] finds it again.
    pub async fn create_lead_with_key(
        &self,
        lead: &NewLead,
        client_key: &str,
        salesperson: Option<i64>,
    ) -> Result<i64, Error> {
        let optional = [
            ("contact_name", lead.contact_name.clone().map(Value::from)),
            ("email_from", lead.email.clone().map(Value::from)),
            ("phone", lead.phone.clone().map(Value::from)),
            (
                "description",
                lead.description
                    .as_deref()
                    .map(|d| json!(crate::crm::text_to_html(d))),
            ),
            ("stage_id", lead.stage.as_ref().map(|s| json!(s.id))),
            ("expected_revenue", lead.expected_revenue.map(Value::from)),
            ("priority", lead.priority.map(|p| json!(p.to_string()))),
            ("user_id", salesperson.map(Value::from)),
        ];
        let mut v = values(&[
            ("name", json!(lead.name.trim())),
            ("type", json!("opportunity")),
            ("referred", json!(format!("{KEY_PREFIX}{client_key}"))),
        ]);
        for (field, value) in optional {
            if let Some(value) = value {
                v.insert(field.into(), value);
            }
        }
        self.create("crm.lead", v, &Context::default()).await
    }

    /// Bodies and ids of the messages `author` (a partner) posted on a lead since `since`:
    /// what a lost answer to a note may already have created.
    pub async fn messages_by_author_since(
        &self,
        lead_id: i64,
        author: i64,
        since: PrimitiveDateTime,
    ) -> Result<Vec<(i64, String)>, Error> {
        let domain = Domain::field("model")
            .eq("crm.lead")
            .and(Domain::field("res_id").eq(lead_id))
            .and(Domain::field("author_id").eq(author))
            .and(Domain::field("date").ge(format_datetime(since)));
        let rows = self
            .search_read(
                "mail.message",
                &domain,
                &["body"],
                &Page {
                    limit: Some(50),
                    order: Some("id desc".into()),
                    ..Page::default()
                },
                &Context::default(),
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.id(), r.text("body").unwrap_or_default()))
            .collect())
    }
}
