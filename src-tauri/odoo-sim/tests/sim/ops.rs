use crate::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

#[tokio::test]
async fn data_file_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options("19.0");
    opts.data = Some(dir.path().join("sim.sqlite3"));
    let first = odoo_sim::router(odoo_sim::build(&opts).expect("build"));
    let id = j2(
        &first,
        ADMIN_KEY,
        "crm.lead",
        "create",
        json!({"vals_list": {"name": "kept"}}),
    )
    .await
    .json()[0]
        .as_i64()
        .expect("id");
    j2(
        &first,
        ADMIN_KEY,
        "crm.lead",
        "message_post",
        json!({"ids": [id], "body": "hello"}),
    )
    .await;
    drop(first);
    opts.seed = Seed::Demo; // ignored: the file already holds a database
    let second = odoo_sim::router(odoo_sim::build(&opts).expect("rebuild"));
    let rows = j2(
        &second,
        ADMIN_KEY,
        "crm.lead",
        "search_read",
        json!({"domain": [], "fields": ["name", "message_ids"]}),
    )
    .await
    .json();
    assert_eq!(
        rows.as_array().map(Vec::len),
        Some(1),
        "the saved database is loaded, not re-seeded: {rows}"
    );
    assert_eq!(rows[0]["name"], "kept");
    assert_eq!(rows[0]["message_ids"].as_array().map(Vec::len), Some(1));
    let next = j2(
        &second,
        ADMIN_KEY,
        "crm.lead",
        "create",
        json!({"vals_list": {"name": "next"}}),
    )
    .await
    .json();
    assert!(
        next[0].as_i64() > Some(id),
        "ids keep counting after a restart"
    );
    opts.version = "18.0".parse().expect("v");
    let err = odoo_sim::build(&opts)
        .err()
        .expect("a 19.0 file does not open as 18.0");
    assert!(err.to_string().contains("--odoo-version 19.0"), "{err}");
}

#[tokio::test]
async fn fault_injection_is_off_unless_asked() {
    let app = app("19.0");
    let reply = send(
        &app,
        Request::post("/__sim/faults")
            .body(Body::from("{}"))
            .expect("req"),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::NOT_FOUND,
        "no fault endpoint without --faults"
    );
}

#[tokio::test]
async fn injected_faults() {
    let mut opts = options("19.0");
    opts.faults = true;
    let app = odoo_sim::router(odoo_sim::build(&opts).expect("build"));
    let set = |plan: serde_json::Value| {
        Request::post("/__sim/faults")
            .body(Body::from(plan.to_string()))
            .expect("req")
    };
    let plan = json!({"rpc_errors": [{"model": "crm.lead", "method": "write", "error": "validation", "message": "Injected"}]});
    assert_eq!(send(&app, set(plan)).await.status, StatusCode::NO_CONTENT);
    let reply = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "write",
        json!({"ids": [1], "vals": {}}),
    )
    .await;
    assert_eq!(
        (reply.status, reply.json()["message"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("Injected"))
    );
    send(&app, set(json!({"http_500_rate": 1.0}))).await;
    let reply = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "search_count",
        json!({"domain": []}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    send(&app, set(json!({"latency_ms": 150}))).await;
    let started = std::time::Instant::now();
    assert_eq!(
        j2(
            &app,
            ADMIN_KEY,
            "crm.lead",
            "search_count",
            json!({"domain": []})
        )
        .await
        .status,
        StatusCode::OK
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(150),
        "latency is added"
    );
    let bad = send(&app, set(json!({"http_500_rate": 2.0}))).await;
    assert_eq!(
        bad.status,
        StatusCode::BAD_REQUEST,
        "rates are shares between 0 and 1"
    );
    let unknown = send(&app, set(json!({"bogus": 1}))).await;
    assert_eq!(
        unknown.status,
        StatusCode::BAD_REQUEST,
        "unknown knobs are refused, not ignored"
    );
}

#[tokio::test]
async fn a_dropped_connection_closes_without_an_answer() {
    let mut opts = options("19.0");
    opts.faults = true;
    let running = odoo_sim::start(&opts, "127.0.0.1:0").await.expect("start");
    let faults = running.sim.faults.clone().expect("faults on");
    faults
        .set(serde_json::from_value(json!({"drop_rate": 1.0})).expect("plan"))
        .expect("set");
    let mut stream = tokio::net::TcpStream::connect(running.addr)
        .await
        .expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = r#"{"jsonrpc":"2.0","method":"call","id":1,"params":{"service":"common","method":"version","args":[]}}"#;
    let request = format!(
        "POST /jsonrpc HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut buf),
    )
    .await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "the connection closes with no response: {:?}",
        String::from_utf8_lossy(&buf)
    );
}

#[tokio::test]
async fn seeds() {
    let mut opts = options("19.0");
    opts.seed = Seed::Demo;
    let app = odoo_sim::router(odoo_sim::build(&opts).expect("build"));
    let all = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "search_count",
        json!({"domain": [], "context": {"active_test": false}}),
    )
    .await
    .json();
    assert_eq!(all, 300, "the demo has ~300 leads");
    let arabic = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "search_count",
        json!({"domain": [["contact_name", "ilike", "محمد"]], "context": {"active_test": false}}),
    )
    .await
    .json();
    assert!(arabic.as_i64() > Some(0), "Arabic names are in the demo");
    let whatsapp = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "search_count",
        json!({"domain": [["source_id.name", "=", "WhatsApp"]], "context": {"active_test": false}}),
    )
    .await
    .json();
    assert!(
        whatsapp.as_i64() > Some(50),
        "many demo leads come from WhatsApp: {whatsapp}"
    );
    for (label, domain) in [
        ("won", json!([["won_status", "=", "won"]])),
        ("lost", json!([["active", "=", false]])),
        ("unassigned", json!([["user_id", "=", false]])),
    ] {
        let n = j2(
            &app,
            ADMIN_KEY,
            "crm.lead",
            "search_count",
            json!({"domain": domain, "context": {"active_test": false}}),
        )
        .await
        .json();
        assert!(n.as_i64() > Some(0), "the demo has {label} leads");
    }
    opts.seed = Seed::Synthetic(2000);
    let app = odoo_sim::router(odoo_sim::build(&opts).expect("build"));
    assert_eq!(
        j2(
            &app,
            ADMIN_KEY,
            "crm.lead",
            "search_count",
            json!({"domain": []})
        )
        .await
        .json(),
        2000
    );
}
