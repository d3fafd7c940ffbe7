//! Crash safety: the real crm-bridge binary killed with SIGKILL at seeded random moments
//! while it processes a burst (with Meta redelivering what it sent while the bridge was down),
//! restarted each time; at the end every message is in Odoo exactly once.

use super::*;
use rand::{Rng, SeedableRng};

/// 7 by default; `BRIDGE_CRASH_SEED=random` or a number.
fn seed() -> u64 {
    match std::env::var("BRIDGE_CRASH_SEED").ok().as_deref() {
        None => 7,
        Some("random") => rand::random(),
        Some(n) => n
            .parse()
            .expect("BRIDGE_CRASH_SEED is a number or \"random\""),
    }
}

struct Bridge {
    child: std::process::Child,
    url: String,
}

/// The bridge binary configured for odoo-sim at `odoo_url`, listening on `port`.
fn command(dir: &Path, odoo_url: &str, port: u16) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_crm-bridge"));
    command
        .env("BRIDGE_LISTEN", format!("127.0.0.1:{port}"))
        .env("BRIDGE_DATA_DIR", dir)
        .env("WHATSAPP_APP_SECRET", APP_SECRET)
        .env("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)
        .env("ODOO_URL", odoo_url)
        .env("ODOO_DB", "demo")
        .env("ODOO_LOGIN", "admin")
        .env("ODOO_API_KEY", ADMIN_KEY);
    command
}

/// Waits until the bridge on `port` answers its health check.
async fn listening(port: u16) {
    let health = format!("http://127.0.0.1:{port}/healthz");
    let start = Instant::now();
    while reqwest::get(&health).await.is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "crm-bridge listens"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn launch(dir: &Path, odoo_url: &str, port: u16) -> Bridge {
    let child = command(dir, odoo_url, port)
        .env("BRIDGE_RETRY__BASE_MS", "50")
        .env("BRIDGE_RETRY__MAX_MS", "200")
        .env("BRIDGE_RETRY__ATTEMPTS", "100")
        .env("BRIDGE_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("crm-bridge starts");
    listening(port).await;
    Bridge {
        child,
        url: format!("http://127.0.0.1:{port}/webhooks/whatsapp"),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_every_message_lands_exactly_once() {
    let seed = seed();
    eprintln!("crash test seed {seed} (BRIDGE_CRASH_SEED={seed} replays it)");
    let mut dice = rand::rngs::StdRng::seed_from_u64(seed);
    let sim = sim().await;
    let odoo = odoo(&sim.url()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let senders = 6;
    let per_sender = 5;
    let all: Vec<(String, String)> = (0..senders)
        .flat_map(|s| {
            (0..per_sender).map(move |m| (format!("wamid.CRASH{s}x{m}"), format!("97150777{s:04}")))
        })
        .collect();
    let mut acknowledged = vec![false; all.len()];
    let mut bridge = launch(dir.path(), &sim.url(), port).await;
    for round in 0..6 {
        // Post the messages not yet acknowledged, plus a few redeliveries of acknowledged ones.
        let http = reqwest::Client::new();
        for (i, (wamid, phone)) in all.iter().enumerate() {
            if acknowledged[i] && !dice.random_bool(0.2) {
                continue;
            }
            let body = text(wamid, phone, "Crash Test", &format!("message {wamid}"));
            let signature = crm_bridge::whatsapp::sign(APP_SECRET.as_bytes(), body.as_bytes());
            let sent = http
                .post(&bridge.url)
                .header("x-hub-signature-256", signature)
                .body(body)
                .send()
                .await;
            if sent.is_ok_and(|r| r.status() == 200) {
                acknowledged[i] = true;
            }
        }
        let kill_after = Duration::from_millis(dice.random_range(5..250));
        tokio::time::sleep(kill_after).await;
        bridge.child.kill().expect("SIGKILL");
        bridge.child.wait().expect("reaped");
        eprintln!("round {round}: killed after {kill_after:?}");
        bridge = launch(dir.path(), &sim.url(), port).await;
    }
    // Whatever Meta never got a 200 for, it sends again; then the bridge runs undisturbed.
    for (i, (wamid, phone)) in all.iter().enumerate() {
        if !acknowledged[i] {
            let body = text(wamid, phone, "Crash Test", &format!("message {wamid}"));
            let signature = crm_bridge::whatsapp::sign(APP_SECRET.as_bytes(), body.as_bytes());
            let r = reqwest::Client::new()
                .post(&bridge.url)
                .header("x-hub-signature-256", signature)
                .body(body)
                .send()
                .await
                .expect("posts");
            assert_eq!(r.status(), 200);
        }
    }
    let start = Instant::now();
    loop {
        let mut missing = 0;
        for (wamid, _) in &all {
            let n = notes_for(&odoo, wamid).await.len();
            assert!(n <= 1, "seed {seed}: {wamid} is in Odoo {n} times");
            missing += usize::from(n == 0);
        }
        if missing == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "seed {seed}: {missing} messages never reached Odoo"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for s in 0..senders {
        let phone = format!("+97150777{s:04}");
        let leads = leads_of_phone(&odoo, &phone).await;
        assert_eq!(leads.len(), 1, "seed {seed}: sender {phone} has one lead");
        let partners = odoo
            .search(
                "res.partner",
                &Domain::field("phone_sanitized").eq(phone.clone()),
                &Page::default(),
                &Context::default(),
            )
            .await
            .expect("search");
        assert_eq!(
            partners.len(),
            1,
            "seed {seed}: sender {phone} is one customer"
        );
    }
    bridge.child.kill().expect("stop");
    let _ = bridge.child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_delivery_in_flight_and_secrets_stay_out_of_the_log() {
    let sim = sim().await;
    let odoo = odoo(&sim.url()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let child = command(dir.path(), &sim.url(), port)
        .env("BRIDGE_LOG", "trace")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("crm-bridge starts");
    listening(port).await;
    // Every Odoo answer now takes 700 ms: the delivery is in flight when SIGTERM arrives.
    sim.set_faults(serde_json::json!({"latency_ms": 700}));
    let url = format!("http://127.0.0.1:{port}/webhooks/whatsapp");
    assert_eq!(
        post_signed(&url, &text("wamid.TERM1", "971508889999", "Term", "hi")).await,
        200
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = child.id().to_string();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(term.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("exits");
    assert!(
        output.status.success(),
        "a clean exit on SIGTERM: {:?}",
        output.status
    );
    sim.clear_faults();
    assert_eq!(
        notes_for(&odoo, "wamid.TERM1").await.len(),
        1,
        "the delivery in flight was finished before exiting"
    );
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("stopped"), "the log says it stopped: {log}");
    for secret in [APP_SECRET, VERIFY_TOKEN, ADMIN_KEY] {
        assert!(!log.contains(secret), "a secret appeared in the trace log");
    }
    for entry in std::fs::read_dir(dir.path()).expect("data dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).unwrap_or_default();
        for secret in [APP_SECRET, VERIFY_TOKEN, ADMIN_KEY] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret was written to the data folder"
            );
        }
    }
}
