//! How fast odoo-sim serves a sync: every crm.lead of a 100,000-lead seed, in id-ordered
//! pages of 500 through JSON-2 `search_read` (the connector's sync query), against a
//! baseline that serves the very same response bytes pre-encoded over the same HTTP stack,
//! run side by side. Target: ≥ 50,000 rows/s, so odoo-sim is never the bottleneck of the
//! sync benchmarks.
//!
//! Run: `cargo bench -p odoo-sim --bench search_read` (add `-- 20000` for a smaller seed).

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;
use odoo_sim::{Options, Seed};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";
const PAGE: usize = 500;
const ROUNDS: usize = 3;

fn fields() -> Value {
    json!([
        "name",
        "type",
        "active",
        "stage_id",
        "user_id",
        "team_id",
        "partner_id",
        "contact_name",
        "email_from",
        "phone",
        "expected_revenue",
        "probability",
        "priority",
        "tag_ids",
        "source_id",
        "medium_id",
        "write_date",
        "create_date"
    ])
}

/// Pages through every lead; returns (rows, elapsed, the raw pages).
async fn sync_all(client: &reqwest::Client, url: &str) -> (usize, Duration, Vec<bytes::Bytes>) {
    let started = Instant::now();
    let (mut last, mut rows, mut pages) = (0_i64, 0, Vec::new());
    loop {
        let body = json!({
            "domain": [["id", ">", last]], "fields": fields(), "order": "id asc", "limit": PAGE,
            "context": {"lang": "en_US", "tz": "UTC", "active_test": false},
        });
        let resp = client
            .post(format!("{url}/json/2/crm.lead/search_read"))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .expect("page");
        assert!(resp.status().is_success(), "{}", resp.status());
        let bytes = resp.bytes().await.expect("body");
        let page: Vec<Value> = serde_json::from_slice(&bytes).expect("json");
        if page.is_empty() {
            break;
        }
        rows += page.len();
        last = page.last().and_then(|r| r["id"].as_i64()).expect("id");
        pages.push(bytes);
    }
    (rows, started.elapsed(), pages)
}

/// The same pages, pre-encoded, served by index over the same kind of request.
async fn replay(client: &reqwest::Client, url: &str, n: usize) -> Duration {
    let started = Instant::now();
    for i in 0..=n {
        let bytes = client
            .post(format!("{url}/page/{i}"))
            .bearer_auth(KEY)
            .json(&json!({"domain": [["id", ">", i]], "fields": fields(), "limit": PAGE}))
            .send()
            .await
            .expect("page")
            .bytes()
            .await
            .expect("body");
        let page: Vec<Value> = serde_json::from_slice(&bytes).expect("json");
        std::hint::black_box(page);
    }
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let leads: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let seeded = Instant::now();
    let options = Options {
        seed: Seed::Synthetic(leads),
        api_keys: vec![("admin".into(), KEY.into())],
        ..Options::default()
    };
    let sim = odoo_sim::start(&options, "127.0.0.1:0")
        .await
        .expect("odoo-sim starts");
    let seed_time = seeded.elapsed();
    let client = reqwest::Client::new();

    let (rows, _, pages) = sync_all(&client, &sim.url()).await; // warm-up, and the baseline's bytes
    let pages = Arc::new(pages);
    let empty = bytes::Bytes::from_static(b"[]");
    let app = Router::new()
        .route(
            "/page/{i}",
            post(
                |State((pages, empty)): State<(Arc<Vec<bytes::Bytes>>, bytes::Bytes)>,
                 Path(i): Path<usize>| async move {
                    (
                        [("content-type", "application/json; charset=utf-8")],
                        pages.get(i).cloned().unwrap_or(empty),
                    )
                },
            ),
        )
        .with_state((pages.clone(), empty));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let static_url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });

    let (mut sim_times, mut static_times) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (n, t, _) = sync_all(&client, &sim.url()).await;
        assert_eq!(n, rows);
        sim_times.push(t);
        static_times.push(replay(&client, &static_url, pages.len()).await);
    }
    sim_times.sort();
    static_times.sort();
    let (sim_t, static_t) = (sim_times[ROUNDS / 2], static_times[ROUNDS / 2]);
    let rate = |t: Duration| rows as f64 / t.as_secs_f64();
    println!("seed of {leads} leads built in {seed_time:.2?}");
    println!(
        "{} pages of {PAGE}, median of {ROUNDS} rounds:",
        pages.len()
    );
    println!(
        "  odoo-sim search_read : {:>9.0} rows/s ({sim_t:.2?})",
        rate(sim_t)
    );
    println!(
        "  pre-encoded baseline : {:>9.0} rows/s ({static_t:.2?})",
        rate(static_t)
    );
    println!(
        "  odoo-sim / baseline time: {:.2}x",
        sim_t.as_secs_f64() / static_t.as_secs_f64()
    );
}
