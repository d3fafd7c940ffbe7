//! The HTTP face: Odoo's routes, envelopes and status codes (reference/odoo-protocol.md §1, §2).

use crate::db::{Db, Env};
use crate::error::OdooError;
use crate::faults::{Fate, FaultPlan, Faults};
use crate::methods::{self, Call, Transport};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Hook run after each successful write call, under the write lock.
pub type OnWrite = Arc<dyn Fn(&mut Db) + Send + Sync>;

/// Shared server state.
#[derive(Clone)]
pub struct Sim {
    pub db: Arc<RwLock<Db>>,
    pub faults: Option<Arc<Faults>>,
    sessions: Arc<Mutex<HashMap<String, i64>>>,
    /// Called after every successful write, to persist (`--data`).
    pub on_write: Option<OnWrite>,
}

impl Sim {
    pub fn new(db: Db, faults: bool) -> Self {
        Self {
            db: Arc::new(RwLock::new(db)),
            faults: faults.then(|| Arc::new(Faults::default())),
            sessions: Arc::default(),
            on_write: None,
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Db> {
        self.db
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Db> {
        self.db
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs a model method with the right lock.
    fn run(&self, call: &Call) -> Result<Value, OdooError> {
        if let Some(error) = self
            .faults
            .as_ref()
            .and_then(|f| f.rpc_error(&call.model, &call.method))
        {
            return Err(error);
        }
        if methods::is_readonly(&call.method) {
            return methods::call_readonly(&self.read(), call);
        }
        let mut db = self.write();
        let result = methods::call(&mut db, call);
        if result.is_ok()
            && let Some(persist) = &self.on_write
        {
            persist(&mut db);
        }
        result
    }
}

/// The router: every route the simulator serves.
pub fn router(sim: Sim) -> Router {
    let mut router = Router::new()
        .route("/web/webclient/version_info", post(version_info))
        .route("/jsonrpc", post(jsonrpc))
        .route("/web/session/authenticate", post(session_authenticate))
        .route("/web/session/get_session_info", post(session_info))
        .route("/web/session/destroy", post(session_destroy))
        .route("/web/dataset/call_kw", post(call_kw))
        .route("/web/dataset/call_kw/{*path}", post(call_kw))
        .route("/web/database/list", post(database_list));
    let has_json2 = sim.read().schema.version.has_json2();
    if has_json2 {
        router = router
            .route("/web/version", get(web_version))
            .route("/json/version", get(web_version))
            .route(
                "/json/2/{model}/{method}",
                post(json2).fallback(json2_wrong_path),
            )
            .route("/doc-bearer/{file}", get(doc_bearer));
    }
    if sim.faults.is_some() {
        router = router.layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            lose_answers,
        ));
        router = router.route(
            "/__sim/faults",
            get(get_faults).post(set_faults).delete(clear_faults),
        );
    }
    router
        .fallback(not_found_page)
        .layer(axum::middleware::map_response(odoo_content_type))
        .with_state(sim)
}

/// Injected lost answers: the request is carried out in full, then the connection closes
/// without a response (as when a proxy times out after Odoo committed).
async fn lose_answers(
    State(sim): State<Sim>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(faults) = sim.faults.clone() else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let call = called_method(parts.uri.path(), &bytes);
    let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
    let response = next.run(request).await;
    if faults.loses_answer(call.as_ref().map(|(m, f)| (m.as_str(), f.as_str()))) {
        std::panic::panic_any(DroppedConnection);
    }
    response
}

/// The model and method a request calls: from the path (JSON-2) or the `execute_kw` /
/// `call_kw` parameters (JSON-RPC).
fn called_method(path: &str, body: &[u8]) -> Option<(String, String)> {
    if let Some(rest) = path.strip_prefix("/json/2/") {
        let (model, method) = rest.split_once('/')?;
        return Some((model.to_owned(), method.to_owned()));
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    let params = value.get("params")?;
    if let (Some(model), Some(method)) = (
        params.get("model").and_then(Value::as_str),
        params.get("method").and_then(Value::as_str),
    ) {
        return Some((model.to_owned(), method.to_owned()));
    }
    let args = params.get("args")?.as_array()?;
    Some((
        args.get(3)?.as_str()?.to_owned(),
        args.get(4)?.as_str()?.to_owned(),
    ))
}

/// Odoo answers JSON as `application/json; charset=utf-8`.
async fn odoo_content_type(mut resp: Response) -> Response {
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json");
    if is_json {
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    resp
}

fn not_found_html() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n"),
    )
        .into_response()
}

/// Unknown routes: an HTML 404, except under /json/2 (19+), which answers in JSON.
async fn not_found_page(State(sim): State<Sim>, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if (path == "/json/2" || path.starts_with("/json/2/")) && sim.read().schema.version.has_json2()
    {
        return json2_wrong_path().await;
    }
    not_found_html()
}

/// Applies injected latency and failures; `None` = serve normally.
async fn faulted(sim: &Sim) -> Option<Response> {
    let faults = sim.faults.as_ref()?;
    let (fate, latency) = faults.fate();
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match fate {
        Fate::Serve => None,
        Fate::Http500 => Some(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>Internal Server Error</h1>"),
            )
                .into_response(),
        ),
        // Panicking aborts the connection task: the client sees the connection closed with no
        // response, as when a proxy or worker dies mid-request.
        Fate::Drop => std::panic::panic_any(DroppedConnection),
    }
}

/// Panic payload for an injected dropped connection (filtered from the panic log).
pub struct DroppedConnection;

// ---------------------------------------------------------------- version

async fn web_version(State(sim): State<Sim>) -> Response {
    let v = sim.read().schema.version;
    Json(json!({ "version_info": v.version_info(), "version": v.server_version() })).into_response()
}

fn common_version(db: &Db) -> Value {
    let v = db.schema.version;
    json!({
        "server_version": v.server_version(),
        "server_version_info": v.version_info(),
        "server_serie": format!("{}.0", v.major),
        "protocol_version": 1,
    })
}

// ---------------------------------------------------------------- JSON-RPC

fn rpc_ok(id: &Value, result: Value) -> Response {
    let mut envelope = Map::new();
    envelope.insert("jsonrpc".into(), json!("2.0"));
    envelope.insert("id".into(), id.clone());
    envelope.insert("result".into(), result);
    Json(Value::Object(envelope)).into_response()
}

fn rpc_err(sim: &Sim, id: &Value, error: &OdooError) -> Response {
    let code = sim.read().schema.version.jsonrpc_error_code();
    if !matches!(
        error,
        OdooError::AccessDenied
            | OdooError::Validation(_)
            | OdooError::User(_)
            | OdooError::Missing(_)
    ) {
        tracing::info!("rpc error: {}: {error}", error.name());
    }
    Json(json!({ "jsonrpc": "2.0", "id": id, "error": error.jsonrpc_error(code) })).into_response()
}

/// Parses a JSON-RPC request body the way Odoo does: plain-text 400s for bad JSON.
/// A malformed request: Odoo answers with a plain-text 400.
struct BadRpc(&'static str);

impl IntoResponse for BadRpc {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, self.0).into_response()
    }
}

