//! The outbox: edits made here, applied to the cache at once and kept, in order, until Odoo
//! has them. An entry leaves the outbox only when Odoo confirmed it, when the rep discarded
//! it, or when a conflict was resolved by taking Odoo's value: nothing typed is lost on the
//! way.
//!
//! Local ids: a lead created here gets the id `-seq` of its outbox entry, and a note the
//! message id `-seq`, until Odoo gives the real ones ([`Store::rekey_lead`],
//! [`Store::rekey_message`]). Odoo ids are positive, so the two never meet.

use super::cache::{
    KEY_OF, LEAD_KEY, format_datetime, insert_message, lead_in, parse_datetime, stages_in,
    upsert_lead,
};
use super::{Error, Store};
use crate::crm::{Lead, LeadStatus, Message, MessageKind, Ref, text_to_html};
use crate::sync::edit::{Base, Conflict, Edit};
use rusqlite::params;
use std::collections::HashMap;
use time::PrimitiveDateTime;

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting to be pushed.
    Pending,
    /// Odoo refused it (validation, access); kept with the error until retried or discarded.
    Failed,
    /// Changed on both sides; waits for the rep.
    Conflict,
}

/// One queued edit.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// Order of the edit (and its local id).
    pub seq: i64,
    /// The lead (negative: created here, not pushed yet).
    pub lead_id: i64,
    /// The change.
    pub edit: Edit,
    /// The lead as it was when the change was made.
    pub base: Base,
    /// Pending, failed or in conflict.
    pub state: EntryState,
    /// Odoo's refusal, for failed entries.
    pub error: Option<String>,
    /// Kind of that error (`validation`, `access_denied`, …).
    pub error_kind: Option<String>,
    /// What the rep must decide, for entries in conflict.
    pub conflicts: Vec<Conflict>,
    /// Push attempts so far.
    pub attempts: u32,
    /// When the first push attempt started (idempotency checks look from there).
    pub first_attempt_at: Option<PrimitiveDateTime>,
    /// When the rep made the edit.
    pub created_at: PrimitiveDateTime,
}

/// What queuing an edit produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    /// The outbox entry.
    pub seq: i64,
    /// The lead it applies to (the new local id for a creation).
    pub lead_id: i64,
}

impl Store {
    /// Queues an edit of `lead_id` (ignored for a creation) and applies it to the cache, in
    /// one transaction: either both happen or neither.
    pub fn queue_edit(
        &mut self,
        account: i64,
        lead_id: i64,
        edit: &Edit,
        now: PrimitiveDateTime,
    ) -> Result<Queued, Error> {
        let tx = self.conn.transaction()?;
        let (user, author) = tx.query_row(
            "SELECT uid, user_name, partner_id FROM account WHERE id = ?1",
            params![account],
            |r| {
                let uid: i64 = r.get(0)?;
                let name: String = r.get(1)?;
                let partner: Option<i64> = r.get(2)?;
                Ok((
                    (uid > 0).then(|| Ref {
                        id: uid,
                        name: name.clone(),
                    }),
                    partner.map(|id| Ref { id, name }),
                ))
            },
        )?;
        let existing = match edit {
            Edit::Create { .. } => None,
            _ => Some(lead_in(&tx, account, lead_id)?.ok_or(Error::NoSuchLead(lead_id))?),
        };
        let base = existing.as_ref().map_or_else(
            || Base {
                write_date: None,
                status: LeadStatus::Open,
                values: Vec::new(),
            },
            |l| Base::of(l, l.updated_at.map(format_datetime)),
        );
        tx.execute(
            "INSERT INTO outbox (account_id, lead_id, edit, base, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                account,
                lead_id,
                json(edit)?,
                json(&base)?,
                format_datetime(now)
            ],
        )?;
        let seq = tx.last_insert_rowid();
        let lead_id = match (edit, existing) {
            (Edit::Create { client_key, lead }, _) => {
                let row = lead.to_lead(-seq, user);
                upsert_lead(&tx, account, &row, None)?;
                tx.execute(
                    &format!("UPDATE lead SET client_key = ?3 WHERE key = {KEY_OF}"),
                    params![account, -seq, client_key],
                )?;
                let base = Base::of(&row, None);
                tx.execute(
                    "UPDATE outbox SET lead_id = ?2, base = ?3 WHERE seq = ?1",
                    params![seq, -seq, json(&base)?],
                )?;
                -seq
            }
            (Edit::Note { text }, Some(_)) => {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO message (account_id, id, lead_id, body, kind, internal,
                        author_id, author_name, date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                let note = Message {
                    id: -seq,
                    lead_id,
                    body: text_to_html(text),
                    kind: MessageKind::Comment,
                    internal: true,
                    author,
                    date: Some(now),
                };
                insert_message(&mut stmt, account, lead_id, &note)?;
                lead_id
            }
            (_, Some(mut lead)) => {
                let stages = stages_in(&tx, account)?;
                edit.apply(&mut lead, &stages);
                upsert_lead(&tx, account, &lead, None)?;
                lead_id
            }
            (_, None) => return Err(Error::NoSuchLead(lead_id)),
        };
        tx.commit()?;
        Ok(Queued { seq, lead_id })
    }

