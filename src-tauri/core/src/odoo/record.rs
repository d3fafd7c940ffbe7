//! One row as Odoo returns it, read through typed getters that apply Odoo's conventions
//! (§3.3): `false` means empty, many2one is `[id, name]`, datetimes are naive UTC with
//! seconds. The JSON stays in here; callers get Rust values.
#![allow(
    missing_docs,
    reason = "operators, variants and fields mirror Odoo's own names, explained in the type docs"
)]

use serde_json::{Map, Value};
use time::PrimitiveDateTime;
use time::macros::format_description;

/// A record from `read` / `search_read`.
#[derive(Debug, Clone, PartialEq)]
pub struct Record(pub(crate) Map<String, Value>);

pub use crate::crm::Ref;

impl Record {
    pub fn id(&self) -> i64 {
        self.0.get("id").and_then(Value::as_i64).unwrap_or(0)
    }

    /// Whether the server sent this field at all (version-gated fields may be absent).
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    fn get(&self, field: &str) -> Option<&Value> {
        match self.0.get(field) {
            None | Some(Value::Null) | Some(Value::Bool(false)) => None,
            Some(v) => Some(v),
        }
    }

    /// Char, text, html and selection fields; `false` and "" are `None`.
    pub fn text(&self, field: &str) -> Option<String> {
        self.get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    pub fn bool(&self, field: &str) -> bool {
        self.0.get(field).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn int(&self, field: &str) -> i64 {
        self.get(field).and_then(Value::as_i64).unwrap_or(0)
    }

    pub fn float(&self, field: &str) -> f64 {
        self.get(field).and_then(Value::as_f64).unwrap_or(0.0)
    }

    /// Many2one as `[id, name]` (or a bare id with `load=None`).
    pub fn many2one(&self, field: &str) -> Option<Ref> {
        match self.get(field)? {
            Value::Array(pair) => Some(Ref {
                id: pair.first()?.as_i64()?,
                name: pair
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            }),
            Value::Number(n) => Some(Ref {
                id: n.as_i64()?,
                name: String::new(),
            }),
            _ => None,
        }
    }

    /// One2many / many2many ids.
    pub fn ids(&self, field: &str) -> Vec<i64> {
        self.get(field)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default()
    }

    /// Datetime fields: naive UTC `YYYY-MM-DD HH:MM:SS`.
    pub fn datetime(&self, field: &str) -> Option<PrimitiveDateTime> {
        let s = self.text(field)?;
        PrimitiveDateTime::parse(
            s.get(..19)?,
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        )
        .ok()
    }

    /// Date fields: `YYYY-MM-DD`.
    pub fn date(&self, field: &str) -> Option<time::Date> {
        let s = self.text(field)?;
        time::Date::parse(s.get(..10)?, format_description!("[year]-[month]-[day]")).ok()
    }

    /// The raw value, for the few callers (tests, diagnostics) that need it.
    pub fn raw(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }
}

/// Formats a naive UTC datetime the way Odoo expects it in domains and values.
pub fn format_datetime(dt: PrimitiveDateTime) -> String {
    dt.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: Value) -> Record {
        match v {
            Value::Object(m) => Record(m),
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn false_is_empty_and_many2one_is_a_pair() {
        let r = rec(
            json!({"id": 7, "name": "x", "email_from": false, "stage_id": [3, "Proposition"], "user_id": false,
            "tag_ids": [1, 4], "expected_revenue": 0, "write_date": "2026-05-01 10:00:00", "date_deadline": false}),
        );
        assert_eq!(r.id(), 7);
        assert_eq!(r.text("email_from"), None);
        assert_eq!(
            r.many2one("stage_id"),
            Some(Ref {
                id: 3,
                name: "Proposition".into()
            })
        );
        assert_eq!(r.many2one("user_id"), None);
        assert_eq!(r.ids("tag_ids"), vec![1, 4]);
        assert_eq!(r.float("expected_revenue"), 0.0);
        assert_eq!(
            r.datetime("write_date").map(format_datetime).as_deref(),
            Some("2026-05-01 10:00:00")
        );
        assert_eq!(r.date("date_deadline"), None);
        assert!(
            !r.has("mobile"),
            "absent version-gated fields are not errors"
        );
        assert_eq!(r.text("mobile"), None);
    }
}
