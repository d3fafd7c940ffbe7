//! Typed wire rows, deserialized straight from the response bytes. Odoo's conventions
//! (`false` for empty, `[id, name]` many2ones, numbers that may be ints) are handled by the
//! visitors below, so a page of leads never goes through an intermediate `serde_json::Value`
//! (5 µs a row with our settings: the connector's hot path; see BENCHMARKS.md).

use crate::crm::Ref;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;
use time::{Date, Month, PrimitiveDateTime, Time};

/// A char/text/selection value: `false` (or "") is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or false")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text((!v.is_empty()).then(|| v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text((!v.is_empty()).then_some(v)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// A many2one: `[id, "name"]`, a bare id (`load=None`), or `false`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Many2one(pub Option<Ref>);

impl<'de> Deserialize<'de> for Many2one {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Many2one;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[id, name], an id or false")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many2one, A::Error> {
                let id: i64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let name: Text = seq.next_element()?.unwrap_or_default();
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Many2one(Some(Ref {
                    id,
                    name: name.0.unwrap_or_default(),
                })))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Many2one, E> {
                Ok(Many2one(Some(Ref {
                    id: v,
                    name: String::new(),
                })))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Many2one, E> {
                Ok(Many2one(i64::try_from(v).ok().map(|id| Ref {
                    id,
                    name: String::new(),
                })))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Many2one, E> {
                Ok(Many2one(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Many2one, E> {
                Ok(Many2one(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Many2one, E> {
                Ok(Many2one(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A number that Odoo may send as an int, a float, or `false`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or false")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Number, E> {
                Ok(Number(0.0))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Number, E> {
                Ok(Number(0.0))
            }
        }
        d.deserialize_any(V)
    }
}

/// Ids of an x2many (`[1, 4]`), or `false`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ids(pub Vec<i64>);

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ids;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of ids or false")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ids, A::Error> {
                let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                while let Some(id) = seq.next_element::<i64>()? {
                    ids.push(id);
                }
                Ok(Ids(ids))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Ids, E> {
                Ok(Ids(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ids, E> {
                Ok(Ids(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `YYYY-MM-DD HH:MM:SS` (naive UTC) without a format-description parser on the hot path.
pub fn parse_datetime(s: &str) -> Option<PrimitiveDateTime> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let n = |range: std::ops::Range<usize>| s.get(range)?.parse::<u16>().ok();
    let date = Date::from_calendar_date(
        i32::from(n(0..4)?),
        Month::try_from(u8::try_from(n(5..7)?).ok()?).ok()?,
        u8::try_from(n(8..10)?).ok()?,
    )
    .ok()?;
    let time = Time::from_hms(
        u8::try_from(n(11..13)?).ok()?,
        u8::try_from(n(14..16)?).ok()?,
        u8::try_from(n(17..19)?).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

/// `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    parse_datetime(&format!("{} 00:00:00", s.get(..10)?)).map(PrimitiveDateTime::date)
}

/// crm.lead as `search_read` returns it with [`super::lead_fields`]. Absent (version-gated)
/// fields take their defaults.
#[derive(Debug, Deserialize)]
pub struct LeadRow {
    pub id: i64,
    #[serde(default)]
    pub name: Text,
    #[serde(default, rename = "type")]
    pub kind: Text,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub won_status: Text,
    #[serde(default)]
    pub stage_id: Many2one,
    #[serde(default)]
    pub user_id: Many2one,
    #[serde(default)]
    pub team_id: Many2one,
    #[serde(default)]
    pub partner_id: Many2one,
    #[serde(default)]
    pub tag_ids: Ids,
    #[serde(default)]
    pub contact_name: Text,
    #[serde(default)]
    pub partner_name: Text,
    #[serde(default)]
    pub email_from: Text,
    #[serde(default)]
    pub phone: Text,
    #[serde(default)]
    pub mobile: Text,
    #[serde(default)]
    pub description: Text,
    #[serde(default)]
    pub expected_revenue: Number,
    #[serde(default)]
    pub probability: Number,
    #[serde(default)]
    pub priority: Text,
    #[serde(default)]
    pub lost_reason_id: Many2one,
    #[serde(default)]
    pub source_id: Many2one,
    #[serde(default)]
    pub medium_id: Many2one,
    #[serde(default)]
    pub campaign_id: Many2one,
    #[serde(default)]
    pub date_deadline: Text,
    #[serde(default)]
    pub date_closed: Text,
    #[serde(default)]
    pub create_date: Text,
    #[serde(default)]
    pub write_date: Text,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odoo_conventions() {
        let row: LeadRow = serde_json::from_str(
            r#"{"id": 5, "name": "x", "email_from": false, "stage_id": [3, "Won"], "user_id": false,
                "team_id": 2, "tag_ids": [1, 4], "expected_revenue": 100, "probability": 12.5,
                "write_date": "2026-05-01 10:00:00", "unknown_field": {"a": 1}}"#,
        )
        .expect("a lead row");
        assert_eq!(row.email_from, Text(None));
        assert_eq!(
            row.stage_id.0.map(|r| (r.id, r.name)),
            Some((3, "Won".into()))
        );
        assert_eq!(row.user_id, Many2one(None));
        assert_eq!(row.team_id.0.map(|r| r.id), Some(2), "load=None many2one");
        assert_eq!(row.tag_ids, Ids(vec![1, 4]));
        assert_eq!(
            (row.expected_revenue, row.probability),
            (Number(100.0), Number(12.5))
        );
        assert_eq!(row.mobile, Text(None), "absent fields default");
        assert_eq!(
            parse_datetime(&row.write_date.0.expect("date"))
                .map(super::super::record::format_datetime)
                .as_deref(),
            Some("2026-05-01 10:00:00")
        );
    }

    #[test]
    fn datetimes_reject_garbage() {
        assert!(parse_datetime("2026-13-01 00:00:00").is_none());
        assert!(parse_datetime("yesterday").is_none());
        assert_eq!(parse_date("2026-02-28").map(|d| d.day()), Some(28));
    }
}
