use crate::*;
use crm_core::crm::{FieldValue, LeadField, LeadStatus, Ref};
use crm_core::store::EntryState;
use crm_core::sync::desk;
use crm_core::sync::{Change, Edit, NewLead, Resolution, Subject};
use serde_json::{Map, Value, json};

fn vals(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn set(field: LeadField, value: FieldValue) -> Edit {
    Edit::Update {
        changes: vec![Change { field, value }],
    }
}

fn stage(id: i64) -> FieldValue {
    FieldValue::Ref(Ref {
        id,
        name: String::new(),
    })
}

impl Desk {
    pub fn edit(&self, lead: i64, edit: Edit) -> i64 {
        desk::edit(&mut self.store(), self.account.id, lead, edit, now())
            .expect("the edit is queued")
            .seq
    }

    pub fn outbox(&self) -> Vec<crm_core::store::OutboxEntry> {
        self.store().outbox(self.account.id).expect("outbox")
    }

    /// Open leads owned by the rep.
    pub fn my_open_leads(&self) -> Vec<i64> {
        self.leads()
            .iter()
            .filter(|l| {
                l.status == LeadStatus::Open
                    && l.user.as_ref().is_some_and(|u| u.id == self.account.uid)
            })
            .map(|l| l.id)
            .collect()
    }
}

async fn server_lead(client: &Client, id: i64) -> Option<Lead> {
    client
        .leads_by_id(&[id], &Context::sync())
        .await
        .expect("read")
        .into_iter()
        .next()
}

#[tokio::test]
async fn offline_edits_apply_at_once_and_reach_odoo_when_back_online() {
    for version in ["17.0", "19.0"] {
        let sim = sim(version, odoo_sim::Seed::Demo).await;
        let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
        desk.sync().await;
        let open = desk.my_open_leads();
        let (l, l2) = (open[0], open[1]);
        sim.set_faults(json!({"drop_rate": 1.0}));

        use LeadField::*;
        let edits = [
            set(Stage, stage(2)),
            set(Priority, FieldValue::Stars(3)),
            set(Tags, FieldValue::Ids(vec![1, 2])),
            set(ExpectedRevenue, FieldValue::Number(5000.0)),
            set(Probability, FieldValue::Number(55.0)),
            set(ContactName, FieldValue::Text("محمد علي".into())),
            set(Email, FieldValue::Text("m.ali@example.com".into())),
            set(Phone, FieldValue::Text("+971 50 765 4321".into())),
            set(
                Description,
                FieldValue::Text("<p>Wants 20 units</p>".into()),
            ),
            Edit::Note {
                text: "Called: will visit on Sunday".into(),
            },
        ];
        for edit in edits {
            desk.edit(l, edit);
        }
        desk.edit(
            l2,
            Edit::Lost {
                reason: Some(Ref {
                    id: 1,
                    name: String::new(),
                }),
            },
        );
        let (created, key) = desk::create(
            &mut desk.store(),
            desk.account.id,
            NewLead {
                name: "Walk-in: Fatma Hassan".into(),
                phone: Some("+20 100 123 4567".into()),
                ..NewLead::default()
            },
            now(),
        )
        .expect("create offline");

        let local = desk.lead(l);
        assert_eq!(
            local.stage.as_ref().map(|s| s.name.as_str()),
            Some("Qualified"),
            "{version}: the edit shows at once, with the stage's name from the cache"
        );
        assert_eq!(local.priority, 3);
        assert_eq!(local.contact_name.as_deref(), Some("محمد علي"));
        assert_eq!(desk.lead(l2).status, LeadStatus::Lost);
        assert!(created.lead_id < 0, "a lead created offline has a local id");
        assert_eq!(desk.lead(created.lead_id).name, "Walk-in: Fatma Hassan");
        assert!(
            desk.store().messages(desk.account.id, l).expect("msgs")[0]
                .body
                .contains("Sunday"),
            "{version}: the note shows in the chatter before it is pushed"
        );

        let offline = desk.try_sync(true).await;
        assert_eq!(
            offline.as_ref().map_err(crm_core::sync::Error::kind).err(),
            Some(crm_core::sync::ErrorKind::Offline),
            "{version}: a dead network is reported as offline: {offline:?}"
        );
        assert_eq!(
            desk.outbox().len(),
            12,
            "{version}: nothing queued is lost while offline"
        );
        assert_eq!(
            desk.lead(l).priority,
            3,
            "{version}: the local view keeps my edits"
        );

        sim.clear_faults();
        let report = desk.sync().await;
        assert_eq!(
            report.pushed, 12,
            "{version}: everything pushed: {report:?}"
        );
        assert!(desk.outbox().is_empty());
        let server = server_lead(&desk.client, l).await.expect("still there");
        assert_eq!(server.stage.map(|s| s.id), Some(2));
        assert_eq!(server.priority, 3);
        assert_eq!(server.tag_ids.len(), 2);
        assert_eq!(server.expected_revenue, 5000.0);
        assert_eq!(server.probability, 55.0);
        assert_eq!(server.contact_name.as_deref(), Some("محمد علي"));
        assert_eq!(server.email.as_deref(), Some("m.ali@example.com"));
        assert_eq!(server.phone.as_deref(), Some("+971 50 765 4321"));
        assert!(server.description.unwrap_or_default().contains("20 units"));
        let messages = desk.client.lead_messages(l, 5).await.expect("messages");
        assert!(
            messages
                .iter()
                .any(|m| m.body.contains("will visit on Sunday")),
            "{version}: the note was posted"
        );
        let lost = server_lead(&desk.client, l2).await.expect("lost lead");
        assert_eq!(lost.status, LeadStatus::Lost);
        assert_eq!(lost.lost_reason.map(|r| r.id), Some(1));
        let new_id = desk::find_lead(&desk.store(), desk.account.id, &key)
            .expect("the key still names the lead");
        assert!(
            new_id > 0,
            "{version}: the created lead now has its Odoo id"
        );
        assert_eq!(
            server_lead(&desk.client, new_id).await.map(|s| s.name),
            Some("Walk-in: Fatma Hassan".into())
        );
        assert_mirrors(&desk, version).await;

        desk.edit(l2, Edit::Restore);
        desk.edit(l, Edit::Won);
        desk.sync().await;
        assert_eq!(
            server_lead(&desk.client, l2).await.map(|s| s.status),
            Some(LeadStatus::Open)
        );
        assert_eq!(
            server_lead(&desk.client, l).await.map(|s| s.status),
            Some(LeadStatus::Won)
        );
        assert_mirrors(&desk, version).await;
    }
}

#[tokio::test]
async fn the_same_field_changed_on_both_sides_is_a_conflict_the_rep_resolves() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    desk.sync().await;
    let admin = connect(&sim.url(), "admin", ADMIN_KEY).await;
    let l = desk.my_open_leads()[0];
    let before = desk.lead(l);
    let other_stage = if before.stage.as_ref().map(|s| s.id) == Some(2) {
        1
    } else {
        2
    };

    desk.edit(
        l,
        Edit::Update {
            changes: vec![
                Change {
                    field: LeadField::Stage,
                    value: stage(3),
                },
                Change {
                    field: LeadField::Phone,
                    value: FieldValue::Text("+971 50 000 0001".into()),
                },
            ],
        },
    );
    admin
        .write(
            "crm.lead",
            &[l],
            vals(json!({"stage_id": other_stage, "email_from": "theirs@example.com"})),
            &Context::default(),
        )
        .await
        .expect("server-side write");

    let report = desk.sync().await;
    assert_eq!(report.conflicts, 1, "{report:?}");
    let server = server_lead(&desk.client, l).await.expect("lead");
    assert_eq!(
        server.stage.as_ref().map(|s| s.id),
        Some(other_stage),
        "their stage is not overwritten"
    );
    assert_eq!(
        server.phone.as_deref(),
        Some("+971 50 000 0001"),
        "my phone (changed only here) merged"
    );
    let local = desk.lead(l);
    assert_eq!(
        local.email.as_deref(),
        Some("theirs@example.com"),
        "their email (changed only there) merged"
    );
    assert_eq!(
        local.stage.as_ref().map(|s| s.id),
        Some(3),
        "my unresolved value stays visible here"
    );
    let entry = desk
        .outbox()
        .into_iter()
        .next()
        .expect("the conflict stays in the outbox");
    assert_eq!(entry.state, EntryState::Conflict);
    assert_eq!(entry.conflicts.len(), 1);
    let conflict = &entry.conflicts[0];
    assert_eq!(conflict.subject, Subject::Field(LeadField::Stage));
    assert!(
        matches!(&conflict.mine, FieldValue::Ref(r) if r.id == 3),
        "both values shown: {conflict:?}"
    );
    assert!(
        matches!(&conflict.theirs, FieldValue::Ref(r) if r.id == other_stage && !r.name.is_empty())
    );

    // A second sync changes nothing while the rep has not decided.
    desk.sync().await;
    assert_eq!(
        server_lead(&desk.client, l)
            .await
            .and_then(|s| s.stage)
            .map(|s| s.id),
        Some(other_stage)
    );

    desk::resolve(
        &mut desk.store(),
        desk.account.id,
        entry.seq,
        None,
        Resolution::KeepMine,
    )
    .expect("keep mine");
    desk.sync().await;
    assert_eq!(
        server_lead(&desk.client, l)
            .await
            .and_then(|s| s.stage)
            .map(|s| s.id),
        Some(3),
        "mine was pushed"
    );
    assert!(desk.outbox().is_empty());

    // Take theirs.
    desk.edit(l, set(LeadField::Priority, FieldValue::Stars(1)));
    admin
        .write(
            "crm.lead",
            &[l],
            vals(json!({"priority": "2"})),
            &Context::default(),
        )
        .await
        .expect("write");
    desk.sync().await;
    let seq = desk.outbox()[0].seq;
    desk::resolve(
        &mut desk.store(),
        desk.account.id,
        seq,
        Some(LeadField::Priority),
        Resolution::TakeTheirs,
    )
    .expect("take theirs");
    assert_eq!(
        desk.lead(l).priority,
        2,
        "their value shows at once, offline"
    );
    assert!(desk.outbox().is_empty(), "nothing left to push");
    desk.sync().await;
    assert_eq!(
        server_lead(&desk.client, l).await.map(|s| s.priority),
        Some(2)
    );
    assert_mirrors(&desk, "after resolving").await;
}

