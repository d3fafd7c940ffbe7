use super::*;
use crate::db::{Db, Env};
use crate::schema::Schema;
use crate::seed;
use crate::version::OdooVersion;
use serde_json::{Map, json};

/// A base database plus three leads with known values.
fn db() -> (Db, Vec<i64>) {
    let mut db = Db::new(Schema::for_version(OdooVersion::V19), "test");
    let base = seed::base(&mut db).expect("base");
    let admin = Env::new(base.admin, Map::new());
    let ids = db
        .create(
            &admin,
            "crm.lead",
            &[
                json!({"name": "محمد العتيبي – عرض سعر", "phone": "+971 50 123 4567", "user_id": base.sales1, "expected_revenue": 5000.0, "tag_ids": [1, 2], "source_id": base.whatsapp_source}),
                json!({"name": "Office chairs", "email_from": "Buyer@Example.com", "user_id": false, "expected_revenue": 1200.0}),
                json!({"name": "Solar panels", "user_id": base.sales2, "expected_revenue": 0.0, "priority": "3"}),
            ]
            .iter()
            .map(|v| v.as_object().cloned().expect("object"))
            .collect::<Vec<_>>(),
        )
        .expect("create");
    (db, ids)
}

#[allow(
    clippy::needless_pass_by_value,
    reason = "tests read better with json! literals"
)]
fn search(db: &Db, domain: serde_json::Value) -> Vec<i64> {
    let model = db.model("crm.lead").expect("model");
    let parsed = Domain::parse(&domain, model, &db.schema).expect("domain parses");
    let mut ids = db
        .search(
            &Env::new(2, Map::new()),
            model,
            &parsed,
            0,
            None,
            Some("id"),
        )
        .expect("search");
    ids.sort_unstable();
    ids
}

#[test]
fn comparison_and_like_operators() {
    let (db, ids) = db();
    let (arabic, chairs, solar) = (ids[0], ids[1], ids[2]);
    assert_eq!(
        search(&db, json!([["expected_revenue", ">", 1000]])),
        vec![arabic, chairs]
    );
    assert_eq!(
        search(&db, json!([["expected_revenue", "<=", 1200]])),
        vec![chairs, solar]
    );
    assert_eq!(
        search(&db, json!([["name", "ilike", "CHAIR"]])),
        vec![chairs],
        "ilike ignores case"
    );
    assert_eq!(
        search(&db, json!([["name", "like", "CHAIR"]])),
        Vec::<i64>::new(),
        "like does not"
    );
    assert_eq!(
        search(&db, json!([["name", "ilike", "العتيبي"]])),
        vec![arabic],
        "ilike on Arabic text"
    );
    assert_eq!(
        search(&db, json!([["email_from", "=ilike", "buyer@%"]])),
        vec![chairs],
        "=ilike takes a raw pattern"
    );
    assert_eq!(
        search(&db, json!([["name", "not ilike", "o"]])),
        vec![arabic]
    );
}

#[test]
fn unset_values_and_the_not_equal_operator() {
    let (db, ids) = db();
    assert_eq!(
        search(&db, json!([["user_id", "=", false]])),
        vec![ids[1]],
        "unassigned leads"
    );
    assert_eq!(
        search(&db, json!([["phone", "!=", "+971 50 123 4567"]])),
        vec![ids[1], ids[2]],
        "!= includes empty values, as in Odoo"
    );
    assert_eq!(
        search(&db, json!([["phone", "=?", false]])),
        ids,
        "=? with false is always true"
    );
    assert_eq!(search(&db, json!([["priority", "=?", "3"]])), vec![ids[2]]);
}

