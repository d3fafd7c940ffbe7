//! Model methods callable over RPC: their Python signatures (for binding named and
//! positional arguments exactly as Odoo does) and their implementations.

use crate::db::{Db, Env};
use crate::domain::Domain;
use crate::error::{OdooError, OdooResult};
use serde_json::{Map, Value, json};

/// Which protocol carried the call: return shapes differ (§1.4, §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Json2,
    JsonRpc,
}

/// One method call, transport-neutral.
#[derive(Debug, Clone)]
pub struct Call {
    pub model: String,
    pub method: String,
    pub ids: Vec<i64>,
    pub args: Vec<Value>,
    pub kwargs: Map<String, Value>,
    pub env: Env,
    pub transport: Transport,
    /// JSON-RPC `create` with a single dict returns an int.
    pub single_create: bool,
}

#[derive(Clone, Copy)]
enum Arg {
    Required,
    Null,
    Int(i64),
    Str(&'static str),
    False,
    EmptyList,
}

struct Signature {
    /// `@api.model`: called without records.
    api_model: bool,
    params: &'static [(&'static str, Arg)],
    /// Accepts `**kwargs`.
    var_kw: bool,
    readonly: bool,
    /// Models it exists on (empty = every model).
    models: &'static [&'static str],
}

const MAIL_THREADS: &[&str] = &["crm.lead", "res.partner"];

fn signature(method: &str) -> Option<Signature> {
    use Arg::*;
    let sig = |api_model, params, var_kw, readonly, models| Signature {
        api_model,
        params,
        var_kw,
        readonly,
        models,
    };
    Some(match method {
        "search_read" => sig(
            true,
            &[
                ("domain", Null),
                ("fields", Null),
                ("offset", Int(0)),
                ("limit", Null),
                ("order", Null),
            ],
            true,
            true,
            &[],
        ),
        "search" => sig(
            true,
            &[
                ("domain", Required),
                ("offset", Int(0)),
                ("limit", Null),
                ("order", Null),
            ],
            false,
            true,
            &[],
        ),
        "search_count" => sig(
            true,
            &[("domain", Required), ("limit", Null)],
            false,
            true,
            &[],
        ),
        "read" => sig(
            false,
            &[("fields", Null), ("load", Str("_classic_read"))],
            false,
            true,
            &[],
        ),
        "create" => sig(true, &[("vals_list", Required)], false, false, &[]),
        "write" => sig(false, &[("vals", Required)], false, false, &[]),
        "unlink" => sig(false, &[], false, false, &[]),
        "fields_get" => sig(
            true,
            &[("allfields", Null), ("attributes", Null)],
            false,
            true,
            &[],
        ),
        "name_search" => sig(
            true,
            &[
                ("name", Str("")),
                ("domain", Null),
                ("operator", Str("ilike")),
                ("limit", Int(100)),
            ],
            false,
            true,
            &[],
        ),
        "default_get" => sig(true, &[("fields_list", Required)], false, true, &[]),
        "read_group" => sig(
            true,
            &[
                ("domain", Required),
                ("fields", Required),
                ("groupby", Required),
                ("offset", Int(0)),
                ("limit", Null),
                ("orderby", False),
                ("lazy", Str("true")),
            ],
            false,
            true,
            &[],
        ),
        "formatted_read_group" => sig(
            true,
            &[
                ("domain", Null),
                ("groupby", EmptyList),
                ("aggregates", EmptyList),
                ("having", EmptyList),
                ("offset", Int(0)),
                ("limit", Null),
                ("order", Null),
            ],
            false,
            true,
            &[],
        ),
        "action_set_won" => sig(false, &[], false, false, &["crm.lead"]),
        "action_set_lost" => sig(false, &[], true, false, &["crm.lead"]),
        "action_restore" => sig(false, &[], false, false, &["crm.lead"]),
        "message_post" => sig(
            false,
            &[
                ("body", Str("")),
                ("subject", Null),
                ("message_type", Str("notification")),
                ("subtype_xmlid", Null),
                ("body_is_html", False),
            ],
            true,
            false,
            MAIL_THREADS,
        ),
        "context_get" => sig(true, &[], false, true, &["res.users"]),
        _ => return None,
    })
}