#[tokio::test]
async fn a_lead_deleted_in_odoo_with_edits_pending_is_a_conflict_too() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    desk.sync().await;
    let admin = connect(&sim.url(), "admin", ADMIN_KEY).await;
    let open = desk.my_open_leads();
    let (keep, drop) = (open[0], open[1]);
    desk.edit(
        keep,
        set(
            LeadField::Name,
            FieldValue::Text("Keep me: big order".into()),
        ),
    );
    desk.edit(
        drop,
        set(LeadField::Name, FieldValue::Text("Never mind".into())),
    );
    admin
        .unlink("crm.lead", &[keep, drop], &Context::default())
        .await
        .expect("unlink");

    let report = desk.sync().await;
    assert_eq!(report.conflicts, 2, "{report:?}");
    assert_eq!(
        desk.lead(keep).name,
        "Keep me: big order",
        "my copy is kept until I decide"
    );
    let entries = desk.outbox();
    assert!(
        entries
            .iter()
            .all(|e| e.conflicts.iter().any(|c| c.subject == Subject::Deleted))
    );
    desk::resolve(
        &mut desk.store(),
        desk.account.id,
        entries[0].seq,
        None,
        Resolution::KeepMine,
    )
    .expect("keep");
    desk::resolve(
        &mut desk.store(),
        desk.account.id,
        entries[1].seq,
        None,
        Resolution::TakeTheirs,
    )
    .expect("drop");
    assert!(
        desk.store()
            .lead(desk.account.id, drop)
            .expect("read")
            .is_none(),
        "taking theirs removes it here"
    );
    desk.sync().await;
    let recreated = desk
        .leads()
        .into_iter()
        .find(|l| l.name == "Keep me: big order")
        .expect("kept lead");
    assert!(
        recreated.id > 0 && recreated.id != keep,
        "keeping mine creates it again in Odoo"
    );
    assert_mirrors(&desk, "after a deleted-lead conflict").await;
}

