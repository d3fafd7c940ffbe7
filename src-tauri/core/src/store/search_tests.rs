//! Search over the cached leads (FTS5 through `crate::search`), as the rep types.

use super::*;
use crate::crm::{Lead, LeadStatus, Ref};
use time::macros::datetime;

fn account(store: &mut Store, login: &str) -> i64 {
    test_account(store, login, 2)
}

fn lead(id: i64, name: &str) -> Lead {
    Lead {
        stage: Some(Ref {
            id: 1,
            name: "New".into(),
        }),
        probability: 10.0,
        ..Lead::blank(id, name)
    }
}

fn ids(store: &Store, account: i64, typed: &str) -> Vec<i64> {
    let mut found: Vec<i64> = store
        .leads(
            account,
            &LeadQuery {
                search: Some(typed.into()),
                ..LeadQuery::default()
            },
        )
        .expect("search")
        .iter()
        .map(|l| l.id)
        .collect();
    found.sort_unstable();
    found
}

#[test]
fn finds_by_any_word_start_arabic_spelling_and_phone_format() {
    let mut store = Store::open_in_memory().expect("store");
    let a = account(&mut store, "rep");
    let leads = [
        Lead {
            contact_name: Some("مُحَمَّد العتيبي".into()),
            phone: Some("+966 55 123 4567".into()),
            ..lead(1, "عرض سعر أجهزة")
        },
        Lead {
            contact_name: Some("Ahmed Saleh".into()),
            email: Some("ahmed@falcon.ae".into()),
            phone: Some("+971501234567".into()),
            description: Some("Wants a <b>démo</b> on Thursday".into()),
            ..lead(2, "Solar panels quote")
        },
        Lead {
            company_name: Some("Cairo Digital".into()),
            mobile: Some("01001234567".into()),
            ..lead(3, "Website redesign")
        },
    ];
    store
        .save_lead_page(a, &leads, "2026-11-26 10:00:00", None)
        .expect("page");

    assert_eq!(
        ids(&store, a, "محمد"),
        [1],
        "without harakat finds the name with them"
    );
    assert_eq!(
        ids(&store, a, "اجهزه"),
        [1],
        "alef and taa marbuta forms fold together"
    );
    assert_eq!(
        ids(&store, a, "055 123 4567"),
        [1],
        "national format with trunk zero"
    );
    assert_eq!(
        ids(&store, a, "٩٦٦٥٥١٢"),
        [1],
        "Arabic-Indic digits, international prefix"
    );
    assert_eq!(ids(&store, a, "050-123-4567"), [2]);
    assert_eq!(ids(&store, a, "+971 50 1234567"), [2]);
    assert_eq!(
        ids(&store, a, "1234567"),
        [1, 2, 3],
        "the last digits, as reps often ask"
    );
    assert_eq!(ids(&store, a, "ahm sal"), [2], "every word, as a prefix");
    assert_eq!(
        ids(&store, a, "demo thurs"),
        [2],
        "description, accents folded"
    );
    assert_eq!(ids(&store, a, "falcon"), [2], "inside the email");
    assert_eq!(ids(&store, a, "cairo"), [3], "company");
    assert!(
        ids(&store, a, "ahmed cairo").is_empty(),
        "all words must match one lead"
    );
    assert_eq!(
        ids(&store, a, "\" * ("),
        [1, 2, 3],
        "punctuation alone is no filter, and never an FTS syntax error"
    );

    // Edits and deletions reach the index at once.
    let renamed = Lead {
        contact_name: Some("Layla Haddad".into()),
        ..leads[1].clone()
    };
    store
        .save_lead_page(a, &[renamed], "2026-11-26 10:01:00", None)
        .expect("page");
    assert!(
        ids(&store, a, "ahmed saleh").is_empty(),
        "the old contact is gone"
    );
    assert_eq!(ids(&store, a, "layla"), [2]);
    store.delete_leads(a, &[3]).expect("delete");
    assert!(
        ids(&store, a, "cairo").is_empty(),
        "a deleted lead is not found"
    );

    // Another account's leads stay out.
    let b = account(&mut store, "other");
    store
        .save_lead_page(b, &[lead(1, "Solar farm")], "2026-11-26 10:00:00", None)
        .expect("page");
    assert_eq!(ids(&store, a, "solar"), [2]);
    assert_eq!(ids(&store, b, "solar"), [1]);
}

#[test]
fn leads_stored_before_a_crash_are_indexed_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crm-desk.sqlite3");
    {
        let mut store = Store::open(&path).expect("store");
        let a = account(&mut store, "rep");
        store
            .save_lead_page(a, &[lead(7, "Catering order")], "2026-11-26 10:00:00", None)
            .expect("page");
        // Dropped before the runner indexed it, as a crash right after a sync page would.
    }
    let store = Store::open(&path).expect("reopen");
    assert_eq!(
        ids(&store, 1, "cater"),
        [7],
        "the queue survives and is indexed first"
    );
    assert_eq!(
        store.index_search(10).expect("index"),
        0,
        "nothing left queued"
    );
}

#[test]
fn stats_rows_carry_stage_order_and_status_from_the_cache() {
    use crate::crm::Stage;
    use crate::stats::{Period, PipelineStats};
    let mut store = Store::open_in_memory().expect("store");
    let a = account(&mut store, "rep");
    store
        .replace_stages(
            a,
            &[
                Stage {
                    id: 1,
                    name: "New".into(),
                    sequence: 5,
                    is_won: false,
                    fold: false,
                    team_ids: vec![],
                },
                Stage {
                    id: 2,
                    name: "Qualified".into(),
                    sequence: 1,
                    is_won: false,
                    fold: false,
                    team_ids: vec![],
                },
            ],
        )
        .expect("stages");
    let created = Some(datetime!(2026-11-03 10:00));
    let leads = [
        Lead {
            expected_revenue: 100.0,
            created_at: created,
            ..lead(1, "a")
        },
        Lead {
            stage: Some(Ref {
                id: 2,
                name: String::new(),
            }),
            expected_revenue: 300.0,
            created_at: created,
            ..lead(2, "b")
        },
        Lead {
            status: LeadStatus::Won,
            closed_at: Some(datetime!(2026-11-05 10:00)),
            created_at: created,
            expected_revenue: 700.0,
            ..lead(3, "c")
        },
    ];
    store
        .save_lead_page(a, &leads, "2026-11-26 10:00:00", None)
        .expect("page");
    let rows = store.stats_rows(a).expect("rows");
    let s = PipelineStats::compute(
        &rows,
        Period {
            from: time::macros::date!(2026 - 11 - 01),
            to: time::macros::date!(2026 - 12 - 01),
        },
    );
    let stages: Vec<_> = s
        .pipeline_by_stage
        .iter()
        .map(|v| (v.name.as_str(), v.value))
        .collect();
    assert_eq!(
        stages,
        [("Qualified", 300.0), ("New", 100.0)],
        "names from the stage mirror, in its sequence"
    );
    assert_eq!((s.won, s.average_days_to_close), (1, Some(2.0)));
}