/// Whether a method only reads (so the server may run it under a shared lock).
pub fn is_readonly(method: &str) -> bool {
    signature(method).is_some_and(|s| s.readonly)
}

/// Checks that the method exists and may be called remotely; the errors are the ones each
/// transport reports.
fn resolve(db: &Db, call: &Call) -> OdooResult<Signature> {
    if db.schema.model(&call.model).is_none() {
        return Err(match call.transport {
            Transport::Json2 => {
                OdooError::NotFound(format!("the model '{}' does not exist", call.model))
            }
            Transport::JsonRpc => OdooError::User(format!("Object {} doesn't exist", call.model)),
        });
    }
    if call.method.starts_with('_') {
        return Err(OdooError::Access(format!(
            "Private methods (such as '{}.{}') cannot be called remotely.",
            call.model, call.method
        )));
    }
    let missing = || {
        let msg = format!("The method '{}.{}' does not exist", call.model, call.method);
        match call.transport {
            Transport::Json2 => OdooError::NotFound(msg),
            Transport::JsonRpc => OdooError::Attribute(msg),
        }
    };
    let sig = signature(&call.method).ok_or_else(missing)?;
    if !sig.models.is_empty() && !sig.models.contains(&call.model.as_str()) {
        return Err(missing());
    }
    if call.method == "formatted_read_group" && !db.schema.version.has_formatted_read_group() {
        return Err(missing());
    }
    if sig.api_model && !call.ids.is_empty() {
        return Err(OdooError::Unprocessable(format!(
            "cannot call {}.{} with ids",
            call.model, call.method
        )));
    }
    Ok(sig)
}

/// Binds positional and named arguments to the signature, like Python's `inspect.bind`.
fn bind(sig: &Signature, call: &Call) -> OdooResult<(Map<String, Value>, Map<String, Value>)> {
    let mut bound = Map::new();
    if call.args.len() > sig.params.len() {
        return Err(OdooError::Unprocessable(format!(
            "{}() takes {} positional arguments but {} were given",
            call.method,
            sig.params.len() + 1,
            call.args.len() + 1
        )));
    }
    for ((name, _), value) in sig.params.iter().zip(&call.args) {
        bound.insert((*name).into(), value.clone());
    }
    let mut extra = Map::new();
    for (key, value) in &call.kwargs {
        if let Some((name, _)) = sig.params.iter().find(|(n, _)| n == key) {
            if bound.contains_key(*name) {
                return Err(OdooError::Unprocessable(format!(
                    "multiple values for argument '{name}'"
                )));
            }
            bound.insert(key.clone(), value.clone());
        } else if sig.var_kw {
            extra.insert(key.clone(), value.clone());
        } else {
            return Err(OdooError::Unprocessable(format!(
                "got an unexpected keyword argument '{key}'"
            )));
        }
    }
    for (name, default) in sig.params {
        if bound.contains_key(*name) {
            continue;
        }
        let value = match default {
            Arg::Required => {
                return Err(OdooError::Unprocessable(format!(
                    "missing a required argument: '{name}'"
                )));
            }
            Arg::Null => Value::Null,
            Arg::Int(i) => json!(i),
            Arg::Str(s) => json!(s),
            Arg::False => Value::Bool(false),
            Arg::EmptyList => json!([]),
        };
        bound.insert((*name).into(), value);
    }
    Ok((bound, extra))
}

fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
        ),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

fn usize_arg(v: &Value, name: &str) -> OdooResult<Option<usize>> {
    match v {
        Value::Null | Value::Bool(false) => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .map(|n| Some(n as usize))
            .ok_or_else(|| OdooError::Value(format!("{name} must be a non-negative integer"))),
        _ => Err(OdooError::Value(format!(
            "{name} must be an integer, got {v}"
        ))),
    }
}

fn dicts(v: &Value) -> OdooResult<Vec<Map<String, Value>>> {
    match v {
        Value::Object(m) => Ok(vec![m.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_object()
                    .cloned()
                    .ok_or_else(|| OdooError::Value(format!("create expects dicts, got {i}")))
            })
            .collect(),
        other => Err(OdooError::Value(format!(
            "create expects a dict or a list of dicts, got {other}"
        ))),
    }
}

