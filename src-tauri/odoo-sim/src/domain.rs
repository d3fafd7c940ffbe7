//! Odoo domains: parsing the prefix notation and evaluating it against records
//! (reference/odoo-protocol.md §3.2).

use crate::error::{OdooError, OdooResult};
use crate::schema::{Kind, Model, Schema};
use serde_json::Value;

/// A parsed domain.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    True,
    False,
    And(Box<Domain>, Box<Domain>),
    Or(Box<Domain>, Box<Domain>),
    Not(Box<Domain>),
    Leaf {
        path: Vec<String>,
        op: Op,
        value: Value,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    EqOrUnset,
    EqLike,
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
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "=" | "==" => Op::Eq,
            "!=" | "<>" => Op::Ne,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "<" => Op::Lt,
            "<=" => Op::Le,
            "=?" => Op::EqOrUnset,
            "=like" => Op::EqLike,
            "=ilike" => Op::EqIlike,
            "like" => Op::Like,
            "not like" => Op::NotLike,
            "ilike" => Op::Ilike,
            "not ilike" => Op::NotIlike,
            "in" => Op::In,
            "not in" => Op::NotIn,
            "child_of" => Op::ChildOf,
            "parent_of" => Op::ParentOf,
            "any" => Op::Any,
            "not any" => Op::NotAny,
            _ => return None,
        })
    }
}

/// Access to other records, for dotted paths, many2one names and `any`.
pub trait Records {
    fn schema(&self) -> &Schema;
    fn row(&self, model: &str, id: i64) -> Option<&[Value]>;
    fn ids(&self, model: &str) -> Vec<i64>;
    /// The ids of a one2many: records of `comodel` whose `inverse` points at `id` of `model`.
    fn one2many(&self, model: &str, id: i64, comodel: &str, inverse: &str) -> Vec<i64>;
}

impl Domain {
    /// Parses a JSON domain for `model`; unknown fields and operators are `ValueError`s, as in
    /// Odoo.
    pub fn parse(value: &Value, model: &Model, schema: &Schema) -> OdooResult<Domain> {
        let items = match value {
            Value::Null | Value::Bool(false) => return Ok(Domain::True),
            Value::Array(items) => items,
            other => return Err(OdooError::Value(format!("Invalid domain: {other}"))),
        };
        let mut stream = items.iter().peekable();
        let mut parts = Vec::new();
        while stream.peek().is_some() {
            parts.push(parse_expr(&mut stream, model, schema)?);
        }
        Ok(parts
            .into_iter()
            .rev()
            .reduce(|acc, d| Domain::And(Box::new(d), Box::new(acc)))
            .unwrap_or(Domain::True))
    }

    /// Whether any leaf names `field` at its first step (for the `active_test` rule).
    pub fn mentions(&self, field: &str) -> bool {
        match self {
            Domain::True | Domain::False => false,
            Domain::And(a, b) | Domain::Or(a, b) => a.mentions(field) || b.mentions(field),
            Domain::Not(a) => a.mentions(field),
            Domain::Leaf { path, .. } => path.first().is_some_and(|p| p == field),
        }
    }