/// A string member of JSON-RPC `params` ("" when absent: Odoo then fails on the empty name).
fn text_param<'a>(params: &'a Map<String, Value>, key: &str) -> &'a str {
    params.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A list member of JSON-RPC `params` (empty when absent).
fn list_param(params: &Map<String, Value>, key: &str) -> Vec<Value> {
    params
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn rpc_request(body: &Bytes) -> Result<(Value, Map<String, Value>), BadRpc> {
    let value: Value = serde_json::from_slice(body).map_err(|_| BadRpc("Invalid JSON data"))?;
    let Value::Object(request) = value else {
        return Err(BadRpc("Invalid JSON-RPC data"));
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let params = match request.get("params") {
        Some(Value::Object(p)) => p.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => return Err(BadRpc("Invalid JSON-RPC data")),
    };
    Ok((id, params))
}

async fn version_info(State(sim): State<Sim>, body: Bytes) -> Response {
    let (id, _) = match rpc_request(&body) {
        Ok(r) => r,
        Err(bad) => return bad.into_response(),
    };
    rpc_ok(&id, common_version(&sim.read()))
}

async fn database_list(State(sim): State<Sim>, body: Bytes) -> Response {
    let (id, _) = match rpc_request(&body) {
        Ok(r) => r,
        Err(bad) => return bad.into_response(),
    };
    rpc_ok(&id, json!([sim.read().name]))
}

fn check_db(db: &Db, name: &Value) -> Result<(), OdooError> {
    match name.as_str() {
        Some(n) if n == db.name => Ok(()),
        Some(n) => Err(OdooError::Database(format!(
            "connection to server failed: FATAL:  database \"{n}\" does not exist"
        ))),
        None => Err(OdooError::Database("no database given".into())),
    }
}

/// Password or API key (non-interactive checks accept both).
fn login(db: &Db, login: &str, secret: &str, allow_api_key: bool) -> Option<i64> {
    let users = db.schema.model("res.users")?;
    let (login_pos, active_pos) = (users.position("login")?, users.position("active")?);
    let (uid, _) = db.tables["res.users"].rows.iter().find(|(_, r)| {
        r[login_pos].as_str() == Some(login) && r[active_pos] == Value::Bool(true)
    })?;
    let account = db.accounts.get(uid)?;
    let ok = (!secret.is_empty() && account.password == secret)
        || (allow_api_key && account.api_keys.iter().any(|k| k == secret));
    ok.then_some(*uid)
}

fn check_uid(db: &Db, uid: &Value, secret: &Value) -> Result<i64, OdooError> {
    let uid = uid.as_i64().ok_or(OdooError::AccessDenied)?;
    let secret = secret.as_str().unwrap_or_default();
    let account = db.accounts.get(&uid).ok_or(OdooError::AccessDenied)?;
    if secret.is_empty()
        || !(account.password == secret || account.api_keys.iter().any(|k| k == secret))
    {
        return Err(OdooError::AccessDenied);
    }
    Ok(uid)
}

fn ids_arg(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(items) => items.iter().filter_map(Value::as_i64).collect(),
        Value::Number(n) => n.as_i64().into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Builds a Call from `execute_kw`-style (model, method, args, kwargs).
fn legacy_call(
    uid: i64,
    model: &str,
    method: &str,
    mut args: Vec<Value>,
    mut kwargs: Map<String, Value>,
) -> Call {
    let context = match kwargs.remove("context") {
        Some(Value::Object(c)) => c,
        _ => Map::new(),
    };
    let api_model = matches!(
        method,
        "search_read"
            | "search"
            | "search_count"
            | "create"
            | "fields_get"
            | "name_search"
            | "default_get"
            | "read_group"
            | "formatted_read_group"
            | "context_get"
    );
    let ids = if api_model || args.is_empty() {
        Vec::new()
    } else {
        ids_arg(&args.remove(0))
    };
    let single_create = method == "create" && args.first().is_some_and(Value::is_object);
    Call {
        model: model.to_owned(),
        method: method.to_owned(),
        ids,
        args,
        kwargs,
        env: Env::new(uid, context),
        transport: Transport::JsonRpc,
        single_create,
    }
}

async fn jsonrpc(State(sim): State<Sim>, body: Bytes) -> Response {
    if let Some(resp) = faulted(&sim).await {
        return resp;
    }
    let (id, params) = match rpc_request(&body) {
        Ok(r) => r,
        Err(bad) => return bad.into_response(),
    };
    let (service, method) = (
        text_param(&params, "service"),
        text_param(&params, "method"),
    );
    let args = list_param(&params, "args");
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    let result = match (service, method) {
        ("common", "version") => Ok(common_version(&sim.read())),
        ("common", "login" | "authenticate") => {
            let db = sim.read();
            check_db(&db, &arg(0)).map(|()| {
                let uid = login(
                    &db,
                    arg(1).as_str().unwrap_or_default(),
                    arg(2).as_str().unwrap_or_default(),
                    true,
                );
                uid.map_or(Value::Bool(false), Value::from)
            })
        }
        ("common", "about") => Ok(json!("See http://openerp.com")),
        ("db", "list") => Ok(json!([sim.read().name])),
        ("db", "server_version") => Ok(json!(sim.read().schema.version.server_version())),
        ("object", "execute" | "execute_kw") => {
            let checked = {
                let db = sim.read();
                check_db(&db, &arg(0)).and_then(|()| check_uid(&db, &arg(1), &arg(2)))
            };
            match checked {
                Err(e) => Err(e),
                Ok(uid) => {
                    let model = arg(3).as_str().unwrap_or_default().to_owned();
                    let name = arg(4).as_str().unwrap_or_default().to_owned();
                    let (call_args, kwargs) = if method == "execute_kw" {
                        (
                            arg(5).as_array().cloned().unwrap_or_default(),
                            arg(6).as_object().cloned().unwrap_or_default(),
                        )
                    } else {
                        (args.iter().skip(5).cloned().collect(), Map::new())
                    };
                    sim.run(&legacy_call(uid, &model, &name, call_args, kwargs))
                }
            }
        }
        _ => Err(OdooError::NotFound(format!(
            "No such service method: {service}.{method}"
        ))),
    };
    match result {
        Ok(value) => rpc_ok(&id, value),
        Err(e) => rpc_err(&sim, &id, &e),
    }
}

// ---------------------------------------------------------------- web session

fn session_payload(db: &Db, uid: i64) -> Value {
    let users = db.schema.model("res.users").expect("res.users");
    let row = db.tables["res.users"].rows.get(&uid);
    let get = |f: &str| {
        row.and_then(|r| users.position(f).map(|p| r[p].clone()))
            .unwrap_or(Value::Bool(false))
    };
    let is_admin = db
        .accounts
        .get(&uid)
        .is_some_and(|a| a.role == crate::db::Role::Manager);
    json!({
        "uid": uid,
        "is_system": uid == 2,
        "is_admin": is_admin,
        "is_internal_user": true,
        "user_context": { "lang": get("lang"), "tz": get("tz"), "uid": uid },
        "db": db.name,
        "server_version": db.schema.version.server_version(),
        "server_version_info": db.schema.version.version_info(),
        "name": get("name"),
        "username": get("login"),
        "partner_id": get("partner_id"),
        "partner_display_name": get("name"),
        "web.base.url": "http://localhost:8069",
    })
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|part| part.trim().strip_prefix("session_id=").map(str::to_owned))
}

async fn session_authenticate(State(sim): State<Sim>, body: Bytes) -> Response {
    let (id, params) = match rpc_request(&body) {
        Ok(r) => r,
        Err(bad) => return bad.into_response(),
    };
    let result = {
        let db = sim.read();
        check_db(&db, params.get("db").unwrap_or(&Value::Null))
            .map_err(|_| OdooError::Access("Database not found.".into()))
            .and_then(|()| {
                // Interactive login: passwords only, never API keys (§2.3).
                login(
                    &db,
                    params
                        .get("login")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                    params
                        .get("password")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                    false,
                )
                .ok_or(OdooError::AccessDenied)
            })
            .map(|uid| (uid, session_payload(&db, uid)))
    };
    match result {
        Ok((uid, info)) => {
            let token = format!("{:040x}", rand::random::<u128>());
            sim.sessions
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(token.clone(), uid);
            let mut resp = rpc_ok(&id, info);
            if let Ok(cookie) = HeaderValue::from_str(&format!(
                "session_id={token}; HttpOnly; Path=/; SameSite=Lax"
            )) {
                resp.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            resp
        }
        Err(e) => rpc_err(&sim, &id, &e),
    }
}

fn session_uid(sim: &Sim, headers: &HeaderMap) -> Option<i64> {
    let token = session_cookie(headers)?;
    sim.sessions
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&token)
        .copied()
}

fn session_expired() -> OdooError {
    OdooError::User("Session expired".into())
}

async fn session_info(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    let (id, _) = match rpc_request(&body) {
        Ok(r) => r,
        Err(bad) => return bad.into_response(),
    };
    match session_uid(&sim, &headers) {
        Some(uid) => rpc_ok(&id, session_payload(&sim.read(), uid)),
        None => session_expired_response(&sim, &id),
    }
}

fn session_expired_response(sim: &Sim, id: &Value) -> Response {
    let mut error = session_expired().jsonrpc_error(sim.read().schema.version.jsonrpc_error_code());
    error["code"] = json!(100);
    error["message"] = json!("Odoo Session Expired");
    error["data"]["name"] = json!("odoo.http.SessionExpiredException");
    Json(json!({ "jsonrpc": "2.0", "id": id, "error": error })).into_response()
}

async fn session_destroy(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    let (id, _) = match rpc_request(&body) {
        Ok(r) => r,
        Err(bad) => return bad.into_response(),
    };
    if let Some(token) = session_cookie(&headers) {
        sim.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&token);
    }
    rpc_ok(&id, Value::Null)
}

async fn call_kw(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(resp) = faulted(&sim).await {
        return resp;
    }
    let (id, params) = match rpc_request(&body) {
        Ok(r) => r,
        Err(bad) => return bad.into_response(),
    };
    let Some(uid) = session_uid(&sim, &headers) else {
        return session_expired_response(&sim, &id);
    };
    let (model, method) = (text_param(&params, "model"), text_param(&params, "method"));
    let args = list_param(&params, "args");
    let kwargs = params
        .get("kwargs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    match sim.run(&legacy_call(uid, model, method, args, kwargs)) {
        Ok(value) => rpc_ok(&id, value),
        Err(e) => rpc_err(&sim, &id, &e),
    }
}

// ---------------------------------------------------------------- JSON-2

fn json2_error(error: &OdooError) -> Response {
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = (status, Json(error.body())).into_response();
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("bearer"));
    }
    resp
}

