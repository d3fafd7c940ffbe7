//! Table tests of the sync decisions.

use super::*;
use crate::crm::{LeadField, LeadType, Ref};
use time::macros::datetime;

fn lead(id: i64) -> Lead {
    Lead {
        id,
        name: "Ahmed Ali".into(),
        kind: LeadType::Opportunity,
        active: true,
        status: LeadStatus::Open,
        stage: Some(Ref {
            id: 1,
            name: "New".into(),
        }),
        user: None,
        team: Some(Ref {
            id: 1,
            name: "Gulf".into(),
        }),
        partner: None,
        tag_ids: vec![2, 1],
        contact_name: None,
        company_name: None,
        email: Some("a@example.com".into()),
        phone: Some("+971 50 123 4567".into()),
        mobile: None,
        description: None,
        expected_revenue: 1000.0,
        probability: 10.0,
        priority: 1,
        lost_reason: None,
        source: None,
        medium: None,
        campaign: None,
        deadline: None,
        closed_at: None,
        created_at: None,
        updated_at: None,
    }
}

fn stage(id: i64, name: &str) -> FieldValue {
    FieldValue::Ref(Ref {
        id,
        name: name.into(),
    })
}

fn text(t: &str) -> FieldValue {
    FieldValue::Text(t.into())
}

fn update(changes: &[(LeadField, FieldValue)]) -> Edit {
    Edit::Update {
        changes: changes
            .iter()
            .map(|(field, value)| Change {
                field: *field,
                value: value.clone(),
            })
            .collect(),
    }
}

use crate::crm::LeadStatus;

#[test]
fn field_updates_merge_or_conflict_per_field() {
    use LeadField::*;
    let base_lead = lead(7);
    let base = Base::of(&base_lead, Some("2026-11-26 10:00:00".into()));
    struct Case {
        why: &'static str,
        edit: Edit,
        remote: fn(&mut Lead),
        want: Push,
    }
    let cases = [
        Case {
            why: "nothing changed in Odoo: my change is written",
            edit: update(&[(Stage, stage(2, "Qualified"))]),
            remote: |_| {},
            want: Push::Write(vec![Change {
                field: Stage,
                value: stage(2, "Qualified"),
            }]),
        },
        Case {
            why: "Odoo changed another field: mine is written, theirs stays (merge)",
            edit: update(&[(Stage, stage(2, "Qualified"))]),
            remote: |l| l.email = Some("new@example.com".into()),
            want: Push::Write(vec![Change {
                field: Stage,
                value: stage(2, "Qualified"),
            }]),
        },
        Case {
            why: "Odoo already has my value (a retried push): nothing to do",
            edit: update(&[(Stage, stage(2, "Qualified"))]),
            remote: |l| {
                l.stage = Some(Ref {
                    id: 2,
                    name: "Qualified".into(),
                })
            },
            want: Push::AlreadyApplied,
        },
        Case {
            why: "the same field changed in Odoo to something else: a conflict, nothing written",
            edit: update(&[(Stage, stage(2, "Qualified"))]),
            remote: |l| {
                l.stage = Some(Ref {
                    id: 3,
                    name: "Proposition".into(),
                })
            },
            want: Push::Conflict {
                merge: vec![],
                conflicts: vec![Conflict {
                    subject: Subject::Field(Stage),
                    base: stage(1, "New"),
                    mine: stage(2, "Qualified"),
                    theirs: stage(3, "Proposition"),
                }],
            },
        },
        Case {
            why: "one field conflicts, the other merges: the other is written now",
            edit: update(&[
                (Phone, text("+971 50 999 0000")),
                (ExpectedRevenue, FieldValue::Number(5000.0)),
            ]),
            remote: |l| l.phone = Some("+971 55 000 1111".into()),
            want: Push::Conflict {
                merge: vec![Change {
                    field: ExpectedRevenue,
                    value: FieldValue::Number(5000.0),
                }],
                conflicts: vec![Conflict {
                    subject: Subject::Field(Phone),
                    base: text("+971 50 123 4567"),
                    mine: text("+971 50 999 0000"),
                    theirs: text("+971 55 000 1111"),
                }],
            },
        },
        Case {
            why: "tags compare as sets: Odoo's order is not a change",
            edit: update(&[(Tags, FieldValue::Ids(vec![1, 2, 3]))]),
            remote: |l| l.tag_ids = vec![1, 2],
            want: Push::Write(vec![Change {
                field: Tags,
                value: FieldValue::Ids(vec![1, 2, 3]),
            }]),
        },
        Case {
            why: "revenue within a cent is the same value",
            edit: update(&[(ExpectedRevenue, FieldValue::Number(2000.0))]),
            remote: |l| l.expected_revenue = 1000.001,
            want: Push::Write(vec![Change {
                field: ExpectedRevenue,
                value: FieldValue::Number(2000.0),
            }]),
        },
        Case {
            why: "clearing a field Odoo left alone is written",
            edit: update(&[(Email, FieldValue::Empty)]),
            remote: |_| {},
            want: Push::Write(vec![Change {
                field: Email,
                value: FieldValue::Empty,
            }]),
        },
        Case {
            why: "Odoo cleared the field I edited: a conflict (empty vs mine)",
            edit: update(&[(Email, text("b@example.com"))]),
            remote: |l| l.email = None,
            want: Push::Conflict {
                merge: vec![],
                conflicts: vec![Conflict {
                    subject: Subject::Field(Email),
                    base: text("a@example.com"),
                    mine: text("b@example.com"),
                    theirs: FieldValue::Empty,
                }],
            },
        },
    ];
    for case in cases {
        let mut remote = base_lead.clone();
        (case.remote)(&mut remote);
        assert_eq!(
            push(&case.edit, &base, Some(&remote)),
            case.want,
            "{}",
            case.why
        );
    }
}

