use crate::*;
use crm_core::crm::{LeadStatus, MessageKind};
use crm_core::odoo::{Context, Domain, Page, Post};
use serde_json::{Map, Value, json};

fn vals(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

#[tokio::test]
async fn typed_leads_stages_and_actions_on_every_version() {
    for version in VERSIONS {
        let sim = sim(version).await;
        let odoo = admin(&sim).await;
        let ctx = Context::default();
        let stages = odoo.stages().await.expect("stages");
        let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["New", "Qualified", "Proposition", "Won"],
            "{version}: pipeline order"
        );
        assert!(stages[3].is_won);

        let won = odoo
            .create(
                "crm.lead",
                vals(
                    json!({"name": "to win", "expected_revenue": 900.0, "phone": "+201001234567"}),
                ),
                &ctx,
            )
            .await
            .expect("create");
        let lost = odoo
            .create("crm.lead", vals(json!({"name": "to lose"})), &ctx)
            .await
            .expect("create");
        odoo.set_won(&[won]).await.expect("won");
        odoo.set_lost(&[lost], Some(2)).await.expect("lost");
        let leads = odoo
            .leads(
                &Domain::field("id").in_(vec![won, lost]),
                &Page {
                    order: Some("id".into()),
                    ..Page::default()
                },
                &Context::sync(),
            )
            .await
            .expect("leads");
        assert_eq!(
            leads.len(),
            2,
            "{version}: the lost lead is included with the sync context"
        );
        assert_eq!(leads[0].status, LeadStatus::Won, "{version}");
        assert_eq!(
            leads[0].stage.as_ref().map(|s| s.name.as_str()),
            Some("Won")
        );
        assert_eq!(leads[0].phone.as_deref(), Some("+201001234567"));
        assert_eq!(leads[1].status, LeadStatus::Lost, "{version}");
        assert_eq!(leads[1].lost_reason.as_ref().map(|r| r.id), Some(2));
        assert!(!leads[1].active);
        assert!(leads[0].updated_at.is_some() && leads[0].created_at.is_some());

        odoo.restore(&[lost]).await.expect("restore");
        let back = odoo.leads_by_id(&[lost], &ctx).await.expect("read");
        assert_eq!(back[0].status, LeadStatus::Open, "{version}: restored");

        let note = odoo
            .post(won, "Called; sending the offer <today>", Post::Note)
            .await
            .expect("post");
        let messages = odoo.lead_messages(won, 10).await.expect("messages");
        assert_eq!(messages[0].id, note, "{version}: newest first");
        assert_eq!(messages[0].kind, MessageKind::Comment);
        assert!(messages[0].internal, "a note is internal");
        assert!(
            messages[0].body.contains("&lt;today&gt;"),
            "plain text is escaped by Odoo: {}",
            messages[0].body
        );

        let totals = odoo
            .stage_totals(&Domain::All, &Context::sync())
            .await
            .expect("totals");
        let won_total = totals
            .iter()
            .find(|t| t.stage_id == Some(stages[3].id))
            .expect("won stage group");
        assert_eq!(
            (won_total.count, won_total.expected_revenue),
            (1, 900.0),
            "{version}: read_group / formatted_read_group"
        );
    }
}

#[tokio::test]
async fn version_gated_fields_are_handled_not_errors() {
    for (version, has_mobile) in [("18.0", true), ("19.0", false)] {
        let sim = sim(version).await;
        let odoo = admin(&sim).await;
        let mut values = vals(json!({"name": "gated"}));
        if has_mobile {
            values.insert("mobile".into(), json!("+971509999999"));
        }
        let id = odoo
            .create("crm.lead", values, &Context::default())
            .await
            .expect("create");
        let lead = odoo
            .leads_by_id(&[id], &Context::default())
            .await
            .expect("read")
            .remove(0);
        assert_eq!(lead.mobile.is_some(), has_mobile, "{version}");
        let tags = odoo.named("crm.tag").await.expect("tags");
        assert!(tags.iter().any(|t| t.name == "VIP" && t.color > 0));
        let stages = odoo.stages().await.expect("stages");
        assert!(
            stages.iter().all(|s| s.team_ids.is_empty()),
            "{version}: team_id / team_ids both read"
        );
    }
}

#[tokio::test]
async fn comments_notify_and_fields_describe() {
    let sim = sim("19.0").await;
    let odoo = admin(&sim).await;
    let id = odoo
        .create("crm.lead", vals(json!({"name": "c"})), &Context::default())
        .await
        .expect("create");
    odoo.post(id, "Hello customer", Post::Comment)
        .await
        .expect("comment");
    let message = odoo.lead_messages(id, 1).await.expect("messages").remove(0);
    assert!(!message.internal, "a comment is not an internal note");
    let fields = odoo
        .fields_get("crm.lead", &["type", "relation"])
        .await
        .expect("fields_get");
    assert_eq!(fields["stage_id"]["relation"], "crm.stage");
    assert_eq!(fields["won_status"]["type"], "selection");
}

#[tokio::test]
async fn partners_and_users() {
    let sim = sim("19.0").await;
    let odoo = admin(&sim).await;
    let users = odoo.users().await.expect("users");
    let sales1 = users.iter().find(|u| u.login == "sales1").expect("sales1");
    let partner = odoo
        .partners(&[sales1.partner_id.expect("partner")])
        .await
        .expect("partners");
    assert_eq!(partner[0].name, "Sara Al Mansoori");
}
