//! The HTTP API: the WhatsApp webhook (handshake and notifications), health, metrics and the
//! API's own description (OpenAPI JSON and a readable page generated from it).

use crate::ingest::Intake;
use crate::whatsapp;
use crate::worker::{OdooHealth, Shared, now_ms};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::OpenApi;

/// What handlers share.
#[derive(Clone)]
pub struct Api {
    /// Worker state (config, metrics, inbox, Odoo health).
    pub shared: Arc<Shared>,
    /// The durable intake.
    pub intake: Intake,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "crm-bridge",
        description = "Receives WhatsApp Cloud API webhooks and turns every customer message into \
                       a lead in Odoo, exactly once, with the conversation in its chatter."
    ),
    paths(verify, receive, healthz, metrics, openapi_json),
    components(schemas(Health, InboxHealth, OdooHealth))
)]
struct ApiDoc;

/// The router.
pub fn router(api: Api) -> Router {
    let limit = api.shared.config.whatsapp.max_body_bytes;
    Router::new()
        .route(
            "/webhooks/whatsapp",
            get(verify)
                .post(receive)
                .layer(DefaultBodyLimit::max(limit)),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs))
        .with_state(api)
}

/// The verification handshake's query (`hub.mode`, `hub.verify_token`, `hub.challenge`).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Handshake {
    /// Always `subscribe`.
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode")]
    mode: Option<String>,
    /// The verify token typed in Meta's App Dashboard.
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token")]
    verify_token: Option<String>,
    /// Echoed back byte for byte when the token matches.
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Meta's verification handshake: echoes `hub.challenge` when `hub.mode` is `subscribe` and
/// the verify token matches; 403 otherwise.
#[utoipa::path(
    get,
    path = "/webhooks/whatsapp",
    params(Handshake),
    responses(
        (status = 200, description = "The challenge, as sent", content_type = "text/plain", body = String),
        (status = 403, description = "Wrong mode or token, or no token configured")
    )
)]
async fn verify(State(api): State<Api>, Query(q): Query<Handshake>) -> Response {
    let expected = api.shared.config.whatsapp.verify_token.as_ref();
    let ok = q.mode.as_deref() == Some("subscribe")
        && match (expected, q.verify_token.as_deref()) {
            (Some(expected), Some(given)) if !expected.is_blank() => {
                whatsapp::token_matches(expected.expose(), given)
            }
            _ => false,
        };
    match (ok, q.challenge) {
        (true, Some(challenge)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            challenge,
        )
            .into_response(),
        _ => {
            tracing::warn!("webhook verification refused (wrong mode or verify token)");
            (StatusCode::FORBIDDEN, "verification failed").into_response()
        }
    }
}

/// A webhook notification: the signature is checked over the raw body, the body is stored
/// durably, then answered 200; processing happens afterwards.
#[utoipa::path(
    post,
    path = "/webhooks/whatsapp",
    request_body(content = String, description = "Meta's JSON notification, as sent", content_type = "application/json"),
    params(("X-Hub-Signature-256" = String, Header, description = "sha256=<hex HMAC-SHA256 of the raw body with the app secret>")),
    responses(
        (status = 200, description = "Stored; it will be processed"),
        (status = 400, description = "Not a WhatsApp webhook payload"),
        (status = 401, description = "Signature missing or wrong"),
        (status = 413, description = "Body larger than whatsapp.max_body_bytes"),
        (status = 503, description = "The inbox could not store it; Meta will retry")
    )
)]
async fn receive(State(api): State<Api>, headers: HeaderMap, body: Bytes) -> Response {
    let received_at = now_ms();
    let shared = &api.shared;
    let Ok(secret) = shared.config.app_secret() else {
        shared.metrics.reject("no_secret");
        return (StatusCode::UNAUTHORIZED, "no app secret configured").into_response();
    };
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !whatsapp::signature_is_valid(secret.expose().as_bytes(), &body, signature) {
        shared.metrics.reject("signature");
        tracing::warn!(
            present = signature.is_some(),
            "webhook refused: X-Hub-Signature-256 missing or wrong"
        );
        return (StatusCode::UNAUTHORIZED, "invalid signature").into_response();
    }
    if let Err(e) = whatsapp::parse(&body) {
        shared.metrics.reject("malformed");
        tracing::warn!("webhook refused: {e}");
        return (StatusCode::BAD_REQUEST, e.to_string()).into_response();
    }
    match api.intake.persist(body, received_at).await {
        Ok(_) => {
            shared.metrics.webhooks.inc();
            (StatusCode::OK, "EVENT_RECEIVED").into_response()
        }
        Err(e) => {
            shared.metrics.reject("inbox");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("could not store the webhook: {e}"),
            )
                .into_response()
        }
    }
}