/// Runs a read-only method.
pub fn call_readonly(db: &Db, call: &Call) -> OdooResult<Value> {
    let sig = resolve(db, call)?;
    let (a, _) = bind(&sig, call)?;
    let model = db.model(&call.model)?;
    let env = &call.env;
    let domain = |key: &str| Domain::parse(a.get(key).unwrap_or(&Value::Null), model, &db.schema);
    Ok(match call.method.as_str() {
        "search_read" => {
            let ids = db.search(
                env,
                model,
                &domain("domain")?,
                usize_arg(&a["offset"], "offset")?.unwrap_or(0),
                usize_arg(&a["limit"], "limit")?,
                a["order"].as_str(),
            )?;
            let fields = strings(&a["fields"]);
            Value::from(db.read(env, model, &ids, fields.as_deref(), true)?)
        }
        "search" => {
            let ids = db.search(
                env,
                model,
                &domain("domain")?,
                usize_arg(&a["offset"], "offset")?.unwrap_or(0),
                usize_arg(&a["limit"], "limit")?,
                a["order"].as_str(),
            )?;
            json!(ids)
        }
        "search_count" => {
            let ids = db.search(
                env,
                model,
                &domain("domain")?,
                0,
                usize_arg(&a["limit"], "limit")?,
                Some("id"),
            )?;
            json!(ids.len())
        }
        "read" => {
            let fields = strings(&a["fields"]);
            let classic = a["load"].as_str() == Some("_classic_read");
            Value::from(db.read(env, model, &call.ids, fields.as_deref(), classic)?)
        }
        "fields_get" => db.fields_get(
            model,
            strings(&a["allfields"]).as_deref(),
            strings(&a["attributes"]).as_deref(),
        ),
        "name_search" => {
            let name = a["name"].as_str().unwrap_or_default();
            let mut d = domain("domain")?;
            if !name.is_empty() {
                let leaf = Domain::parse(
                    &json!([[
                        "display_name",
                        a["operator"].as_str().unwrap_or("ilike"),
                        name
                    ]]),
                    model,
                    &db.schema,
                )?;
                d = Domain::And(Box::new(d), Box::new(leaf));
            }
            let ids = db.search(env, model, &d, 0, usize_arg(&a["limit"], "limit")?, None)?;
            let rows = db.read(env, model, &ids, Some(&["display_name".to_owned()]), true)?;
            json!(
                rows.iter()
                    .map(|r| json!([r["id"], r["display_name"]]))
                    .collect::<Vec<_>>()
            )
        }
        "default_get" => {
            let wanted = strings(&a["fields_list"]).unwrap_or_default();
            let mut out = Map::new();
            for name in wanted {
                match name.as_str() {
                    "active" if model.has_active() => out.insert(name, json!(true)),
                    "type" if model.name == "crm.lead" => out.insert(name, json!("opportunity")),
                    "priority" if model.name == "crm.lead" => out.insert(name, json!("0")),
                    "user_id" if model.name == "crm.lead" => out.insert(name, json!(env.uid)),
                    _ => None,
                };
            }
            Value::Object(out)
        }
        "read_group" => {
            let groupby = strings(&a["groupby"]).unwrap_or_default();
            let aggregates: Vec<String> = strings(&a["fields"])
                .unwrap_or_default()
                .into_iter()
                .filter(|f| !groupby.contains(f))
                .map(|f| {
                    if f.contains(':') {
                        f
                    } else {
                        format!("{f}:sum")
                    }
                })
                .collect();
            Value::from(db.group(env, model, &domain("domain")?, &groupby, &aggregates, false)?)
        }
        "formatted_read_group" => {
            let groupby = strings(&a["groupby"]).unwrap_or_default();
            let aggregates = strings(&a["aggregates"]).unwrap_or_default();
            Value::from(db.group(env, model, &domain("domain")?, &groupby, &aggregates, true)?)
        }
        "context_get" => {
            let users = db.model("res.users")?;
            let row = db.read(
                env,
                users,
                &[env.uid],
                Some(&["lang".to_owned(), "tz".to_owned()]),
                true,
            )?;
            let row = row.first().cloned().unwrap_or_else(|| json!({}));
            json!({ "lang": row["lang"].as_str().unwrap_or("en_US"), "tz": row["tz"], "uid": env.uid })
        }
        other => return Err(OdooError::Internal(format!("{other} is not read-only"))),
    })
}

