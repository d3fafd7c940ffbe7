//! Exactly once: Meta's redeliveries, Odoo answers lost after the work was done, Odoo down
//! (retries, dead letters, alerts, replay).

use super::*;
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn the_same_webhook_five_times_is_one_chatter_message() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    let odoo = odoo(&sim.url()).await;
    let body = text("wamid.DUP1", "971502223333", "Sara", "Is this available?");
    // Five at once...
    let posts: Vec<_> = (0..5)
        .map(|_| {
            let (url, body) = (url.clone(), body.clone());
            tokio::spawn(async move { post_signed(&url, &body).await })
        })
        .collect();
    for post in posts {
        assert_eq!(
            post.await.expect("task"),
            200,
            "every redelivery is acknowledged"
        );
    }
    settle(&service, 1, Duration::from_secs(10)).await;
    // ...and five more spread over time, after it was processed.
    for _ in 0..5 {
        assert_eq!(post_signed(&url, &body).await, 200);
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    settle(&service, 1, Duration::from_secs(10)).await;
    assert_eq!(
        notes_for(&odoo, "wamid.DUP1").await.len(),
        1,
        "one chatter message"
    );
    assert_eq!(
        leads_of_phone(&odoo, "+971502223333").await.len(),
        1,
        "one lead"
    );
    let metrics = service.shared.metrics.encode();
    assert!(metrics.contains("bridge_duplicates_total 9"), "{metrics}");
    assert!(
        metrics.contains("bridge_messages_received_total 1"),
        "{metrics}"
    );
    service.stop().await;
}

#[tokio::test]
async fn answers_lost_after_odoo_did_the_work_do_not_double_anything() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = config(dir.path(), &sim.url());
    c.retry.attempts = 5;
    let service = start(c).await;
    let url = webhook_url(&service);
    let odoo = odoo(&sim.url()).await;
    // Connect first, so the lost answers hit the message's own steps.
    service.shared.linked().await.expect("connects");
    sim.set_faults(serde_json::json!({"lost_answers": [
        {"model": "res.partner", "method": "create", "times": 1},
        {"model": "crm.lead", "method": "create", "times": 1},
        {"model": "crm.lead", "method": "message_post", "times": 1},
    ]}));
    post_signed(&url, &text("wamid.LOST1", "971504445555", "Huda", "hello")).await;
    settle(&service, 1, Duration::from_secs(15)).await;
    sim.clear_faults();
    assert_eq!(
        notes_for(&odoo, "wamid.LOST1").await.len(),
        1,
        "one chatter message"
    );
    assert_eq!(
        leads_of_phone(&odoo, "+971504445555").await.len(),
        1,
        "one lead"
    );
    let partners = odoo
        .search(
            "res.partner",
            &Domain::field("phone_sanitized").eq("+971504445555"),
            &Page::default(),
            &Context::default(),
        )
        .await
        .expect("search");
    assert_eq!(partners.len(), 1, "one customer");
    let metrics = service.shared.metrics.encode();
    assert!(
        metrics.contains("bridge_retries_total 3"),
        "one retry per lost answer: {metrics}"
    );
    assert!(metrics.contains("bridge_dead_letters_total 0"), "{metrics}");
    service.stop().await;
}

