use crate::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

async fn lead(app: &axum::Router, key: &str, vals: serde_json::Value) -> i64 {
    let reply = j2(app, key, "crm.lead", "create", json!({ "vals_list": vals })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()[0]
        .as_i64()
        .expect("JSON-2 create returns a list of ids")
}

#[tokio::test]
async fn version_and_context_get() {
    let app = app("19.0");
    let reply = send(
        &app,
        Request::get("/web/version")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(
        reply.json(),
        json!({"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"})
    );
    let ctx = j2(&app, SALES1_KEY, "res.users", "context_get", json!({}))
        .await
        .json();
    assert_eq!(
        ctx["uid"], 3,
        "context_get tells a key's owner who they are: {ctx}"
    );
    assert_eq!(ctx["lang"], "ar_001");
}

#[tokio::test]
async fn authentication_failures() {
    let app = app("19.0");
    let no_header = send(
        &app,
        Request::post("/json/2/crm.lead/search")
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .expect("req"),
    )
    .await;
    assert_eq!(no_header.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        no_header
            .headers
            .get("www-authenticate")
            .map(|v| v.as_bytes()),
        Some(&b"bearer"[..])
    );
    let bad = j2(&app, "nope", "crm.lead", "search", json!({"domain": []})).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        bad.json()["message"],
        "Invalid apikey",
        "the message clients map to 'ask for a new key'"
    );
    assert_eq!(bad.json()["arguments"], json!(["Invalid apikey", 401]));
    assert!(
        bad.content_type
            .starts_with("application/json; charset=utf-8")
    );
    let capital = Request::post("/json/2/crm.lead/search_count")
        .header("authorization", format!("Bearer {ADMIN_KEY}"))
        .header("content-type", "application/json")
        .body(Body::from(r#"{"domain": []}"#))
        .expect("req");
    assert_eq!(
        send(&app, capital).await.status,
        StatusCode::OK,
        "the scheme is case-insensitive"
    );
}

#[tokio::test]
async fn dispatch_errors_have_odoo_names_and_statuses() {
    let app = app("19.0");
    let cases = [
        (
            "no.model",
            "search",
            json!({"domain": []}),
            404,
            "werkzeug.exceptions.NotFound",
            "the model 'no.model' does not exist",
        ),
        (
            "crm.lead",
            "bogus",
            json!({}),
            404,
            "werkzeug.exceptions.NotFound",
            "The method 'crm.lead.bogus' does not exist",
        ),
        (
            "crm.lead",
            "_private",
            json!({}),
            403,
            "odoo.exceptions.AccessError",
            "Private methods (such as 'crm.lead._private') cannot be called remotely.",
        ),
        (
            "crm.lead",
            "search",
            json!({}),
            422,
            "werkzeug.exceptions.UnprocessableEntity",
            "missing a required argument: 'domain'",
        ),
        (
            "crm.lead",
            "search",
            json!({"domain": [], "bogus_kwarg": 1}),
            422,
            "werkzeug.exceptions.UnprocessableEntity",
            "got an unexpected keyword argument 'bogus_kwarg'",
        ),
        (
            "crm.lead",
            "create",
            json!({"ids": [1], "vals_list": {}}),
            422,
            "werkzeug.exceptions.UnprocessableEntity",
            "cannot call crm.lead.create with ids",
        ),
        (
            "crm.lead",
            "search",
            json!({"domain": [["bad field", "=", 1]]}),
            500,
            "builtins.ValueError",
            "",
        ),
        (
            "crm.lead",
            "create",
            json!({"vals_list": {"type": "lead"}}),
            422,
            "odoo.exceptions.ValidationError",
            "",
        ),
        (
            "crm.lead",
            "write",
            json!({"ids": [999999], "vals": {"name": "x"}}),
            404,
            "odoo.exceptions.MissingError",
            "",
        ),
    ];
    for (model, method, body, status, name, message) in cases {
        let reply = j2(&app, ADMIN_KEY, model, method, body.clone()).await;
        let err = reply.json();
        assert_eq!(
            reply.status.as_u16(),
            status,
            "{model}.{method} {body}: {err}"
        );
        assert_eq!(err["name"], name, "{model}.{method} {body}");
        if !message.is_empty() {
            assert_eq!(err["message"], message);
        }
        let keys: Vec<&String> = err.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            ["name", "message", "arguments", "context", "debug"],
            "Odoo's key order"
        );
    }
}

#[tokio::test]
async fn malformed_requests() {
    let app = app("19.0");
    let raw = |body: &'static str, ct: &'static str| {
        Request::post("/json/2/crm.lead/search_count")
            .header("authorization", format!("bearer {ADMIN_KEY}"))
            .header("content-type", ct)
            .body(Body::from(body))
            .expect("req")
    };
    let not_json = send(&app, raw("{oops", "application/json")).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert!(
        not_json.json()["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("could not parse the body as json"))
    );
    let array = send(&app, raw("[]", "application/json")).await;
    assert_eq!(
        array.json()["message"],
        "could not parse the body, expecting a json object"
    );
    let form = send(&app, raw("a=b", "application/x-www-form-urlencoded")).await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let wrong_db = Request::post("/json/2/crm.lead/search_count")
        .header("authorization", format!("bearer {ADMIN_KEY}"))
        .header("x-odoo-database", "other")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .expect("req");
    let reply = send(&app, wrong_db).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply.content_type.starts_with("text/html"),
        "an unknown database is an HTML 404"
    );
    let get = send(
        &app,
        Request::get("/json/2/crm.lead/search")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(get.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get.json()["message"],
        "Did you mean POST /json/2/<model>/<method>?"
    );
}

#[tokio::test]
async fn crud_round_trip_with_odoo_value_formats() {
    let app = app("19.0");
    let id = lead(
        &app,
        ADMIN_KEY,
        json!({"name": "WA lead", "phone": "+971501234567", "tag_ids": [[6, 0, [1, 2, 1]]]}),
    )
    .await;
    let row = j2(&app, ADMIN_KEY, "crm.lead", "read", json!({"ids": [id, 999999], "fields": ["name", "email_from", "stage_id", "tag_ids", "expected_revenue", "write_date", "user_id"]})).await.json();
    assert_eq!(
        row.as_array().map(Vec::len),
        Some(1),
        "read silently drops missing ids"
    );
    let row = &row[0];
    assert_eq!(row["email_from"], false, "empty values are false, not null");
    assert_eq!(
        row["stage_id"],
        json!([1, "New"]),
        "many2one is [id, display_name]"
    );
    assert_eq!(
        row["tag_ids"],
        json!([1, 2]),
        "a many2many is a set: linking a tag twice links it once"
    );
    assert_eq!(row["expected_revenue"], json!(0.0));
    assert_eq!(
        row["user_id"][0], 2,
        "the salesperson defaults to the caller"
    );
    let created = row["write_date"].as_str().expect("datetime").to_owned();
    assert_eq!(created.len(), 19, "second precision: {created}");

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let ok = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "write",
        json!({"ids": [id], "vals": {"priority": "2"}}),
    )
    .await;
    assert_eq!(ok.json(), json!(true));
    let after = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "read",
        json!({"ids": [id], "fields": ["write_date", "priority"]}),
    )
    .await
    .json();
    assert!(
        after[0]["write_date"].as_str() > Some(created.as_str()),
        "write_date moves on every write"
    );
    assert_eq!(after[0]["priority"], "2");

    let single = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "create",
        json!({"vals_list": [{"name": "a"}, {"name": "b"}]}),
    )
    .await
    .json();
    assert_eq!(
        single.as_array().map(Vec::len),
        Some(2),
        "create takes a list of dicts"
    );
    assert_eq!(
        j2(&app, ADMIN_KEY, "crm.lead", "unlink", json!({"ids": [id]}))
            .await
            .json(),
        json!(true)
    );
    assert_eq!(
        j2(&app, ADMIN_KEY, "crm.lead", "unlink", json!({"ids": [id]}))
            .await
            .json(),
        json!(true),
        "unlinking twice is fine"
    );
    let gone = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "search",
        json!({"domain": [["id", "=", id]], "context": {"active_test": false}}),
    )
    .await
    .json();
    assert_eq!(gone, json!([]));
}