#[test]
fn prefix_operators_and_implicit_and() {
    let (db, ids) = db();
    let d = json!([
        "|",
        ["name", "ilike", "solar"],
        ["name", "ilike", "chairs"],
        ["expected_revenue", ">", 0]
    ]);
    assert_eq!(
        search(&db, d),
        vec![ids[1]],
        "(solar or chairs) and revenue > 0"
    );
    assert_eq!(
        search(&db, json!(["!", ["user_id", "=", false]])),
        vec![ids[0], ids[2]]
    );
    assert_eq!(
        search(
            &db,
            json!([
                "&",
                ["id", "in", [ids[0], ids[1]]],
                ["id", "not in", [ids[0]]]
            ])
        ),
        vec![ids[1]]
    );
}

#[test]
fn relational_operators() {
    let (db, ids) = db();
    assert_eq!(
        search(&db, json!([["tag_ids", "in", [2, 5]]])),
        vec![ids[0]],
        "x2many in: any tag"
    );
    assert_eq!(
        search(&db, json!([["tag_ids", "=", false]])),
        vec![ids[1], ids[2]],
        "no tags"
    );
    assert_eq!(
        search(&db, json!([["source_id.name", "=", "WhatsApp"]])),
        vec![ids[0]],
        "dotted path through a many2one"
    );
    assert_eq!(
        search(&db, json!([["user_id", "ilike", "sara"]])),
        vec![ids[0]],
        "a string on a many2one matches its name"
    );
    assert_eq!(
        search(&db, json!([["tag_ids", "any", [["name", "=", "VIP"]]]])),
        vec![ids[0]],
        "any on a sub-domain"
    );
    assert_eq!(
        search(
            &db,
            json!([["user_id", "not any", [["login", "=", "sales1"]]]])
        ),
        vec![ids[1], ids[2]]
    );
}

#[test]
fn bad_domains_are_value_errors() {
    let (db, _) = db();
    let model = db.model("crm.lead").expect("model");
    for (domain, why) in [
        (json!([["bogus", "=", 1]]), "unknown field"),
        (json!([["name", "~~", 1]]), "unknown operator"),
        (
            json!(["&", ["name", "=", "x"]]),
            "operator missing an operand",
        ),
        (
            json!([["source_id.bogus", "=", 1]]),
            "unknown field after a dot",
        ),
    ] {
        let err = Domain::parse(&domain, model, &db.schema).expect_err(why);
        assert_eq!(
            err.name(),
            "builtins.ValueError",
            "{why}: Odoo raises ValueError (HTTP 500)"
        );
    }
}

#[test]
fn min_id_lets_id_paged_scans_skip_ahead() {
    let (db, _) = db();
    let model = db.model("crm.lead").expect("model");
    let d = Domain::parse(
        &json!([["write_date", ">=", "2020-01-01"], ["id", ">", 41]]),
        model,
        &db.schema,
    )
    .expect("parse");
    assert_eq!(d.min_id(), Some(42));
    let d = Domain::parse(
        &json!(["|", ["id", ">", 41], ["name", "=", "x"]]),
        model,
        &db.schema,
    )
    .expect("parse");
    assert_eq!(d.min_id(), None, "an OR cannot bound the scan");
}

#[test]
fn child_of_follows_the_partner_hierarchy() {
    let (mut db, _) = db();
    let admin = Env::new(2, Map::new());
    let company = db
        .create(
            &admin,
            "res.partner",
            &[json!({"name": "Desert Rose Trading", "is_company": true})
                .as_object()
                .cloned()
                .expect("o")],
        )
        .expect("company")[0];
    let person = db
        .create(
            &admin,
            "res.partner",
            &[json!({"name": "Buyer", "parent_id": company})
                .as_object()
                .cloned()
                .expect("o")],
        )
        .expect("person")[0];
    let model = db.model("res.partner").expect("model");
    let find = |d: serde_json::Value| {
        let parsed = Domain::parse(&d, model, &db.schema).expect("parse");
        db.search(&admin, model, &parsed, 0, None, Some("id"))
            .expect("search")
    };
    assert_eq!(
        find(json!([["id", "child_of", company]])),
        vec![company, person],
        "a company and its contacts"
    );
    assert_eq!(
        find(json!([["id", "parent_of", person]])),
        vec![company, person],
        "a contact and its company"
    );
}