/// Runs any method.
pub fn call(db: &mut Db, call: &Call) -> OdooResult<Value> {
    let sig = resolve(db, call)?;
    if sig.readonly {
        return call_readonly(db, call);
    }
    let (a, extra) = bind(&sig, call)?;
    let env = &call.env;
    Ok(match call.method.as_str() {
        "create" => {
            let ids = db.create(env, &call.model, &dicts(&a["vals_list"])?)?;
            if call.transport == Transport::JsonRpc && call.single_create {
                json!(ids[0])
            } else {
                json!(ids)
            }
        }
        "write" => {
            let vals = a["vals"]
                .as_object()
                .ok_or_else(|| OdooError::Value("write expects a dict of values".into()))?;
            db.write(env, &call.model, &call.ids, vals)?;
            json!(true)
        }
        "unlink" => {
            db.unlink(env, &call.model, &call.ids)?;
            json!(true)
        }
        "action_set_won" => {
            db.action_set_won(env, &call.ids)?;
            json!(true)
        }
        "action_set_lost" => {
            db.action_set_lost(env, &call.ids, &extra)?;
            json!(true)
        }
        "action_restore" => {
            db.action_restore(env, &call.ids)?;
            json!(true)
        }
        "message_post" => {
            let mut kwargs = extra;
            for key in [
                "body",
                "subject",
                "message_type",
                "subtype_xmlid",
                "body_is_html",
            ] {
                if !a[key].is_null() {
                    kwargs.insert(key.into(), a[key].clone());
                }
            }
            let id = db.message_post(env, &call.model, &call.ids, &kwargs)?;
            // ≤18 honours @api.returns (an int); 19 returns the recordset's ids.
            if call.transport == Transport::JsonRpc && !db.schema.version.has_json2() {
                json!(id)
            } else {
                json!([id])
            }
        }
        other => {
            return Err(OdooError::Internal(format!(
                "{other} has no implementation"
            )));
        }
    })
}

/// The `methods` part of `/doc-bearer/<model>.json`, from the same signatures that bind calls.
pub fn doc(model: &str) -> Value {
    const NAMES: &[&str] = &[
        "search_read",
        "search",
        "search_count",
        "read",
        "create",
        "write",
        "unlink",
        "fields_get",
        "name_search",
        "default_get",
        "read_group",
        "formatted_read_group",
        "action_set_won",
        "action_set_lost",
        "action_restore",
        "message_post",
        "context_get",
    ];
    let mut out = Map::new();
    for name in NAMES {
        let Some(sig) = signature(name) else { continue };
        if !sig.models.is_empty() && !sig.models.contains(&model) {
            continue;
        }
        let mut params = Map::new();
        let mut shown = Vec::new();
        for (p, default) in sig.params {
            let mut desc = Map::new();
            desc.insert("name".into(), json!(p));
            let default = match default {
                Arg::Required => None,
                Arg::Null => Some("None".to_owned()),
                Arg::Int(i) => Some(i.to_string()),
                Arg::Str(s) => Some(format!("'{s}'")),
                Arg::False => Some("False".to_owned()),
                Arg::EmptyList => Some("()".to_owned()),
            };
            shown.push(match &default {
                Some(d) => format!("{p}={d}"),
                None => (*p).to_owned(),
            });
            if let Some(d) = default {
                desc.insert("default".into(), json!(d));
            }
            params.insert((*p).into(), Value::Object(desc));
        }
        if sig.var_kw {
            shown.push("**kwargs".into());
        }
        let mut api = vec![];
        if sig.api_model {
            api.push("model");
        }
        if sig.readonly {
            api.push("readonly");
        }
        out.insert(
            (*name).into(),
            json!({ "signature": format!("({})", shown.join(", ")), "parameters": params, "api": api, "model": model }),
        );
    }
    Value::Object(out)
}
