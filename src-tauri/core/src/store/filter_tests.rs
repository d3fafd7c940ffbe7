//! The Pipeline screen's filters, sorts, pages and column totals over the cached leads.

use super::*;
use crate::crm::{Lead, LeadStatus, Ref, Stage, User};
use time::macros::date;

const ME: i64 = 7;
const OTHER: i64 = 8;

fn reference(id: i64, name: &str) -> Option<Ref> {
    Some(Ref {
        id,
        name: name.into(),
    })
}

/// Six leads over two stages, two salespeople and nobody, two sources, tags and outcomes.
fn pipeline() -> (Store, i64) {
    let mut store = Store::open_in_memory().expect("store");
    let account = test_account(&mut store, "rep", ME);
    let stage = |id, name: &str, sequence| Stage {
        id,
        name: name.into(),
        sequence,
        is_won: false,
        fold: false,
        team_ids: vec![],
    };
    store
        .replace_stages(account, &[stage(1, "New", 1), stage(2, "Proposition", 2)])
        .expect("stages");
    let user = |id, name: &str| User {
        id,
        name: name.into(),
        login: name.to_lowercase(),
        partner_id: None,
    };
    store
        .replace_users(account, &[user(ME, "Zaid"), user(OTHER, "Amal")])
        .expect("users");
    let lead = |id, name: &str, stage: i64, user: Option<(i64, &str)>, created: &str| Lead {
        stage: reference(stage, if stage == 1 { "New" } else { "Proposition" }),
        user: user.and_then(|(id, name)| reference(id, name)),
        created_at: crate::store::parse_datetime(&format!("{created} 09:00:00")),
        updated_at: crate::store::parse_datetime(&format!("{created} 10:00:00")),
        ..Lead::blank(id, name)
    };
    let leads = [
        Lead {
            priority: 3,
            expected_revenue: 5000.0,
            tag_ids: vec![10],
            source: reference(20, "WhatsApp"),
            ..lead(1, "Solar farm", 1, Some((ME, "Zaid")), "2026-11-02")
        },
        Lead {
            expected_revenue: 1000.0,
            source: reference(21, "Facebook"),
            ..lead(2, "Website", 1, None, "2026-10-15")
        },
        Lead {
            priority: 1,
            expected_revenue: 250.0,
            tag_ids: vec![10, 11],
            ..lead(3, "Catering", 2, Some((OTHER, "Amal")), "2026-11-20")
        },
        Lead {
            status: LeadStatus::Won,
            expected_revenue: 9000.0,
            ..lead(4, "ERP rollout", 2, Some((ME, "Zaid")), "2026-09-01")
        },
        Lead {
            status: LeadStatus::Lost,
            active: false,
            ..lead(5, "Printer", 1, Some((ME, "Zaid")), "2026-11-05")
        },
        Lead {
            priority: 3,
            source: reference(20, "WhatsApp"),
            ..lead(6, "Abaya shop", 2, None, "2026-11-25")
        },
    ];
    store
        .save_lead_page(account, &leads, "2026-11-26 10:00:00", None)
        .expect("page");
    (store, account)
}

