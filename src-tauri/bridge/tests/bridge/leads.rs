//! What lands in Odoo: one customer and one open lead per sender, every message on the
//! lead's chatter, a new lead after won or lost, the configured stamps and assignment.

use super::*;

#[tokio::test]
async fn a_new_sender_gets_one_lead_and_every_message_lands_on_it() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    let odoo = odoo(&sim.url()).await;
    assert_eq!(
        post_signed(
            &url,
            &text(
                "wamid.A1",
                "971501234567",
                "Layla Haddad",
                "Hello, price for 20 seats?"
            )
        )
        .await,
        200
    );
    settle(&service, 1, Duration::from_secs(10)).await;
    // Two more at once: they must still land in order.
    for (i, body) in ["Also a demo please", "Thursday works"].iter().enumerate() {
        let wamid = format!("wamid.A{}", i + 2);
        assert_eq!(
            post_signed(&url, &text(&wamid, "971501234567", "Layla Haddad", body)).await,
            200
        );
    }
    settle(&service, 3, Duration::from_secs(10)).await;

    let leads = leads_of_phone(&odoo, "+971501234567").await;
    assert_eq!(leads.len(), 1, "one lead for the sender");
    let lead = &leads[0];
    assert_eq!(
        lead.text("name").as_deref(),
        Some("WhatsApp: Hello, price for 20 seats?")
    );
    assert_eq!(lead.text("contact_name").as_deref(), Some("Layla Haddad"));
    assert_eq!(lead.text("phone").as_deref(), Some("+971501234567"));
    assert!(
        lead.text("description")
            .unwrap_or_default()
            .contains("Hello, price for 20 seats?"),
        "the first message is the description"
    );
    let source = lead.many2one("source_id").expect("a source");
    assert_eq!(
        source.name, "WhatsApp",
        "stamped as WhatsApp for CRM Desk's rule"
    );
    assert_eq!(
        lead.many2one("medium_id").expect("a medium").name,
        "WhatsApp"
    );
    assert_eq!(lead.ids("tag_ids").len(), 1, "the WhatsApp tag");
    for wamid in ["wamid.A1", "wamid.A2", "wamid.A3"] {
        let notes = notes_for(&odoo, wamid).await;
        assert_eq!(notes.len(), 1, "{wamid}: one chatter message");
        assert_eq!(notes[0].1, lead.id(), "{wamid}: on the sender's lead");
    }
    let mut order = Vec::new();
    for wamid in ["wamid.A1", "wamid.A2", "wamid.A3"] {
        order.push(notes_for(&odoo, wamid).await[0].0);
    }
    assert!(
        order.is_sorted(),
        "one sender's messages are posted in the order sent: {order:?}"
    );
    let third = &notes_for(&odoo, "wamid.A3").await[0].2;
    assert!(
        third.contains("WhatsApp text from Layla Haddad (+971501234567)")
            && third.contains("Thursday works"),
        "the note says who and what: {third}"
    );
    service.stop().await;
}

#[tokio::test]
async fn after_won_or_lost_the_next_message_opens_a_new_lead() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    let odoo = odoo(&sim.url()).await;
    let sender = "966551234567";
    post_signed(&url, &text("wamid.W1", sender, "Omar", "first deal")).await;
    settle(&service, 1, Duration::from_secs(10)).await;
    let first = leads_of_phone(&odoo, "+966551234567").await[0].id();
    odoo.set_won(&[first]).await.expect("won");

    post_signed(&url, &text("wamid.W2", sender, "Omar", "second deal")).await;
    settle(&service, 2, Duration::from_secs(10)).await;
    let leads = leads_of_phone(&odoo, "+966551234567").await;
    assert_eq!(leads.len(), 2, "a won lead is closed: a new one opens");
    let second = leads[1].id();
    assert_eq!(notes_for(&odoo, "wamid.W2").await[0].1, second);
    odoo.set_lost(&[second], None).await.expect("lost");

    post_signed(&url, &text("wamid.W3", sender, "Omar", "third try")).await;
    settle(&service, 3, Duration::from_secs(10)).await;
    let leads = leads_of_phone(&odoo, "+966551234567").await;
    assert_eq!(leads.len(), 3, "a lost lead is closed too");
    assert_eq!(notes_for(&odoo, "wamid.W3").await[0].1, leads[2].id());
    let partners: std::collections::HashSet<_> = leads
        .iter()
        .map(|l| l.many2one("partner_id").expect("customer").id)
        .collect();
    assert_eq!(partners.len(), 1, "always the same customer");
    service.stop().await;
}

