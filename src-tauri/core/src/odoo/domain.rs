//! A typed builder for Odoo domains, serialized in Odoo's prefix notation
//! (reference/odoo-protocol.md §3.2).
//!
//! ```
//! use crm_core::odoo::Domain;
//! let d = Domain::field("type").eq("opportunity")
//!     .and(Domain::field("phone").ilike("7620").or(Domain::field("email_from").ilike("7620")));
//! assert_eq!(d.to_json().to_string(),
//!     r#"["&",["type","=","opportunity"],"|",["phone","ilike","7620"],["email_from","ilike","7620"]]"#);
//! ```
#![allow(
    missing_docs,
    reason = "operators, variants and fields mirror Odoo's own names, explained in the type docs"
)]

use serde_json::{Value, json};

/// Every domain operator Odoo accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// `=?`: true when the value is unset, else `=`.
    EqOrUnset,
    /// `=like`: a raw SQL pattern (`%`, `_`).
    EqLike,
    /// `=ilike`: a raw case-insensitive pattern.
    EqIlike,
    Like,
    NotLike,
    Ilike,
    NotIlike,
    In,
    NotIn,
    ChildOf,
    ParentOf,
    Any,
    NotAny,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::EqOrUnset => "=?",
            Op::EqLike => "=like",
            Op::EqIlike => "=ilike",
            Op::Like => "like",
            Op::NotLike => "not like",
            Op::Ilike => "ilike",
            Op::NotIlike => "not ilike",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::ChildOf => "child_of",
            Op::ParentOf => "parent_of",
            Op::Any => "any",
            Op::NotAny => "not any",
        }
    }
}

/// A search domain.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// Matches everything (`[]`).
    All,
    /// Matches nothing.
    Nothing,
    Leaf {
        field: String,
        op: Op,
        value: Value,
    },
    And(Vec<Domain>),
    Or(Vec<Domain>),
    Not(Box<Domain>),
}

/// A field path (`partner_id.country_id.code`) waiting for its operator.
#[derive(Debug, Clone)]
pub struct Field(String);

macro_rules! ops {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Field {
            $(pub fn $name(self, value: impl Into<Value>) -> Domain {
                Domain::Leaf { field: self.0, op: Op::$op, value: value.into() }
            })*
        }
    };
}

ops! {
    eq => Eq, ne => Ne, gt => Gt, ge => Ge, lt => Lt, le => Le, eq_or_unset => EqOrUnset,
    eq_like => EqLike, eq_ilike => EqIlike, like => Like, not_like => NotLike,
    ilike => Ilike, not_ilike => NotIlike, in_ => In, not_in => NotIn,
    child_of => ChildOf, parent_of => ParentOf,
}

impl Field {
    /// Unset (`= false`), e.g. unassigned leads.
    pub fn is_unset(self) -> Domain {
        self.eq(false)
    }
    /// Set (`!= false`).
    pub fn is_set(self) -> Domain {
        self.ne(false)
    }
    /// `any`: a related record matches `sub`.
    pub fn any(self, sub: &Domain) -> Domain {
        Domain::Leaf {
            field: self.0,
            op: Op::Any,
            value: sub.to_json(),
        }
    }
    /// `not any`.
    pub fn not_any(self, sub: &Domain) -> Domain {
        Domain::Leaf {
            field: self.0,
            op: Op::NotAny,
            value: sub.to_json(),
        }
    }
}

impl Domain {
    pub fn field(path: impl Into<String>) -> Field {
        Field(path.into())
    }

    pub fn and(self, other: Domain) -> Domain {
        match (self, other) {
            (Domain::All, d) | (d, Domain::All) => d,
            (Domain::And(mut a), Domain::And(b)) => {
                a.extend(b);
                Domain::And(a)
            }
            (Domain::And(mut a), d) => {
                a.push(d);
                Domain::And(a)
            }
            (a, b) => Domain::And(vec![a, b]),
        }
    }

