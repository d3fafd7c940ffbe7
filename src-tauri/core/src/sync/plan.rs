//! Sync decisions as pure functions: given what is cached here, what Odoo answered and
//! what the outbox holds, what must happen. No I/O, no clock: table-tested in
//! `plan/tests.rs`; `super::engine` carries the decisions out.

use super::edit::{Base, Change, Conflict, Edit, Subject, status_value};
use crate::crm::{FieldValue, Lead, Stage};
use std::collections::HashSet;
use time::{Duration, PrimitiveDateTime};

#[cfg(test)]
mod tests;

/// What to do with one outbox entry, now that Odoo's current lead has been read.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// Odoo already has it (a retried push, or the same change made there): drop the entry.
    AlreadyApplied,
    /// Write these fields (only those changed here alone, or changed identically).
    Write(Vec<Change>),
    /// Run the status action (won, lost, restore).
    Action,
    /// Some fields were changed on both sides. Write `merge` (the rest) now and keep the
    /// entry, reduced to the conflicting fields, until the rep resolves `conflicts`.
    Conflict {
        /// The non-conflicting part, pushed now.
        merge: Vec<Change>,
        /// What the rep must decide.
        conflicts: Vec<Conflict>,
    },
}

/// Decides how to push `edit` (made from `base`) when Odoo's lead is now `remote`
/// (`None`: deleted, or no longer visible to the rep). Notes and creations are not
/// compared with the lead: see [`note_already_posted`] and the client-key check.
pub fn push(edit: &Edit, base: &Base, remote: Option<&Lead>) -> Push {
    let Some(remote) = remote else {
        return Push::Conflict {
            merge: Vec::new(),
            conflicts: vec![Conflict {
                subject: Subject::Deleted,
                base: FieldValue::Text(String::new()),
                mine: FieldValue::Text("edited here".into()),
                theirs: FieldValue::Empty,
            }],
        };
    };
    match edit {
        Edit::Update { changes } => {
            let mut merge = Vec::new();
            let mut conflicts = Vec::new();
            for change in changes {
                let theirs = remote.get(change.field);
                let before = base.get(change.field);
                if theirs.same(&change.value) {
                    // Already there: nothing to send for this field.
                } else if theirs.same(&before) {
                    merge.push(change.clone());
                } else {
                    conflicts.push(Conflict {
                        subject: Subject::Field(change.field),
                        base: before,
                        mine: change.value.clone(),
                        theirs,
                    });
                }
            }
            match (merge.is_empty(), conflicts.is_empty()) {
                (true, true) => Push::AlreadyApplied,
                (false, true) => Push::Write(merge),
                _ => Push::Conflict { merge, conflicts },
            }
        }
        Edit::Won | Edit::Lost { .. } | Edit::Restore => {
            let Some(target) = edit.target_status() else {
                return Push::AlreadyApplied;
            };
            if remote.status == target {
                Push::AlreadyApplied
            } else if remote.status == base.status {
                Push::Action
            } else {
                Push::Conflict {
                    merge: Vec::new(),
                    conflicts: vec![Conflict {
                        subject: Subject::Status,
                        base: status_value(base.status),
                        mine: status_value(target),
                        theirs: status_value(remote.status),
                    }],
                }
            }
        }
        Edit::Note { .. } | Edit::Create { .. } => Push::Action,
    }
}

/// Whether a note was already posted by an earlier attempt whose answer was lost: one of
/// the rep's own recent messages on the lead (`mine`, bodies as Odoo stores them) carries
/// the same text.
pub fn note_already_posted(text: &str, mine: &[String]) -> bool {
    let want = normalize(text);
    mine.iter()
        .any(|body| normalize(&crate::crm::html_to_text(body)) == want)
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rep's view of a lead: Odoo's row with the pending edits applied in order.
pub fn overlay(mut remote: Lead, pending: &[&Edit], stages: &[Stage]) -> Lead {
    for edit in pending {
        edit.apply(&mut remote, stages);
    }
    remote
}

/// The outcome of re-listing a model's ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reconcile {
    /// Cached here, gone from Odoo, nothing pending: remove locally.
    pub delete: Vec<i64>,
    /// Gone from Odoo while edits are pending here: a conflict for the rep.
    pub gone_with_edits: Vec<i64>,
    /// Visible in Odoo but not cached (e.g. access gained without a write): fetch them.
    pub fetch: Vec<i64>,
}

/// Compares the cached ids with Odoo's. `local` are the ids of rows read from Odoo (leads
/// created here and not pushed yet have negative ids and are never in it).
pub fn reconcile(local: &[i64], remote: &[i64], pending: &HashSet<i64>) -> Reconcile {
    let remote_set: HashSet<i64> = remote.iter().copied().collect();
    let local_set: HashSet<i64> = local.iter().copied().collect();
    let mut out = Reconcile::default();
    for id in local
        .iter()
        .filter(|id| **id > 0 && !remote_set.contains(id))
    {
        if pending.contains(id) {
            out.gone_with_edits.push(*id);
        } else {
            out.delete.push(*id);
        }
    }
    out.fetch = remote
        .iter()
        .filter(|id| !local_set.contains(id))
        .copied()
        .collect();
    out.delete.sort_unstable();
    out.gone_with_edits.sort_unstable();
    out.fetch.sort_unstable();
    out
}

/// A frozen time window `[since, until)` over write_date (reference §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Lower bound; `None` on the first sync (everything).
    pub since: Option<PrimitiveDateTime>,
    /// Upper bound, exclusive.
    pub until: PrimitiveDateTime,
}

/// How far back each pull re-reads before the last cursor: a transaction that started
/// before the previous pull but committed after it has an older write_date (§5.1).
pub const OVERLAP: Duration = Duration::minutes(2);

/// The window of the next pull. `server_now` is Odoo's clock (the HTTP `Date` of its last
/// answer, whole seconds). `until` lies two seconds after it, so a row written just before
/// the pull is in this window, not the next one; a row written later inside this window but
/// behind the id cursor is re-read by the next pull, whose `since` goes back [`OVERLAP`].
pub fn window(cursor: Option<PrimitiveDateTime>, server_now: PrimitiveDateTime) -> Window {
    let until = server_now + Duration::seconds(2);
    Window {
        since: cursor.map(|c| (c - OVERLAP).min(until)),
        until,
    }
}

/// When the next background pull runs after `failures` failures in a row: the interval
/// normally; after failures, exponential backoff from 5 s capped at 15 min, with ±20 %
/// jitter (`jitter` in [0, 1)) so that many desks do not retry in step. Reconnection is
/// noticed sooner by the scheduler's connectivity probe, not by shortening this.
pub fn next_delay(interval: Duration, failures: u32, jitter: f64) -> Duration {
    if failures == 0 {
        return interval;
    }
    let base = Duration::seconds(5) * 2_f64.powi(failures.saturating_sub(1).min(16) as i32);
    let capped = base.min(Duration::minutes(15));
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    capped * factor
}