#[tokio::test]
async fn record_rules_follow_the_salesperson() {
    let app = app("19.0");
    let mine = lead(&app, ADMIN_KEY, json!({"name": "mine", "user_id": 3})).await;
    let theirs = lead(&app, ADMIN_KEY, json!({"name": "theirs", "user_id": 4})).await;
    let open = lead(
        &app,
        ADMIN_KEY,
        json!({"name": "unassigned", "user_id": false}),
    )
    .await;
    let visible = j2(
        &app,
        SALES1_KEY,
        "crm.lead",
        "search",
        json!({"domain": [], "order": "id"}),
    )
    .await
    .json();
    assert_eq!(
        visible,
        json!([mine, open]),
        "sales1 sees own and unassigned leads only"
    );
    let denied = j2(
        &app,
        SALES1_KEY,
        "crm.lead",
        "read",
        json!({"ids": [theirs], "fields": ["name"]}),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(denied.json()["name"], "odoo.exceptions.AccessError");
    // Reassigning a lead away makes it vanish for the rep (what sync must treat as a delete).
    j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "write",
        json!({"ids": [mine], "vals": {"user_id": 4}}),
    )
    .await;
    let visible = j2(
        &app,
        SALES1_KEY,
        "crm.lead",
        "search",
        json!({"domain": [], "order": "id"}),
    )
    .await
    .json();
    assert_eq!(visible, json!([open]));
    let stage_write = j2(
        &app,
        SALES1_KEY,
        "crm.stage",
        "write",
        json!({"ids": [1], "vals": {"name": "x"}}),
    )
    .await;
    assert_eq!(
        stage_write.status,
        StatusCode::FORBIDDEN,
        "salespersons cannot edit the configuration"
    );
}