/// `Authorization: bearer <key>` → the key's user.
fn bearer_uid(db: &Db, headers: &HeaderMap) -> Result<i64, OdooError> {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(OdooError::Unauthorized(
            "User not authenticated, use an API Key with a Bearer Authorization header.".into(),
        ));
    };
    let key = value.trim();
    let key = match key.get(..6) {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("bearer")
                && key[6..].starts_with(char::is_whitespace) =>
        {
            key[6..].trim()
        }
        _ => return Err(OdooError::Unauthorized("Invalid apikey".into())),
    };
    db.accounts
        .iter()
        .find(|(_, a)| a.api_keys.iter().any(|k| k == key))
        .map(|(uid, _)| *uid)
        .ok_or_else(|| OdooError::Unauthorized("Invalid apikey".into()))
}

fn wrong_database(db: &Db, headers: &HeaderMap) -> bool {
    headers
        .get("x-odoo-database")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|name| name != db.name)
}

async fn json2(
    State(sim): State<Sim>,
    Path((model, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(resp) = faulted(&sim).await {
        return resp;
    }
    let uid = {
        let db = sim.read();
        if wrong_database(&db, &headers) {
            return not_found_html();
        }
        match bearer_uid(&db, &headers) {
            Ok(uid) => uid,
            Err(e) => return json2_error(&e),
        }
    };
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !body.is_empty() && !json_type {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Html(format!("<h1>Unsupported Media Type</h1><p>Request inferred type is compatible with http but /json/2/{model}/{method} is type=json2. Please verify the Content-Type request header and try again.</p>")),
        )
            .into_response();
    }
    let args: Map<String, Value> = if body.is_empty() {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return json2_error(&OdooError::BadRequest(
                    "could not parse the body, expecting a json object".into(),
                ));
            }
            Err(e) => {
                return json2_error(&OdooError::BadRequest(format!(
                    "could not parse the body as json: {e}"
                )));
            }
        }
    };
    let mut kwargs = args;
    let ids = kwargs
        .remove("ids")
        .map(|v| ids_arg(&v))
        .unwrap_or_default();
    let context = match kwargs.remove("context") {
        Some(Value::Object(c)) => c,
        _ => Map::new(),
    };
    let call = Call {
        model,
        method,
        ids,
        args: Vec::new(),
        kwargs,
        env: Env::new(uid, context),
        transport: Transport::Json2,
        single_create: false,
    };
    match sim.run(&call) {
        Ok(value) => Json(value).into_response(),
        Err(e) => json2_error(&e),
    }
}

