//! crm-bridge's numbers (BENCHMARKS.md), run with
//! `cargo bench -p crm-bridge --bench webhooks`:
//!
//! 1. Ingest: signed webhook POSTs answered 200 (verified, parsed, committed to the inbox
//!    with synchronous=FULL) per second by 32 concurrent loopback clients for 5 s, with p50
//!    and p99 latency; side by side with the baseline, an axum endpoint that answers 200 to
//!    the same requests without checking or storing anything. The worker runs meanwhile,
//!    delivering to an odoo-sim that answers after 200 ms (a remote Odoo).
//! 2. End to end at a steady 50 messages/s for 10 s: webhook received → chatter note in
//!    odoo-sim (Odoo's answer to message_post), median and p95; baseline: the same Odoo calls
//!    (look up note, customer, open lead; post) made directly, one message at a time.

use crm_bridge::{Config, Service};
use crm_core::crm::WhatsAppContact;
use crm_core::odoo::{Client, Credentials, Options, chatter_key};
use crm_core::secret::Secret;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";
const SECRET: &str = "bench-app-secret";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Load {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_200: usize,
}

/// 32 clients posting signed bodies for `secs` on their own runtime: as fast as answers come
/// (`rate` = None), or together `rate` requests per second.
fn load(url: String, secs: u64, rate: Option<u32>) -> Load {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");
    runtime.block_on(async move {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .expect("client");
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut tasks = Vec::new();
        for c in 0..32 {
            let (http, url) = (http.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut bad = 0;
                let mut n = 0u64;
                let mut tick = rate.map(|r| {
                    let mut t = tokio::time::interval(Duration::from_secs_f64(32.0 / f64::from(r)));
                    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    t
                });
                while Instant::now() < deadline {
                    if let Some(t) = tick.as_mut() {
                        t.tick().await;
                    }
                    n += 1;
                    // 50 senders, unique message ids: the worker appends to existing leads.
                    let body = crm_bridge::whatsapp::text_webhook(
                        &format!("wamid.bench{c}x{n}"),
                        &format!("9715088{:05}", (c * 7 + n) % 50),
                        "Bench Customer",
                        "Hello, I would like a quote for twenty seats",
                        1_764_150_000,
                    );
                    let signature = crm_bridge::whatsapp::sign(SECRET.as_bytes(), body.as_bytes());
                    let start = Instant::now();
                    let response = http
                        .post(&url)
                        .header("content-type", "application/json")
                        .header("x-hub-signature-256", signature)
                        .body(body)
                        .send()
                        .await;
                    latencies.push(start.elapsed().as_secs_f64() * 1000.0);
                    if !response.is_ok_and(|r| r.status() == 200) {
                        bad += 1;
                    }
                }
                (latencies, bad)
            }));
        }
        let mut all = Vec::new();
        let mut non_200 = 0;
        for t in tasks {
            let (l, b) = t.await.expect("client task");
            all.extend(l);
            non_200 += b;
        }
        all.sort_by(f64::total_cmp);
        Load {
            per_second: all.len() as f64 / secs as f64,
            p50_ms: percentile(&all, 0.5),
            p99_ms: percentile(&all, 0.99),
            non_200,
        }
    })
}

fn config(dir: &std::path::Path, odoo_url: &str) -> Config {
    let mut c = Config::load(None).expect("defaults");
    c.data_dir = dir.to_path_buf();
    c.inbox_path = None;
    c.whatsapp.app_secret = Some(Secret::new(SECRET));
    c.odoo.url = Some(odoo_url.into());
    c.odoo.db = Some("demo".into());
    c.odoo.login = Some("admin".into());
    c.odoo.api_key = Some(Secret::new(KEY));
    c.odoo.api_key_file = None;
    c.alerts.odoo_user = String::new();
    c.alerts.webhook_url = String::new();
    c
}