    /// The account's outbox, in order.
    pub fn outbox(&self, account: i64) -> Result<Vec<OutboxEntry>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, lead_id, edit, base, state, error, error_kind, conflicts, attempts,
                    first_attempt_at, created_at
             FROM outbox WHERE account_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![account], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, u32>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                seq,
                lead_id,
                edit,
                base,
                state,
                error,
                error_kind,
                conflicts,
                attempts,
                first,
                created,
            ) = row?;
            out.push(OutboxEntry {
                seq,
                lead_id,
                edit: parse(&edit, seq)?,
                base: parse(&base, seq)?,
                state: match state.as_str() {
                    "failed" => EntryState::Failed,
                    "conflict" => EntryState::Conflict,
                    _ => EntryState::Pending,
                },
                error,
                error_kind,
                conflicts: conflicts
                    .as_deref()
                    .map(|c| parse(c, seq))
                    .transpose()?
                    .unwrap_or_default(),
                attempts,
                first_attempt_at: first.as_deref().and_then(parse_datetime),
                created_at: parse_datetime(&created).unwrap_or(PrimitiveDateTime::MIN),
            });
        }
        Ok(out)
    }

    /// One entry.
    pub fn outbox_entry(&self, account: i64, seq: i64) -> Result<Option<OutboxEntry>, Error> {
        Ok(self.outbox(account)?.into_iter().find(|e| e.seq == seq))
    }

    /// Number of entries by state: (pending, failed, conflict).
    pub fn outbox_counts(&self, account: i64) -> Result<(u64, u64, u64), Error> {
        Ok(self.conn.query_row(
            "SELECT count(*) FILTER (WHERE state = 'pending'),
                    count(*) FILTER (WHERE state = 'failed'),
                    count(*) FILTER (WHERE state = 'conflict')
             FROM outbox WHERE account_id = ?1",
            params![account],
            |r| {
                let n = |i: usize| r.get::<_, i64>(i).map(i64::unsigned_abs);
                Ok((n(0)?, n(1)?, n(2)?))
            },
        )?)
    }

    /// The edits still to reach Odoo, by lead, in order: the pull applies them on top of
    /// what it reads so the rep keeps seeing their own changes.
    pub fn edits_by_lead(&self, account: i64) -> Result<HashMap<i64, Vec<Edit>>, Error> {
        let mut map: HashMap<i64, Vec<Edit>> = HashMap::new();
        for entry in self.outbox(account)? {
            map.entry(entry.lead_id).or_default().push(entry.edit);
        }
        Ok(map)
    }

    /// Counts an attempt, committed before the request leaves, so a crash mid-push still
    /// leaves a trace of when the first attempt began.
    pub fn mark_attempt(&mut self, seq: i64, now: PrimitiveDateTime) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1,
                first_attempt_at = coalesce(first_attempt_at, ?2)
             WHERE seq = ?1",
            params![seq, format_datetime(now)],
        )?;
        Ok(())
    }

    /// Odoo has it: the entry leaves the outbox.
    pub fn finish_entry(&mut self, seq: i64) -> Result<(), Error> {
        self.conn
            .execute("DELETE FROM outbox WHERE seq = ?1", params![seq])?;
        Ok(())
    }

    /// Odoo refused it: kept, with the error, for retry or discard.
    pub fn fail_entry(&mut self, seq: i64, kind: &str, message: &str) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE outbox SET state = 'failed', error = ?2, error_kind = ?3 WHERE seq = ?1",
            params![seq, message, kind],
        )?;
        Ok(())
    }

    /// A conflict: the entry is reduced to what conflicts (`edit`) and waits for the rep.
    pub fn conflict_entry(
        &mut self,
        seq: i64,
        edit: &Edit,
        conflicts: &[Conflict],
    ) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE outbox SET state = 'conflict', edit = ?2, conflicts = ?3, error = NULL,
                error_kind = NULL WHERE seq = ?1",
            params![seq, json(edit)?, json(&conflicts)?],
        )?;
        Ok(())
    }

    /// Updates what is still in conflict (the rep resolved some of it).
    pub fn set_conflicts(
        &mut self,
        seq: i64,
        edit: &Edit,
        base: &Base,
        conflicts: &[Conflict],
    ) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE outbox SET edit = ?2, base = ?3, conflicts = ?4 WHERE seq = ?1",
            params![seq, json(edit)?, json(base)?, json(&conflicts)?],
        )?;
        Ok(())
    }

    /// Rewrites an entry and makes it pending again (a resolution, a retry).
    pub fn requeue_entry(&mut self, seq: i64, edit: &Edit, base: &Base) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE outbox SET state = 'pending', edit = ?2, base = ?3, conflicts = NULL,
                error = NULL, error_kind = NULL WHERE seq = ?1",
            params![seq, json(edit)?, json(base)?],
        )?;
        Ok(())
    }

    /// A lead created here got its Odoo id: every reference follows, in one transaction.
    /// A copy of the lead already pulled under the new id gives way to the local row (which
    /// carries any later edits); the next pull refreshes it.
    pub fn rekey_lead(&mut self, account: i64, local: i64, odoo: i64) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        tx.execute(
            &format!("DELETE FROM lead WHERE key = {KEY_OF}"),
            params![account, odoo],
        )?;
        tx.execute(
            &format!("UPDATE lead SET id = ?3, key = ?1 * {LEAD_KEY} + ?3 WHERE key = {KEY_OF}"),
            params![account, local, odoo],
        )?;
        tx.execute(
            "UPDATE outbox SET lead_id = ?3 WHERE account_id = ?1 AND lead_id = ?2",
            params![account, local, odoo],
        )?;
        tx.execute(
            "UPDATE message SET lead_id = ?3 WHERE account_id = ?1 AND lead_id = ?2",
            params![account, local, odoo],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A note written here got its Odoo id.
    pub fn rekey_message(&mut self, account: i64, local: i64, odoo: i64) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM message WHERE account_id = ?1 AND id = ?2",
            params![account, odoo],
        )?;
        tx.execute(
            "UPDATE message SET id = ?3 WHERE account_id = ?1 AND id = ?2",
            params![account, local, odoo],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes an entry the rep gave up, and undoes it in the cache: a lead created here
    /// disappears, a note disappears, other edits fall back to their base values (the next
    /// pull then brings Odoo's truth).
    pub fn discard_entry(&mut self, account: i64, seq: i64) -> Result<Option<OutboxEntry>, Error> {
        let Some(entry) = self.outbox_entry(account, seq)? else {
            return Ok(None);
        };
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM outbox WHERE seq = ?1", params![seq])?;
        match &entry.edit {
            Edit::Create { .. } => {
                tx.execute(
                    "DELETE FROM outbox WHERE account_id = ?1 AND lead_id = ?2",
                    params![account, entry.lead_id],
                )?;
                tx.execute(
                    "DELETE FROM message WHERE account_id = ?1 AND lead_id = ?2",
                    params![account, entry.lead_id],
                )?;
                tx.execute(
                    &format!("DELETE FROM lead WHERE key = {KEY_OF}"),
                    params![account, entry.lead_id],
                )?;
            }
            Edit::Note { .. } => {
                tx.execute(
                    "DELETE FROM message WHERE account_id = ?1 AND id = ?2",
                    params![account, -seq],
                )?;
            }
            edit => {
                if let Some(mut lead) = lead_in(&tx, account, entry.lead_id)? {
                    revert(&mut lead, edit, &entry.base);
                    upsert_lead(&tx, account, &lead, None)?;
                }
            }
        }
        tx.commit()?;
        Ok(Some(entry))
    }

    /// Writes the rep's view of a lead (`synced_at`: when it was read from Odoo, if it just
    /// was).
    pub fn put_lead(
        &mut self,
        account: i64,
        lead: &Lead,
        synced_at: Option<&str>,
    ) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        upsert_lead(&tx, account, lead, synced_at)?;
        tx.commit()?;
        Ok(())
    }

    /// Drops a lead and every edit queued for it ("take theirs" on a lead deleted in Odoo).
    pub fn forget_lead(&mut self, account: i64, lead_id: i64) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        for sql in [
            "DELETE FROM outbox WHERE account_id = ?1 AND lead_id = ?2".to_owned(),
            "DELETE FROM message WHERE account_id = ?1 AND lead_id = ?2".to_owned(),
            format!("DELETE FROM lead WHERE key = {KEY_OF}"),
        ] {
            tx.execute(&sql, params![account, lead_id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Gives a lead deleted in Odoo a new local life: it becomes "created here" again under
    /// `seq`'s entry (rewritten to `create`) and its other entries are folded into that one.
    pub fn recreate_lead(
        &mut self,
        account: i64,
        seq: i64,
        lead_id: i64,
        create: &Edit,
    ) -> Result<i64, Error> {
        let tx = self.conn.transaction()?;
        let Edit::Create { client_key, .. } = create else {
            return Err(Error::Corrupt("recreate_lead needs a creation".into()));
        };
        tx.execute(
            "DELETE FROM outbox WHERE account_id = ?1 AND lead_id = ?2 AND seq <> ?3",
            params![account, lead_id, seq],
        )?;
        tx.execute(
            "UPDATE outbox SET lead_id = ?2, edit = ?3, state = 'pending', conflicts = NULL,
                error = NULL, error_kind = NULL WHERE seq = ?1",
            params![seq, -seq, json(create)?],
        )?;
        tx.execute(
            &format!(
                "UPDATE lead SET id = ?3, key = ?1 * {LEAD_KEY} + ?3, client_key = ?4,
                    updated_at = NULL
                 WHERE key = {KEY_OF}"
            ),
            params![account, lead_id, -seq, client_key],
        )?;
        tx.execute(
            "UPDATE message SET lead_id = ?3 WHERE account_id = ?1 AND lead_id = ?2",
            params![account, lead_id, -seq],
        )?;
        tx.commit()?;
        Ok(-seq)
    }
}

/// Undoes an edit in the rep's view from its base values.
fn revert(lead: &mut Lead, edit: &Edit, base: &Base) {
    match edit {
        Edit::Update { changes } => {
            for c in changes {
                let _ = lead.set(c.field, &base.get(c.field));
            }
        }
        Edit::Won | Edit::Lost { .. } | Edit::Restore => {
            lead.status = base.status;
            lead.active = base.status != LeadStatus::Lost;
            for field in [
                crate::crm::LeadField::Stage,
                crate::crm::LeadField::Probability,
            ] {
                let _ = lead.set(field, &base.get(field));
            }
        }
        Edit::Note { .. } | Edit::Create { .. } => {}
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::Corrupt(format!("encoding an outbox entry: {e}")))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, seq: i64) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("outbox entry {seq}: {e}")))
}
