//! `--data FILE`: the simulated database kept in SQLite, so a demo survives restarts.
//! Rows are stored by field name (JSON), so a schema change between builds loses nothing.

use crate::db::{Account, Db, Role};
use crate::schema::Schema;
use anyhow::{Context, bail};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Mutex;

pub struct DataFile {
    conn: Mutex<Connection>,
}

impl DataFile {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS records (model TEXT NOT NULL, id INTEGER NOT NULL, row TEXT NOT NULL, PRIMARY KEY (model, id));
             CREATE TABLE IF NOT EXISTS accounts (uid INTEGER PRIMARY KEY, password TEXT NOT NULL, api_keys TEXT NOT NULL, role TEXT NOT NULL);",
        )
        .with_context(|| format!("{} is not an odoo-sim data file", path.display()))?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The saved database, or `None` for a new file.
    pub fn load(&self, schema: Schema, database: &str) -> anyhow::Result<Option<Db>> {
        let conn = self.conn();
        let version: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'version'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(version) = version else {
            return Ok(None);
        };
        if version != schema.version.to_string() {
            bail!(
                "this data file holds an Odoo {version} database; start with --odoo-version {version} or use another --data file"
            );
        }
        let mut db = Db::new(schema, database);
        let mut rows = conn.prepare("SELECT model, id, row FROM records ORDER BY model, id")?;
        let mut iter = rows.query([])?;
        while let Some(r) = iter.next()? {
            let (model_name, id, row): (String, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let Some(model) = db.schema.model(&model_name).cloned() else {
                continue;
            };
            let named: Map<String, Value> = serde_json::from_str(&row)?;
            let values = model
                .fields
                .iter()
                .map(|f| named.get(f.name).cloned().unwrap_or(Value::Bool(false)))
                .collect();
            db.insert_with_id(&model, id, values);
        }
        let mut accounts = conn.prepare("SELECT uid, password, api_keys, role FROM accounts")?;
        let mut iter = accounts.query([])?;
        while let Some(r) = iter.next()? {
            let keys: String = r.get(2)?;
            let role: String = r.get(3)?;
            db.accounts.insert(
                r.get(0)?,
                Account {
                    password: r.get(1)?,
                    api_keys: serde_json::from_str(&keys)?,
                    role: if role == "manager" {
                        Role::Manager
                    } else {
                        Role::Salesman
                    },
                },
            );
        }
        db.take_dirty();
        Ok(Some(db))
    }

    /// Writes what changed since the last save, and the accounts, in one transaction.
    pub fn save(&self, db: &mut Db) -> anyhow::Result<()> {
        let dirty = db.take_dirty();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO meta VALUES ('version', ?1)",
            params![db.schema.version.to_string()],
        )?;
        for (model_name, id) in dirty {
            let Some(model) = db.schema.model(model_name) else {
                continue;
            };
            match db.tables[model_name].rows.get(&id) {
                Some(row) => {
                    let named: Map<String, Value> = model
                        .fields
                        .iter()
                        .zip(row)
                        .map(|(f, v)| (f.name.to_owned(), v.clone()))
                        .collect();
                    tx.execute(
                        "INSERT OR REPLACE INTO records VALUES (?1, ?2, ?3)",
                        params![model_name, id, Value::Object(named).to_string()],
                    )?;
                }
                None => {
                    tx.execute(
                        "DELETE FROM records WHERE model = ?1 AND id = ?2",
                        params![model_name, id],
                    )?;
                }
            }
        }
        for (uid, account) in &db.accounts {
            tx.execute(
                "INSERT OR REPLACE INTO accounts VALUES (?1, ?2, ?3, ?4)",
                params![
                    uid,
                    account.password,
                    serde_json::to_string(&account.api_keys)?,
                    if account.role == Role::Manager {
                        "manager"
                    } else {
                        "salesman"
                    }
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