async fn json2_wrong_path() -> Response {
    json2_error(&OdooError::NotFound(
        "Did you mean POST /json/2/<model>/<method>?".into(),
    ))
}

async fn doc_bearer(
    State(sim): State<Sim>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let db = sim.read();
    let uid = match bearer_uid(&db, &headers) {
        Ok(uid) => uid,
        Err(e) => return json2_error(&e),
    };
    if db.role(uid) != crate::db::Role::Manager {
        return json2_error(&OdooError::Access(
            "You are not allowed to access the API documentation.".into(),
        ));
    }
    let Some(name) = file.strip_suffix(".json") else {
        return not_found_html();
    };
    if name == "index" {
        let models: Vec<Value> = db
            .schema
            .models()
            .map(|m| json!({ "model": m.name, "name": m.description }))
            .collect();
        return Json(json!({ "models": models })).into_response();
    }
    let Some(model) = db.schema.model(name) else {
        return not_found_html();
    };
    Json(json!({
        "model": model.name,
        "name": model.description,
        "doc": null,
        "fields": db.fields_get(model, None, None),
        "methods": methods::doc(model.name),
    }))
    .into_response()
}

// ---------------------------------------------------------------- faults

async fn get_faults(State(sim): State<Sim>) -> Response {
    Json(sim.faults.as_ref().map(|f| f.plan()).unwrap_or_default()).into_response()
}

async fn set_faults(State(sim): State<Sim>, body: Bytes) -> Response {
    let plan: FaultPlan = match serde_json::from_slice(&body) {
        Ok(plan) => plan,
        Err(e) => {
            return (StatusCode::BAD_REQUEST, format!("invalid fault plan: {e}")).into_response();
        }
    };
    match sim.faults.as_ref().map(|f| f.set(plan)) {
        Some(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Some(Err(e)) => (StatusCode::BAD_REQUEST, e).into_response(),
        None => not_found_html(),
    }
}

async fn clear_faults(State(sim): State<Sim>) -> Response {
    if let Some(f) = &sim.faults {
        let _ = f.set(FaultPlan::default());
    }
    StatusCode::NO_CONTENT.into_response()
}