#[test]
fn status_actions_run_once_and_conflict_with_a_different_outcome() {
    let base = Base::of(&lead(7), None);
    let won = |l: &mut Lead| l.status = LeadStatus::Won;
    let lost = |l: &mut Lead| {
        l.status = LeadStatus::Lost;
        l.active = false;
    };
    type Case = (&'static str, Edit, Option<fn(&mut Lead)>, Push);
    let cases: [Case; 6] = [
        ("open in Odoo: mark it won", Edit::Won, None, Push::Action),
        (
            "already won (retry): nothing",
            Edit::Won,
            Some(won),
            Push::AlreadyApplied,
        ),
        (
            "lost in Odoo meanwhile, won here: the rep decides",
            Edit::Won,
            Some(lost),
            Push::Conflict {
                merge: vec![],
                conflicts: vec![Conflict {
                    subject: Subject::Status,
                    base: text("open"),
                    mine: text("won"),
                    theirs: text("lost"),
                }],
            },
        ),
        (
            "open in Odoo: mark it lost",
            Edit::Lost { reason: None },
            None,
            Push::Action,
        ),
        (
            "already lost: nothing",
            Edit::Lost { reason: None },
            Some(lost),
            Push::AlreadyApplied,
        ),
        (
            "restoring a lead that is open again already: nothing",
            Edit::Restore,
            None,
            Push::AlreadyApplied,
        ),
    ];
    for (why, edit, change, want) in cases {
        let mut remote = lead(7);
        if let Some(change) = change {
            change(&mut remote);
        }
        assert_eq!(push(&edit, &base, Some(&remote)), want, "{why}");
    }
}

#[test]
fn a_lead_gone_from_odoo_with_edits_pending_is_a_conflict() {
    let base = Base::of(&lead(7), None);
    let edit = update(&[(LeadField::Name, text("Renamed"))]);
    match push(&edit, &base, None) {
        Push::Conflict { merge, conflicts } => {
            assert!(merge.is_empty(), "nothing can be written to a deleted lead");
            assert_eq!(conflicts.len(), 1);
            assert_eq!(conflicts[0].subject, Subject::Deleted);
        }
        other => panic!("a deleted lead must never be silently dropped or written: {other:?}"),
    }
}

#[test]
fn notes_already_posted_are_recognised_despite_html_and_spacing() {
    let mine = vec![
        "<p>Called, will visit &amp; sign<br>tomorrow</p>".to_owned(),
        "<p>something else</p>".to_owned(),
    ];
    assert!(note_already_posted(
        "Called, will visit & sign\ntomorrow",
        &mine
    ));
    assert!(
        !note_already_posted("Called, will visit", &mine),
        "a prefix is a different note"
    );
    assert!(!note_already_posted("anything", &[]));
}

#[test]
fn overlay_applies_pending_edits_in_order_on_odoo_values() {
    let remote = lead(7);
    let stages = vec![
        crate::crm::Stage {
            id: 4,
            name: "Won".into(),
            sequence: 70,
            is_won: true,
            fold: false,
            team_ids: vec![],
        },
        crate::crm::Stage {
            id: 9,
            name: "Won (Egypt)".into(),
            sequence: 5,
            is_won: true,
            fold: false,
            team_ids: vec![2],
        },
    ];
    let first = update(&[(LeadField::Priority, FieldValue::Stars(3))]);
    let second = update(&[(LeadField::Priority, FieldValue::Stars(2))]);
    let won = Edit::Won;
    let view = overlay(remote, &[&first, &second, &won], &stages);
    assert_eq!(
        view.priority, 2,
        "the later edit wins locally, as it will in Odoo"
    );
    assert_eq!(view.status, LeadStatus::Won);
    assert_eq!(
        view.stage.map(|s| s.id),
        Some(4),
        "won moves to the team's won stage (the Egypt one belongs to another team)"
    );
    assert_eq!(view.probability, 100.0);
}

#[test]
fn reconcile_separates_deletions_conflicts_and_gains() {
    let pending: HashSet<i64> = [3].into_iter().collect();
    let got = reconcile(&[1, 2, 3, 4, -1], &[1, 4, 5], &pending);
    assert_eq!(
        got.delete,
        vec![2],
        "gone from Odoo, nothing pending: removed here"
    );
    assert_eq!(
        got.gone_with_edits,
        vec![3],
        "gone with edits pending: the rep must decide"
    );
    assert_eq!(got.fetch, vec![5], "visible now but never pulled: fetched");
}

#[test]
fn windows_overlap_the_previous_one_and_reach_just_past_server_now() {
    let now = datetime!(2026-11-26 12:00:00);
    assert_eq!(
        window(None, now),
        Window {
            since: None,
            until: datetime!(2026-11-26 12:00:02)
        },
        "the first pull reads everything up to now"
    );
    assert_eq!(
        window(Some(datetime!(2026-11-26 11:59:30)), now).since,
        Some(datetime!(2026-11-26 11:57:30)),
        "the next pull goes back OVERLAP before the cursor"
    );
}

#[test]
fn backoff_grows_with_jitter_and_is_capped() {
    let interval = Duration::seconds(30);
    assert_eq!(
        next_delay(interval, 0, 0.5),
        interval,
        "healthy: the interval"
    );
    assert_eq!(next_delay(interval, 1, 0.5), Duration::seconds(5));
    assert_eq!(next_delay(interval, 3, 0.5), Duration::seconds(20));
    assert_eq!(
        next_delay(interval, 40, 0.5),
        Duration::minutes(15),
        "capped"
    );
    assert!(
        next_delay(interval, 3, 0.0) < next_delay(interval, 3, 0.99),
        "jittered"
    );
}
