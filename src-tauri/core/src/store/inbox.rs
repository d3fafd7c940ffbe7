//! crm-bridge's inbox: webhooks as received, the WhatsApp messages in them (deduplicated by
//! message id) with their processing state, delivery receipts, dead letters, alerts.
//!
//! Must stay true:
//! - a webhook is acknowledged only after [`Inbox::receive`] committed it (synchronous=FULL:
//!   committed means on disk, so a power cut after the 200 loses nothing);
//! - one row per WhatsApp message id, ever: a redelivery adds nothing but a duplicate count;
//! - a message leaves `pending` only as `done` (with the Odoo ids) or `dead` (with its error);
//!   `replay` puts dead ones back.

use super::{Error, classify, open_wal};
use rusqlite::{Connection, params};
use rusqlite_migration::{M, Migrations};
use std::collections::HashSet;
use std::path::Path;

const STEPS: &[M<'static>] = &[M::up(include_str!("migrations/inbox/0001_inbox.sql"))];
static MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);

/// A webhook body waiting to be split into messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Row id.
    pub id: i64,
    /// When it was received (Unix ms).
    pub received_at: i64,
    /// The raw body.
    pub body: Vec<u8>,
}

/// A WhatsApp message found in a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// WhatsApp's message id (`wamid.…`).
    pub wamid: String,
    /// The sender's key (business-scoped user id, else wa_id).
    pub sender: String,
    /// The parsed message (JSON, the bridge's own shape).
    pub payload: String,
}

/// A delivery receipt found in a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatus {
    /// The id of the message the business sent.
    pub wamid: String,
    /// sent, delivered, read, failed, played.
    pub status: String,
    /// WhatsApp's timestamp (Unix s).
    pub at: i64,
    /// The recipient (phone or user id).
    pub recipient: Option<String>,
    /// WhatsApp's errors (JSON), for failed ones.
    pub errors: Option<String>,
}

/// What splitting a delivery added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expanded {
    /// New messages.
    pub messages: u64,
    /// Messages already known (redeliveries).
    pub duplicate_messages: u64,
    /// New receipts.
    pub statuses: u64,
    /// Receipts already known.
    pub duplicate_statuses: u64,
}

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    /// Waiting (maybe for a retry).
    Pending,
    /// In Odoo.
    Done,
    /// Failed every attempt: a dead letter.
    Dead,
}

impl MessageState {
    fn parse(s: &str) -> Self {
        match s {
            "done" => Self::Done,
            "dead" => Self::Dead,
            _ => Self::Pending,
        }
    }
}

/// A WhatsApp message and its processing state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    /// Row id (what `dead-letters replay --id` takes).
    pub id: i64,
    /// WhatsApp's message id.
    pub wamid: String,
    /// The sender's key.
    pub sender: String,
    /// When the first delivery carrying it arrived (Unix ms).
    pub received_at: i64,
    /// The parsed message (JSON).
    pub payload: String,
    /// Where it is.
    pub state: MessageState,
    /// Attempts made so far.
    pub attempts: u32,
    /// The last failure.
    pub last_error: Option<String>,
    /// The last failure's kind (offline, validation, …).
    pub error_kind: Option<String>,
    /// The lead it went to.
    pub lead_id: Option<i64>,
    /// Its chatter message in Odoo.
    pub odoo_message_id: Option<i64>,
}

/// How many messages are where, for health and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxCounts {
    /// Webhooks not yet split.
    pub unexpanded: u64,
    /// Messages waiting.
    pub pending: u64,
    /// Messages in Odoo.
    pub done: u64,
    /// Dead letters.
    pub dead: u64,
    /// Receipts recorded.
    pub statuses: u64,
}

/// An admin alert and the channels it still has to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Row id.
    pub id: i64,
    /// Created (Unix ms).
    pub created_at: i64,
    /// One line.
    pub subject: String,
    /// The details.
    pub body: String,
    /// The dead letters it is about.
    pub message_ids: Vec<i64>,
    /// Whether Odoo got it.
    pub odoo_done: bool,
    /// Whether the alert webhook got it.
    pub webhook_done: bool,
    /// Delivery attempts so far.
    pub attempts: u32,
}

