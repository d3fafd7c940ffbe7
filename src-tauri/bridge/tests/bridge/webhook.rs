//! The webhook endpoint: what Meta sends is accepted only when signed, stored, and answered
//! 200; everything else gets the documented status and stores nothing.

use super::*;
use crm_bridge::chatter;

#[tokio::test]
async fn the_handshake_echoes_the_challenge_only_with_the_right_token() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    let http = reqwest::Client::new();
    let ok = http
        .get(format!(
            "{url}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={VERIFY_TOKEN}"
        ))
        .send()
        .await
        .expect("answers");
    assert_eq!(ok.status(), 200, "Meta needs 200 to verify the callback");
    assert_eq!(
        ok.text().await.expect("body"),
        "1158201444",
        "challenge echoed as sent"
    );
    for query in [
        "hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong",
        "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=my-verify-token",
        "hub.mode=subscribe&hub.challenge=1",
    ] {
        let refused = http
            .get(format!("{url}?{query}"))
            .send()
            .await
            .expect("answers");
        assert_eq!(refused.status(), 403, "{query} must be refused");
    }
    service.stop().await;
}

#[tokio::test]
async fn signatures_are_checked_over_the_raw_bytes() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    let http = reqwest::Client::new();
    // Non-ASCII as \uXXXX escapes, as Meta sends and signs it.
    let body = fixture("text_arabic");
    assert!(
        body.contains("\\u0627"),
        "the fixture carries escaped Arabic"
    );
    assert_eq!(
        post_signed(&url, &body).await,
        200,
        "Meta's signature is accepted"
    );

    // The same JSON re-serialized (unescaped UTF-8) no longer matches Meta's signature.
    let reserialized =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&body).expect("json"))
            .expect("json");
    let meta_signature = crm_bridge::whatsapp::sign(APP_SECRET.as_bytes(), body.as_bytes());
    for (signature, payload, why) in [
        (None, body.clone(), "no signature"),
        (
            Some("sha256=00".to_owned()),
            body.clone(),
            "wrong signature",
        ),
        (
            Some(crm_bridge::whatsapp::sign(
                b"another-secret",
                body.as_bytes(),
            )),
            body.clone(),
            "another app's secret",
        ),
        (
            Some(meta_signature),
            reserialized,
            "a body that is not the signed bytes",
        ),
    ] {
        let mut request = http
            .post(&url)
            .header("content-type", "application/json")
            .body(payload);
        if let Some(signature) = signature {
            request = request.header("x-hub-signature-256", signature);
        }
        let status = request.send().await.expect("answers").status();
        assert_eq!(status, 401, "{why} must be refused with 401");
    }
    settle(&service, 1, Duration::from_secs(10)).await;
    let metrics = reqwest::get(format!("http://{}/metrics", service.addr))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("bridge_webhooks_rejected_total{kind=\"signature\"} 4"),
        "refusals are counted: {metrics}"
    );
    service.stop().await;
}

