//! The simulated database and its ORM: search, read, create, write, unlink and the CRM
//! actions, with Odoo's semantics (reference/odoo-protocol.md §3, §4, §5).
//!
//! One `Db` behind one lock: every RPC call runs alone, like a serializable transaction,
//! and shares one timestamp for `write_date`, like Odoo's transaction start time.

use crate::domain::{Domain, Records, display_name};
use crate::error::{OdooError, OdooResult};
use crate::schema::{Field, Kind, Model, Schema};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Who calls and with which context.
#[derive(Debug, Clone)]
pub struct Env {
    pub uid: i64,
    pub context: Map<String, Value>,
}

impl Env {
    pub fn new(uid: i64, context: Map<String, Value>) -> Self {
        Self { uid, context }
    }

    /// `active_test` defaults to true; only an explicit `false` turns it off.
    pub fn active_test(&self) -> bool {
        self.context.get("active_test") != Some(&Value::Bool(false))
    }
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Sales / Administrator: sees and edits everything.
    Manager,
    /// Sales / User: own documents (own or unassigned leads).
    Salesman,
}

/// Credentials of one user.
#[derive(Debug, Clone)]
pub struct Account {
    pub password: String,
    pub api_keys: Vec<String>,
    pub role: Role,
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: BTreeMap<i64, Vec<Value>>,
    pub next_id: i64,
}

/// The whole simulated database.
pub struct Db {
    pub schema: Schema,
    pub name: String,
    pub tables: HashMap<&'static str, Table>,
    pub accounts: HashMap<i64, Account>,
    /// (model, res_id) → mail.message ids, so a lead's chatter is not a table scan.
    messages_of: HashMap<(String, i64), Vec<i64>>,
    last_stamp: String,
    /// Records changed since the last `take_dirty` (for `--data` persistence).
    dirty: HashSet<(&'static str, i64)>,
}

/// A parsed `order` clause item.
struct OrderBy {
    field: String,
    desc: bool,
    nulls_first: bool,
}

const CONFIG_MODELS: &[&str] = &[
    "crm.stage",
    "crm.team",
    "crm.lost.reason",
    "res.users",
    "res.company",
    "ir.model",
    "mail.message.subtype",
];

impl Records for Db {
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn row(&self, model: &str, id: i64) -> Option<&[Value]> {
        self.tables.get(model)?.rows.get(&id).map(Vec::as_slice)
    }
    fn ids(&self, model: &str) -> Vec<i64> {
        self.tables
            .get(model)
            .map(|t| t.rows.keys().copied().collect())
            .unwrap_or_default()
    }
    fn one2many(&self, model: &str, id: i64, comodel: &str, inverse: &str) -> Vec<i64> {
        if comodel == "mail.message" && inverse == "res_id" {
            let mut ids = self
                .messages_of
                .get(&(model.to_owned(), id))
                .cloned()
                .unwrap_or_default();
            ids.sort_unstable_by(|a, b| b.cmp(a));
            return ids;
        }
        let Some(pos) = self.schema.model(comodel).and_then(|m| m.position(inverse)) else {
            return Vec::new();
        };
        self.tables
            .get(comodel)
            .map(|t| {
                t.rows
                    .iter()
                    .filter(|(_, r)| r[pos].as_i64() == Some(id))
                    .map(|(k, _)| *k)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Current UTC time with microseconds, as Odoo stores it.
pub fn now_micros() -> String {
    #[allow(
        clippy::disallowed_methods,
        reason = "the simulated server's clock is its own"
    )]
    let now = time::OffsetDateTime::now_utc();
    now.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    ))
    .unwrap_or_default()
}

fn model_label(model: &Model) -> String {
    format!("'{}' ({})", model.description, model.name)
}

impl Db {
    pub fn new(schema: Schema, name: &str) -> Self {
        let tables = schema
            .models()
            .map(|m| {
                (
                    m.name,
                    Table {
                        rows: BTreeMap::new(),
                        next_id: 1,
                    },
                )
            })
            .collect();
        Self {
            schema,
            name: name.to_owned(),
            tables,
            accounts: HashMap::new(),
            messages_of: HashMap::new(),
            last_stamp: String::new(),
            dirty: HashSet::new(),
        }
    }

    /// Records created, written or deleted since the last call.
    pub fn take_dirty(&mut self) -> HashSet<(&'static str, i64)> {
        std::mem::take(&mut self.dirty)
    }

    /// One stored value (seeding, persistence, tests).
    pub fn row_value(&self, model: &str, id: i64, field: &str) -> Value {
        let Some(m) = self.schema.model(model) else {
            return Value::Bool(false);
        };
        self.row(model, id)
            .map_or(Value::Bool(false), |r| self.value_of(m, r, field))
    }

    /// The timestamp of one call: strictly after the previous one, so `write_date` always
    /// moves on a write (Odoo's microsecond precision makes ties practically impossible).
    pub fn stamp(&mut self) -> String {
        let mut now = now_micros();
        if now <= self.last_stamp {
            now = bump_micro(&self.last_stamp);
        }
        self.last_stamp.clone_from(&now);
        now
    }

    pub fn model(&self, name: &str) -> OdooResult<&Model> {
        self.schema
            .model(name)
            .ok_or_else(|| OdooError::NotFound(format!("the model '{name}' does not exist")))
    }

    pub fn role(&self, uid: i64) -> Role {
        self.accounts.get(&uid).map_or(Role::Salesman, |a| a.role)
    }