/// The bridge's database.
#[derive(Debug)]
pub struct Inbox {
    conn: Connection,
}

const MESSAGE_COLUMNS: &str = "id, wamid, sender, received_at, payload, state, attempts, \
     last_error, error_kind, lead_id, odoo_message_id";

fn message_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<InboxMessage> {
    Ok(InboxMessage {
        id: row.get(0)?,
        wamid: row.get(1)?,
        sender: row.get(2)?,
        received_at: row.get(3)?,
        payload: row.get(4)?,
        state: MessageState::parse(&row.get::<_, String>(5)?),
        attempts: row.get(6)?,
        last_error: row.get(7)?,
        error_kind: row.get(8)?,
        lead_id: row.get(9)?,
        odoo_message_id: row.get(10)?,
    })
}

const ALERT_COLUMNS: &str = "id, created_at, subject, body, message_ids, \
     odoo_done_at IS NOT NULL, webhook_done_at IS NOT NULL, attempts";

fn alert_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    let ids: String = row.get(4)?;
    Ok(Alert {
        id: row.get(0)?,
        created_at: row.get(1)?,
        subject: row.get(2)?,
        body: row.get(3)?,
        message_ids: serde_json::from_str(&ids).unwrap_or_default(),
        odoo_done: row.get(5)?,
        webhook_done: row.get(6)?,
        attempts: row.get(7)?,
    })
}

