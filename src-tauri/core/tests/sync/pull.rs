use crate::*;
use crm_core::odoo::Post;
use crm_core::store::LookupKind;
use crm_core::sync::{Phase, Progress};
use serde_json::{Map, Value, json};

fn vals(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

#[tokio::test]
async fn first_sync_mirrors_what_the_rep_may_see_field_by_field() {
    for version in ["17.0", "19.0"] {
        let sim = sim(version, odoo_sim::Seed::Demo).await;
        let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
        let seen = Mutex::new(Vec::<Progress>::new());
        let report = desk
            .engine()
            .sync(
                SyncOptions {
                    reconcile: true,
                    notify: None,
                },
                &|p| {
                    seen.lock().expect("lock").push(p);
                },
            )
            .await
            .expect("sync");
        assert_mirrors(&desk, version).await;
        let admin = connect(&sim.url(), "admin", ADMIN_KEY).await;
        let everything = server_leads(&admin).await.len();
        assert!(
            desk.leads().len() < everything,
            "{version}: a salesperson's cache holds only their own and unassigned leads"
        );
        assert!(
            desk.leads().iter().any(|l| !l.active),
            "{version}: lost (archived) leads are mirrored too"
        );
        let id = desk.account.id;
        let server_stages = desk.client.stages().await.expect("stages");
        assert_eq!(desk.store().stages(id).expect("stages"), server_stages);
        for (kind, model) in [
            (LookupKind::Tag, "crm.tag"),
            (LookupKind::LostReason, "crm.lost.reason"),
            (LookupKind::Team, "crm.team"),
            (LookupKind::Source, "utm.source"),
            (LookupKind::Medium, "utm.medium"),
        ] {
            let mut server = desk.client.named(model).await.expect("named");
            server.sort_by_key(|n| n.id);
            let mut local = desk.store().lookups(id, kind).expect("lookups");
            local.sort_by_key(|n| n.id);
            assert_eq!(local, server, "{version}: {model} mirrored");
        }
        assert!(
            desk.store()
                .missing_partner_ids(id)
                .expect("partners")
                .is_empty(),
            "{version}: every partner a lead references is cached"
        );
        let progress = seen.lock().expect("lock");
        let last_leads = progress
            .iter()
            .rev()
            .find(|p| p.phase == Phase::Leads)
            .expect("lead progress is reported");
        assert_eq!(
            (u64::from(last_leads.done), last_leads.total.map(u64::from)),
            (report.leads_pulled, Some(report.leads_pulled)),
            "{version}: progress ends at total on the first sync"
        );
    }
}

#[tokio::test]
async fn incremental_pull_follows_every_kind_of_server_change() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    desk.sync().await;
    let admin = connect(&sim.url(), "admin", ADMIN_KEY).await;
    let ctx = Context::default();
    let mine: Vec<i64> = desk
        .leads()
        .iter()
        .filter(|l| l.active && l.user.as_ref().is_some_and(|u| u.id == desk.account.uid))
        .map(|l| l.id)
        .collect();
    assert!(
        mine.len() >= 4,
        "the demo gives sales1 open leads to work with"
    );
    let created = admin
        .create(
            "crm.lead",
            vals(json!({"name": "New from WhatsApp", "user_id": desk.account.uid, "phone": "+971501112233"})),
            &ctx,
        )
        .await
        .expect("create");
    admin
        .write(
            "crm.lead",
            &[mine[0]],
            vals(json!({"expected_revenue": 4242.0, "priority": "3"})),
            &ctx,
        )
        .await
        .expect("write");
    admin.set_lost(&[mine[1]], Some(1)).await.expect("lost");
    admin
        .unlink("crm.lead", &[mine[2]], &ctx)
        .await
        .expect("unlink");
    let sales2 = connect(&sim.url(), "sales2", SALES2_KEY).await.uid();
    admin
        .write(
            "crm.lead",
            &[mine[3]],
            vals(json!({"user_id": sales2})),
            &ctx,
        )
        .await
        .expect("reassign");
    admin
        .post(mine[0], "chatter does not move write_date", Post::Note)
        .await
        .expect("post");

    let delta = desk.try_sync(false).await.expect("delta sync");
    assert!(
        delta.leads_pulled < desk.leads().len() as u64,
        "the delta reads only what changed ({} leads), not the whole pipeline",
        delta.leads_pulled
    );
    assert_eq!(
        desk.lead(created).name,
        "New from WhatsApp",
        "creates arrive"
    );
    assert_eq!(desk.lead(mine[0]).expected_revenue, 4242.0, "writes arrive");
    assert!(!desk.lead(mine[1]).active, "losing (archiving) arrives");
    assert!(
        desk.store()
            .lead(desk.account.id, mine[2])
            .expect("read")
            .is_some(),
        "the delta alone cannot see deletions (no tombstones in Odoo)"
    );

    let full = desk.try_sync(true).await.expect("sync with reconciliation");
    assert!(full.reconciled);
    assert_eq!(
        full.leads_removed, 2,
        "the deleted and the reassigned lead go"
    );
    assert_mirrors(
        &desk,
        "after creates, writes, archives, deletes and reassignment",
    )
    .await;
}