    fn value_of(&self, model: &Model, row: &[Value], field: &str) -> Value {
        model
            .position(field)
            .and_then(|i| row.get(i))
            .cloned()
            .unwrap_or(Value::Bool(false))
    }

    /// Record rules: may `env` see this record at all?
    fn visible(&self, env: &Env, model: &Model, id: i64, row: &[Value]) -> bool {
        if self.role(env.uid) == Role::Manager {
            return true;
        }
        match model.name {
            // sales_team.group_sale_salesman: own or unassigned leads.
            "crm.lead" => match self.value_of(model, row, "user_id").as_i64() {
                None => true,
                Some(owner) => owner == env.uid,
            },
            // Messages follow the document they belong to.
            "mail.message" => {
                let target = self.value_of(model, row, "model");
                let res_id = self.value_of(model, row, "res_id").as_i64().unwrap_or(0);
                match target
                    .as_str()
                    .and_then(|t| self.schema.model(t).map(|m| (t, m)))
                {
                    Some((t, m)) => self
                        .row(t, res_id)
                        .is_none_or(|r| self.visible(env, m, res_id, r)),
                    None => true,
                }
            }
            _ => {
                let _ = id;
                true
            }
        }
    }

    fn forbidden(&self, env: &Env, model: &Model, ids: &[i64], operation: &str) -> OdooError {
        let login = self
            .row("res.users", env.uid)
            .map(|r| {
                self.value_of(
                    self.schema.model("res.users").expect("res.users exists"),
                    r,
                    "login",
                )
            })
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let records = ids
            .iter()
            .map(|id| format!("{} ({id})", model.name))
            .collect::<Vec<_>>()
            .join(", ");
        OdooError::Access(format!(
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, {login} (id={}) doesn't have '{operation}' access to:\n- {}, {records}\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.",
            env.uid,
            model_label(model)
        ))
    }

    fn check_config_write(&self, env: &Env, model: &Model) -> OdooResult<()> {
        if CONFIG_MODELS.contains(&model.name) && self.role(env.uid) != Role::Manager {
            return Err(OdooError::Access(format!(
                "You are not allowed to modify {} records.\n\nThis operation is allowed for the following groups:\n\t- Sales/Administrator\n\nContact your administrator to request access if necessary.",
                model_label(model)
            )));
        }
        Ok(())
    }

    // ---------------------------------------------------------------- search

    /// `search`: ids matching `domain`, after `active_test` and record rules, ordered.
    pub fn search(
        &self,
        env: &Env,
        model: &Model,
        domain: &Domain,
        offset: usize,
        limit: Option<usize>,
        order: Option<&str>,
    ) -> OdooResult<Vec<i64>> {
        let order = self.parse_order(model, order.unwrap_or(model.order))?;
        let active_filter = model.has_active() && env.active_test() && !domain.mentions("active");
        let active_pos = model.position("active");
        let table = &self.tables[model.name];
        let keep = |id: i64, row: &Vec<Value>| -> OdooResult<bool> {
            if active_filter && active_pos.is_some_and(|p| row[p] != Value::Bool(true)) {
                return Ok(false);
            }
            if !self.visible(env, model, id, row) {
                return Ok(false);
            }
            domain.matches(model, id, row, self)
        };
        let by_id = order.len() == 1 && order[0].field == "id";
        if by_id && !order[0].desc {
            // The sync path: id-ordered pages; start at the smallest possible id, stop early.
            let start = domain.min_id().unwrap_or(i64::MIN);
            let mut out = Vec::new();
            let want = limit.map(|l| l + offset);
            for (id, row) in table.rows.range(start..) {
                if keep(*id, row)? {
                    out.push(*id);
                    if want.is_some_and(|w| out.len() >= w) {
                        break;
                    }
                }
            }
            return Ok(out.into_iter().skip(offset).collect());
        }
        let mut hits = Vec::new();
        for (id, row) in &table.rows {
            if keep(*id, row)? {
                hits.push(*id);
            }
        }
        if !by_id {
            self.sort(model, &order, &mut hits);
        } else {
            hits.reverse();
        }
        Ok(hits
            .into_iter()
            .skip(offset)
            .take(limit.unwrap_or(usize::MAX))
            .collect())
    }

    fn parse_order(&self, model: &Model, order: &str) -> OdooResult<Vec<OrderBy>> {
        let mut out = Vec::new();
        for part in order.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let words: Vec<String> = part.split_whitespace().map(str::to_lowercase).collect();
            let field = part
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            if model.field(&field).is_none() {
                return Err(OdooError::Value(format!(
                    "Invalid field {field:?} on model {:?}",
                    model.name
                )));
            }
            let desc = words.get(1).is_some_and(|w| w == "desc");
            let nulls_first = match words.iter().position(|w| w == "nulls") {
                Some(i) => words.get(i + 1).is_some_and(|w| w == "first"),
                None => desc,
            };
            out.push(OrderBy {
                field,
                desc,
                nulls_first,
            });
        }
        if out.is_empty() {
            out.push(OrderBy {
                field: "id".into(),
                desc: false,
                nulls_first: false,
            });
        }
        Ok(out)
    }