#[tokio::test]
async fn configured_team_salesperson_and_round_robin_are_applied() {
    let sim = sim().await;
    let odoo = odoo(&sim.url()).await;
    let sales1 = odoo
        .user_by_login("sales1")
        .await
        .expect("search")
        .expect("sales1");
    let admin = odoo
        .user_by_login("admin")
        .await
        .expect("search")
        .expect("admin");

    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = config(dir.path(), &sim.url());
    c.leads.team = "Egypt Sales".into();
    c.leads.salesperson = "sales1".into();
    c.leads.source = "Facebook".into();
    c.leads.tag = String::new();
    let service = start(c).await;
    post_signed(
        &webhook_url(&service),
        &text("wamid.T1", "201001234567", "Mona", "hi"),
    )
    .await;
    settle(&service, 1, Duration::from_secs(10)).await;
    let lead = &leads_of_phone(&odoo, "+201001234567").await[0];
    assert_eq!(lead.many2one("team_id").expect("team").name, "Egypt Sales");
    assert_eq!(lead.many2one("user_id").expect("salesperson").id, sales1);
    assert_eq!(lead.many2one("source_id").expect("source").name, "Facebook");
    assert!(
        lead.ids("tag_ids").is_empty(),
        "no tag configured, none set"
    );
    service.stop().await;

    // Round robin among Gulf Sales (admin, sales1), in turn, surviving a restart.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = config(dir.path(), &sim.url());
    c.leads.team = "Gulf Sales".into();
    c.leads.round_robin = true;
    let mut assigned = Vec::new();
    for (i, phone) in ["971501110001", "971501110002", "971501110003"]
        .iter()
        .enumerate()
    {
        let service = start(c.clone()).await;
        post_signed(
            &webhook_url(&service),
            &text(&format!("wamid.R{i}"), phone, "Guest", "hello"),
        )
        .await;
        settle(&service, i as u64 + 1, Duration::from_secs(10)).await;
        service.stop().await;
        let lead = &leads_of_phone(&odoo, &format!("+{phone}")).await[0];
        assigned.push(lead.many2one("user_id").expect("assigned").id);
    }
    assert_eq!(
        assigned,
        [admin, sales1, admin],
        "members in turn, across restarts"
    );
}

#[tokio::test]
async fn a_sender_without_a_phone_is_known_by_user_id() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    let odoo = odoo(&sim.url()).await;
    post_signed(&url, &fixture("text_username_only")).await;
    let second =
        fixture("text_username_only").replace("wamid.HBgUSERNAMEONLY1", "wamid.HBgUSERNAMEONLY2");
    post_signed(&url, &second).await;
    settle(&service, 2, Duration::from_secs(10)).await;
    let first = notes_for(&odoo, "wamid.HBgUSERNAMEONLY1").await;
    let again = notes_for(&odoo, "wamid.HBgUSERNAMEONLY2").await;
    assert_eq!(
        first[0].1, again[0].1,
        "both messages on one lead, without a phone number"
    );
    assert!(first[0].2.contains("Ana (@ana.souza)"), "{}", first[0].2);
    service.stop().await;
}

#[tokio::test]
async fn unsupported_types_are_logged_and_counted_not_fatal() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = start(config(dir.path(), &sim.url())).await;
    let url = webhook_url(&service);
    let odoo = odoo(&sim.url()).await;
    for name in ["unsupported_order", "image", "location", "reaction"] {
        assert_eq!(post_signed(&url, &fixture(name)).await, 200, "{name}");
    }
    settle(&service, 4, Duration::from_secs(10)).await;
    let leads = leads_of_phone(&odoo, "+5511987654321").await;
    assert_eq!(leads.len(), 1, "all four from one sender, one lead");
    let order = notes_for(&odoo, "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFjNFQjBGORD1").await;
    assert!(
        order[0].2.contains("unsupported message type order"),
        "{}",
        order[0].2
    );
    assert!(
        service
            .shared
            .metrics
            .encode()
            .contains("bridge_messages_unsupported_total 1")
    );
    service.stop().await;
}
