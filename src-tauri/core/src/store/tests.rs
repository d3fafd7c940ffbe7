use super::*;
use rusqlite::Connection;
use std::fs;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-26 13:37:00 UTC);

/// A database at schema v1, written by the v1 build: a `meta` table with two rows and nothing
/// else. Committed, never regenerated: it stands for a user's file from an older release.
const SCHEMA_V1_FIXTURE: &[u8] = include_bytes!("../../testdata/schema-v1.sqlite3");

#[test]
fn migrations_are_valid() {
    migrations::MIGRATIONS
        .validate()
        .expect("every migration applies cleanly in order");
}

#[test]
fn latest_matches_the_number_of_migrations() {
    let store = Store::open_in_memory().expect("open");
    assert_eq!(
        store.schema_version().expect("version"),
        LATEST_SCHEMA_VERSION,
        "LATEST must equal the number of migrations, or the About panel and newer-file detection lie"
    );
}

#[test]
fn opens_with_wal_foreign_keys_and_busy_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("db.sqlite3")).expect("open");
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    let fks: i64 = store
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("fks");
    let busy: i64 = store
        .conn
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .expect("busy");
    assert_eq!(mode, "wal", "WAL lets the UI read while a sync writes");
    assert_eq!(fks, 1, "foreign keys keep the cache consistent");
    assert_eq!(
        busy, 5000,
        "a busy timeout avoids spurious 'database is locked' errors"
    );
}

#[test]
fn migrates_every_older_schema_forward_keeping_data() {
    for from in 1..LATEST_SCHEMA_VERSION {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db.sqlite3");
        {
            let mut conn = Connection::open(&path).expect("open raw");
            migrations::MIGRATIONS
                .to_version(&mut conn, from as usize)
                .expect("older schema");
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('created_by', 'old')",
                [],
            )
            .expect("data written by the older build");
        }
        let store = Store::open(&path).expect("a newer build opens an older file");
        assert_eq!(
            store.schema_version().expect("version"),
            LATEST_SCHEMA_VERSION
        );
        assert_eq!(
            store.meta("created_by").expect("meta").as_deref(),
            Some("old"),
            "upgrading from schema {from} must keep the user's data"
        );
    }
}