    /// The smallest id a matching record can have, from top-level `id >`/`>=` conditions:
    /// lets the store start an id-ordered scan there instead of at the beginning.
    pub fn min_id(&self) -> Option<i64> {
        match self {
            Domain::And(a, b) => match (a.min_id(), b.min_id()) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            },
            Domain::Leaf { path, op, value } if path.len() == 1 && path[0] == "id" => {
                let v = value.as_i64()?;
                match op {
                    Op::Gt => Some(v + 1),
                    Op::Ge | Op::Eq => Some(v),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    pub fn matches(
        &self,
        model: &Model,
        id: i64,
        row: &[Value],
        db: &dyn Records,
    ) -> OdooResult<bool> {
        Ok(match self {
            Domain::True => true,
            Domain::False => false,
            Domain::And(a, b) => a.matches(model, id, row, db)? && b.matches(model, id, row, db)?,
            Domain::Or(a, b) => a.matches(model, id, row, db)? || b.matches(model, id, row, db)?,
            Domain::Not(a) => !a.matches(model, id, row, db)?,
            Domain::Leaf { path, op, value } => leaf(model, id, row, path, *op, value, db)?,
        })
    }
}

fn parse_expr<'a>(
    stream: &mut std::iter::Peekable<impl Iterator<Item = &'a Value>>,
    model: &Model,
    schema: &Schema,
) -> OdooResult<Domain> {
    let Some(item) = stream.next() else {
        return Err(OdooError::Value(
            "Invalid domain: an operator is missing its operands".into(),
        ));
    };
    match item {
        Value::String(s) if s == "&" || s == "|" => {
            let a = parse_expr(stream, model, schema)?;
            let b = parse_expr(stream, model, schema)?;
            Ok(if s == "&" {
                Domain::And(Box::new(a), Box::new(b))
            } else {
                Domain::Or(Box::new(a), Box::new(b))
            })
        }
        Value::String(s) if s == "!" => {
            Ok(Domain::Not(Box::new(parse_expr(stream, model, schema)?)))
        }
        Value::Array(leaf) if leaf.len() == 3 => parse_leaf(leaf, model, schema),
        other => Err(OdooError::Value(format!("Invalid domain term {other}"))),
    }
}

fn parse_leaf(leaf: &[Value], model: &Model, schema: &Schema) -> OdooResult<Domain> {
    let (field, op, value) = (&leaf[0], &leaf[1], &leaf[2]);
    // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1).
    if let (Some(l), Some("="), Some(1)) = (field.as_i64(), op.as_str(), value.as_i64()) {
        return Ok(if l == 1 { Domain::True } else { Domain::False });
    }
    let condition = || {
        Value::Array(leaf.to_vec())
            .to_string()
            .replace("[", "(")
            .replace("]", ")")
    };
    let Some(field) = field.as_str() else {
        return Err(OdooError::Value(format!(
            "Invalid field in condition {}",
            condition()
        )));
    };
    let Some(op) = op.as_str().and_then(|o| Op::parse(&o.to_lowercase())) else {
        return Err(OdooError::Value(format!(
            "Invalid operator {op} in condition {}",
            condition()
        )));
    };
    let path: Vec<String> = field.split('.').map(str::to_owned).collect();
    // Check every step exists, following relations.
    let mut current = model;
    for (i, step) in path.iter().enumerate() {
        let Some(f) = current.field(step) else {
            return Err(OdooError::Value(format!(
                "Invalid field {}.{} in condition {}",
                current.name,
                step,
                condition()
            )));
        };
        if i + 1 < path.len() {
            match f.kind.relation().and_then(|r| schema.model(r)) {
                Some(next) => current = next,
                None => {
                    return Err(OdooError::Value(format!(
                        "Invalid field {}.{} in condition {}",
                        current.name,
                        path[i + 1],
                        condition()
                    )));
                }
            }
        }
    }
    let value = if matches!(op, Op::Any | Op::NotAny) {
        let comodel = current
            .field(path.last().map(String::as_str).unwrap_or_default())
            .and_then(|f| f.kind.relation())
            .and_then(|r| schema.model(r));
        let Some(comodel) = comodel else {
            return Err(OdooError::Value(format!(
                "Operator {op:?} needs a relational field in {}",
                condition()
            )));
        };
        // Keep the parsed sub-domain as JSON; it is re-parsed against the comodel on use.
        Domain::parse(value, comodel, schema)?;
        value.clone()
    } else {
        value.clone()
    };
    Ok(Domain::Leaf { path, op, value })
}

/// Empty as Odoo stores it: NULL/false, or an empty list for x2many.
fn is_unset(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false)) || v.as_array().is_some_and(Vec::is_empty)
}

