//! The notification rule's message delta against odoo-sim: a customer's new WhatsApp
//! message (logged by crm-bridge as a keyed chatter note) on a lead the rep owns is announced
//! once, with the customer's words; notes, other reps' leads and history are not.

use super::*;
use crm_core::crm::MessageKind;
use crm_core::notify::Preferences;
use crm_core::odoo::{Post, chatter_key};
use crm_core::secrets::SecretStore;
use crm_core::store::NotificationKind;
use crm_core::sync::Runner;

async fn sync(runner: &Runner, desk: &Desk) -> Report {
    runner
        .sync(
            &desk.account,
            &desk.client,
            SyncOptions {
                reconcile: false,
                notify: Some(Preferences::default()),
            },
            Duration::ZERO,
            &|_| {},
        )
        .await
        .expect("sync succeeds")
}

/// What crm-bridge writes for a customer's text message (`bridge::chatter::note`).
fn bridge_note(sender: &str, words: &str, wamid: &str) -> String {
    format!(
        "WhatsApp text from {sender} (+971501234567) at 2026-11-27 09:00:00 UTC\n{words}\n\
         WhatsApp message id: {wamid}"
    )
}

#[tokio::test]
async fn a_customers_new_whatsapp_message_on_my_lead_is_announced_once_with_their_words() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecrets::default());
    let runner = Runner {
        store: Arc::clone(&desk.store),
        secrets,
        clock: Arc::new(SystemClock),
        options: fast(),
        lock_dir: None,
    };
    let admin = connect(&sim.url(), "admin", ADMIN_KEY).await;
    // Synced before notifications were on: the message delta has not started yet.
    desk.sync().await;
    let mine = desk
        .leads()
        .into_iter()
        .find(|l| l.active && l.user.as_ref().is_some_and(|u| u.id == desk.account.uid))
        .expect("the demo gives sales1 a lead");
    // A WhatsApp message that arrived before the desk ever looked is history.
    admin
        .post_keyed_note(
            mine.id,
            &bridge_note("Old", "old news", "wamid.OLD"),
            &chatter_key("wamid.OLD"),
        )
        .await
        .expect("post");
    let first = sync(&runner, &desk).await;
    assert!(
        first.notifications.is_empty(),
        "the first sync announces no history: {:?}",
        first.notifications
    );

    let other = desk
        .leads()
        .into_iter()
        .find(|l| l.active && l.user.as_ref().is_none_or(|u| u.id != desk.account.uid))
        .expect("sales1 also sees a lead that is not theirs");
    admin
        .post_keyed_note(
            mine.id,
            &bridge_note("Layla", "Is the offer still on?", "wamid.A"),
            &chatter_key("wamid.A"),
        )
        .await
        .expect("post");
    admin
        .post(mine.id, "Called her back, no answer", Post::Note)
        .await
        .expect("a colleague's note");
    admin
        .post_keyed_note(
            other.id,
            &bridge_note("Omar", "Not your customer", "wamid.B"),
            &chatter_key("wamid.B"),
        )
        .await
        .expect("post");

    let second = sync(&runner, &desk).await;
    let announced: Vec<_> = second
        .notifications
        .iter()
        .map(|n| (n.category, n.lead_id, n.body.as_str(), n.count))
        .collect();
    assert_eq!(
        announced,
        [(
            NotificationKind::Message,
            Some(mine.id),
            "Is the offer still on?",
            1
        )],
        "one notification, for my lead's WhatsApp message only, with the customer's words"
    );
    let expected_title = mine
        .contact_name
        .clone()
        .or(mine.company_name.clone())
        .filter(|c| !c.trim().is_empty())
        .unwrap_or(mine.name.clone());
    assert_eq!(
        second.notifications[0].title, expected_title,
        "titled with the contact"
    );
    let cached = desk
        .store()
        .messages(desk.account.id, mine.id)
        .expect("messages");
    assert!(
        cached
            .iter()
            .any(|m| m.kind == MessageKind::WhatsApp && m.body.contains("Is the offer still on?")),
        "the new message is kept for offline reading, marked as WhatsApp: {cached:?}"
    );

    let third = sync(&runner, &desk).await;
    assert!(
        third.notifications.is_empty(),
        "a message is announced once: {:?}",
        third.notifications
    );
}