#[test]
fn storing_a_lead_builds_no_throwaway_btree() {
    let store = Store::open_in_memory().expect("open");
    let mut explain = store
        .conn
        .prepare(&format!("EXPLAIN {}", cache::upsert_sql()))
        .expect("explain");
    let unbound = std::iter::repeat_n(rusqlite::types::Null, explain.parameter_count());
    // EXPLAIN lists the statement's own program, then its triggers' (each numbered from 0
    // again): only the first runs for every new lead; the update trigger runs when a stored
    // lead changes.
    let program: Vec<(i64, String)> = explain
        .query_map(rusqlite::params_from_iter(unbound), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("opcodes")
        .collect::<Result<_, _>>()
        .expect("opcodes");
    let own = program
        .windows(2)
        .position(|w| w[1].0 < w[0].0)
        .map_or(program.len(), |end| end + 1);
    let ephemeral = program[..own]
        .iter()
        .filter(|(_, op)| op == "OpenEphemeral")
        .count();
    assert_eq!(
        ephemeral, 0,
        "the lead upsert runs once per stored lead: a CHECK written as `x IN (a, b, c)` makes \
         SQLite build and drop a b-tree per row (~1.2 µs of the initial sync's storing); \
         write it as comparisons"
    );
}

/// A cache written by the build at schema `version` (one account, then `INSERT INTO lead …
/// VALUES` + `lead_values`), opened by this build: its migrations run on it.
fn upgraded_from(version: usize, lead_values: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db.sqlite3");
    {
        let mut conn = Connection::open(&path).expect("open raw");
        migrations::MIGRATIONS
            .to_version(&mut conn, version)
            .unwrap_or_else(|e| panic!("schema {version}: {e}"));
        conn.execute_batch(&format!(
            "INSERT INTO account (id, odoo_url, database, login, created_at)
                 VALUES (1, 'http://odoo.test', 'demo', 'sales1', '2026-11-26 13:37:00');
             INSERT INTO lead (key, account_id, id, name, kind, active, status, tag_ids,
                 expected_revenue, probability, priority)
                 VALUES {lead_values}"
        ))
        .unwrap_or_else(|e| panic!("a lead cached by the schema-{version} build: {e}"));
    }
    let store = Store::open(&path).expect("upgrade");
    (dir, store)
}

#[test]
fn rebuilding_the_lead_table_keeps_leads_and_their_rules() {
    let (_dir, store) = upgraded_from(
        10,
        "(1000000000042, 1, 42, 'Mohammed Al-Harbi', 'opportunity', 1, 'won', '[3,5]', 12000, 100, 2);",
    );
    let (name, status, tags): (String, String, String) = store
        .conn
        .query_row(
            "SELECT name, status, tag_ids FROM lead WHERE key = 1000000000042",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the cached lead survives the rebuild");
    assert_eq!(
        (name.as_str(), status.as_str(), tags.as_str()),
        ("Mohammed Al-Harbi", "won", "[3,5]"),
        "the rebuild copies every column as it was"
    );
    let refused = store.conn.execute(
        "UPDATE lead SET status = 'maybe' WHERE key = 1000000000042",
        [],
    );
    assert!(
        refused.is_err(),
        "the status CHECK still refuses a status the app does not know"
    );
    let renamed = store.conn.execute(
        "UPDATE lead SET name = 'Mohammed' WHERE key = 1000000000042",
        [],
    );
    assert!(renamed.is_ok(), "ordinary edits pass");
    let queued: i64 = store
        .conn
        .query_row("SELECT count(*) FROM lead_search_queue", [], |r| r.get(0))
        .expect("queue");
    assert_eq!(
        queued, 1,
        "the rebuilt table keeps its search trigger: a renamed lead is queued for re-indexing"
    );
}

#[test]
fn rebuilding_the_search_index_keeps_what_it_found() {
    let (_dir, store) = upgraded_from(
        11,
        "(1000000000042, 1, 42, 'Mohammed Al-Harbi', 'opportunity', 1, 'open', '[]', 0, 10, 1);
         INSERT INTO lead_search (rowid, document) VALUES (1000000000042, 'mohammed al harbi');",
    );
    let queued: i64 = store
        .conn
        .query_row("SELECT count(*) FROM lead_search_queue", [], |r| r.get(0))
        .expect("queue");
    assert_eq!(
        queued, 0,
        "nothing to re-index: the search must come from the rebuilt index"
    );
    for typed in ["m", "moh", "harb", "mohammed"] {
        let found = store
            .count_leads(
                1,
                &LeadQuery {
                    search: Some(typed.into()),
                    ..LeadQuery::default()
                },
            )
            .expect("search");
        assert_eq!(
            found, 1,
            "{typed:?} still finds the lead indexed before the upgrade"
        );
    }
}

#[test]
fn migrates_the_committed_v1_fixture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crm-desk.sqlite3");
    fs::write(&path, SCHEMA_V1_FIXTURE).expect("copy fixture");
    let store = Store::open(&path).expect("a v1 file from a real older build opens");
    assert_eq!(
        store.schema_version().expect("version"),
        LATEST_SCHEMA_VERSION
    );
    assert_eq!(
        store.meta("created_by").expect("meta").as_deref(),
        Some("0.0.1-fixture")
    );
    let accounts: i64 = store
        .conn
        .query_row("SELECT count(*) FROM account", [], |r| r.get(0))
        .expect("account");
    assert_eq!(accounts, 0, "v2 adds the account table to an upgraded file");
}

#[test]
fn refuses_a_database_from_a_newer_build_without_touching_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db.sqlite3");
    {
        let conn = Connection::open(&path).expect("open raw");
        conn.pragma_update(None, "user_version", LATEST_SCHEMA_VERSION + 5)
            .expect("bump");
    }
    let before = fs::read(&path).expect("read");
    match Store::open(&path) {
        Err(Error::TooNew {
            found, supported, ..
        }) => {
            assert_eq!(
                (found, supported),
                (LATEST_SCHEMA_VERSION + 5, LATEST_SCHEMA_VERSION)
            );
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    let opened = open_or_recover(&path, NOW);
    assert!(
        matches!(opened.notice, Some(Notice::Temporary { ref reason }) if reason.contains("newer version")),
        "the user is told to update: {:?}",
        opened.notice
    );
    assert!(
        fs::read(&path).expect("read") == before,
        "a newer build's file is never modified"
    );
    assert_eq!(
        fs::read_dir(dir.path()).expect("ls").count(),
        1,
        "and never moved aside"
    );
}

#[test]
fn a_corrupt_file_is_moved_aside_and_a_fresh_database_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crm-desk.sqlite3");
    let garbage = b"this is not a database, just bytes the user cares about".repeat(100);
    fs::write(&path, &garbage).expect("write garbage");
    fs::write(sibling(&path, "-wal"), b"stale wal").expect("write wal");

    let opened = open_or_recover(&path, NOW);

    let Some(Notice::MovedAside { moved_to, reason }) = opened.notice else {
        panic!(
            "a corrupt file must be reported as moved aside, got {:?}",
            opened.notice
        );
    };
    assert_eq!(
        moved_to,
        dir.path().join("crm-desk.sqlite3.corrupt-20261126T133700Z")
    );
    assert!(
        fs::read(&moved_to).expect("moved file") == garbage,
        "the old file is kept intact"
    );
    assert!(sibling(&moved_to, "-wal").exists(), "its WAL moves with it");
    assert!(
        reason.contains("not a database"),
        "the reason is SQLite's: {reason}"
    );
    assert_eq!(
        opened.store.schema_version().expect("version"),
        LATEST_SCHEMA_VERSION
    );
    assert!(
        Store::open(&path).is_ok(),
        "the fresh file at the old path is a working database"
    );
}

#[test]
fn a_damaged_database_is_moved_aside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crm-desk.sqlite3");
    {
        let store = Store::open(&path).expect("open");
        store.record_opened_by("1.0").expect("write");
    }
    // Keep the SQLite header but overwrite the schema page: a realistic torn write.
    let mut bytes = fs::read(&path).expect("read");
    for b in bytes.iter_mut().skip(100).take(4000) {
        *b = 0xAB;
    }
    fs::write(&path, &bytes).expect("damage");
    let opened = open_or_recover(&path, NOW);
    assert!(
        matches!(opened.notice, Some(Notice::MovedAside { .. })),
        "a damaged file is moved aside: {:?}",
        opened.notice
    );
}