fn leaf(
    model: &Model,
    id: i64,
    row: &[Value],
    path: &[String],
    op: Op,
    value: &Value,
    db: &dyn Records,
) -> OdooResult<bool> {
    let field_name = path[0].as_str();
    let Some(field) = model.field(field_name) else {
        return Ok(false);
    };
    let stored = stored_value(model, id, row, field_name, db);
    if path.len() > 1 {
        // Dotted path: true if any related record matches the rest of the path.
        let Some(comodel) = field.kind.relation().and_then(|r| db.schema().model(r)) else {
            return Ok(false);
        };
        let rest = Domain::Leaf {
            path: path[1..].to_vec(),
            op,
            value: value.clone(),
        };
        for rid in ids_of(&stored) {
            if let Some(rrow) = db.row(comodel.name, rid)
                && rest.matches(comodel, rid, rrow, db)?
            {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if field_name == "id" && matches!(op, Op::ChildOf | Op::ParentOf) {
        // `child_of` on the record itself follows the model's own parent field.
        return relational(model.name, &stored, op, value, db);
    }
    match (&field.kind, op) {
        (Kind::Many2one(_) | Kind::One2many(..) | Kind::Many2many(_), Op::Any | Op::NotAny) => {
            let comodel = db
                .schema()
                .model(field.kind.relation().unwrap_or_default())
                .ok_or_else(|| OdooError::Value("bad comodel".into()))?;
            let sub = Domain::parse(value, comodel, db.schema())?;
            let mut any = false;
            for rid in ids_of(&stored) {
                if let Some(rrow) = db.row(comodel.name, rid)
                    && sub.matches(comodel, rid, rrow, db)?
                {
                    any = true;
                    break;
                }
            }
            Ok(if op == Op::Any { any } else { !any })
        }
        (Kind::Many2one(rel) | Kind::One2many(rel, _) | Kind::Many2many(rel), _) => {
            relational(rel, &stored, op, value, db)
        }
        _ => scalar(&stored, op, value),
    }
}

/// The value of a field for matching, computing the non-stored ones we support.
fn stored_value(model: &Model, id: i64, row: &[Value], field: &str, db: &dyn Records) -> Value {
    match field {
        "id" => Value::from(id),
        "display_name" => Value::from(display_name(model, row)),
        _ => match model.field(field).map(|f| &f.kind) {
            Some(Kind::One2many(comodel, inverse)) => {
                Value::from(db.one2many(model.name, id, comodel, inverse))
            }
            _ => model
                .position(field)
                .and_then(|i| row.get(i))
                .cloned()
                .unwrap_or(Value::Bool(false)),
        },
    }
}

/// `display_name`: the `name` field where there is one (Odoo's `_rec_name`).
pub fn display_name(model: &Model, row: &[Value]) -> String {
    match model.position("name").and_then(|i| row.get(i)) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn ids_of(v: &Value) -> Vec<i64> {
    match v {
        Value::Number(n) => n.as_i64().into_iter().collect(),
        Value::Array(items) => items.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    }
}

fn relational(
    comodel: &str,
    stored: &Value,
    op: Op,
    value: &Value,
    db: &dyn Records,
) -> OdooResult<bool> {
    let ids = ids_of(stored);
    // A string compares against the related records' display names (name_search).
    if let Value::String(_) = value {
        let Some(model) = db.schema().model(comodel) else {
            return Ok(false);
        };
        let names: Vec<Value> = ids
            .iter()
            .filter_map(|id| {
                db.row(comodel, *id)
                    .map(|r| Value::from(display_name(model, r)))
            })
            .collect();
        let positive = matches!(
            op,
            Op::Eq | Op::Like | Op::Ilike | Op::EqLike | Op::EqIlike | Op::In
        );
        let hit = names.iter().any(|n| {
            let op = match op {
                Op::Ne => Op::Eq,
                Op::NotLike => Op::Like,
                Op::NotIlike => Op::Ilike,
                other => other,
            };
            scalar(n, op, value).unwrap_or(false)
        });
        return Ok(if positive { hit } else { !hit });
    }
    let wanted: Vec<i64> = match value {
        Value::Array(items) => items.iter().filter_map(Value::as_i64).collect(),
        v => v.as_i64().into_iter().collect(),
    };
    let unset_value = matches!(value, Value::Bool(false) | Value::Null);
    Ok(match op {
        Op::Eq if unset_value => ids.is_empty(),
        Op::Ne if unset_value => !ids.is_empty(),
        Op::EqOrUnset if unset_value => true,
        Op::Eq | Op::EqOrUnset | Op::In => {
            ids.iter().any(|id| wanted.contains(id))
                || (op == Op::In
                    && ids.is_empty()
                    && value
                        .as_array()
                        .is_some_and(|a| a.contains(&Value::Bool(false))))
        }
        Op::Ne | Op::NotIn => !ids.iter().any(|id| wanted.contains(id)),
        Op::ChildOf | Op::ParentOf => hierarchy(comodel, &ids, &wanted, op == Op::ChildOf, db),
        Op::Gt | Op::Ge | Op::Lt | Op::Le => ids
            .iter()
            .any(|id| scalar(&Value::from(*id), op, value).unwrap_or(false)),
        _ => false,
    })
}

/// `child_of`: the record is one of `wanted` or below one of them (via `parent_id`);
/// `parent_of`: the record is one of `wanted` or above.
fn hierarchy(comodel: &str, ids: &[i64], wanted: &[i64], child_of: bool, db: &dyn Records) -> bool {
    let Some(model) = db.schema().model(comodel) else {
        return false;
    };
    let Some(parent_pos) = model.position("parent_id") else {
        return ids.iter().any(|id| wanted.contains(id));
    };
    let ancestors = |mut id: i64| {
        let mut chain = vec![id];
        while let Some(parent) = db
            .row(comodel, id)
            .and_then(|r| r.get(parent_pos))
            .and_then(Value::as_i64)
        {
            if chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            id = parent;
        }
        chain
    };
    if child_of {
        ids.iter()
            .any(|id| ancestors(*id).iter().any(|a| wanted.contains(a)))
    } else {
        wanted
            .iter()
            .any(|w| ancestors(*w).iter().any(|a| ids.contains(a)))
    }
}

fn like(text: &str, pattern: &str, case_insensitive: bool) -> bool {
    // SQL LIKE: % any run, _ one character.
    let (t, p): (Vec<char>, Vec<char>) = if case_insensitive {
        (
            text.to_lowercase().chars().collect(),
            pattern.to_lowercase().chars().collect(),
        )
    } else {
        (text.chars().collect(), pattern.chars().collect())
    };
    fn go(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| go(&t[i..], rest)),
            Some(('_', rest)) => !t.is_empty() && go(&t[1..], rest),
            Some((c, rest)) => t.first() == Some(c) && go(&t[1..], rest),
        }
    }
    go(&t, &p)
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn cmp(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.as_str().cmp(y.as_str())),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn scalar(stored: &Value, op: Op, value: &Value) -> OdooResult<bool> {
    use std::cmp::Ordering::*;
    let unset = is_unset(stored);
    let value_unset =
        matches!(value, Value::Null | Value::Bool(false)) && !matches!(stored, Value::Bool(true));
    Ok(match op {
        Op::EqOrUnset if value_unset => true,
        Op::Eq | Op::EqOrUnset => {
            if value_unset {
                unset || stored == &Value::Bool(false)
            } else {
                cmp(stored, value) == Some(Equal) || stored == value
            }
        }
        // Odoo's `!=` also matches NULLs.
        Op::Ne => {
            if value_unset {
                !unset
            } else {
                cmp(stored, value) != Some(Equal) && stored != value
            }
        }
        Op::Gt => !unset && cmp(stored, value) == Some(Greater),
        Op::Ge => !unset && matches!(cmp(stored, value), Some(Greater | Equal)),
        Op::Lt => !unset && cmp(stored, value) == Some(Less),
        Op::Le => !unset && matches!(cmp(stored, value), Some(Less | Equal)),
        Op::Like | Op::Ilike | Op::NotLike | Op::NotIlike => {
            let needle = as_text(value).unwrap_or_default();
            let hit = as_text(stored).is_some_and(|t| {
                if matches!(op, Op::Ilike | Op::NotIlike) {
                    t.to_lowercase().contains(&needle.to_lowercase())
                } else {
                    t.contains(&needle)
                }
            });
            if matches!(op, Op::Like | Op::Ilike) {
                hit
            } else {
                !hit
            }
        }
        Op::EqLike | Op::EqIlike => as_text(stored)
            .is_some_and(|t| like(&t, &as_text(value).unwrap_or_default(), op == Op::EqIlike)),
        Op::In | Op::NotIn => {
            let Some(list) = value.as_array() else {
                return Err(OdooError::Value(format!(
                    "The operator {op:?} needs a list of values, got {value}"
                )));
            };
            let hit = list.iter().any(|v| {
                if matches!(v, Value::Bool(false) | Value::Null) {
                    unset
                } else {
                    cmp(stored, v) == Some(Equal) || stored == v
                }
            });
            if op == Op::In { hit } else { !hit }
        }
        Op::ChildOf | Op::ParentOf | Op::Any | Op::NotAny => false,
    })
}

#[cfg(test)]
mod tests;