#[tokio::test]
async fn a_pull_killed_mid_way_resumes_without_gaps_or_duplicates() {
    // Six pages: the kill lands well before the writer could store them all.
    let total = 6 * crm_core::sync::engine::PAGE_SIZE;
    let sim = sim("19.0", odoo_sim::Seed::Synthetic(total)).await;
    let desk = Desk::new(&sim.url(), "admin", ADMIN_KEY).await;
    let pages = std::sync::atomic::AtomicU32::new(0);
    let stop = tokio::sync::Notify::new();
    let engine = desk.engine();
    let on_progress = |p: Progress| {
        if p.phase == Phase::Leads
            && p.done > 0
            && pages.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1
        {
            stop.notify_one();
        }
    };
    let sync = engine.sync(SyncOptions::default(), &on_progress);
    tokio::select! {
        result = sync => panic!("the sync was meant to be killed, it ended: {result:?}"),
        () = stop.notified() => {}
    }
    // Let the page writer finish what it had, as a killed process's committed pages stay.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cursor = desk
        .store()
        .cursor(desk.account.id, "crm.lead")
        .expect("cursor");
    let (_, _, after) = cursor.window.expect("the interrupted window is remembered");
    let kept = desk.leads().len();
    assert!(
        after > 0 && kept > 0 && kept < total,
        "some pages were stored: {kept}, after {after}"
    );

    let report = desk.try_sync(false).await.expect("the next sync resumes");
    assert!(
        (report.leads_pulled as usize) <= total - kept + crm_core::sync::engine::PAGE_SIZE,
        "it resumed after the last stored page instead of starting over ({} read)",
        report.leads_pulled
    );
    assert_mirrors(&desk, "after a killed pull").await;
}

#[tokio::test]
async fn a_sync_with_nothing_changed_is_one_request_per_model() {
    let sim = sim("19.0", odoo_sim::Seed::Synthetic(2000)).await;
    let desk = Desk::new(&sim.url(), "admin", ADMIN_KEY).await;
    desk.sync().await;
    let report = desk.try_sync(false).await.expect("delta");
    assert_eq!(report.leads_pulled, 0, "nothing changed, nothing re-read");
    assert_eq!(
        report.requests, 9,
        "stages, users, 5 lookups, one lead page and one partner delta: {report:?}"
    );
}

#[tokio::test]
async fn messages_are_fetched_lazily_and_kept_for_offline() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    desk.sync().await;
    let lead = desk.leads()[0].id;
    desk.client
        .post(lead, "first", Post::Note)
        .await
        .expect("post");
    desk.client
        .post(lead, "second", Post::Note)
        .await
        .expect("post");
    assert!(
        desk.store()
            .messages(desk.account.id, lead)
            .expect("msgs")
            .is_empty(),
        "messages are not pulled with the pipeline"
    );
    let n = desk
        .engine()
        .pull_messages(lead, 30)
        .await
        .expect("messages");
    let cached = desk.store().messages(desk.account.id, lead).expect("msgs");
    assert_eq!(cached.len(), n);
    assert!(
        cached[0].body.contains("second"),
        "newest first: {:?}",
        cached.iter().map(|m| &m.body).collect::<Vec<_>>()
    );
    let limited = desk
        .engine()
        .pull_messages(lead, 1)
        .await
        .expect("messages");
    assert_eq!(limited, 1, "the per-lead limit is honoured");
}
