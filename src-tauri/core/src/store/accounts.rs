//! Odoo accounts: who the rep is on which server. The API key is never here (OS keyring).

use super::cache::{format_datetime, parse_datetime};
use super::{Error, Store};
use rusqlite::{OptionalExtension, Row, params};
use time::PrimitiveDateTime;

/// An Odoo account the rep connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Local id.
    pub id: i64,
    /// Odoo's address, e.g. `https://acme.odoo.com`.
    pub odoo_url: String,
    /// Database name.
    pub database: String,
    /// Login.
    pub login: String,
    /// Odoo user id.
    pub uid: i64,
    /// The user's name.
    pub user_name: String,
    /// The user's partner (author of their chatter messages).
    pub partner_id: Option<i64>,
    /// Odoo's version, as detected (`19.0`).
    pub server_version: String,
    /// `json2` or `jsonrpc`.
    pub transport: String,
    /// Shown in the UI.
    pub is_current: bool,
    /// When it was added (UTC).
    pub created_at: String,
    /// Last complete sync (UTC).
    pub last_synced_at: Option<PrimitiveDateTime>,
    /// Last sync failure, if the last sync failed.
    pub last_error: Option<String>,
    /// Its kind (`offline`, `auth`, …).
    pub last_error_kind: Option<String>,
}

/// What identifies a new account, as verified against Odoo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Odoo's address.
    pub odoo_url: String,
    /// Database name.
    pub database: String,
    /// Login.
    pub login: String,
    /// Odoo user id.
    pub uid: i64,
    /// The user's name.
    pub user_name: String,
    /// The user's partner.
    pub partner_id: Option<i64>,
    /// Odoo's version.
    pub server_version: String,
    /// `json2` or `jsonrpc`.
    pub transport: String,
}

const COLUMNS: &str = "id, odoo_url, database, login, uid, user_name, partner_id, \
    server_version, transport, is_current, created_at, last_synced_at, last_error, last_error_kind";

fn account(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        odoo_url: r.get(1)?,
        database: r.get(2)?,
        login: r.get(3)?,
        uid: r.get(4)?,
        user_name: r.get(5)?,
        partner_id: r.get(6)?,
        server_version: r.get(7)?,
        transport: r.get(8)?,
        is_current: r.get(9)?,
        created_at: r.get(10)?,
        last_synced_at: r
            .get::<_, Option<String>>(11)?
            .as_deref()
            .and_then(parse_datetime),
        last_error: r.get(12)?,
        last_error_kind: r.get(13)?,
    })
}

impl Store {
    /// Adds an account; the first one becomes current. Adding the same URL, database and
    /// login twice is refused.
    pub fn add_account(
        &mut self,
        new: &NewAccount,
        now: PrimitiveDateTime,
    ) -> Result<Account, Error> {
        let tx = self.conn.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT count(*) > 0 FROM account WHERE odoo_url = ?1 AND database = ?2 AND login = ?3",
            params![new.odoo_url, new.database, new.login],
            |r| r.get(0),
        )?;
        if exists {
            return Err(Error::DuplicateAccount(format!(
                "{} on {} ({})",
                new.login, new.odoo_url, new.database
            )));
        }
        let first: bool = tx.query_row("SELECT count(*) = 0 FROM account", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO account (odoo_url, database, login, uid, user_name, partner_id,
                server_version, transport, is_current, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                new.odoo_url,
                new.database,
                new.login,
                new.uid,
                new.user_name,
                new.partner_id,
                new.server_version,
                new.transport,
                first,
                format_datetime(now)
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        self.account(id)?.ok_or(Error::NoSuchAccount(id))
    }

    /// Every account, oldest first.
    pub fn accounts(&self) -> Result<Vec<Account>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM account ORDER BY id"))?;
        let rows = stmt.query_map([], account)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One account.
    pub fn account(&self, id: i64) -> Result<Option<Account>, Error> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM account WHERE id = ?1"),
                params![id],
                account,
            )
            .optional()?)
    }

    /// The account shown in the UI.
    pub fn current_account(&self) -> Result<Option<Account>, Error> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM account WHERE is_current = 1"),
                [],
                account,
            )
            .optional()?)
    }

    /// Makes `id` the account shown in the UI.
    pub fn set_current_account(&mut self, id: i64) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE account SET is_current = 0 WHERE is_current = 1", [])?;
        if tx.execute(
            "UPDATE account SET is_current = 1 WHERE id = ?1",
            params![id],
        )? == 0
        {
            return Err(Error::NoSuchAccount(id));
        }
        tx.commit()?;
        Ok(())
    }

    /// Removes an account and, through the foreign keys, its whole cache and outbox. If it
    /// was current, the oldest remaining account becomes current.
    pub fn remove_account(&mut self, id: i64) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        if tx.execute("DELETE FROM account WHERE id = ?1", params![id])? == 0 {
            return Err(Error::NoSuchAccount(id));
        }
        tx.execute(
            "UPDATE account SET is_current = 1
             WHERE id = (SELECT min(id) FROM account)
               AND NOT EXISTS (SELECT 1 FROM account WHERE is_current = 1)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records how a sync ended: `Ok(at)` or `Err((kind, message))`.
    pub fn record_sync(
        &mut self,
        id: i64,
        outcome: Result<PrimitiveDateTime, (&str, &str)>,
    ) -> Result<(), Error> {
        match outcome {
            Ok(at) => self.conn.execute(
                "UPDATE account SET last_synced_at = ?2, last_error = NULL, last_error_kind = NULL
                 WHERE id = ?1",
                params![id, format_datetime(at)],
            )?,
            Err((kind, message)) => self.conn.execute(
                "UPDATE account SET last_error = ?2, last_error_kind = ?3 WHERE id = ?1",
                params![id, message, kind],
            )?,
        };
        Ok(())
    }
}