/// The inbox's state.
#[derive(Serialize, utoipa::ToSchema)]
struct InboxHealth {
    /// Whether it accepted a write just now.
    writable: bool,
    /// Messages waiting.
    pending: u64,
    /// Dead letters.
    dead_letters: u64,
    /// Webhooks not yet split into messages.
    unexpanded: u64,
    /// The failure, when not writable.
    error: Option<String>,
}

/// Health: `ok`, `degraded` (Odoo unreachable: webhooks are still stored) or `failing` (the
/// inbox cannot store webhooks).
#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: String,
    inbox: InboxHealth,
    odoo: OdooHealth,
}

/// Whether the inbox is writable and Odoo reachable.
#[utoipa::path(
    get,
    path = "/healthz",
    responses(
        (status = 200, description = "Webhooks can be stored", body = Health),
        (status = 503, description = "The inbox cannot store webhooks", body = Health)
    )
)]
async fn healthz(State(api): State<Api>) -> Response {
    let shared = &api.shared;
    let inbox = {
        #[allow(
            clippy::expect_used,
            reason = "a poisoned lock means a panic already happened"
        )]
        let inbox = shared.inbox.lock().expect("inbox lock");
        let writable = inbox.check_writable();
        let counts = inbox.counts().unwrap_or_default();
        InboxHealth {
            writable: writable.is_ok(),
            pending: counts.pending,
            dead_letters: counts.dead,
            unexpanded: counts.unexpanded,
            error: writable.err().map(|e| e.to_string()),
        }
    };
    #[allow(
        clippy::expect_used,
        reason = "a poisoned lock means a panic already happened"
    )]
    let odoo = shared.odoo_health.lock().expect("health lock").clone();
    let status = if !inbox.writable {
        "failing"
    } else if odoo.reachable == Some(false) {
        "degraded"
    } else {
        "ok"
    };
    let code = if inbox.writable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(Health {
            status: status.into(),
            inbox,
            odoo,
        }),
    )
        .into_response()
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(
    get,
    path = "/metrics",
    responses((status = 200, description = "Counters, gauges and the processing-latency histogram", content_type = "text/plain", body = String))
)]
async fn metrics(State(api): State<Api>) -> Response {
    api.shared.refresh_gauges();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        api.shared.metrics.encode(),
    )
        .into_response()
}

/// This API, as OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/openapi.json",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// The same API as a page a person reads: generated from the OpenAPI document, with no
/// script and nothing fetched from elsewhere (works offline, behind any firewall).
async fn docs() -> Html<String> {
    Html(render_docs(&ApiDoc::openapi()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn render_docs(doc: &utoipa::openapi::OpenApi) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} API</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         code,.m{{font-family:ui-monospace,monospace}}.op{{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}}\
         .m{{font-weight:bold;text-transform:uppercase}}td,th{{padding:.2rem .6rem;text-align:left;vertical-align:top}}</style>\
         </head><body><h1>{} API</h1><p>{}</p><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a></p>",
        escape(&doc.info.title),
        escape(&doc.info.title),
        escape(doc.info.description.as_deref().unwrap_or_default())
    ));
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("delete", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            out.push_str(&format!(
                "<section class=\"op\"><h2><span class=\"m\">{method}</span> <code>{}</code></h2>",
                escape(path)
            ));
            if let Some(summary) = &op.summary {
                out.push_str(&format!("<p>{}</p>", escape(summary)));
            }
            if let Some(description) = &op.description {
                out.push_str(&format!("<p>{}</p>", escape(description)));
            }
            if let Some(params) = &op.parameters
                && !params.is_empty()
            {
                out.push_str("<h3>Parameters</h3><table><tr><th>Name</th><th>In</th><th>Description</th></tr>");
                for p in params {
                    let location = serde_json::to_value(&p.parameter_in)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                        escape(&p.name),
                        escape(&location),
                        escape(p.description.as_deref().unwrap_or_default())
                    ));
                }
                out.push_str("</table>");
            }
            out.push_str("<h3>Responses</h3><table><tr><th>Status</th><th>Meaning</th></tr>");
            for (status, response) in &op.responses.responses {
                let description = match response {
                    utoipa::openapi::RefOr::T(r) => r.description.clone(),
                    utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
                };
                out.push_str(&format!(
                    "<tr><td><code>{}</code></td><td>{}</td></tr>",
                    escape(status),
                    escape(&description)
                ));
            }
            out.push_str("</table></section>");
        }
    }
    out.push_str("</body></html>");
    out
}