#[tokio::test]
async fn oversized_and_malformed_bodies_are_refused_and_not_stored() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = config(dir.path(), &sim.url());
    c.whatsapp.max_body_bytes = 64 * 1024;
    let service = start(c).await;
    let url = webhook_url(&service);
    let big = text("wamid.BIG", "971501234567", "Big", &"x".repeat(100 * 1024));
    assert_eq!(post_signed(&url, &big).await, 413, "over the size limit");
    assert_eq!(post_signed(&url, "{not json").await, 400, "not JSON");
    assert_eq!(
        post_signed(&url, r#"{"object":"page","entry":[]}"#).await,
        400,
        "not a WhatsApp Business Account notification"
    );
    assert_eq!(
        post_signed(&url, r#"{"object":"whatsapp_business_account","entry":[]}"#).await,
        200,
        "a valid payload without messages is acknowledged"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let counts = service.shared.counts().expect("counts");
    assert_eq!(
        (counts.pending, counts.done),
        (0, 0),
        "nothing to process: {counts:?}"
    );
    let metrics = service.shared.metrics.encode();
    assert!(
        metrics.contains("bridge_empty_payloads_total 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("bridge_webhooks_rejected_total{kind=\"malformed\"} 2"),
        "{metrics}"
    );
    service.stop().await;
}

#[test]
fn every_fixture_parses_and_reads_well_in_the_chatter() {
    let expect: &[(&str, &str)] = &[
        ("text", "Hi, I'd like a quote for the premium plan"),
        (
            "image",
            "Image (image/jpeg, media id 1234567890123456)\nPhoto of the damaged part",
        ),
        (
            "document",
            "Document \u{201c}proposal-2026-11.pdf\u{201d} (application/pdf, media id 2233445566778899)\nSigned proposal",
        ),
        (
            "audio",
            "Voice message (audio/ogg; codecs=opus, media id 3344556677889900)",
        ),
        (
            "video",
            "Video (video/mp4, media id 4455667788990011)\nUnboxing",
        ),
        ("sticker", "Sticker (image/webp, media id 5566778899001122)"),
        (
            "interactive_button_reply",
            "Chose \u{201c}Book a demo\u{201d}",
        ),
        (
            "interactive_list_reply",
            "Chose \u{201c}Premium\u{201d} (Up to 50 users)",
        ),
        ("button", "Tapped \u{201c}Stop promotions\u{201d}"),
        (
            "location",
            "Location: https://maps.google.com/?q=-23.561684,-46.655981\nAv. Paulista office\nAv. Paulista, 1000 - São Paulo",
        ),
        (
            "contacts",
            "Shared 1 contact card(s):\n- Bruno Lima: +55 21 99876-5432, bruno@example.com",
        ),
        (
            "reaction",
            "Reacted \u{1f44d} to message wamid.YOUR-MESSAGE",
        ),
        (
            "reaction_removed",
            "Removed their reaction to message wamid.YOUR-MESSAGE",
        ),
        ("unsupported_order", "unsupported message type order"),
        ("text_username_only", "oi"),
        ("text_arabic", "السلام عليكم، أريد عرض سعر"),
    ];
    for (name, content) in expect {
        let parsed = crm_bridge::whatsapp::parse(fixture(name).as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.messages.len(), 1, "{name}: one message");
        let inbound = &parsed.messages[0];
        assert_eq!(chatter::content(&inbound.message), *content, "{name}");
        let note = chatter::note(inbound, None);
        assert!(
            note.contains(&inbound.message.id),
            "{name}: the note names the WhatsApp id"
        );
    }
    let username =
        crm_bridge::whatsapp::parse(fixture("text_username_only").as_bytes()).expect("parses");
    assert_eq!(
        username.messages[0].sender_key(),
        "BR.73019466182200451937",
        "a sender without a phone is known by the business-scoped user id"
    );
    let two = crm_bridge::whatsapp::parse(fixture("two_senders").as_bytes()).expect("parses");
    let senders: Vec<_> = two
        .messages
        .iter()
        .map(|m| (m.sender_key(), m.profile_name.as_deref()))
        .collect();
    assert_eq!(
        senders,
        [
            ("5511987654321", Some("Ana Souza")),
            ("5521998765432", Some("Bruno"))
        ],
        "contacts are matched by id, not by position"
    );
    for status in ["sent", "delivered", "read", "failed"] {
        let parsed = crm_bridge::whatsapp::parse(fixture(&format!("status_{status}")).as_bytes())
            .expect("parses");
        assert!(parsed.messages.is_empty(), "a receipt is not a message");
        assert_eq!(parsed.statuses[0].status, status);
    }
}

#[tokio::test]
async fn receipts_are_recorded_once_and_make_no_lead() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    for name in [
        "status_sent",
        "status_delivered",
        "status_read",
        "status_failed",
        "status_read",
    ] {
        assert_eq!(post_signed(&url, &fixture(name)).await, 200, "{name}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let counts = service.shared.counts().expect("counts");
    assert_eq!(
        counts.statuses, 4,
        "(id, status) recorded once each: {counts:?}"
    );
    assert_eq!(counts.pending + counts.done, 0, "no message, so no lead");
    let metrics = service.shared.metrics.encode();
    assert!(
        metrics.contains("bridge_statuses_total{kind=\"failed\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("bridge_duplicates_total 1"), "{metrics}");
    service.stop().await;
}

#[tokio::test]
async fn health_metrics_and_api_docs_are_served() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let base = format!("http://{}", service.addr);
    let health: serde_json::Value = reqwest::get(format!("{base}/healthz"))
        .await
        .expect("healthz")
        .json()
        .await
        .expect("json");
    assert_eq!(health["inbox"]["writable"], true, "{health}");
    let openapi: serde_json::Value = reqwest::get(format!("{base}/openapi.json"))
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    for path in [
        "/webhooks/whatsapp",
        "/healthz",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} documented");
    }
    assert!(openapi["paths"]["/webhooks/whatsapp"]["post"]["responses"]["401"].is_object());
    let docs = reqwest::get(format!("{base}/docs"))
        .await
        .expect("docs")
        .text()
        .await
        .expect("text");
    assert!(
        docs.contains("/webhooks/whatsapp") && docs.contains("401"),
        "readable docs"
    );
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .expect("metrics");
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.expect("text");
    assert!(text.contains("bridge_processing_latency_seconds"), "{text}");
    service.stop().await;
}