#[tokio::test]
async fn a_refused_push_stays_with_its_error_while_other_edits_flow() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    desk.sync().await;
    let open = desk.my_open_leads();
    let (l, l2) = (open[0], open[1]);
    sim.set_faults(
        json!({"rpc_errors": [{"model": "crm.lead", "method": "write",
        "error": "validation", "message": "The phone number looks wrong"}]}),
    );
    let failing = desk.edit(l, set(LeadField::Phone, FieldValue::Text("12".into())));
    let held = desk.edit(l, set(LeadField::Priority, FieldValue::Stars(2)));
    desk.edit(
        l2,
        Edit::Note {
            text: "flows past the failure".into(),
        },
    );

    let report = desk.sync().await;
    assert_eq!((report.failed, report.pushed), (1, 1), "{report:?}");
    let entries = desk.outbox();
    let failed = entries.iter().find(|e| e.seq == failing).expect("kept");
    assert_eq!(failed.state, EntryState::Failed);
    assert_eq!(failed.error_kind.as_deref(), Some("validation"));
    assert!(
        failed
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("looks wrong"),
        "Odoo's message is kept"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.seq == held && e.state == EntryState::Pending),
        "a later edit of the same lead waits behind the failure"
    );

    sim.clear_faults();
    desk::retry(&mut desk.store(), desk.account.id, failing).expect("retry");
    desk.sync().await;
    assert!(desk.outbox().is_empty(), "retried and pushed");
    assert_eq!(
        server_lead(&desk.client, l)
            .await
            .and_then(|s| s.phone)
            .as_deref(),
        Some("12")
    );

    sim.set_faults(
        json!({"rpc_errors": [{"model": "crm.lead", "method": "write", "error": "access"}]}),
    );
    let name = desk.lead(l).name;
    let bad = desk.edit(
        l,
        set(LeadField::Name, FieldValue::Text("not allowed".into())),
    );
    desk.sync().await;
    assert_eq!(
        desk.outbox()[0].error_kind.as_deref(),
        Some("access_denied")
    );
    desk::discard(&mut desk.store(), desk.account.id, bad).expect("discard");
    assert_eq!(desk.lead(l).name, name, "discarding undoes the edit here");
    sim.clear_faults();
    desk.sync().await;
    assert_mirrors(&desk, "after a discard").await;
}

