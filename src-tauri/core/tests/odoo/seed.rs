//! The seed's connector features: customer from a WhatsApp contact, lead, stage/status,
//! sales report.

use crate::*;
use crm_core::crm::{LeadDraft, LeadStatus, WhatsAppContact};
use crm_core::odoo::Context;
use serde_json::{Map, Value, json};
use time::macros::datetime;

fn vals(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

#[tokio::test]
async fn a_whatsapp_contact_becomes_one_customer() {
    for version in ["18.0", "19.0"] {
        let sim = sim(version).await;
        let odoo = admin(&sim).await;
        let contact = WhatsAppContact {
            user_id: None,
            wa_id: Some("971501234567".into()),
            phone_e164: Some("+971501234567".into()),
            profile_name: Some("فاطمة".into()),
        };
        let (id, created) = odoo
            .find_or_create_customer(&contact)
            .await
            .expect("create");
        assert!(created, "{version}: a new contact creates a partner");
        let (again, created) = odoo.find_or_create_customer(&contact).await.expect("find");
        assert_eq!(
            (again, created),
            (id, false),
            "{version}: the same contact finds the same partner"
        );
        let partner = odoo.partners(&[id]).await.expect("read").remove(0);
        assert_eq!(partner.name, "فاطمة", "named from the WhatsApp profile");
        assert_eq!(partner.phone.as_deref(), Some("+971501234567"));

        // A partner typed by hand in Odoo, with spaces and no country code.
        let typed = odoo
            .create(
                "res.partner",
                vals(json!({"name": "Omar", "phone": "050 765 4321"})),
                &Context::default(),
            )
            .await
            .expect("partner");
        let omar = WhatsAppContact {
            wa_id: Some("971507654321".into()),
            phone_e164: Some("+971507654321".into()),
            ..Default::default()
        };
        assert_eq!(
            odoo.find_or_create_customer(&omar).await.expect("find"),
            (typed, false),
            "{version}: formatting does not matter"
        );
    }
}

#[tokio::test]
async fn a_contact_with_only_a_business_scoped_id_is_found_again() {
    let sim = sim("19.0").await;
    let odoo = admin(&sim).await;
    let contact = WhatsAppContact {
        user_id: Some("AE.12345abcdef".into()),
        profile_name: Some("Layla".into()),
        ..Default::default()
    };
    let (id, created) = odoo
        .find_or_create_customer(&contact)
        .await
        .expect("create");
    assert!(created);
    assert_eq!(
        odoo.find_or_create_customer(&contact).await.expect("find"),
        (id, false),
        "keyed by the user id without a phone"
    );
    let nameless = WhatsAppContact {
        user_id: Some("AE.other".into()),
        ..Default::default()
    };
    let (other, _) = odoo
        .find_or_create_customer(&nameless)
        .await
        .expect("create");
    assert_eq!(
        odoo.partners(&[other]).await.expect("read")[0].name,
        "WhatsApp contact",
        "a name is never empty"
    );
}

#[tokio::test]
async fn lead_for_a_customer_then_stage_and_status() {
    let sim = sim("19.0").await;
    let odoo = admin(&sim).await;
    let (partner, _) = odoo
        .find_or_create_customer(&WhatsAppContact {
            phone_e164: Some("+201001234567".into()),
            profile_name: Some("Mona".into()),
            ..Default::default()
        })
        .await
        .expect("partner");
    let draft = LeadDraft {
        name: "WhatsApp: I need 20 chairs".into(),
        partner_id: Some(partner),
        contact_name: Some("Mona".into()),
        phone: Some("+201001234567".into()),
        description: Some("I need 20 chairs <urgent>".into()),
        source_id: Some(1),
        medium_id: Some(1),
        tag_ids: vec![7],
        team_id: Some(2),
        user_id: Some(None),
        is_lead: true,
        ..Default::default()
    };
    let id = odoo.create_lead(&draft).await.expect("lead");
    let lead = odoo
        .leads_by_id(&[id], &Context::default())
        .await
        .expect("read")
        .remove(0);
    assert_eq!(lead.partner.as_ref().map(|p| p.id), Some(partner));
    assert_eq!(
        lead.source.as_ref().map(|s| s.name.as_str()),
        Some("WhatsApp")
    );
    assert_eq!(lead.user, None, "explicitly unassigned");
    assert_eq!(lead.tag_ids, vec![7]);
    assert!(
        lead.description
            .as_deref()
            .is_some_and(|d| d.contains("&lt;urgent&gt;")),
        "the description is escaped HTML"
    );

    odoo.set_stage(id, 3).await.expect("stage");
    assert_eq!(
        odoo.leads_by_id(&[id], &Context::default())
            .await
            .expect("read")[0]
            .stage
            .as_ref()
            .map(|s| s.id),
        Some(3)
    );
    odoo.set_stage(id, 4).await.expect("won stage");
    let lead = odoo
        .leads_by_id(&[id], &Context::default())
        .await
        .expect("read")
        .remove(0);
    assert_eq!(
        lead.status,
        LeadStatus::Won,
        "dropping on a won stage wins the lead"
    );
}

#[tokio::test]
async fn sales_report_over_a_period() {
    let sim = sim("19.0").await;
    let odoo = admin(&sim).await;
    let ctx = Context::default();
    let mut won = Vec::new();
    for (name, user, revenue) in [("a", 3, 1000.0), ("b", 3, 500.0), ("c", 4, 3000.0)] {
        let id = odoo.create("crm.lead", vals(json!({"name": name, "user_id": user, "expected_revenue": revenue, "source_id": 1})), &ctx).await.expect("create");
        odoo.set_won(&[id]).await.expect("won");
        won.push(id);
    }
    odoo.create(
        "crm.lead",
        vals(json!({"name": "open", "expected_revenue": 99.0})),
        &ctx,
    )
    .await
    .expect("create");
    let report = odoo
        .sales_report(datetime!(2020-01-01 0:00), datetime!(2100-01-01 0:00))
        .await
        .expect("report");
    assert_eq!(
        (report.count, report.revenue),
        (3, 4500.0),
        "only won leads count"
    );
    assert_eq!(report.by_salesperson[0].label, "Omar Hassan");
    assert_eq!(report.by_source[0].label, "WhatsApp");
    assert_eq!(report.by_month.len(), 1);
    let empty = odoo
        .sales_report(datetime!(2020-01-01 0:00), datetime!(2020-02-01 0:00))
        .await
        .expect("report");
    assert_eq!(empty.count, 0, "the period filters by closing date");
}
