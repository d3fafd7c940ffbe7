//! Connector overhead: reading 50,000 leads in pages of 500 through `Client::lead_pages`
//! (JSON-2, the sync query, decoded into `Lead`s, next page prefetched while decoding) against fetching the very same pages — same
//! requests, same server, a keep-alive reqwest client — without decoding. Side by side,
//! alternating, median of 5 rounds. Target: connector ≤ 1.15 × baseline.
//!
//! odoo-sim runs on its own core, the client on the other (see `main`).
//!
//! Run: `cargo bench -p crm-core --bench connector` (add a lead count to change 50000).

use crm_core::odoo::{Client, Context, Credentials, Domain, Options, Page, lead_fields};
use crm_core::secret::Secret;
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";
const PAGE: usize = 500;
const ROUNDS: usize = 5;

async fn through_connector(client: &Client) -> (usize, Duration) {
    let started = Instant::now();
    let rows = client
        .lead_pages(&Domain::All, PAGE, &Context::sync(), |leads| {
            std::hint::black_box(leads);
        })
        .await
        .expect("pages");
    (rows, started.elapsed())
}

async fn raw(
    http: &reqwest::Client,
    url: &str,
    client: &Client,
    starts: &[i64],
) -> (usize, Duration) {
    let fields = lead_fields(client.version());
    let started = Instant::now();
    let mut bytes = 0;
    for last in starts {
        let body = json!({
            "domain": [["id", ">", last]], "fields": fields, "offset": 0, "limit": PAGE, "order": "id asc",
            "context": {"lang": "en_US", "tz": "UTC", "active_test": false},
        });
        let resp = http
            .post(format!("{url}/json/2/crm.lead/search_read"))
            .header("Authorization", format!("bearer {KEY}"))
            .header("X-Odoo-Database", "demo")
            .json(&body)
            .send()
            .await
            .expect("page");
        bytes += resp.bytes().await.expect("body").len();
    }
    (bytes, started.elapsed())
}

/// The server gets core 0 and the client core 1 (when there are two), as if odoo-sim ran on
/// another machine: the client's decoding must not steal the server's CPU, or the
/// benchmark measures contention instead of the connector.
fn main() {
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    let (server_core, client_core) = (cores.first().copied(), cores.get(1).copied());
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .on_thread_start(move || {
            if let Some(core) = server_core {
                core_affinity::set_for_current(core);
            }
        })
        .build()
        .expect("server runtime");
    if let Some(core) = client_core {
        core_affinity::set_for_current(core);
    }
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    client.block_on(run(&server));
}

async fn run(server: &tokio::runtime::Runtime) {
    let leads: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(50_000);
    let options = odoo_sim::Options {
        seed: odoo_sim::Seed::Synthetic(leads),
        api_keys: vec![("admin".into(), KEY.into())],
        ..odoo_sim::Options::default()
    };
    let sim = server
        .spawn(async move { odoo_sim::start(&options, "127.0.0.1:0").await })
        .await
        .expect("server task")
        .expect("odoo-sim");
    let creds = Credentials {
        url: sim.url(),
        database: "demo".into(),
        login: "admin".into(),
        secret: Secret::new(KEY),
    };
    let client = Client::connect(&creds, Options::default())
        .await
        .expect("connect");
    let http = reqwest::Client::new();

    // Page boundaries, from one warm-up pass.
    let mut starts = vec![0_i64];
    loop {
        let page = Page {
            limit: Some(PAGE),
            order: Some("id asc".into()),
            ..Page::default()
        };
        let last = *starts.last().expect("start");
        let rows = client
            .leads(&Domain::field("id").gt(last), &page, &Context::sync())
            .await
            .expect("page");
        match rows.last() {
            Some(lead) if rows.len() == PAGE => starts.push(lead.id),
            _ => break,
        }
    }
    let _ = raw(&http, &sim.url(), &client, &starts).await; // warm the baseline's connection too

    let (mut ours, mut base) = (Vec::new(), Vec::new());
    let mut counted = 0;
    for _ in 0..ROUNDS {
        let (rows, t) = through_connector(&client).await;
        counted = rows;
        ours.push(t);
        base.push(raw(&http, &sim.url(), &client, &starts).await.1);
    }
    ours.sort();
    base.sort();
    let (o, b) = (ours[ROUNDS / 2], base[ROUNDS / 2]);
    println!(
        "{counted} leads in {} pages of {PAGE}, median of {ROUNDS} rounds (odoo-sim, JSON-2, loopback):",
        starts.len()
    );
    println!(
        "  connector (decoded into Lead): {o:.2?}  ({:.0} leads/s)",
        counted as f64 / o.as_secs_f64()
    );
    println!("  raw pages (bytes, no decoding): {b:.2?}");
    println!(
        "  connector / raw: {:.3}x (target <= 1.15x)",
        o.as_secs_f64() / b.as_secs_f64()
    );
}