#[test]
fn a_healthy_database_opens_without_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crm-desk.sqlite3");
    Store::open(&path)
        .expect("create")
        .record_opened_by("1.0")
        .expect("write");
    let opened = open_or_recover(&path, NOW);
    assert_eq!(opened.notice, None);
    assert_eq!(
        opened.store.meta("created_by").expect("meta").as_deref(),
        Some("1.0")
    );
}

#[test]
fn record_opened_by_keeps_the_creator() {
    let store = Store::open_in_memory().expect("open");
    store.record_opened_by("0.1.0").expect("first");
    store.record_opened_by("0.2.0").expect("second");
    assert_eq!(
        store.meta("created_by").expect("meta").as_deref(),
        Some("0.1.0")
    );
    assert_eq!(
        store.meta("last_opened_by").expect("meta").as_deref(),
        Some("0.2.0")
    );
}

/// Writes the v1 fixture. Run once when the fixture is created, never again:
/// `CRM_DESK_WRITE_FIXTURE=1 cargo test -p crm-core write_schema_v1_fixture -- --ignored`
#[test]
#[ignore = "writes the committed fixture"]
fn write_schema_v1_fixture() {
    if std::env::var_os("CRM_DESK_WRITE_FIXTURE").is_none() {
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/schema-v1.sqlite3");
    let _ = fs::remove_file(&path);
    let mut conn = Connection::open(&path).expect("open");
    migrations::MIGRATIONS.to_version(&mut conn, 1).expect("v1");
    conn.execute_batch(
        "INSERT INTO meta VALUES ('created_by', '0.0.1-fixture'), ('last_opened_by', '0.0.1-fixture');
         PRAGMA journal_mode = DELETE;",
    )
    .expect("rows");
}