    /// Rank of every record of `comodel` in its own default order: many2one fields sort by
    /// their comodel's order, as in Odoo.
    fn ranks(&self, comodel: &str) -> HashMap<i64, usize> {
        let Some(model) = self.schema.model(comodel) else {
            return HashMap::new();
        };
        let Ok(order) = self.parse_order(model, model.order) else {
            return HashMap::new();
        };
        let mut ids: Vec<i64> = self.ids(comodel);
        let key = |id: &i64| -> Vec<Value> {
            let row = self.row(comodel, *id).unwrap_or(&[]);
            order
                .iter()
                .map(|o| {
                    if o.field == "id" {
                        Value::from(*id)
                    } else {
                        self.value_of(model, row, &o.field)
                    }
                })
                .collect()
        };
        ids.sort_by(|a, b| compare_keys(&key(a), &key(b), &order));
        ids.into_iter()
            .enumerate()
            .map(|(rank, id)| (id, rank))
            .collect()
    }

    fn sort(&self, model: &Model, order: &[OrderBy], ids: &mut [i64]) {
        let ranks: HashMap<&str, HashMap<i64, usize>> = order
            .iter()
            .filter_map(|o| match model.field(&o.field).map(|f| &f.kind) {
                Some(Kind::Many2one(rel)) => Some((o.field.as_str(), self.ranks(rel))),
                _ => None,
            })
            .collect();
        let table = &self.tables[model.name];
        let key = |id: i64| -> Vec<Value> {
            let row = &table.rows[&id];
            order
                .iter()
                .map(|o| {
                    if o.field == "id" {
                        return Value::from(id);
                    }
                    let v = self.value_of(model, row, &o.field);
                    match (ranks.get(o.field.as_str()), v.as_i64()) {
                        (Some(r), Some(rid)) => r
                            .get(&rid)
                            .map_or(Value::Bool(false), |rank| Value::from(*rank)),
                        _ => v,
                    }
                })
                .collect()
        };
        let mut keyed: Vec<(Vec<Value>, i64)> = ids.iter().map(|id| (key(*id), *id)).collect();
        keyed.sort_by(|a, b| compare_keys(&a.0, &b.0, order).then(a.1.cmp(&b.1)));
        for (slot, (_, id)) in ids.iter_mut().zip(keyed) {
            *slot = id;
        }
    }

    // ---------------------------------------------------------------- read

