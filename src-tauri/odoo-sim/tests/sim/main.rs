//! odoo-sim through its HTTP interface, as clients see it. Module index:
//! - `json2`: the JSON-2 API (19+): auth, envelopes, status codes, ORM semantics, access rules.
//! - `jsonrpc`: legacy `/jsonrpc`, `/web/session/*` and per-version differences (16–18).
//! - `ops`: the data file, the fault injection endpoint, the demo and synthetic seeds.

mod json2;
mod jsonrpc;
mod ops;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use odoo_sim::{Options, Seed};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const ADMIN_KEY: &str = "0123456789abcdef0123456789abcdef01234567";
pub const SALES1_KEY: &str = "1111111111111111111111111111111111111111";
pub const SALES2_KEY: &str = "2222222222222222222222222222222222222222";

pub fn options(version: &str) -> Options {
    Options {
        seed: Seed::Empty,
        version: version.parse().expect("version"),
        api_keys: vec![
            ("admin".into(), ADMIN_KEY.into()),
            ("sales1".into(), SALES1_KEY.into()),
            ("sales2".into(), SALES2_KEY.into()),
        ],
        ..Options::default()
    }
}

pub fn app(version: &str) -> Router {
    odoo_sim::router(odoo_sim::build(&options(version)).expect("sim builds"))
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let resp = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Reply {
        status,
        content_type,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// `POST /json/2/<model>/<method>` with a bearer key.
pub async fn j2(app: &Router, key: &str, model: &str, method: &str, body: Value) -> Reply {
    let request = Request::post(format!("/json/2/{model}/{method}"))
        .header("authorization", format!("bearer {key}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    send(app, request).await
}

/// `POST /jsonrpc` `{service, method, args}`; returns the whole envelope.
pub async fn rpc(app: &Router, service: &str, method: &str, args: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 7, "params": {"service": service, "method": method, "args": args}});
    let reply = send(
        app,
        Request::post("/jsonrpc")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("request"),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "JSON-RPC answers 200 even for errors: {}",
        reply.text
    );
    reply.json()
}

/// `execute_kw` as admin with the password.
pub async fn execute_kw(app: &Router, model: &str, method: &str, args: Value, kw: Value) -> Value {
    rpc(
        app,
        "object",
        "execute_kw",
        json!(["demo", 2, "admin", model, method, args, kw]),
    )
    .await
}