    pub fn or(self, other: Domain) -> Domain {
        match (self, other) {
            (Domain::Nothing, d) | (d, Domain::Nothing) => d,
            (Domain::Or(mut a), Domain::Or(b)) => {
                a.extend(b);
                Domain::Or(a)
            }
            (Domain::Or(mut a), d) => {
                a.push(d);
                Domain::Or(a)
            }
            (a, b) => Domain::Or(vec![a, b]),
        }
    }

    #[allow(
        clippy::should_implement_trait,
        reason = "reads as Domain::not, like and/or"
    )]
    pub fn not(self) -> Domain {
        Domain::Not(Box::new(self))
    }

    /// The JSON list Odoo expects.
    pub fn to_json(&self) -> Value {
        let mut out = Vec::new();
        self.push(&mut out);
        Value::Array(out)
    }

    fn push(&self, out: &mut Vec<Value>) {
        match self {
            Domain::All => {}
            Domain::Nothing => out.push(json!([0, "=", 1])),
            Domain::Leaf { field, op, value } => out.push(json!([field, op.as_str(), value])),
            Domain::And(items) | Domain::Or(items) => {
                let symbol = if matches!(self, Domain::And(_)) {
                    "&"
                } else {
                    "|"
                };
                let items: Vec<&Domain> =
                    items.iter().filter(|d| !matches!(d, Domain::All)).collect();
                if items.is_empty() {
                    if symbol == "|" {
                        out.push(json!([0, "=", 1]));
                    }
                    return;
                }
                for _ in 1..items.len() {
                    out.push(json!(symbol));
                }
                for item in items {
                    item.push(out);
                }
            }
            Domain::Not(inner) => {
                out.push(json!("!"));
                if matches!(**inner, Domain::All) {
                    out.push(json!([1, "=", 1]));
                } else {
                    inner.push(out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_notation() {
        let f = Domain::field;
        let d = f("a").eq(1).and(f("b").eq(2)).and(f("c").eq(3));
        assert_eq!(
            d.to_json(),
            json!(["&", "&", ["a", "=", 1], ["b", "=", 2], ["c", "=", 3]])
        );
        let d = f("a").eq(1).or(f("b").eq(2)).not();
        assert_eq!(d.to_json(), json!(["!", "|", ["a", "=", 1], ["b", "=", 2]]));
        assert_eq!(
            Domain::All.to_json(),
            json!([]),
            "no condition matches everything"
        );
        assert_eq!(
            Domain::All.and(f("x").is_unset()).to_json(),
            json!([["x", "=", false]])
        );
        assert_eq!(Domain::Nothing.to_json(), json!([[0, "=", 1]]));
    }

    #[test]
    fn every_operator_serializes_as_odoo_spells_it() {
        let f = || Domain::field("x");
        let all = [
            (f().ne(1), "!="),
            (f().gt(1), ">"),
            (f().ge(1), ">="),
            (f().lt(1), "<"),
            (f().le(1), "<="),
            (f().eq_or_unset(1), "=?"),
            (f().eq_like("a%"), "=like"),
            (f().eq_ilike("a%"), "=ilike"),
            (f().like("a"), "like"),
            (f().not_like("a"), "not like"),
            (f().ilike("a"), "ilike"),
            (f().not_ilike("a"), "not ilike"),
            (f().in_(vec![1, 2]), "in"),
            (f().not_in(vec![1]), "not in"),
            (f().child_of(1), "child_of"),
            (f().parent_of(1), "parent_of"),
            (f().any(&Domain::field("y").eq(1)), "any"),
            (f().not_any(&Domain::All), "not any"),
        ];
        for (d, op) in all {
            assert_eq!(d.to_json()[0][1], op);
        }
        assert_eq!(
            f().any(&Domain::field("y").eq(1)).to_json(),
            json!([["x", "any", [["y", "=", 1]]]])
        );
    }
}