#[tokio::test]
async fn a_retried_push_never_applies_twice() {
    for version in ["17.0", "19.0"] {
        let sim = sim(version, odoo_sim::Seed::Demo).await;
        let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
        desk.sync().await;
        let l = desk.my_open_leads()[0];
        let (_, key) = desk::create(
            &mut desk.store(),
            desk.account.id,
            NewLead {
                name: "Once only".into(),
                ..NewLead::default()
            },
            now(),
        )
        .expect("create");
        desk.edit(
            l,
            Edit::Note {
                text: "exactly one note".into(),
            },
        );
        desk.edit(
            l,
            set(LeadField::ExpectedRevenue, FieldValue::Number(777.0)),
        );
        sim.set_faults(json!({"lost_answers": [
            {"model": "crm.lead", "method": "create"},
            {"model": "crm.lead", "method": "message_post"},
            {"model": "crm.lead", "method": "write"},
        ]}));
        let mut failures = 0;
        while desk.try_sync(true).await.is_err() {
            failures += 1;
            assert!(failures < 10, "{version}: syncs keep failing");
        }
        assert_eq!(
            failures, 3,
            "{version}: each of the three calls lost its answer once"
        );
        let admin = connect(&sim.url(), "admin", ADMIN_KEY).await;
        let named = admin
            .search(
                "crm.lead",
                &Domain::field("name").eq("Once only"),
                &Page::default(),
                &Context::sync(),
            )
            .await
            .expect("search");
        assert_eq!(
            named.len(),
            1,
            "{version}: a lead created offline never becomes two"
        );
        let notes = desk.client.lead_messages(l, 20).await.expect("messages");
        assert_eq!(
            notes
                .iter()
                .filter(|m| m.body.contains("exactly one note"))
                .count(),
            1,
            "{version}: a note whose answer was lost is not posted again"
        );
        assert!(desk.outbox().is_empty());
        assert_eq!(
            desk::find_lead(&desk.store(), desk.account.id, &key).ok(),
            Some(named[0])
        );
        assert_mirrors(&desk, version).await;
    }
}