/// Collects the JSON bodies POSTed to it (the admin alert webhook).
async fn alert_receiver() -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/alert",
        axum::routing::post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let sink = sink.clone();
            async move {
                sink.lock().expect("alerts").push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let url = format!("http://{}/alert", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

async fn wait_for(what: &str, within: Duration, mut check: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !check().await {
        assert!(
            start.elapsed() < within,
            "{what} did not happen within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn odoo_down_means_retries_then_dead_letters_an_alert_and_a_replay_delivers_once() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (alert_url, alerts) = alert_receiver().await;
    let mut c = config(dir.path(), &sim.url());
    c.alerts.webhook_url = alert_url;
    c.alerts.odoo_user = "admin".into();
    c.alerts.window_secs = 600;
    let service = start(c).await;
    let url = webhook_url(&service);
    let odoo = odoo(&sim.url()).await;
    service
        .shared
        .linked()
        .await
        .expect("connects while Odoo is up");
    sim.set_faults(serde_json::json!({"http_500_rate": 1.0}));
    for i in 0..3 {
        let body = text(
            &format!("wamid.DOWN{i}"),
            &format!("97150666000{i}"),
            "Down",
            "hello?",
        );
        assert_eq!(
            post_signed(&url, &body).await,
            200,
            "webhooks are still accepted"
        );
    }
    let shared = service.shared.clone();
    wait_for("three dead letters", Duration::from_secs(15), async || {
        shared
            .inbox
            .lock()
            .expect("inbox")
            .counts()
            .expect("counts")
            .dead
            == 3
    })
    .await;
    let dead = service
        .shared
        .inbox
        .lock()
        .expect("inbox")
        .dead_letters()
        .expect("dead");
    assert!(
        dead.iter().all(|m| m.attempts == 3),
        "three attempts each: {dead:?}"
    );
    assert!(
        dead.iter()
            .all(|m| m.error_kind.as_deref() == Some("server")),
        "the error is kept with its kind: {dead:?}"
    );
    let health: serde_json::Value = reqwest::get(format!("http://{}/healthz", service.addr))
        .await
        .expect("healthz")
        .json()
        .await
        .expect("json");
    assert_eq!(
        health["status"], "degraded",
        "Odoo unreachable shows in health: {health}"
    );

    let got = alerts.clone();
    wait_for("the webhook alert", Duration::from_secs(10), async || {
        !got.lock().expect("alerts").is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    {
        let got = alerts.lock().expect("alerts");
        assert_eq!(
            got.len(),
            1,
            "rate-limited: one alert in the window: {got:?}"
        );
        let text = got[0]["text"].as_str().unwrap_or_default();
        assert!(text.contains("could not reach Odoo"), "{text}");
        assert!(
            text.contains("dead-letters replay"),
            "says what to do: {text}"
        );
    }

    // Odoo is back: the alert reaches the manager's inbox, the replay delivers everything.
    sim.clear_faults();
    let bin = env!("CARGO_BIN_EXE_crm-bridge");
    let listed = std::process::Command::new(bin)
        .args(["dead-letters", "list", "--json"])
        .env("BRIDGE_DATA_DIR", dir.path())
        .env("WHATSAPP_APP_SECRET", APP_SECRET)
        .output()
        .expect("crm-bridge runs");
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).lines().count(),
        3,
        "three dead letters listed"
    );
    let replay = std::process::Command::new(bin)
        .args(["dead-letters", "replay", "--all"])
        .env("BRIDGE_DATA_DIR", dir.path())
        .output()
        .expect("crm-bridge runs");
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    assert!(String::from_utf8_lossy(&replay.stdout).contains("3 dead letter(s) queued again"));
    settle(&service, 3, Duration::from_secs(15)).await;
    for i in 0..3 {
        assert_eq!(
            notes_for(&odoo, &format!("wamid.DOWN{i}")).await.len(),
            1,
            "delivered once"
        );
    }
    let admin_partner = odoo
        .read(
            "res.users",
            &[odoo.uid()],
            &["partner_id"],
            &Context::default(),
        )
        .await
        .expect("read")[0]
        .many2one("partner_id")
        .expect("partner")
        .id;
    wait_for("the Odoo alert", Duration::from_secs(20), async || {
        !odoo
            .search(
                "mail.message",
                &Domain::field("model")
                    .eq("res.partner")
                    .and(Domain::field("res_id").eq(admin_partner))
                    .and(Domain::field("subject").ilike("could not reach Odoo")),
                &Page::default(),
                &Context::default(),
            )
            .await
            .expect("search")
            .is_empty()
    })
    .await;
    service.stop().await;
}
