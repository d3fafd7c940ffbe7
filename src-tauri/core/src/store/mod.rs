//! The local SQLite database: the only module that writes SQL.
//!
//! One file per installation (`crm-desk.sqlite3` in the data directory), in WAL mode with
//! foreign keys on and a busy timeout, since the UI and background tasks share it.
//!
//! Must stay true:
//! - a database that cannot be read never stops the app: [`open_or_recover`] moves the file
//!   aside (never deletes it), starts a fresh one and says where the old one went;
//! - a database written by a newer CRM Desk is never touched; the app runs on a temporary
//!   database and says so.

mod accounts;
mod cache;
pub mod inbox;
mod migrations;
mod notifications;
mod outbox;

pub use accounts::{Account, NewAccount};
pub use cache::{
    Cursor, LeadQuery, LeadSort, LookupKind, Scope, SortColumn, StageTotal, format_datetime,
    parse_datetime,
};
pub use migrations::LATEST as LATEST_SCHEMA_VERSION;
pub use notifications::{Notification, NotificationKind};
pub use outbox::{EntryState, OutboxEntry, Queued};

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::OffsetDateTime;

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not a SQLite database, is damaged, or cannot be opened at all.
    #[error("the database {path} cannot be read: {reason}")]
    Unreadable {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// The file was written by a newer CRM Desk whose schema this build does not know.
    #[error(
        "the database {path} was written by a newer version of CRM Desk (schema {found}, this \
         version knows up to {supported}); update CRM Desk to use it"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: u32,
        /// The newest schema this build knows.
        supported: u32,
    },
    /// Any other SQLite failure.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// A migration failed for another reason.
    #[error("could not upgrade the database schema: {0}")]
    Migration(String),
    /// No cached lead has this id.
    #[error("there is no lead {0} in this account's cache")]
    NoSuchLead(i64),
    /// No account has this id.
    #[error("there is no account {0}")]
    NoSuchAccount(i64),
    /// The account exists already.
    #[error("the account {0} is already set up")]
    DuplicateAccount(String),
    /// A stored value could not be decoded (a bug or a hand-edited file).
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    /// The data directory could not be created.
    #[error("could not create {path}: {source}")]
    Io {
        /// The folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The local database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Rows of `lead` inserted, updated or deleted through this connection (SQLite's update
    /// hook): with `data_version` (other connections' commits), the state the remembered
    /// answers below were computed in. (Not `total_changes`: saving the window's view state
    /// is a write too, and must not cost the next keystroke a scan of every lead.)
    lead_writes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// `teams_of_user`, by (account, user): the kanban asks on every keystroke.
    teams: cache::Remembered<(i64, i64), Vec<i64>>,
    /// The rows that pass the board's filters, by (account, filters): a search asks again
    /// on every keystroke with the same filters.
    filtered: cache::Remembered<(i64, LeadQuery), std::sync::Arc<Vec<cache::BoardRow>>>,
    /// The keys of the last eight searches, by (account, FTS5 query): a space before the
    /// next word or a backspace asks again (~6.4 MB at most with 100,000 leads).
    searches: cache::Remembered<(i64, String), std::sync::Arc<Vec<i64>>, 8>,
}

/// What the user must be told about how the database was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The old file could not be read; it was moved to `moved_to` and a fresh database started.
    MovedAside {
        /// Where the unreadable file now is.
        moved_to: PathBuf,
        /// What was wrong with it.
        reason: String,
    },
    /// The database could not be used and could not be replaced; the app runs on a temporary
    /// in-memory database whose contents are lost at exit.
    Temporary {
        /// What went wrong.
        reason: String,
    },
}

/// A store, and the notice to show if it is not the one the user had.
#[derive(Debug)]
pub struct Opened {
    /// The database to use.
    pub store: Store,
    /// Set when the user's database was moved aside or could not be used.
    pub notice: Option<Notice>,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let conn = open_wal(path, LATEST_SCHEMA_VERSION)?;
        let unreadable = |e: rusqlite::Error| classify(e, path);
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(unreadable)?;
        // A pipeline of 50,000 leads is ~30 MB: keep it in SQLite's cache and map the file,
        // so scans and upserts do not go through a read() per page.
        conn.pragma_update(None, "cache_size", -32_768)
            .map_err(unreadable)?;
        conn.pragma_update(None, "mmap_size", 268_435_456_i64)
            .map_err(unreadable)?;
        Self::prepare(conn, path)
    }

    /// A private database in memory, for tests.
    pub fn open_in_memory() -> Result<Self, Error> {
        Self::prepare(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Self, Error> {
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| classify(e, path))?;
        check_not_too_new(&conn, path, LATEST_SCHEMA_VERSION)?;
        migrations::MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|e| match e {
                rusqlite_migration::Error::RusqliteError { err, .. } => classify(err, path),
                other => Error::Migration(other.to_string()),
            })?;
        let lead_writes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = std::sync::Arc::clone(&lead_writes);
        conn.update_hook(Some(
            move |_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
                if table == "lead" {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            },
        ))?;
        Ok(Self {
            conn,
            lead_writes,
            teams: cache::Remembered::new(),
            filtered: cache::Remembered::new(),
            searches: cache::Remembered::new(),
        })
    }

    /// The schema version of this database (SQLite `user_version`).
    pub fn schema_version(&self) -> Result<u32, Error> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// Records which app version opened the database, and which created it (first open only).
    pub fn record_opened_by(&self, app_version: &str) -> Result<(), Error> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('created_by', ?1) ON CONFLICT DO NOTHING",
            params![app_version],
        )?;
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('last_opened_by', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![app_version],
        )?;
        Ok(())
    }

    /// A fact from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, Error> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![key],
                |row| row.get(0),
            )
            .optional()?)
    }
}