fn main() {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    let sim = server.block_on(async {
        odoo_sim::start(
            &odoo_sim::Options {
                api_keys: vec![("admin".into(), KEY.into())],
                ..odoo_sim::Options::default()
            },
            "127.0.0.1:0",
        )
        .await
        .expect("odoo-sim")
    });

    // 1. Ingest, baseline and bridge alternately, three rounds each.
    let baseline_url = server.block_on(async {
        let app = axum::Router::new().route(
            "/webhooks/whatsapp",
            axum::routing::post(|_body: axum::body::Bytes| async { "EVENT_RECEIVED" }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        let url = format!(
            "http://{}/webhooks/whatsapp",
            listener.local_addr().expect("addr")
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    });
    // Odoo is another machine in production: its CPU is not the bridge's. Here it shares our
    // two cores, so during the ingest runs the worker talks to an odoo-sim that answers after
    // 200 ms (a remote Odoo), keeping the simulator's own work off the measurement.
    let remote = server.block_on(async {
        let remote = odoo_sim::start(
            &odoo_sim::Options {
                api_keys: vec![("admin".into(), KEY.into())],
                faults: true,
                ..odoo_sim::Options::default()
            },
            "127.0.0.1:0",
        )
        .await
        .expect("odoo-sim");
        reqwest::Client::new()
            .post(format!("{}/__sim/faults", remote.url()))
            .json(&serde_json::json!({"latency_ms": 200}))
            .send()
            .await
            .expect("fault plan");
        remote
    });
    let start_bridge = |dir: &std::path::Path| {
        server.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("port");
            Service::start(config(dir, &remote.url()), listener)
                .await
                .expect("bridge")
        })
    };
    println!("ingest: 32 concurrent clients, 5 s per run, a fresh inbox per bridge run");
    for round in 1..=3 {
        for (rate, label) in [(Some(2000), "at 2,000/s"), (None, "flat out")] {
            let r = load(baseline_url.clone(), 5, rate);
            println!(
                "  round {round} {label:<10} {:<20} {:>7.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  non-200 {}",
                "baseline (bare 200)", r.per_second, r.p50_ms, r.p99_ms, r.non_200
            );
            let dir = tempfile::tempdir().expect("temp dir");
            let service = start_bridge(dir.path());
            let r = load(
                format!("http://{}/webhooks/whatsapp", service.addr),
                5,
                rate,
            );
            println!(
                "  round {round} {label:<10} {:<20} {:>7.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  non-200 {}",
                "crm-bridge", r.per_second, r.p50_ms, r.p99_ms, r.non_200
            );
            server.block_on(service.stop());
        }
    }
    drop(remote);

    // 2. End to end at 50 messages/s, on a fresh inbox.
    let dir = tempfile::tempdir().expect("temp dir");
    let service = server.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        Service::start(config(dir.path(), &sim.url()), listener)
            .await
            .expect("bridge")
    });
    let url = format!("http://{}/webhooks/whatsapp", service.addr);
    let total = 500;
    server.block_on(async {
        let http = reqwest::Client::new();
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for n in 0..total {
            tick.tick().await;
            let body = crm_bridge::whatsapp::text_webhook(
                &format!("wamid.e2e{n}"),
                // 100 senders: new customers and leads at first, then appends.
                &format!("9715099{:05}", n % 100),
                "E2E Customer",
                "Hello, is the premium plan available?",
                1_764_150_000,
            );
            let signature = crm_bridge::whatsapp::sign(SECRET.as_bytes(), body.as_bytes());
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                let _ = http
                    .post(&url)
                    .header("x-hub-signature-256", signature)
                    .body(body)
                    .send()
                    .await;
            });
        }
        loop {
            let counts = service.shared.counts().expect("counts");
            if counts.done as usize >= total {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut e2e: Vec<f64> = service
        .shared
        .inbox
        .lock()
        .expect("inbox")
        .delivery_latencies_ms()
        .expect("latencies")
        .into_iter()
        .map(|ms| ms as f64)
        .collect();
    e2e.sort_by(f64::total_cmp);
    server.block_on(service.stop());

    // Baseline: the same Odoo calls, made directly, one message at a time.
    let direct: Vec<f64> = server.block_on(async {
        let client = Arc::new(
            Client::connect(
                &Credentials {
                    url: sim.url(),
                    database: "demo".into(),
                    login: "admin".into(),
                    secret: Secret::new(KEY),
                },
                Options::default(),
            )
            .await
            .expect("connects"),
        );
        let mut out = Vec::new();
        for n in 0..200 {
            let wa_id = format!("9715097{:05}", n % 100);
            let start = Instant::now();
            let key = chatter_key(&format!("wamid.direct{n}"));
            let _ = client.chatter_message_by_key(&key).await.expect("lookup");
            let contact = WhatsAppContact {
                user_id: None,
                wa_id: Some(wa_id.clone()),
                phone_e164: Some(format!("+{wa_id}")),
                profile_name: Some("Direct".into()),
            };
            let (partner, _) = client
                .find_or_create_customer(&contact)
                .await
                .expect("partner");
            let lead = match client.open_lead_of(partner).await.expect("lead") {
                Some(l) => l,
                None => client
                    .create_inbound_lead(&crm_core::odoo::InboundLead {
                        name: "WhatsApp: direct".into(),
                        partner_id: partner,
                        description: "hello".into(),
                        ..Default::default()
                    })
                    .await
                    .expect("create"),
            };
            client
                .post_keyed_note(lead, "hello", &key)
                .await
                .expect("post");
            out.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        out
    });
    let mut direct = direct;
    direct.sort_by(f64::total_cmp);
    println!("end to end: {total} messages at 50/s from 100 senders");
    println!(
        "  crm-bridge (webhook received → note in odoo-sim)  median {:>6.1} ms  p95 {:>6.1} ms",
        percentile(&e2e, 0.5),
        percentile(&e2e, 0.95)
    );
    println!(
        "  baseline (the same Odoo calls, direct)           median {:>6.1} ms  p95 {:>6.1} ms",
        percentile(&direct, 0.5),
        percentile(&direct, 0.95)
    );
    drop(sim);
}