    /// `read`: rows in the order of `ids`; missing ids are silently dropped, forbidden ones
    /// raise AccessError.
    pub fn read(
        &self,
        env: &Env,
        model: &Model,
        ids: &[i64],
        fields: Option<&[String]>,
        classic: bool,
    ) -> OdooResult<Vec<Value>> {
        let names: Vec<&Field> = match fields {
            Some(list) if !list.is_empty() => {
                let mut out = vec![];
                for name in list {
                    match model.field(name) {
                        Some(f) => out.push(f),
                        None => {
                            return Err(OdooError::Value(format!(
                                "Invalid field {name:?} on model {:?}",
                                model.name
                            )));
                        }
                    }
                }
                out
            }
            _ => model.fields.iter().collect(),
        };
        let table = &self.tables[model.name];
        let forbidden: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| {
                table
                    .rows
                    .get(id)
                    .is_some_and(|r| !self.visible(env, model, *id, r))
            })
            .collect();
        if !forbidden.is_empty() {
            return Err(self.forbidden(env, model, &forbidden, "read"));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(row) = table.rows.get(id) else {
                continue;
            };
            let mut record = Map::with_capacity(names.len() + 1);
            record.insert("id".into(), Value::from(*id));
            for field in &names {
                if field.name == "id" {
                    continue;
                }
                record.insert(
                    field.name.into(),
                    self.format(model, *id, row, field, classic),
                );
            }
            out.push(Value::Object(record));
        }
        Ok(out)
    }

    /// A stored value as `read` returns it (§3.3).
    fn format(&self, model: &Model, id: i64, row: &[Value], field: &Field, classic: bool) -> Value {
        if field.name == "display_name" {
            return Value::from(display_name(model, row));
        }
        let raw = match &field.kind {
            Kind::One2many(comodel, inverse) => {
                return Value::from(self.one2many(model.name, id, comodel, inverse));
            }
            _ => model
                .position(field.name)
                .and_then(|i| row.get(i))
                .cloned()
                .unwrap_or(Value::Bool(false)),
        };
        match &field.kind {
            Kind::Integer => {
                if raw.is_number() {
                    raw
                } else {
                    json!(0)
                }
            }
            Kind::Float | Kind::Monetary => raw.as_f64().map_or(json!(0.0), |f| json!(f)),
            Kind::Boolean => Value::Bool(raw == Value::Bool(true)),
            Kind::Datetime => match raw.as_str() {
                Some(s) => Value::from(&s[..s.len().min(19)]),
                None => Value::Bool(false),
            },
            Kind::Many2one(comodel) => match raw.as_i64() {
                Some(rid) if classic => {
                    let name = self
                        .row(comodel, rid)
                        .and_then(|r| self.schema.model(comodel).map(|m| display_name(m, r)))
                        .unwrap_or_default();
                    json!([rid, name])
                }
                Some(rid) => json!(rid),
                None => Value::Bool(false),
            },
            Kind::Many2many(_) => {
                if raw.is_array() {
                    raw
                } else {
                    json!([])
                }
            }
            _ => match raw {
                Value::Null => Value::Bool(false),
                other => other,
            },
        }
    }

    // ---------------------------------------------------------------- write paths

    /// Converts one incoming value for `field` to its stored form, or explains why not.
    fn coerce(
        &self,
        model: &Model,
        field: &Field,
        value: &Value,
        current: &Value,
    ) -> OdooResult<Value> {
        let wrong = || {
            OdooError::Value(format!(
                "Wrong value for {}.{}: {value}",
                model.name, field.name
            ))
        };
        if value.is_null() || *value == Value::Bool(false) {
            return Ok(match field.kind {
                Kind::Boolean => Value::Bool(false),
                Kind::Many2many(_) | Kind::One2many(..) => json!([]),
                _ => Value::Bool(false),
            });
        }
        Ok(match &field.kind {
            Kind::Char | Kind::Text | Kind::Html => match value {
                Value::String(_) => value.clone(),
                Value::Number(n) => Value::from(n.to_string()),
                _ => return Err(wrong()),
            },
            Kind::Integer => value.as_i64().map(Value::from).ok_or_else(wrong)?,
            Kind::Float | Kind::Monetary => value.as_f64().map(|f| json!(f)).ok_or_else(wrong)?,
            Kind::Boolean => Value::Bool(value.as_bool().ok_or_else(wrong)?),
            Kind::Selection(options) => {
                let key = value.as_str().ok_or_else(wrong)?;
                if !options.iter().any(|(k, _)| *k == key) {
                    return Err(wrong());
                }
                value.clone()
            }
            Kind::Date => {
                let s = value.as_str().ok_or_else(wrong)?;
                time::Date::parse(
                    &s[..s.len().min(10)],
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .map_err(|_| wrong())?;
                Value::from(&s[..10])
            }
            Kind::Datetime => {
                let s = value.as_str().ok_or_else(wrong)?;
                let fmt = time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second]"
                );
                time::PrimitiveDateTime::parse(&s[..s.len().min(19)], fmt).map_err(|_| wrong())?;
                Value::from(s.to_owned())
            }
            Kind::Many2one(comodel) => {
                let id = value
                    .as_i64()
                    .or_else(|| {
                        value
                            .as_array()
                            .and_then(|a| a.first())
                            .and_then(Value::as_i64)
                    })
                    .ok_or_else(wrong)?;
                if self.row(comodel, id).is_none() {
                    return Err(OdooError::Validation(format!(
                        "The operation cannot be completed: another model requires the record being deleted or a related record does not exist.\n\nModel: {} ({}), Field: {} ({})",
                        model.description, model.name, field.string, field.name
                    )));
                }
                Value::from(id)
            }
            Kind::Many2many(comodel) | Kind::One2many(comodel, _) => {
                let mut ids: Vec<i64> = current
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_i64).collect())
                    .unwrap_or_default();
                let items = value.as_array().ok_or_else(wrong)?;
                if items.iter().all(Value::is_number) {
                    ids = items.iter().filter_map(Value::as_i64).collect();
                } else {
                    for command in items {
                        let c = command.as_array().ok_or_else(wrong)?;
                        match c.first().and_then(Value::as_i64) {
                            Some(6) => {
                                ids = c
                                    .get(2)
                                    .and_then(Value::as_array)
                                    .map(|a| a.iter().filter_map(Value::as_i64).collect())
                                    .unwrap_or_default()
                            }
                            Some(4) => {
                                let id = c.get(1).and_then(Value::as_i64).ok_or_else(wrong)?;
                                if !ids.contains(&id) {
                                    ids.push(id);
                                }
                            }
                            Some(3) | Some(2) => {
                                let id = c.get(1).and_then(Value::as_i64).ok_or_else(wrong)?;
                                ids.retain(|x| *x != id);
                            }
                            Some(5) => ids.clear(),
                            _ => return Err(wrong()),
                        }
                    }
                }
                // A relation is a set, as Odoo's relation table (unique pairs): `[6, 0,
                // [3, 3]]` links tag 3 once.
                let mut seen = std::collections::HashSet::new();
                ids.retain(|id| seen.insert(*id));
                for id in &ids {
                    if self.row(comodel, *id).is_none() {
                        return Err(OdooError::Missing(format!(
                            "Record does not exist or has been deleted.\n(Record: {comodel}({id},), User: 1)"
                        )));
                    }
                }
                Value::from(ids)
            }
        })
    }

    /// Coerces and stores incoming values; unknown fields are Odoo's ValueError, computed
    /// and `id` values are ignored (as Odoo ignores writes to non-stored fields).
    fn apply_values(
        &self,
        model: &Model,
        row: &mut [Value],
        vals: &Map<String, Value>,
    ) -> OdooResult<()> {
        for (key, value) in vals {
            let field = model.field(key).ok_or_else(|| {
                OdooError::Value(format!("Invalid field {key:?} on model {:?}", model.name))
            })?;
            if field.name == "id" || !field.store {
                continue;
            }
            let pos = model.position(key).unwrap_or_default();
            row[pos] = self.coerce(model, field, value, &row[pos])?;
        }
        Ok(())
    }

    fn missing_required(model: &Model, field: &Field) -> OdooError {
        OdooError::Validation(format!(
            "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {} ({})\nField: {} ({})",
            model.description, model.name, field.string, field.name
        ))
    }

    /// `create`: one record per dict; returns the new ids.
    pub fn create(
        &mut self,
        env: &Env,
        model_name: &str,
        vals_list: &[Map<String, Value>],
    ) -> OdooResult<Vec<i64>> {
        let model = self.model(model_name)?.clone();
        self.check_config_write(env, &model)?;
        let now = self.stamp();
        let mut rows = Vec::new();
        for vals in vals_list {
            let mut row: Vec<Value> = model
                .fields
                .iter()
                .map(|f| match f.kind {
                    Kind::Many2many(_) => json!([]),
                    _ => Value::Bool(false),
                })
                .collect();
            self.apply_defaults(env, &model, &mut row, vals);
            self.apply_values(&model, &mut row, vals)?;
            for field in model.fields.iter().filter(|f| f.required) {
                let pos = model.position(field.name).unwrap_or_default();
                if matches!(row[pos], Value::Bool(false) | Value::Null) || row[pos] == "" {
                    return Err(Self::missing_required(&model, field));
                }
            }
            for (name, value) in [
                ("create_date", Value::from(now.clone())),
                ("write_date", Value::from(now.clone())),
                ("create_uid", Value::from(env.uid)),
                ("write_uid", Value::from(env.uid)),
            ] {
                if let Some(pos) = model.position(name) {
                    row[pos] = value;
                }
            }
            sanitize_phone(&model, &mut row);
            if model.name == "crm.lead" {
                self.lead_on_change(&model, &mut row, None, &now)?;
            }
            rows.push(row);
        }
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            ids.push(self.insert(&model, row));
        }
        Ok(ids)
    }

    /// Inserts a prepared row (seeding and persistence use this too).
    pub fn insert(&mut self, model: &Model, row: Vec<Value>) -> i64 {
        let table = self
            .tables
            .get_mut(model.name)
            .expect("every schema model has a table");
        let id = table.next_id;
        table.next_id += 1;
        self.insert_with_id(model, id, row);
        id
    }

    pub fn insert_with_id(&mut self, model: &Model, id: i64, row: Vec<Value>) {
        if model.name == "mail.message" {
            let target = row[model.position("model").unwrap_or_default()]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let res_id = row[model.position("res_id").unwrap_or_default()]
                .as_i64()
                .unwrap_or_default();
            self.messages_of
                .entry((target, res_id))
                .or_default()
                .push(id);
        }
        self.dirty.insert((model.name, id));
        let table = self
            .tables
            .get_mut(model.name)
            .expect("every schema model has a table");
        table.next_id = table.next_id.max(id + 1);
        table.rows.insert(id, row);
    }

    fn apply_defaults(
        &self,
        env: &Env,
        model: &Model,
        row: &mut [Value],
        vals: &Map<String, Value>,
    ) {
        let mut set = |name: &str, value: Value| {
            if let Some(pos) = model.position(name)
                && !vals.contains_key(name)
            {
                row[pos] = value;
            }
        };
        set("active", Value::Bool(true));
        set(
            "company_id",
            if self.row("res.company", 1).is_some() {
                json!(1)
            } else {
                Value::Bool(false)
            },
        );
        match model.name {
            "crm.lead" => {
                set("type", json!("opportunity"));
                set("priority", json!("0"));
                set("user_id", json!(env.uid));
                let user = vals
                    .get("user_id")
                    .and_then(Value::as_i64)
                    .or(Some(env.uid).filter(|_| !vals.contains_key("user_id")));
                set(
                    "team_id",
                    user.and_then(|u| self.team_of(u))
                        .map_or(Value::Bool(false), Value::from),
                );
                set(
                    "stage_id",
                    self.first_stage().map_or(Value::Bool(false), Value::from),
                );
                set("probability", json!(10.0));
            }
            "mail.message" => {
                set("message_type", json!("comment"));
            }
            "res.partner" => set("type", json!("contact")),
            "crm.team" => {
                set("use_leads", Value::Bool(true));
                set("use_opportunities", Value::Bool(true));
            }
            "crm.stage" => set("sequence", json!(1)),
            _ => {}
        }
    }

    fn team_of(&self, uid: i64) -> Option<i64> {
        let teams = self.schema.model("crm.team")?;
        let members = teams.position("member_ids")?;
        self.tables["crm.team"]
            .rows
            .iter()
            .find(|(_, r)| {
                r[members]
                    .as_array()
                    .is_some_and(|m| m.contains(&Value::from(uid)))
            })
            .map(|(id, _)| *id)
    }

    fn first_stage(&self) -> Option<i64> {
        let model = self.schema.model("crm.stage")?;
        let seq = model.position("sequence")?;
        let won = model.position("is_won")?;
        self.tables["crm.stage"]
            .rows
            .iter()
            .filter(|(_, r)| r[won] != Value::Bool(true))
            .min_by_key(|(id, r)| (r[seq].as_i64().unwrap_or(0), **id))
            .map(|(id, _)| *id)
    }

    fn stage_is_won(&self, stage: &Value) -> bool {
        let Some(model) = self.schema.model("crm.stage") else {
            return false;
        };
        stage
            .as_i64()
            .and_then(|s| self.row("crm.stage", s))
            .is_some_and(|r| self.value_of(model, r, "is_won") == Value::Bool(true))
    }

    /// crm.lead's computed and on-change fields after a create or write.
    fn lead_on_change(
        &self,
        model: &Model,
        row: &mut [Value],
        before: Option<&[Value]>,
        now: &str,
    ) -> OdooResult<()> {
        let pos = |name: &str| model.position(name);
        let get =
            |row: &[Value], name: &str| pos(name).map_or(Value::Bool(false), |p| row[p].clone());
        let stage = get(row, "stage_id");
        let stage_changed = before.is_none_or(|b| get(b, "stage_id") != stage);
        if stage_changed {
            if let Some(p) = pos("date_last_stage_update") {
                row[p] = Value::from(now.to_owned());
            }
            if self.stage_is_won(&stage)
                && let Some(p) = pos("probability")
            {
                row[p] = json!(100.0);
            }
        }
        let probability = get(row, "probability").as_f64().unwrap_or(0.0);
        if !(0.0..=100.0).contains(&probability) {
            return Err(OdooError::Validation(
                "The probability of closing the deal should be between 0% and 100%!".into(),
            ));
        }
        let active = get(row, "active") == Value::Bool(true);
        if let Some(p) = pos("date_closed") {
            let closed = probability >= 100.0 || !active;
            let was_closed = before.is_some_and(|b| get(b, "date_closed") != Value::Bool(false));
            row[p] = match (closed, was_closed) {
                (true, true) => before.map_or(Value::Bool(false), |b| get(b, "date_closed")),
                (true, false) => Value::from(now.to_owned()),
                (false, _) => Value::Bool(false),
            };
        }
        if let Some(p) = pos("date_open") {
            let user = get(row, "user_id");
            let user_changed = before.is_none_or(|b| get(b, "user_id") != user);
            if user_changed {
                row[p] = if user.is_number() {
                    Value::from(now.to_owned())
                } else {
                    Value::Bool(false)
                };
            }
        }
        if let Some(p) = pos("prorated_revenue") {
            let expected = get(row, "expected_revenue").as_f64().unwrap_or(0.0);
            row[p] = json!(expected * probability / 100.0);
        }
        if let Some(p) = pos("won_status") {
            row[p] = Value::from(if probability >= 100.0 && self.stage_is_won(&stage) {
                "won"
            } else if !active && probability == 0.0 {
                "lost"
            } else {
                "pending"
            });
        }
        Ok(())
    }

    fn existing(&self, env: &Env, model: &Model, ids: &[i64], operation: &str) -> OdooResult<()> {
        let table = &self.tables[model.name];
        let missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !table.rows.contains_key(id))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(OdooError::Missing(format!(
                "Record does not exist or has been deleted.\n(Record: {}({list},), User: {})",
                model.name, env.uid
            )));
        }
        let forbidden: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !self.visible(env, model, *id, &table.rows[id]))
            .collect();
        if !forbidden.is_empty() {
            return Err(self.forbidden(env, model, &forbidden, operation));
        }
        Ok(())
    }

    /// `write`: every record gets the same values and the same new `write_date`.
    pub fn write(
        &mut self,
        env: &Env,
        model_name: &str,
        ids: &[i64],
        vals: &Map<String, Value>,
    ) -> OdooResult<()> {
        let model = self.model(model_name)?.clone();
        self.check_config_write(env, &model)?;
        self.existing(env, &model, ids, "write")?;
        let now = self.stamp();
        let mut updated = Vec::with_capacity(ids.len());
        for id in ids {
            let before = self.tables[model.name].rows[id].clone();
            let mut row = before.clone();
            self.apply_values(&model, &mut row, vals)?;
            for key in vals.keys() {
                if let (Some(field), Some(pos)) = (model.field(key), model.position(key))
                    && field.required
                    && matches!(row[pos], Value::Bool(false))
                {
                    return Err(Self::missing_required(&model, field));
                }
            }
            for (name, value) in [
                ("write_date", Value::from(now.clone())),
                ("write_uid", Value::from(env.uid)),
            ] {
                if let Some(pos) = model.position(name) {
                    row[pos] = value;
                }
            }
            sanitize_phone(&model, &mut row);
            if model.name == "crm.lead" {
                self.lead_on_change(&model, &mut row, Some(&before), &now)?;
            }
            updated.push((*id, row));
        }
        let table = self.tables.get_mut(model.name).expect("table");
        for (id, row) in updated {
            table.rows.insert(id, row);
            self.dirty.insert((model.name, id));
        }
        Ok(())
    }

    /// `unlink`: already-deleted ids are accepted silently; a document's messages go with it.
    pub fn unlink(&mut self, env: &Env, model_name: &str, ids: &[i64]) -> OdooResult<()> {
        let model = self.model(model_name)?.clone();
        self.check_config_write(env, &model)?;
        let present: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| self.tables[model.name].rows.contains_key(id))
            .collect();
        self.existing(env, &model, &present, "unlink")?;
        for id in present {
            self.tables
                .get_mut(model.name)
                .expect("table")
                .rows
                .remove(&id);
            self.dirty.insert((model.name, id));
            if let Some(messages) = self.messages_of.remove(&(model.name.to_owned(), id)) {
                let table = self.tables.get_mut("mail.message").expect("mail.message");
                for m in messages {
                    table.rows.remove(&m);
                    self.dirty.insert(("mail.message", m));
                }
            }
            if model.name == "mail.message" {
                for ids in self.messages_of.values_mut() {
                    ids.retain(|m| *m != id);
                }
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- crm actions

    pub fn action_set_won(&mut self, env: &Env, ids: &[i64]) -> OdooResult<()> {
        let stage = {
            let model = self.model("crm.stage")?;
            let (seq, won) = (model.position("sequence"), model.position("is_won"));
            self.tables["crm.stage"]
                .rows
                .iter()
                .filter(|(_, r)| won.is_some_and(|w| r[w] == Value::Bool(true)))
                .min_by_key(|(id, r)| (seq.and_then(|s| r[s].as_i64()).unwrap_or(0), **id))
                .map(|(id, _)| *id)
        };
        let Some(stage) = stage else {
            return Err(OdooError::User(
                "No won stage is configured: add a stage marked 'Is Won Stage?'.".into(),
            ));
        };
        let mut vals = Map::new();
        vals.insert("active".into(), Value::Bool(true));
        vals.insert("stage_id".into(), json!(stage));
        vals.insert("probability".into(), json!(100.0));
        self.write(env, "crm.lead", ids, &vals)
    }

    pub fn action_set_lost(
        &mut self,
        env: &Env,
        ids: &[i64],
        extra: &Map<String, Value>,
    ) -> OdooResult<()> {
        let model = self.model("crm.lead")?.clone();
        self.existing(env, &model, ids, "write")?;
        for id in ids {
            let stage = self.value_of(&model, &self.tables["crm.lead"].rows[id], "stage_id");
            if self.stage_is_won(&stage) {
                return Err(OdooError::Validation(
                    "A lead in a Won stage cannot be lost. Move it to another stage first.".into(),
                ));
            }
        }
        let mut vals = extra.clone();
        vals.insert("active".into(), Value::Bool(false));
        vals.insert("probability".into(), json!(0.0));
        self.write(env, "crm.lead", ids, &vals)
    }

    pub fn action_restore(&mut self, env: &Env, ids: &[i64]) -> OdooResult<()> {
        let mut vals = Map::new();
        vals.insert("active".into(), Value::Bool(true));
        vals.insert("lost_reason_id".into(), Value::Bool(false));
        vals.insert("probability".into(), json!(10.0));
        self.write(env, "crm.lead", ids, &vals)
    }

    /// `message_post` on one record: a mail.message row; plain-text bodies are escaped.
    pub fn message_post(
        &mut self,
        env: &Env,
        model_name: &str,
        ids: &[i64],
        kwargs: &Map<String, Value>,
    ) -> OdooResult<i64> {
        let model = self.model(model_name)?.clone();
        if ids.len() != 1 {
            return Err(OdooError::Value(format!(
                "Expected singleton: {}({})",
                model.name,
                ids.iter().map(|i| format!("{i},")).collect::<String>()
            )));
        }
        self.existing(env, &model, ids, "read")?;
        let body = kwargs
            .get("body")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let is_html = kwargs
            .get("body_is_html")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let body = if is_html {
            body.to_owned()
        } else {
            format!("<p>{}</p>", escape_html(body))
        };
        let subtype = match kwargs.get("subtype_xmlid").and_then(Value::as_str) {
            Some("mail.mt_comment") => 1,
            _ => 2,
        };
        let author = self.row("res.users", env.uid).and_then(|r| {
            r[self
                .schema
                .model("res.users")
                .and_then(|m| m.position("partner_id"))
                .unwrap_or_default()]
            .as_i64()
        });
        let mut vals = Map::new();
        vals.insert("model".into(), json!(model.name));
        vals.insert("res_id".into(), json!(ids[0]));
        vals.insert("body".into(), json!(body));
        vals.insert(
            "message_type".into(),
            kwargs
                .get("message_type")
                .cloned()
                .unwrap_or_else(|| json!("notification")),
        );
        if self.row("mail.message.subtype", subtype).is_some() {
            vals.insert("subtype_id".into(), json!(subtype));
        }
        if let Some(author) = author {
            vals.insert("author_id".into(), json!(author));
        }
        vals.insert("is_internal".into(), Value::Bool(subtype == 2));
        vals.insert("date".into(), json!(self.last_stamp.clone()));
        if let Some(subject) = kwargs.get("subject") {
            vals.insert("subject".into(), subject.clone());
        }
        if let Some(message_id) = kwargs.get("message_id").filter(|v| v.is_string()) {
            vals.insert("message_id".into(), message_id.clone());
        }
        if let Some(partners) = kwargs.get("partner_ids").and_then(Value::as_array) {
            vals.insert("partner_ids".into(), json!([[6, 0, partners]]));
        }
        // Posting does not write the document: its write_date stays (§3.4).
        let id = self.create(env, "mail.message", &[vals])?[0];
        Ok(id)
    }

    // ---------------------------------------------------------------- introspection

    pub fn fields_get(
        &self,
        model: &Model,
        allfields: Option<&[String]>,
        attributes: Option<&[String]>,
    ) -> Value {
        let mut out = Map::new();
        for field in &model.fields {
            if allfields.is_some_and(|a| !a.is_empty() && !a.iter().any(|n| n == field.name)) {
                continue;
            }
            let mut desc = Map::new();
            desc.insert("type".into(), json!(field.kind.type_name()));
            desc.insert("string".into(), json!(field.string));
            desc.insert("required".into(), json!(field.required));
            desc.insert("readonly".into(), json!(field.readonly));
            desc.insert("store".into(), json!(field.store));
            desc.insert("sortable".into(), json!(field.store));
            desc.insert("searchable".into(), json!(true));
            if let Some(rel) = field.kind.relation() {
                desc.insert("relation".into(), json!(rel));
            }
            if let Kind::One2many(_, inverse) = field.kind {
                desc.insert("relation_field".into(), json!(inverse));
            }
            if let Kind::Selection(options) = &field.kind {
                desc.insert(
                    "selection".into(),
                    json!(
                        options
                            .iter()
                            .map(|(k, v)| json!([k, v]))
                            .collect::<Vec<_>>()
                    ),
                );
            }
            if let Some(attrs) = attributes.filter(|a| !a.is_empty()) {
                desc.retain(|k, _| attrs.iter().any(|a| a == k));
            }
            out.insert(field.name.into(), Value::Object(desc));
        }
        Value::Object(out)
    }

    /// `read_group` (≤19.0) and `formatted_read_group` (saas-18.2+), for many2one, selection,
    /// char and `date:month`-style groupings with `field:sum|avg|min|max|count` aggregates.
    pub fn group(
        &self,
        env: &Env,
        model: &Model,
        domain: &Domain,
        groupby: &[String],
        aggregates: &[String],
        formatted: bool,
    ) -> OdooResult<Vec<Value>> {
        let ids = self.search(env, model, domain, 0, None, None)?;
        let table = &self.tables[model.name];
        let mut groups: Vec<(Vec<Value>, Vec<i64>)> = Vec::new();
        for id in ids {
            let row = &table.rows[&id];
            let key: Vec<Value> = groupby
                .iter()
                .map(|g| {
                    let (name, granularity) = g.split_once(':').unwrap_or((g, ""));
                    let v = self.value_of(model, row, name);
                    match (v.as_str(), granularity) {
                        (Some(s), "month") if s.len() >= 7 => json!(format!("{}-01", &s[..7])),
                        (Some(s), "year") if s.len() >= 4 => json!(format!("{}-01-01", &s[..4])),
                        (Some(s), "day") if s.len() >= 10 => json!(&s[..10]),
                        _ => v,
                    }
                })
                .collect();
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(id),
                None => groups.push((key, vec![id])),
            }
        }
        let mut out = Vec::new();
        for (key, members) in groups {
            let mut row = Map::new();
            for (g, v) in groupby.iter().zip(&key) {
                let name = g.split_once(':').map_or(g.as_str(), |(n, _)| n);
                let formatted_value = match (model.field(name).map(|f| &f.kind), v.as_i64()) {
                    (Some(Kind::Many2one(rel)), Some(rid)) => {
                        let label = self
                            .row(rel, rid)
                            .and_then(|r| self.schema.model(rel).map(|m| display_name(m, r)))
                            .unwrap_or_default();
                        json!([rid, label])
                    }
                    _ => v.clone(),
                };
                row.insert(g.clone(), formatted_value);
            }
            for agg in aggregates {
                let (field, func) = agg.split_once(':').unwrap_or((agg, "sum"));
                if field == "__count" {
                    row.insert("__count".into(), json!(members.len()));
                    continue;
                }
                let values: Vec<f64> = members
                    .iter()
                    .map(|id| {
                        self.value_of(model, &table.rows[id], field)
                            .as_f64()
                            .unwrap_or(0.0)
                    })
                    .collect();
                let value = match func {
                    "avg" => values.iter().sum::<f64>() / values.len().max(1) as f64,
                    "min" => values.iter().copied().fold(f64::INFINITY, f64::min),
                    "max" => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    "count" => values.len() as f64,
                    _ => values.iter().sum(),
                };
                row.insert(
                    if formatted {
                        agg.clone()
                    } else {
                        field.to_owned()
                    },
                    json!(value),
                );
            }
            if !formatted {
                row.insert("__count".into(), json!(members.len()));
            }
            out.push(Value::Object(row));
        }
        Ok(out)
    }
}

