//! The notification centre (per account and Odoo user), and the cheap views of the cache
//! the notification rule (`crate::notify`) works from.

use super::cache::{LEAD_KEY, LEAD_SPAN};
use super::{Error, Store};
use crate::notify::{Announcement, Seen};
use rusqlite::params;

/// What a notification is about; the window words it in the rep's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// A new WhatsApp lead.
    NewLead,
    /// Several new WhatsApp leads in one sync.
    NewLeads,
    /// A lead newly assigned to the rep.
    Assigned,
    /// An edit in conflict with Odoo.
    Conflict,
    /// An edit Odoo refused.
    FailedPush,
    /// A customer's new WhatsApp message(s) on one of the rep's leads.
    Message,
    /// New WhatsApp messages on several leads in one sync.
    Messages,
}

impl NotificationKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::NewLead => "new_lead",
            NotificationKind::NewLeads => "new_leads",
            NotificationKind::Assigned => "assigned",
            NotificationKind::Conflict => "conflict",
            NotificationKind::FailedPush => "failed_push",
            NotificationKind::Message => "message",
            NotificationKind::Messages => "messages",
        }
    }

    fn parse(text: &str) -> NotificationKind {
        match text {
            "new_leads" => NotificationKind::NewLeads,
            "assigned" => NotificationKind::Assigned,
            "conflict" => NotificationKind::Conflict,
            "failed_push" => NotificationKind::FailedPush,
            "message" => NotificationKind::Message,
            "messages" => NotificationKind::Messages,
            _ => NotificationKind::NewLead,
        }
    }
}

/// One item of the notification centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Local id.
    pub id: i64,
    /// What it is about.
    pub category: NotificationKind,
    /// The contact or lead name (empty for a summary).
    pub title: String,
    /// The message's first line, the lead's name, what the edit does or Odoo's reason.
    pub body: String,
    /// The lead it opens.
    pub lead_id: Option<i64>,
    /// Leads or messages it stands for (a summary's count, a lead's new messages; else 1).
    pub count: u32,
    /// When it was raised (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub created_at: String,
    /// Whether the rep has read it.
    pub read: bool,
}

impl Notification {
    fn from_announcement(a: &Announcement) -> (NotificationKind, &str, &str, Option<i64>, u32) {
        match a {
            Announcement::NewLead {
                lead_id,
                title,
                body,
            } => (NotificationKind::NewLead, title, body, Some(*lead_id), 1),
            Announcement::NewLeads { count, .. } => (
                NotificationKind::NewLeads,
                "",
                "",
                None,
                u32::try_from(*count).unwrap_or(u32::MAX),
            ),
            Announcement::AssignedToMe { lead_id, title } => {
                (NotificationKind::Assigned, title, "", Some(*lead_id), 1)
            }
            Announcement::Conflict {
                lead_id,
                title,
                body,
            } => (NotificationKind::Conflict, title, body, Some(*lead_id), 1),
            Announcement::FailedPush {
                lead_id,
                title,
                body,
            } => (NotificationKind::FailedPush, title, body, Some(*lead_id), 1),
            Announcement::NewMessage {
                lead_id,
                title,
                body,
                count,
            } => (
                NotificationKind::Message,
                title,
                body,
                Some(*lead_id),
                u32::try_from(*count).unwrap_or(u32::MAX),
            ),
            Announcement::NewMessages { count, .. } => (
                NotificationKind::Messages,
                "",
                "",
                None,
                u32::try_from(*count).unwrap_or(u32::MAX),
            ),
        }
    }
}

const NOTIFICATION_COLUMNS: &str = "id, category, title, body, lead_id, count, created_at, read_at";

fn notification_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: r.get(0)?,
        category: NotificationKind::parse(&r.get::<_, String>(1)?),
        title: r.get(2)?,
        body: r.get(3)?,
        lead_id: r.get(4)?,
        count: r.get(5)?,
        created_at: r.get(6)?,
        read: r.get::<_, Option<String>>(7)?.is_some(),
    })
}

/// The rule's view of cached leads ([`seen_from_row`]'s columns), and whether and with which
/// salesperson the rule last saw them (columns 9 and 10); the caller adds WHERE and ORDER.
const SEEN_FROM: &str = "SELECT l.id, l.name, coalesce(l.contact_name, l.partner_name), l.user_id,
        l.team_id, so.name, me.name,
        (SELECT group_concat(t.name, char(31)) FROM json_each(l.tag_ids) j
         JOIN lookup t ON t.account_id = l.account_id AND t.kind = 'tag' AND t.id = j.value),
        l.description, a.lead_id IS NOT NULL, a.user_id
     FROM lead l
     LEFT JOIN announced_lead a ON a.account_id = l.account_id AND a.lead_id = l.id
     LEFT JOIN lookup so ON so.account_id = l.account_id AND so.kind = 'source'
                        AND so.id = l.source_id
     LEFT JOIN lookup me ON me.account_id = l.account_id AND me.kind = 'medium'
                        AND me.id = l.medium_id";