fn ids(store: &Store, account: i64, query: &LeadQuery) -> Vec<i64> {
    store
        .leads(account, query)
        .expect("leads")
        .iter()
        .map(|l| l.id)
        .collect()
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

#[test]
fn each_filter_narrows_to_what_the_rep_asked_for() {
    let (store, a) = pipeline();
    let find = |query: LeadQuery| sorted(ids(&store, a, &query));
    assert_eq!(
        find(LeadQuery::default()),
        [1, 2, 3, 4, 5, 6],
        "no filter: everything cached"
    );
    assert_eq!(
        find(LeadQuery {
            scope: Scope::Mine(ME),
            ..LeadQuery::default()
        }),
        [1, 4, 5],
        "my leads"
    );
    assert_eq!(
        find(LeadQuery {
            scope: Scope::Unassigned,
            ..LeadQuery::default()
        }),
        [2, 6],
        "unassigned"
    );
    assert_eq!(
        find(LeadQuery {
            scope: Scope::MineAndUnassigned(ME),
            ..LeadQuery::default()
        }),
        [1, 2, 4, 5, 6],
        "mine and unassigned"
    );
    assert_eq!(
        find(LeadQuery {
            stage_ids: vec![2],
            ..LeadQuery::default()
        }),
        [3, 4, 6]
    );
    assert_eq!(
        find(LeadQuery {
            source_ids: vec![20],
            ..LeadQuery::default()
        }),
        [1, 6],
        "WhatsApp source"
    );
    assert_eq!(
        find(LeadQuery {
            tag_ids: vec![11, 99],
            ..LeadQuery::default()
        }),
        [3],
        "any of the tags"
    );
    assert_eq!(
        find(LeadQuery {
            priorities: vec![3],
            ..LeadQuery::default()
        }),
        [1, 6]
    );
    assert_eq!(
        find(LeadQuery {
            statuses: vec![LeadStatus::Open, LeadStatus::Won],
            ..LeadQuery::default()
        }),
        [1, 2, 3, 4, 6],
        "the pipeline's default hides lost leads"
    );
    assert_eq!(
        find(LeadQuery {
            created_from: Some(date!(2026 - 11 - 01)),
            created_before: Some(date!(2026 - 11 - 20)),
            ..LeadQuery::default()
        }),
        [1, 5],
        "created in [from, before): the 20th is excluded"
    );
    assert_eq!(
        find(LeadQuery {
            scope: Scope::Mine(ME),
            statuses: vec![LeadStatus::Open],
            search: Some("solar".into()),
            ..LeadQuery::default()
        }),
        [1],
        "filters combine with the search"
    );
}

#[test]
fn column_totals_count_and_sum_what_the_filter_shows() {
    let (store, a) = pipeline();
    let (totals, cards) = store
        .board(
            a,
            &LeadQuery {
                statuses: vec![LeadStatus::Open, LeadStatus::Won],
                ..LeadQuery::default()
            },
            2,
        )
        .expect("board");
    assert_eq!(
        cards.iter().map(|l| l.id).collect::<Vec<_>>(),
        [1, 2, 6, 3],
        "each column's first cards in kanban order (priority, then newest), stage by stage"
    );
    let totals: Vec<(Option<i64>, u64, f64)> = totals
        .iter()
        .map(|t| (t.stage_id, t.count, t.revenue))
        .collect();
    assert_eq!(
        totals,
        [(Some(1), 2, 6000.0), (Some(2), 3, 9250.0)],
        "the lost lead in New is neither counted nor summed"
    );
    assert_eq!(
        store
            .count_leads(
                a,
                &LeadQuery {
                    search: Some("website".into()),
                    limit: Some(0),
                    ..LeadQuery::default()
                }
            )
            .expect("count"),
        1,
        "a count ignores paging"
    );
}

#[test]
fn sorts_and_pages_are_stable_and_complete() {
    let (store, a) = pipeline();
    let by = |sort| {
        ids(
            &store,
            a,
            &LeadQuery {
                sort,
                ..LeadQuery::default()
            },
        )
    };
    assert_eq!(
        by(LeadSort::Priority),
        [6, 1, 3, 5, 4, 2],
        "kanban order: priority, then newest id"
    );
    assert_eq!(
        by(LeadSort::Column(SortColumn::Revenue, false)),
        [4, 1, 2, 3, 6, 5],
        "revenue, highest first"
    );
    assert_eq!(
        by(LeadSort::Column(SortColumn::Name, true)),
        [6, 3, 4, 5, 1, 2],
        "names A to Z, case-insensitive"
    );
    assert_eq!(
        by(LeadSort::Column(SortColumn::Salesperson, true)),
        [3, 5, 4, 1, 6, 2],
        "Amal before Zaid; the unassigned last, whatever the direction"
    );
    assert_eq!(
        by(LeadSort::Column(SortColumn::Stage, false)),
        [6, 4, 3, 5, 2, 1],
        "stage by pipeline order, latest stage first"
    );
    assert_eq!(
        by(LeadSort::Column(SortColumn::Created, true)),
        [4, 2, 1, 5, 3, 6]
    );
    let mut paged = Vec::new();
    for offset in (0..6).step_by(4) {
        paged.extend(ids(
            &store,
            a,
            &LeadQuery {
                sort: LeadSort::Priority,
                offset,
                limit: Some(4),
                ..LeadQuery::default()
            },
        ));
    }
    assert_eq!(
        paged,
        by(LeadSort::Priority),
        "pages of a virtualized column add up to the whole, in order"
    );
}

#[test]
fn view_state_is_kept_per_account_and_must_be_json() {
    let (mut store, a) = pipeline();
    assert_eq!(store.view_state(a, "pipeline").expect("read"), None);
    store
        .save_view_state(a, "pipeline", r#"{"scope":"mine"}"#)
        .expect("save");
    store
        .save_view_state(a, "pipeline", r#"{"scope":"all"}"#)
        .expect("overwrite");
    assert_eq!(
        store.view_state(a, "pipeline").expect("read").as_deref(),
        Some(r#"{"scope":"all"}"#),
        "the last save wins"
    );
    assert!(
        store.save_view_state(a, "pipeline", "{not json").is_err(),
        "the database refuses what it could not give back"
    );
}

#[test]
fn the_reps_teams_follow_every_write_to_the_cache() {
    let (mut store, a) = pipeline();
    assert!(
        store.teams_of_user(a, ME).expect("teams").is_empty(),
        "no lead of mine has a team yet"
    );
    let mut lead = store.lead(a, 1).expect("read").expect("lead 1");
    lead.team = reference(7, "Riyadh");
    store
        .save_lead_page(a, &[lead], "2026-11-26 11:00:00", None)
        .expect("page");
    assert_eq!(
        store.teams_of_user(a, ME).expect("teams"),
        [7],
        "a remembered answer must not outlive a write that changes it"
    );
    assert_eq!(
        store.teams_of_user(a, OTHER).expect("teams"),
        Vec::<i64>::new(),
        "each user has their own answer"
    );
}

#[test]
fn key_of_spells_lead_key() {
    assert_eq!(
        cache::KEY_OF,
        format!("(?1 * {} + ?2)", cache::LEAD_KEY),
        "every by-id lookup of a lead goes through KEY_OF: it must be the table's key"
    );
}

/// Per stage: (stage, count, revenue) of a board.
fn board_totals(store: &Store, account: i64, query: &LeadQuery) -> Vec<(Option<i64>, u64, f64)> {
    store
        .board(account, query, 12)
        .expect("board")
        .0
        .iter()
        .map(|t| (t.stage_id, t.count, t.revenue))
        .collect()
}

#[test]
fn the_board_counts_what_the_list_finds_for_every_search_and_filter() {
    let (store, a) = pipeline();
    // The board merges the search's keys with remembered filter rows; the list asks SQL
    // for both at once. They must agree whatever is typed and however it is filtered.
    for search in [
        None,
        Some("s"),
        Some("so"),
        Some("solar"),
        Some("web"),
        Some("a"),
        Some("zz"),
    ] {
        for scope in [
            Scope::All,
            Scope::Mine(ME),
            Scope::Unassigned,
            Scope::MineAndUnassigned(ME),
        ] {
            for statuses in [vec![], vec![LeadStatus::Open], vec![LeadStatus::Lost]] {
                let query = LeadQuery {
                    search: search.map(str::to_owned),
                    scope,
                    statuses,
                    ..LeadQuery::default()
                };
                let shown: u64 = board_totals(&store, a, &query).iter().map(|t| t.1).sum();
                let listed = store.count_leads(a, &query).expect("count");
                assert_eq!(shown, listed, "board and list disagree for {query:?}");
                // Two cards a column, so the board's bounded heaps must choose.
                let (totals, cards) = store.board(a, &query, 2).expect("board");
                for total in totals {
                    let Some(stage) = total.stage_id else {
                        continue; // the list has no "no stage" filter
                    };
                    let column = LeadQuery {
                        stage_ids: vec![stage],
                        sort: LeadSort::Priority,
                        limit: Some(2),
                        ..query.clone()
                    };
                    let on_board: Vec<i64> = cards
                        .iter()
                        .filter(|l| l.stage.as_ref().map(|s| s.id) == total.stage_id)
                        .map(|l| l.id)
                        .collect();
                    assert_eq!(
                        on_board,
                        ids(&store, a, &column),
                        "a column's first cards are the list's first in kanban order, for {query:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_lists_default_order_is_last_updated_first_and_read_from_an_index() {
    let (mut store, a) = pipeline();
    // A lead with no update date goes last; another account's newer lead never shows.
    store
        .save_lead_page(a, &[Lead::blank(7, "No date")], "2026-11-26 11:00:00", None)
        .expect("page");
    let b = test_account(&mut store, "other", OTHER);
    let elsewhere = Lead {
        updated_at: crate::store::parse_datetime("2026-12-01 10:00:00"),
        ..Lead::blank(8, "Elsewhere")
    };
    store
        .save_lead_page(b, &[elsewhere], "2026-11-26 11:00:00", None)
        .expect("page");
    let list = LeadQuery {
        sort: LeadSort::Column(SortColumn::Updated, false),
        ..LeadQuery::default()
    };
    assert_eq!(
        ids(&store, a, &list),
        [6, 3, 5, 1, 2, 4, 7],
        "last updated first, the undated last, this account's leads only"
    );
    let first_page = LeadQuery {
        limit: Some(200),
        statuses: vec![LeadStatus::Open, LeadStatus::Won],
        ..list
    };
    let (sql, args) = store.leads_sql(a, &first_page).expect("sql");
    let plan: Vec<String> = store
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("plan")
        .query_map(rusqlite::params_from_iter(args), |r| r.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("plan");
    assert!(
        plan.iter().any(|step| step.contains("lead_recent")),
        "the list's first page must be read from the recency index, not sorted from every \
         lead (~90 ms at 100,000): keep `order_by` and migration 0013 in step. Plan: {plan:#?}"
    );
}

/// A new lead that "sol" finds, in another stage than the one lead that matched before.
fn save_solar_roof(store: &mut Store, a: i64) {
    let roof = Lead {
        stage: reference(2, "Proposition"),
        expected_revenue: 700.0,
        ..Lead::blank(7, "Solar roof")
    };
    store
        .save_lead_page(a, &[roof], "2026-11-26 11:00:00", None)
        .expect("page");
}

#[test]
fn a_search_asked_again_is_answered_alike_and_never_from_before_a_write() {
    let (mut store, a) = pipeline();
    let typed = |text: &str| LeadQuery {
        search: Some(text.into()),
        ..LeadQuery::default()
    };
    let first = board_totals(&store, a, &typed("sol"));
    assert_eq!(first, [(Some(1), 1, 5000.0)]);
    assert_eq!(
        board_totals(&store, a, &typed("sol ")),
        first,
        "a space after a word is the same search (answered from the recent ones)"
    );
    // Other searches in between, then a backspace back to one of them.
    for text in ["so", "s", "sola", "solar"] {
        board_totals(&store, a, &typed(text));
    }
    assert_eq!(
        board_totals(&store, a, &typed("sol")),
        first,
        "a backspace finds the same leads"
    );
    save_solar_roof(&mut store, a);
    assert_eq!(
        board_totals(&store, a, &typed("sol ")),
        [(Some(1), 1, 5000.0), (Some(2), 1, 700.0)],
        "a search kept from before a write must not answer after it: the new lead shows at once"
    );
}

#[test]
fn the_board_follows_every_write_while_a_search_is_typed() {
    let (mut store, a) = pipeline();
    let solar = LeadQuery {
        search: Some("sol".into()),
        ..LeadQuery::default()
    };
    assert_eq!(board_totals(&store, a, &solar), [(Some(1), 1, 5000.0)]);
    save_solar_roof(&mut store, a);
    assert_eq!(
        board_totals(&store, a, &solar),
        [(Some(1), 1, 5000.0), (Some(2), 1, 700.0)],
        "remembered filter rows must not outlive a write: the new lead shows at once"
    );
    let mine = LeadQuery {
        scope: Scope::Mine(ME),
        ..solar
    };
    assert_eq!(
        board_totals(&store, a, &mine),
        [(Some(1), 1, 5000.0)],
        "another filter is another set of rows"
    );
}

#[test]
fn the_board_follows_another_process_writing_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db.sqlite3");
    let mut desk = Store::open(&path).expect("the desktop's connection");
    let account = test_account(&mut desk, "rep", ME);
    desk.save_lead_page(
        account,
        &[Lead::blank(1, "Solar farm")],
        "2026-11-26 10:00:00",
        None,
    )
    .expect("page");
    let solar = LeadQuery {
        search: Some("solar".into()),
        ..LeadQuery::default()
    };
    assert_eq!(board_totals(&desk, account, &solar), [(None, 1, 0.0)]);
    let mut cli = Store::open(&path).expect("the CLI's connection, as `crm-desk sync` has");
    cli.save_lead_page(
        account,
        &[Lead::blank(2, "Solar roof")],
        "2026-11-26 11:00:00",
        None,
    )
    .expect("page");
    assert_eq!(
        board_totals(&desk, account, &solar),
        [(None, 2, 0.0)],
        "a commit by another connection (data_version) must refresh the remembered rows"
    );
}

#[test]
fn saving_the_view_keeps_the_remembered_filter_rows() {
    let (mut store, a) = pipeline();
    let query = LeadQuery::default();
    let before = store.filtered(a, &query).expect("rows");
    store
        .save_view_state(a, "pipeline", r#"{"layout":"kanban"}"#)
        .expect("view saved, as the window does 400 ms after a keystroke");
    assert!(
        std::sync::Arc::ptr_eq(&before, &store.filtered(a, &query).expect("rows")),
        "a write that touches no lead must not make the next keystroke re-read every lead"
    );
    store
        .save_lead_page(a, &[Lead::blank(9, "Tent")], "2026-11-26 11:00:00", None)
        .expect("page");
    assert!(
        !std::sync::Arc::ptr_eq(&before, &store.filtered(a, &query).expect("rows")),
        "a lead written through this connection must"
    );
}
