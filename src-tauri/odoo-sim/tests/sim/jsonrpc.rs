use crate::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

#[tokio::test]
async fn version_login_and_errors_per_version() {
    for (version, code, mobile) in [
        ("16.0", 200, true),
        ("17.0", 200, true),
        ("18.0", 200, true),
        ("19.0", 0, false),
    ] {
        let app = app(version);
        let v = rpc(&app, "common", "version", json!([])).await;
        assert_eq!(v["result"]["server_serie"], version);
        assert_eq!(
            rpc(&app, "common", "login", json!(["demo", "admin", "admin"])).await["result"],
            2
        );
        assert_eq!(
            rpc(&app, "common", "login", json!(["demo", "admin", "wrong"])).await["result"],
            false,
            "bad credentials: false, not an error"
        );
        assert_eq!(
            rpc(
                &app,
                "common",
                "authenticate",
                json!(["demo", "sales1", SALES1_KEY, {}])
            )
            .await["result"],
            3,
            "API keys work as passwords"
        );
        let denied = rpc(
            &app,
            "object",
            "execute_kw",
            json!(["demo", 2, "wrong", "crm.lead", "search", [[]]]),
        )
        .await;
        assert_eq!(
            denied["error"]["code"], code,
            "{version}: JSON-RPC error code"
        );
        assert_eq!(denied["error"]["message"], "Odoo Server Error");
        assert_eq!(
            denied["error"]["data"]["name"],
            "odoo.exceptions.AccessDenied"
        );
        assert_eq!(denied["error"]["data"]["message"], "Access Denied");
        let fields = execute_kw(
            &app,
            "crm.lead",
            "fields_get",
            json!([]),
            json!({"attributes": ["type"]}),
        )
        .await;
        assert_eq!(
            fields["result"].get("mobile").is_some(),
            mobile,
            "{version}: mobile exists up to 18"
        );
        let json2 = send(
            &app,
            Request::post("/json/2/crm.lead/search")
                .body(Body::from("{}"))
                .expect("req"),
        )
        .await;
        assert_eq!(
            json2.status == StatusCode::NOT_FOUND,
            version != "19.0",
            "{version}: JSON-2 only from 19"
        );
    }
}

#[tokio::test]
async fn execute_kw_shapes() {
    let app = app("18.0");
    let one = execute_kw(
        &app,
        "crm.lead",
        "create",
        json!([{"name": "single"}]),
        json!({}),
    )
    .await;
    let id = one["result"]
        .as_i64()
        .expect("create with a dict returns an int over JSON-RPC");
    let many = execute_kw(
        &app,
        "crm.lead",
        "create",
        json!([[{"name": "a"}, {"name": "b"}]]),
        json!({}),
    )
    .await;
    assert_eq!(
        many["result"].as_array().map(Vec::len),
        Some(2),
        "a list of dicts returns a list"
    );
    let rows = execute_kw(
        &app,
        "crm.lead",
        "search_read",
        json!([[["id", "=", id]]]),
        json!({"fields": ["name", "stage_id"], "context": {"lang": "en_US"}}),
    )
    .await;
    assert_eq!(rows["result"][0]["name"], "single");
    let post = execute_kw(
        &app,
        "crm.lead",
        "message_post",
        json!([[id]]),
        json!({"body": "note", "subtype_xmlid": "mail.mt_note"}),
    )
    .await;
    assert!(
        post["result"].is_i64(),
        "≤18 message_post returns an int: {post}"
    );
    let unknown = execute_kw(&app, "crm.leadx", "search", json!([[]]), json!({})).await;
    assert_eq!(
        unknown["error"]["data"]["name"],
        "odoo.exceptions.UserError"
    );
    assert_eq!(
        unknown["error"]["data"]["message"],
        "Object crm.leadx doesn't exist"
    );
    let method = execute_kw(&app, "crm.lead", "nope", json!([[]]), json!({})).await;
    assert_eq!(method["error"]["data"]["name"], "builtins.AttributeError");
    let execute = rpc(
        &app,
        "object",
        "execute",
        json!(["demo", 2, "admin", "crm.lead", "search_count", []]),
    )
    .await;
    assert_eq!(execute["result"], 3, "execute takes positional arguments");
}

#[tokio::test]
async fn malformed_jsonrpc_is_a_plain_400() {
    let app = app("19.0");
    let reply = send(
        &app,
        Request::post("/jsonrpc")
            .body(Body::from("nope"))
            .expect("req"),
    )
    .await;
    assert_eq!(
        (reply.status, reply.text.as_str()),
        (StatusCode::BAD_REQUEST, "Invalid JSON data")
    );
    let reply = send(
        &app,
        Request::post("/jsonrpc")
            .body(Body::from("[1]"))
            .expect("req"),
    )
    .await;
    assert_eq!(
        (reply.status, reply.text.as_str()),
        (StatusCode::BAD_REQUEST, "Invalid JSON-RPC data")
    );
}

#[tokio::test]
async fn web_session_takes_passwords_not_api_keys() {
    let app = app("19.0");
    let auth = |password: &str| {
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"db": "demo", "login": "sales1", "password": password}});
        Request::post("/web/session/authenticate")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("req")
    };
    let with_key = send(&app, auth(SALES1_KEY)).await.json();
    assert_eq!(
        with_key["error"]["data"]["name"], "odoo.exceptions.AccessDenied",
        "interactive login refuses API keys"
    );
    let ok = send(&app, auth("sales1")).await;
    assert_eq!(ok.json()["result"]["uid"], 3);
    let cookie = ok
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 2, "params": {"model": "crm.lead", "method": "search_count", "args": [[]], "kwargs": {}}});
    let call = Request::post("/web/dataset/call_kw/crm.lead/search_count")
        .header("cookie", cookie)
        .body(Body::from(body.to_string()))
        .expect("req");
    assert_eq!(send(&app, call).await.json()["result"], 0);
    let no_cookie = Request::post("/web/dataset/call_kw")
        .body(Body::from(body.to_string()))
        .expect("req");
    assert_eq!(
        send(&app, no_cookie).await.json()["error"]["code"],
        100,
        "no session: Odoo Session Expired"
    );
}