impl Inbox {
    /// Opens (creating if needed) the database at `path`. Unlike CRM Desk's cache, an
    /// unreadable inbox is never moved aside: it may hold unprocessed webhooks, so the bridge
    /// refuses to start and says which file is damaged.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let conn = open_wal(path, STEPS.len() as u32)?;
        let unreadable = |e: rusqlite::Error| classify(e, path);
        // A webhook is acknowledged after its commit: the commit must reach the disk.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(unreadable)?;
        Self::prepare(conn, path)
    }

    /// Lets this connection's commits skip the disk flush. Only for the worker's connection:
    /// a power cut may then undo its last commits (a split webhook, a finished message), and
    /// both are redone safely — splitting is idempotent, and delivering looks before it
    /// writes. Intake commits (the webhooks themselves) always flush.
    pub fn relax_durability(&self) -> Result<(), Error> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    /// A private inbox in memory, for tests.
    pub fn open_in_memory() -> Result<Self, Error> {
        Self::prepare(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Self, Error> {
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| classify(e, path))?;
        MIGRATIONS.to_latest(&mut conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => classify(err, path),
            other => Error::Migration(other.to_string()),
        })?;
        Ok(Self { conn })
    }

    /// Stores webhook bodies in one transaction (group commit); returns their ids in order.
    pub fn receive(&mut self, bodies: &[(&[u8], i64)]) -> Result<Vec<i64>, Error> {
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(bodies.len());
        {
            let mut insert =
                tx.prepare_cached("INSERT INTO delivery (received_at, body) VALUES (?1, ?2)")?;
            for (body, at) in bodies {
                insert.execute(params![at, body])?;
                ids.push(tx.last_insert_rowid());
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Webhooks not yet split into messages, oldest first.
    pub fn unexpanded(&self, limit: usize) -> Result<Vec<Delivery>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, received_at, body FROM delivery WHERE expanded = 0 ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |row| {
            Ok(Delivery {
                id: row.get(0)?,
                received_at: row.get(1)?,
                body: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the messages and receipts of a delivery and marks it split, in one
    /// transaction. Known message ids and (id, status) pairs are counted, not added.
    pub fn expand(
        &mut self,
        delivery: &Delivery,
        messages: &[NewMessage],
        statuses: &[NewStatus],
    ) -> Result<Expanded, Error> {
        Ok(self.expand_all(&[(delivery, messages, statuses)])?[0])
    }

    /// [`Inbox::expand`] for several deliveries in one transaction.
    pub fn expand_all(
        &mut self,
        batch: &[(&Delivery, &[NewMessage], &[NewStatus])],
    ) -> Result<Vec<Expanded>, Error> {
        let tx = self.conn.transaction()?;
        let mut all = Vec::with_capacity(batch.len());
        for &(delivery, messages, statuses) in batch {
            let mut out = Expanded::default();
            let mut insert = tx.prepare_cached(
                "INSERT INTO message (wamid, delivery_id, sender, received_at, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (wamid) DO NOTHING",
            )?;
            for m in messages {
                let added = insert.execute(params![
                    m.wamid,
                    delivery.id,
                    m.sender,
                    delivery.received_at,
                    m.payload
                ])?;
                if added == 1 {
                    out.messages += 1;
                } else {
                    out.duplicate_messages += 1;
                }
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO status (wamid, status, at, recipient, errors, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?;
            for s in statuses {
                let added = insert.execute(params![
                    s.wamid,
                    s.status,
                    s.at,
                    s.recipient,
                    s.errors,
                    delivery.received_at
                ])?;
                if added == 1 {
                    out.statuses += 1;
                } else {
                    out.duplicate_statuses += 1;
                }
            }
            tx.execute(
                "UPDATE delivery SET expanded = 1 WHERE id = ?1",
                params![delivery.id],
            )?;
            all.push(out);
        }
        tx.commit()?;
        Ok(all)
    }

    /// The next message of each sender (the oldest pending one) that is due at `now`, except
    /// for `busy` senders, oldest first: messages of one sender go in order, one at a time.
    pub fn due(
        &self,
        now: i64,
        busy: &HashSet<String>,
        limit: usize,
    ) -> Result<Vec<InboxMessage>, Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM message
             WHERE id IN (SELECT min(id) FROM message WHERE state = 'pending' GROUP BY sender)
               AND next_attempt_at <= ?1
             ORDER BY id"
        ))?;
        let mut out = Vec::new();
        let mut rows = stmt.query(params![now])?;
        while let Some(row) = rows.next()? {
            let m = message_row(row)?;
            if !busy.contains(&m.sender) {
                out.push(m);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// When the earliest waiting retry is due (Unix ms), if any message waits.
    pub fn next_due_at(&self) -> Result<Option<i64>, Error> {
        Ok(self.conn.query_row(
            "SELECT min(next_attempt_at) FROM message WHERE state = 'pending'",
            [],
            |row| row.get(0),
        )?)
    }

    /// The message is in Odoo.
    pub fn mark_done(
        &self,
        id: i64,
        lead_id: i64,
        odoo_message_id: i64,
        now: i64,
    ) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE message SET state = 'done', lead_id = ?2, odoo_message_id = ?3,
                    finished_at = ?4, attempts = attempts + 1
             WHERE id = ?1",
            params![id, lead_id, odoo_message_id, now],
        )?;
        Ok(())
    }

    /// An attempt failed: retry at `retry_at`, or (with `None`) it is a dead letter now.
    pub fn mark_failed(
        &self,
        id: i64,
        error: &str,
        kind: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> Result<(), Error> {
        match retry_at {
            Some(at) => self.conn.execute(
                "UPDATE message SET attempts = attempts + 1, last_error = ?2, error_kind = ?3,
                        next_attempt_at = ?4
                 WHERE id = ?1",
                params![id, error, kind, at],
            )?,
            None => self.conn.execute(
                "UPDATE message SET attempts = attempts + 1, last_error = ?2, error_kind = ?3,
                        state = 'dead', finished_at = ?4, alerted = 0
                 WHERE id = ?1",
                params![id, error, kind, now],
            )?,
        };
        Ok(())
    }

    /// Every dead letter, oldest first.
    pub fn dead_letters(&self) -> Result<Vec<InboxMessage>, Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM message WHERE state = 'dead' ORDER BY id"
        ))?;
        let rows = stmt.query_map([], message_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Puts dead letters back in the queue with fresh attempts (`None` = all of them);
    /// returns how many. Ids that are not dead letters are left alone.
    pub fn replay(&self, ids: Option<&[i64]>) -> Result<u64, Error> {
        const REPLAY: &str = "UPDATE message SET state = 'pending', attempts = 0,
                next_attempt_at = 0, finished_at = NULL, alerted = 0 WHERE state = 'dead'";
        let n = match ids {
            None => self.conn.execute(REPLAY, [])?,
            Some(ids) => {
                let mut stmt = self.conn.prepare_cached(&format!("{REPLAY} AND id = ?1"))?;
                let mut n = 0;
                for id in ids {
                    n += stmt.execute(params![id])?;
                }
                n
            }
        };
        Ok(n as u64)
    }

    /// For delivered messages: milliseconds from the webhook's arrival to Odoo's answer to
    /// the chatter note (the benchmark's end-to-end latency).
    pub fn delivery_latencies_ms(&self) -> Result<Vec<i64>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT finished_at - received_at FROM message WHERE state = 'done' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Counts for health and metrics.
    pub fn counts(&self) -> Result<InboxCounts, Error> {
        let mut counts = InboxCounts {
            unexpanded: self.conn.query_row(
                "SELECT count(*) FROM delivery WHERE expanded = 0",
                [],
                |r| r.get::<_, i64>(0),
            )? as u64,
            statuses: self
                .conn
                .query_row("SELECT count(*) FROM status", [], |r| r.get::<_, i64>(0))?
                as u64,
            ..InboxCounts::default()
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, count(*) FROM message GROUP BY state")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let n = row.get::<_, i64>(1)? as u64;
            match MessageState::parse(&row.get::<_, String>(0)?) {
                MessageState::Pending => counts.pending = n,
                MessageState::Done => counts.done = n,
                MessageState::Dead => counts.dead = n,
            }
        }
        Ok(counts)
    }

    /// Whether the database answers and accepts a write (the health check).
    pub fn check_writable(&self) -> Result<(), Error> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('health', datetime('now'))
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [],
        )?;
        Ok(())
    }

    /// Dead letters no alert has mentioned yet.
    pub fn unalerted_dead(&self) -> Result<Vec<InboxMessage>, Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM message WHERE state = 'dead' AND alerted = 0 ORDER BY id"
        ))?;
        let rows = stmt.query_map([], message_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// When the last alert was raised (Unix ms).
    pub fn last_alert_at(&self) -> Result<Option<i64>, Error> {
        Ok(self
            .conn
            .query_row("SELECT max(created_at) FROM alert", [], |row| row.get(0))?)
    }

    /// Records an alert about `message_ids` and marks them alerted, in one transaction.
    pub fn raise_alert(
        &mut self,
        subject: &str,
        body: &str,
        message_ids: &[i64],
        now: i64,
    ) -> Result<i64, Error> {
        let tx = self.conn.transaction()?;
        let ids = serde_json::to_string(message_ids).map_err(|e| Error::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT INTO alert (created_at, subject, body, message_ids) VALUES (?1, ?2, ?3, ?4)",
            params![now, subject, body, ids],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut mark = tx.prepare_cached("UPDATE message SET alerted = 1 WHERE id = ?1")?;
            for m in message_ids {
                mark.execute(params![m])?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// Alerts some channel has not received yet (`odoo`/`webhook`: whether that channel is
    /// configured), oldest first.
    pub fn undelivered_alerts(&self, odoo: bool, webhook: bool) -> Result<Vec<Alert>, Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ALERT_COLUMNS} FROM alert
             WHERE (?1 AND odoo_done_at IS NULL) OR (?2 AND webhook_done_at IS NULL)
             ORDER BY id"
        ))?;
        let rows = stmt.query_map(params![odoo, webhook], alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records one delivery attempt of an alert: which channels got it now, and the error of
    /// the others.
    pub fn alert_attempted(
        &self,
        id: i64,
        odoo_done: bool,
        webhook_done: bool,
        error: Option<&str>,
        now: i64,
    ) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE alert SET attempts = attempts + 1, last_error = ?4,
                    odoo_done_at = CASE WHEN ?2 THEN coalesce(odoo_done_at, ?5) ELSE odoo_done_at END,
                    webhook_done_at = CASE WHEN ?3 THEN coalesce(webhook_done_at, ?5) ELSE webhook_done_at END
             WHERE id = ?1",
            params![id, odoo_done, webhook_done, error, now],
        )?;
        Ok(())
    }

    /// Advances a named rotation of `len` positions and returns the position to use
    /// (round robin that survives restarts).
    pub fn next_in_rotation(&self, name: &str, len: usize) -> Result<usize, Error> {
        if len == 0 {
            return Ok(0);
        }
        let value: i64 = self.conn.query_row(
            "INSERT INTO counter (name, value) VALUES (?1, 0)
             ON CONFLICT (name) DO UPDATE SET value = value + 1
             RETURNING value",
            params![name],
            |row| row.get(0),
        )?;
        Ok((value as usize) % len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(wamid: &str, sender: &str) -> NewMessage {
        NewMessage {
            wamid: wamid.into(),
            sender: sender.into(),
            payload: "{}".into(),
        }
    }

    #[test]
    fn a_redelivered_message_is_counted_not_added() {
        let mut inbox = Inbox::open_in_memory().expect("inbox");
        let ids = inbox.receive(&[(b"a", 1), (b"b", 2)]).expect("receive");
        assert_eq!(ids.len(), 2);
        let deliveries = inbox.unexpanded(10).expect("unexpanded");
        assert_eq!(deliveries.len(), 2, "both webhooks wait to be split");
        let first = inbox
            .expand(&deliveries[0], &[text("w1", "s1")], &[])
            .expect("expand");
        assert_eq!(first.messages, 1);
        let second = inbox
            .expand(&deliveries[1], &[text("w1", "s1")], &[])
            .expect("expand");
        assert_eq!(
            (second.messages, second.duplicate_messages),
            (0, 1),
            "the same message id twice is one message"
        );
        assert!(inbox.unexpanded(10).expect("unexpanded").is_empty());
    }

    #[test]
    fn one_sender_at_a_time_in_order_and_retries_wait() {
        let mut inbox = Inbox::open_in_memory().expect("inbox");
        inbox.receive(&[(b"x", 1)]).expect("receive");
        let d = inbox.unexpanded(1).expect("unexpanded").remove(0);
        inbox
            .expand(
                &d,
                &[text("a1", "A"), text("a2", "A"), text("b1", "B")],
                &[],
            )
            .expect("expand");
        let due = inbox.due(0, &HashSet::new(), 10).expect("due");
        let wamids: Vec<_> = due.iter().map(|m| m.wamid.as_str()).collect();
        assert_eq!(wamids, ["a1", "b1"], "the oldest message of each sender");
        inbox
            .mark_failed(due[0].id, "down", "offline", Some(100), 0)
            .expect("fail");
        let due = inbox.due(50, &HashSet::new(), 10).expect("due");
        assert_eq!(
            due.iter().map(|m| m.wamid.as_str()).collect::<Vec<_>>(),
            ["b1"],
            "A's next message waits behind its retry"
        );
        let busy = HashSet::from(["B".to_owned()]);
        assert!(inbox.due(50, &busy, 10).expect("due").is_empty());
        assert_eq!(inbox.next_due_at().expect("next"), Some(0));
        inbox
            .mark_failed(due[0].id, "bad", "validation", None, 60)
            .expect("dead");
        assert_eq!(inbox.dead_letters().expect("dead").len(), 1);
        assert_eq!(inbox.replay(None).expect("replay"), 1);
        assert!(inbox.dead_letters().expect("dead").is_empty());
    }

    #[test]
    fn alerts_remember_each_channel() {
        let mut inbox = Inbox::open_in_memory().expect("inbox");
        let id = inbox.raise_alert("s", "b", &[], 5).expect("alert");
        assert_eq!(inbox.undelivered_alerts(true, true).expect("list").len(), 1);
        inbox
            .alert_attempted(id, false, true, Some("odoo down"), 6)
            .expect("attempt");
        assert!(
            inbox
                .undelivered_alerts(false, true)
                .expect("list")
                .is_empty()
        );
        assert_eq!(inbox.undelivered_alerts(true, true).expect("list").len(), 1);
        assert_eq!(inbox.last_alert_at().expect("last"), Some(5));
    }

    #[test]
    fn round_robin_survives_and_wraps() {
        let inbox = Inbox::open_in_memory().expect("inbox");
        let picks: Vec<_> = (0..5)
            .map(|_| inbox.next_in_rotation("team", 3).expect("next"))
            .collect();
        assert_eq!(picks, [0, 1, 2, 0, 1]);
    }
}
