//! The schema, as an append-only list of migrations.
//!
//! Rules (see ARCHITECTURE.md, "add a migration"):
//! - never edit or reorder a migration that has shipped; add the next numbered file;
//! - prefer additive changes (new tables, new nullable columns) so an older build can still
//!   read a newer file where possible;
//! - the schema version is SQLite's `user_version`, i.e. the number of migrations applied.

use rusqlite_migration::{M, Migrations};

/// Every migration, in order. The position (1-based) is the schema version it produces.
const STEPS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_meta.sql")),
    M::up(include_str!("migrations/0002_account.sql")),
    M::up(include_str!("migrations/0003_pipeline_cache.sql")),
    M::up(include_str!("migrations/0004_lead_search.sql")),
    M::up(include_str!("migrations/0005_announced.sql")),
    M::up(include_str!("migrations/0006_view_state.sql")),
    M::up(include_str!("migrations/0007_notifications.sql")),
    M::up(include_str!("migrations/0008_message_delta.sql")),
    M::up(include_str!("migrations/0009_queue_new_leads.sql")),
    M::up(include_str!("migrations/0010_lead_rowid.sql")),
    M::up(include_str!("migrations/0011_lead_status_check.sql")),
    M::up(include_str!("migrations/0012_search_prefixes.sql")),
    M::up(include_str!("migrations/0013_lead_recent.sql")),
];

/// The migration runner over [`STEPS`].
pub static MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);

/// The schema version this build writes.
pub const LATEST: u32 = STEPS.len() as u32;