/// `phone_sanitized` (mail.thread.phone): E.164 for numbers written with a country code.
/// Odoo also sanitizes national numbers with the partner's country; we have no countries.
fn sanitize_phone(model: &Model, row: &mut [Value]) {
    let (Some(phone), Some(out)) = (model.position("phone"), model.position("phone_sanitized"))
    else {
        return;
    };
    let raw = row[phone].as_str().unwrap_or_default().trim().to_owned();
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    row[out] = if raw.starts_with('+') && digits.len() >= 8 {
        json!(format!("+{digits}"))
    } else if raw.starts_with("00") && digits.len() >= 10 {
        json!(format!("+{}", &digits[2..]))
    } else {
        Value::Bool(false)
    };
}

fn compare_keys(a: &[Value], b: &[Value], order: &[OrderBy]) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    for ((x, y), o) in a.iter().zip(b).zip(order) {
        let x_null =
            matches!(x, Value::Null | Value::Bool(false)) && !matches!(x, Value::Bool(true));
        let y_null =
            matches!(y, Value::Null | Value::Bool(false)) && !matches!(y, Value::Bool(true));
        let ord = match (x_null, y_null) {
            (true, true) => Equal,
            (true, false) => {
                if o.nulls_first {
                    Less
                } else {
                    Greater
                }
            }
            (false, true) => {
                if o.nulls_first {
                    Greater
                } else {
                    Less
                }
            }
            (false, false) => {
                let base = match (x, y) {
                    (Value::Number(p), Value::Number(q)) => {
                        p.as_f64().partial_cmp(&q.as_f64()).unwrap_or(Equal)
                    }
                    (Value::String(p), Value::String(q)) => p.to_lowercase().cmp(&q.to_lowercase()),
                    (Value::Bool(p), Value::Bool(q)) => p.cmp(q),
                    _ => Equal,
                };
                if o.desc { base.reverse() } else { base }
            }
        };
        if ord != Equal {
            return ord;
        }
    }
    Equal
}

fn bump_micro(stamp: &str) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    );
    time::PrimitiveDateTime::parse(stamp, fmt)
        .ok()
        .and_then(|t| t.checked_add(time::Duration::microseconds(1)))
        .and_then(|t| t.format(fmt).ok())
        .unwrap_or_else(now_micros)
}

pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('\n', "<br>")
}