fn seen_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Seen> {
    let tags: Option<String> = r.get(7)?;
    Ok(Seen {
        id: r.get(0)?,
        name: r.get(1)?,
        contact: r.get(2)?,
        user_id: r.get(3)?,
        team_id: r.get(4)?,
        source: r.get(5)?,
        medium: r.get(6)?,
        tags: tags
            .map(|t| t.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default(),
        message: r
            .get::<_, Option<String>>(8)?
            .map(|html| crate::crm::html_to_text(&html)),
    })
}

impl Store {
    /// The leads whose notification facts changed since the rule last looked at them: never
    /// seen by it, or with another salesperson now. Returns `(before, after)`: `after` as
    /// they are now; `before` those of them the rule had seen, with the salesperson they had
    /// then. Leads created here and not pushed yet (negative ids) are the rep's own: never
    /// candidates.
    pub fn notify_candidates(&self, account: i64) -> Result<(Vec<Seen>, Vec<Seen>), Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SEEN_FROM}
             WHERE l.key BETWEEN ?1 * {LEAD_KEY} + 1 AND ?1 * {LEAD_KEY} + {LEAD_SPAN}
               AND (a.lead_id IS NULL OR a.user_id IS NOT l.user_id)
             ORDER BY l.key"
        ))?;
        let mut before = Vec::new();
        let mut after = Vec::new();
        let rows = stmt.query_map(params![account], |r| {
            let seen = seen_from_row(r)?;
            let known: bool = r.get(9)?;
            let previous_user: Option<i64> = r.get(10)?;
            Ok((seen, known, previous_user))
        })?;
        for row in rows {
            let (seen, known, previous_user) = row?;
            if known {
                before.push(Seen {
                    user_id: previous_user,
                    ..seen.clone()
                });
            }
            after.push(seen);
        }
        Ok((before, after))
    }

    /// The rule's view of some cached leads (those with new chatter messages), in id order.
    pub fn leads_seen(&self, account: i64, ids: &[i64]) -> Result<Vec<Seen>, Error> {
        let ids = serde_json::to_string(ids).map_err(|e| Error::Corrupt(e.to_string()))?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SEEN_FROM}
             WHERE l.key IN (SELECT ?1 * {LEAD_KEY} + value FROM json_each(?2))
             ORDER BY l.key"
        ))?;
        let rows = stmt.query_map(params![account, ids], seen_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the rule has ever looked at this account's leads (an account synced before
    /// notifications existed has history the rule must not announce).
    pub fn has_seen_leads(&self, account: i64) -> Result<bool, Error> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM announced_lead WHERE account_id = ?1)")?
            .query_row(params![account], |r| r.get(0))?)
    }

    /// Records what the rule saw: each lead with its salesperson. A lead seen once is never
    /// new again.
    pub fn remember_seen(
        &mut self,
        account: i64,
        leads: &[(i64, Option<i64>)],
        at: &str,
    ) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO announced_lead (account_id, lead_id, at, user_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO UPDATE SET user_id = excluded.user_id",
            )?;
            for (id, user) in leads {
                upsert.execute(params![account, id, at, user])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds announcements to the notification centre of `uid` on `account`; returns them
    /// as stored.
    pub fn add_notifications(
        &mut self,
        account: i64,
        uid: i64,
        announcements: &[Announcement],
        at: &str,
    ) -> Result<Vec<Notification>, Error> {
        let tx = self.conn.transaction()?;
        let mut added = Vec::with_capacity(announcements.len());
        {
            let mut insert = tx.prepare_cached(&format!(
                "INSERT INTO notification
                   (account_id, odoo_uid, category, title, body, lead_id, count, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING {NOTIFICATION_COLUMNS}"
            ))?;
            for a in announcements {
                let (category, title, body, lead_id, count) = Notification::from_announcement(a);
                added.push(insert.query_row(
                    params![
                        account,
                        uid,
                        category.as_str(),
                        title,
                        body,
                        lead_id,
                        count,
                        at
                    ],
                    notification_from_row,
                )?);
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// The newest `limit` notifications of `uid` on `account`, newest first.
    pub fn notifications(
        &self,
        account: i64,
        uid: i64,
        limit: usize,
    ) -> Result<Vec<Notification>, Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notification WHERE account_id = ?1 AND odoo_uid = ?2
             ORDER BY id DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![account, uid, i64::try_from(limit).unwrap_or(i64::MAX)],
            notification_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many notifications of `uid` on `account` are unread.
    pub fn unread_notifications(&self, account: i64, uid: i64) -> Result<u64, Error> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM notification
                 WHERE account_id = ?1 AND odoo_uid = ?2 AND read_at IS NULL",
            )?
            .query_row(params![account, uid], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Marks notifications read: the one `id`, or all of them (`None`). Returns how many
    /// changed.
    pub fn mark_notifications_read(
        &mut self,
        account: i64,
        uid: i64,
        id: Option<i64>,
        at: &str,
    ) -> Result<usize, Error> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE notification SET read_at = ?4
                 WHERE account_id = ?1 AND odoo_uid = ?2 AND read_at IS NULL
                   AND (?3 IS NULL OR id = ?3)",
            )?
            .execute(params![account, uid, id, at])?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{Lead, Ref};

    fn account(store: &mut Store, login: &str, uid: i64) -> i64 {
        crate::store::test_account(store, login, uid)
    }

    fn lead(id: i64, user: Option<i64>) -> Lead {
        Lead {
            user: user.map(|id| Ref {
                id,
                name: "Someone".into(),
            }),
            contact_name: Some(format!("Customer {id}")),
            description: Some("<p>Hello,</p><p>I want a quote</p>".into()),
            ..Lead::blank(id, &format!("WhatsApp: lead {id}"))
        }
    }

    const AT: &str = "2026-11-27 09:00:00";

    #[test]
    fn candidates_are_the_unseen_and_the_reassigned_only() {
        let mut store = Store::open_in_memory().expect("store");
        let a = account(&mut store, "rep", 7);
        store
            .save_lead_page(a, &[lead(1, Some(7)), lead(2, None)], AT, None)
            .expect("page");
        assert!(!store.has_seen_leads(a).expect("seen?"), "nothing seen yet");
        let (before, after) = store.notify_candidates(a).expect("candidates");
        assert!(before.is_empty());
        assert_eq!(after.iter().map(|s| s.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(
            after[0].message.as_deref().map(str::trim),
            Some("Hello,\nI want a quote"),
            "the notes come as text, for the notification's body"
        );
        store
            .remember_seen(a, &[(1, Some(7)), (2, None)], AT)
            .expect("remember");
        assert!(
            store.notify_candidates(a).expect("candidates").1.is_empty(),
            "an unchanged cache has nothing for the rule: the check stays cheap"
        );

        // Lead 2 is assigned to the rep; lead 3 arrives; lead 1 leaves and comes back.
        store
            .save_lead_page(a, &[lead(2, Some(7)), lead(3, None)], AT, None)
            .expect("page");
        store.delete_leads(a, &[1]).expect("delete");
        store
            .save_lead_page(a, &[lead(1, Some(7))], AT, None)
            .expect("back");
        let (before, after) = store.notify_candidates(a).expect("candidates");
        assert_eq!(
            after.iter().map(|s| s.id).collect::<Vec<_>>(),
            [2, 3],
            "a lead that comes back unchanged is not a candidate"
        );
        assert_eq!(
            before.iter().map(|s| (s.id, s.user_id)).collect::<Vec<_>>(),
            [(2, None)],
            "before: the salesperson lead 2 had when last seen"
        );
    }

    #[test]
    fn notifications_are_per_account_and_user_and_are_marked_read() {
        let mut store = Store::open_in_memory().expect("store");
        let a = account(&mut store, "rep", 7);
        let b = account(&mut store, "other", 8);
        let added = store
            .add_notifications(
                a,
                7,
                &[
                    Announcement::NewLead {
                        lead_id: 5,
                        title: "Amal".into(),
                        body: "Hello".into(),
                    },
                    Announcement::NewLeads {
                        count: 7,
                        lead_ids: vec![],
                    },
                ],
                AT,
            )
            .expect("add");
        assert_eq!(added.len(), 2);
        assert_eq!(
            (added[1].category, added[1].count, added[1].lead_id),
            (NotificationKind::NewLeads, 7, None)
        );
        let listed = store.notifications(a, 7, 50).expect("list");
        assert_eq!(listed[0].id, added[1].id, "newest first");
        assert_eq!(store.unread_notifications(a, 7).expect("unread"), 2);
        assert!(
            store.notifications(b, 8, 50).expect("other").is_empty(),
            "per account"
        );
        assert!(
            store
                .notifications(a, 9, 50)
                .expect("other user")
                .is_empty(),
            "per Odoo user"
        );
        assert_eq!(
            store
                .mark_notifications_read(a, 7, Some(added[0].id), AT)
                .expect("one"),
            1
        );
        assert_eq!(store.unread_notifications(a, 7).expect("unread"), 1);
        assert_eq!(
            store.mark_notifications_read(a, 7, None, AT).expect("all"),
            1
        );
        assert_eq!(store.unread_notifications(a, 7).expect("unread"), 0);
        store.remove_account(a).expect("remove");
        assert!(
            store.notifications(a, 7, 50).expect("gone").is_empty(),
            "removed with the account"
        );
    }
}