#[tokio::test]
async fn won_lost_restore_and_active_test() {
    let app = app("19.0");
    let won = lead(
        &app,
        ADMIN_KEY,
        json!({"name": "won", "expected_revenue": 1000.0}),
    )
    .await;
    let lost = lead(&app, ADMIN_KEY, json!({"name": "lost"})).await;
    assert_eq!(
        j2(
            &app,
            ADMIN_KEY,
            "crm.lead",
            "action_set_won",
            json!({"ids": [won]})
        )
        .await
        .json(),
        json!(true)
    );
    let row = j2(&app, ADMIN_KEY, "crm.lead", "read", json!({"ids": [won], "fields": ["stage_id", "probability", "won_status", "prorated_revenue", "date_closed"]})).await.json();
    assert_eq!(row[0]["stage_id"][1], "Won");
    assert_eq!(row[0]["probability"], json!(100.0));
    assert_eq!(row[0]["won_status"], "won");
    assert_eq!(row[0]["prorated_revenue"], json!(1000.0));
    assert!(row[0]["date_closed"].is_string());
    let cannot = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "action_set_lost",
        json!({"ids": [won], "lost_reason_id": 1}),
    )
    .await;
    assert_eq!(
        cannot.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a won lead cannot be lost: {}",
        cannot.text
    );

    assert_eq!(
        j2(
            &app,
            ADMIN_KEY,
            "crm.lead",
            "action_set_lost",
            json!({"ids": [lost], "lost_reason_id": 2})
        )
        .await
        .json(),
        json!(true)
    );
    let hidden = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "search",
        json!({"domain": [["id", "=", lost]]}),
    )
    .await
    .json();
    assert_eq!(
        hidden,
        json!([]),
        "lost leads are archived: hidden unless active_test is false"
    );
    let row = j2(&app, ADMIN_KEY, "crm.lead", "search_read", json!({"domain": [["id", "=", lost]], "fields": ["active", "probability", "lost_reason_id", "won_status"], "context": {"active_test": false}})).await.json();
    assert_eq!(row[0]["active"], false);
    assert_eq!(row[0]["probability"], json!(0.0));
    assert_eq!(row[0]["lost_reason_id"][0], 2);
    assert_eq!(row[0]["won_status"], "lost");
    j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "action_restore",
        json!({"ids": [lost]}),
    )
    .await;
    assert_eq!(
        j2(
            &app,
            ADMIN_KEY,
            "crm.lead",
            "search",
            json!({"domain": [["id", "=", lost]]})
        )
        .await
        .json(),
        json!([lost])
    );
}