/// Opens the database file at `path` (creating its folder) in WAL mode with a busy timeout,
/// after checking that it is a SQLite file whose schema (`user_version`) is at most
/// `supported`. Nothing is written before those checks pass.
fn open_wal(path: &Path, supported: u32) -> Result<Connection, Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    check_header(path)?;
    let unreadable = |e: rusqlite::Error| classify(e, path);
    let conn = Connection::open(path).map_err(unreadable)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(unreadable)?;
    // Check the version before anything writes to the file (switching to WAL rewrites the
    // header): a newer build's file must stay byte-for-byte as it was.
    check_not_too_new(&conn, path, supported)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(unreadable)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "SQLite refused WAL mode; concurrent reads will block on writes");
    }
    Ok(conn)
}

/// Rejects a file that is not a SQLite database before SQLite opens it: SQLite would delete
/// the `-wal` file next to such a file, and that WAL may hold the user's last edits.
fn check_header(path: &Path) -> Result<(), Error> {
    use std::io::Read;
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let unreadable = |reason: String| Error::Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let mut header = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut header)
        .map_err(|e| unreadable(e.to_string()))?;
    if header.is_empty() || header == MAGIC {
        Ok(())
    } else {
        Err(unreadable(
            "file is not a database: its header is not SQLite's".into(),
        ))
    }
}

/// Reading `user_version` is also the first read of the file header, so a file that is not a
/// database fails here as [`Error::Unreadable`].
fn check_not_too_new(conn: &Connection, path: &Path, supported: u32) -> Result<(), Error> {
    let found: u32 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| classify(e, path))?;
    if found > supported {
        return Err(Error::TooNew {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    Ok(())
}

/// Maps SQLite's "this is not a usable database" codes to [`Error::Unreadable`].
fn classify(e: rusqlite::Error, path: &Path) -> Error {
    match e.sqlite_error_code() {
        Some(
            ErrorCode::NotADatabase
            | ErrorCode::DatabaseCorrupt
            | ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::SystemIoFailure,
        ) => Error::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
        _ => Error::Sqlite(e),
    }
}

/// Opens the database at `path`; an unreadable file is moved aside (with its `-wal` and
/// `-shm` companions) to `<name>.corrupt-<timestamp>` and a fresh database is started. When
/// nothing on disk can be used, falls back to a temporary in-memory database. Never fails.
pub fn open_or_recover(path: &Path, now: OffsetDateTime) -> Opened {
    let reason = match Store::open(path) {
        Ok(store) => {
            return Opened {
                store,
                notice: None,
            };
        }
        Err(Error::Unreadable { reason, .. }) => reason,
        Err(other) => return temporary(other.to_string()),
    };
    let moved_to = crate::settings::aside_path(path, "corrupt", now);
    if let Err(e) = std::fs::rename(path, &moved_to) {
        return temporary(format!(
            "{reason}; it could not be moved aside to {} either: {e}",
            moved_to.display()
        ));
    }
    for suffix in ["-wal", "-shm"] {
        let companion = sibling(path, suffix);
        if companion.exists() {
            let _ = std::fs::rename(&companion, sibling(&moved_to, suffix));
        }
    }
    tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %reason,
        "unreadable database moved aside; starting a fresh one");
    match Store::open(path) {
        Ok(store) => Opened {
            store,
            notice: Some(Notice::MovedAside { moved_to, reason }),
        },
        Err(e) => temporary(format!(
            "{reason}; it was moved to {}, but a new database could not be created: {e}",
            moved_to.display()
        )),
    }
}

fn temporary(reason: String) -> Opened {
    tracing::error!(%reason, "running on a temporary in-memory database");
    match Store::open_in_memory() {
        Ok(store) => Opened {
            store,
            notice: Some(Notice::Temporary { reason }),
        },
        // An in-memory SQLite failing means the process is out of memory: nothing to recover.
        Err(e) => panic!("cannot open even an in-memory database: {e}"),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Adds the rep `login` (Odoo user `uid`) of example.odoo.com; returns the account id. For
/// the store's tests, which each need an account to cache leads under.
#[cfg(test)]
fn test_account(store: &mut Store, login: &str, uid: i64) -> i64 {
    store
        .add_account(
            &NewAccount {
                odoo_url: "https://example.odoo.com".into(),
                database: "example".into(),
                login: login.into(),
                uid,
                user_name: "Rep".into(),
                partner_id: None,
                server_version: "19.0".into(),
                transport: "json2".into(),
            },
            time::macros::datetime!(2026-11-26 10:00:00),
        )
        .expect("account")
        .id
}

#[cfg(test)]
mod filter_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod tests;
