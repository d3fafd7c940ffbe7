//! crm-bridge end to end: real HTTP on loopback, a real SQLite inbox in a temp folder, and
//! odoo-sim in-process standing in for Odoo.
//! Module index:
//! - `webhook`: signature, handshake, size limit, malformed bodies, every fixture type.
//! - `leads`: one lead per new sender, messages appended, won/lost opens a new lead,
//!   configured source/medium/tag/team/salesperson and round robin.
//! - `exactly_once`: redeliveries (concurrent and spread), lost answers, Odoo down → retries,
//!   dead letters, alerts, replay.
//! - `crash`: kill -9 of the real binary at seeded random points while a burst is processed.

mod crash;
mod exactly_once;
mod leads;
mod webhook;

use crm_bridge::{Config, Service};
use crm_core::odoo::{Client, Context, Credentials, Domain, Options, Page};
use crm_core::secret::Secret;
use std::path::Path;
use std::time::{Duration, Instant};

pub const ADMIN_KEY: &str = "0123456789abcdef0123456789abcdef01234567";
pub const APP_SECRET: &str = "test-app-secret";
pub const VERIFY_TOKEN: &str = "my-verify-token";

pub async fn sim() -> odoo_sim::Running {
    odoo_sim::quiet_injected_drops();
    let options = odoo_sim::Options {
        api_keys: vec![("admin".into(), ADMIN_KEY.into())],
        faults: true,
        ..odoo_sim::Options::default()
    };
    odoo_sim::start(&options, "127.0.0.1:0")
        .await
        .expect("odoo-sim starts")
}

/// A configuration for a bridge in `dir` against `odoo_url`, with quick retries. Everything
/// is set explicitly: the environment of the test run (e.g. a live ODOO_URL) must not leak in.
pub fn config(dir: &Path, odoo_url: &str) -> Config {
    let mut c = Config::load(None).expect("defaults");
    c.listen = "127.0.0.1:0".into();
    c.data_dir = dir.to_path_buf();
    c.inbox_path = None;
    c.whatsapp.app_secret = Some(Secret::new(APP_SECRET));
    c.whatsapp.verify_token = Some(Secret::new(VERIFY_TOKEN));
    c.whatsapp.max_body_bytes = 4 * 1024 * 1024;
    c.odoo.url = Some(odoo_url.into());
    c.odoo.db = Some("demo".into());
    c.odoo.login = Some("admin".into());
    c.odoo.api_key = Some(Secret::new(ADMIN_KEY));
    c.odoo.api_key_file = None;
    c.odoo.timeout_secs = 5;
    c.leads.source = "WhatsApp".into();
    c.leads.medium = "WhatsApp".into();
    c.leads.tag = "WhatsApp".into();
    c.leads.team = String::new();
    c.leads.salesperson = String::new();
    c.leads.round_robin = false;
    c.leads.kind = "auto".into();
    c.retry.attempts = 3;
    c.retry.base_ms = 50;
    c.retry.max_ms = 200;
    c.alerts.odoo_user = String::new();
    c.alerts.webhook_url = String::new();
    c.alerts.window_secs = 600;
    c.workers = 8;
    c
}

pub async fn start(config: Config) -> Service {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    Service::start(config, listener)
        .await
        .expect("the bridge starts")
}

pub fn webhook_url(service: &Service) -> String {
    format!("http://{}/webhooks/whatsapp", service.addr)
}

/// Posts `body` signed with the test app secret; returns the status.
pub async fn post_signed(url: &str, body: &str) -> u16 {
    let signature = crm_bridge::whatsapp::sign(APP_SECRET.as_bytes(), body.as_bytes());
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature)
        .body(body.to_owned())
        .send()
        .await
        .expect("the bridge answers")
        .status()
        .as_u16()
}

/// A text message webhook from `wa_id`.
pub fn text(wamid: &str, wa_id: &str, name: &str, body: &str) -> String {
    crm_bridge::whatsapp::text_webhook(wamid, wa_id, name, body, 1_764_150_000)
}

pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Waits until `done` messages are in Odoo and none is pending (or fails after `within`).
pub async fn settle(service: &Service, done: u64, within: Duration) {
    let start = Instant::now();
    loop {
        let counts = service.shared.counts().expect("counts");
        if counts.done >= done && counts.pending == 0 && counts.unexpanded == 0 {
            assert_eq!(
                counts.done, done,
                "exactly the expected messages were delivered"
            );
            return;
        }
        assert!(
            start.elapsed() < within,
            "messages not delivered within {within:?}: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An admin connection to odoo-sim, to look at what the bridge did.
pub async fn odoo(url: &str) -> Client {
    Client::connect(
        &Credentials {
            url: url.into(),
            database: "demo".into(),
            login: "admin".into(),
            secret: Secret::new(ADMIN_KEY),
        },
        Options::default(),
    )
    .await
    .expect("admin connects")
}

/// Chatter messages carrying a WhatsApp message id's key.
pub async fn notes_for(odoo: &Client, wamid: &str) -> Vec<(i64, i64, String)> {
    let key = crm_core::odoo::chatter_key(wamid);
    odoo.search_read(
        "mail.message",
        &Domain::field("message_id").eq(key),
        &["res_id", "body", "model"],
        &Page::default(),
        &Context::default(),
    )
    .await
    .expect("search notes")
    .iter()
    .map(|r| (r.id(), r.int("res_id"), r.text("body").unwrap_or_default()))
    .collect()
}

/// Leads (including archived ones) whose customer has this phone.
pub async fn leads_of_phone(odoo: &Client, e164: &str) -> Vec<crm_core::odoo::Record> {
    odoo.search_read(
        "crm.lead",
        &Domain::field("partner_id.phone_sanitized").eq(e164),
        &[
            "name",
            "partner_id",
            "source_id",
            "medium_id",
            "tag_ids",
            "team_id",
            "user_id",
            "description",
            "contact_name",
            "phone",
            "active",
        ],
        &Page {
            order: Some("id".into()),
            ..Page::default()
        },
        &Context::sync(),
    )
    .await
    .expect("search leads")
}