#[tokio::test]
async fn chatter_and_grouping() {
    let app = app("19.0");
    let id = lead(
        &app,
        ADMIN_KEY,
        json!({"name": "chat", "expected_revenue": 300.0}),
    )
    .await;
    let before = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "read",
        json!({"ids": [id], "fields": ["write_date"]}),
    )
    .await
    .json();
    let posted = j2(&app, ADMIN_KEY, "crm.lead", "message_post", json!({"ids": [id], "body": "<b>hi</b> & bye", "message_type": "comment", "subtype_xmlid": "mail.mt_note"})).await.json();
    let message_id = posted[0]
        .as_i64()
        .expect("JSON-2 message_post returns [id]");
    let messages = j2(&app, ADMIN_KEY, "mail.message", "search_read", json!({"domain": [["model", "=", "crm.lead"], ["res_id", "=", id]], "fields": ["body", "message_type", "subtype_id", "author_id", "is_internal"]})).await.json();
    assert_eq!(messages[0]["id"], message_id);
    assert_eq!(
        messages[0]["body"], "<p>&lt;b&gt;hi&lt;/b&gt; &amp; bye</p>",
        "plain-text bodies are escaped"
    );
    assert_eq!(messages[0]["subtype_id"][1], "Note");
    assert_eq!(messages[0]["is_internal"], true);
    let after = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "read",
        json!({"ids": [id], "fields": ["write_date", "message_ids"]}),
    )
    .await
    .json();
    assert_eq!(
        after[0]["write_date"], before[0]["write_date"],
        "posting does not touch the lead's write_date"
    );
    assert_eq!(after[0]["message_ids"], json!([message_id]));

    let groups = j2(&app, ADMIN_KEY, "crm.lead", "formatted_read_group", json!({"domain": [], "groupby": ["stage_id"], "aggregates": ["expected_revenue:sum", "__count"]})).await.json();
    assert_eq!(groups[0]["stage_id"], json!([1, "New"]));
    assert_eq!(groups[0]["expected_revenue:sum"], json!(300.0));
    assert_eq!(groups[0]["__count"], 1);
}

#[tokio::test]
async fn fields_get_and_doc_bearer() {
    let app = app("19.0");
    let fields = j2(
        &app,
        ADMIN_KEY,
        "crm.lead",
        "fields_get",
        json!({"attributes": ["type", "relation", "required"]}),
    )
    .await
    .json();
    assert_eq!(
        fields["stage_id"],
        json!({"type": "many2one", "required": false, "relation": "crm.stage"})
    );
    assert_eq!(fields["name"]["required"], true);
    assert!(fields.get("mobile").is_none(), "no mobile field in 19");
    let doc = Request::get("/doc-bearer/crm.lead.json")
        .header("authorization", format!("bearer {ADMIN_KEY}"))
        .body(Body::empty())
        .expect("req");
    let doc = send(&app, doc).await.json();
    assert_eq!(
        doc["methods"]["search_read"]["signature"],
        "(domain=None, fields=None, offset=0, limit=None, order=None, **kwargs)"
    );
}
