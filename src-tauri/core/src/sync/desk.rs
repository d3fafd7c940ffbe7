//! What the rep does to the pipeline, offline or not: edits go through the outbox (applied
//! to the cache at once, pushed later), conflicts are resolved, failed pushes retried or
//! discarded. No network here: all of it works on a plane.

use super::Error;
use super::edit::{Conflict, Edit, NewLead, Resolution, Subject, status_value};
use crate::crm::{FieldValue, LeadField, LeadStatus, Ref, html_to_text};
use crate::store::{EntryState, LookupKind, Queued, Store};
use time::PrimitiveDateTime;

/// A fresh client key for a lead created here: random, short enough to type in the CLI.
pub fn new_client_key() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let tail: String = (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("new-{tail}")
}

/// A lead named the way the CLI and scripts do: an Odoo id, or the client key of a lead
/// created here (which keeps working after it was pushed).
pub fn find_lead(store: &Store, account: i64, reference: &str) -> Result<i64, Error> {
    let reference = reference.trim();
    let id = match reference.parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) => store.lead_id_by_key(account, reference)?,
    };
    match id {
        Some(id) if store.lead(account, id)?.is_some() => Ok(id),
        _ => Err(crate::store::Error::NoSuchLead(id.unwrap_or(0)).into()),
    }
}

/// Fills in the display names of the records an edit refers to by id (stage, salesperson,
/// lost reason) from the cache, refusing ids the cache does not know.
fn complete(store: &Store, account: i64, edit: Edit) -> Result<Edit, Error> {
    let stage_ref = |id: i64| -> Result<Ref, Error> {
        store
            .stages(account)?
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| Ref { id, name: s.name })
            .ok_or_else(|| Error::Invalid(format!("there is no stage {id}")))
    };
    Ok(match edit {
        Edit::Update { mut changes } => {
            for c in &mut changes {
                match (c.field, &c.value) {
                    (LeadField::Stage, FieldValue::Ref(r)) => {
                        c.value = FieldValue::Ref(stage_ref(r.id)?);
                    }
                    (LeadField::Salesperson, FieldValue::Ref(r)) => {
                        let user = store
                            .users(account)?
                            .into_iter()
                            .find(|u| u.id == r.id)
                            .ok_or_else(|| Error::Invalid(format!("there is no user {}", r.id)))?;
                        c.value = FieldValue::Ref(Ref {
                            id: user.id,
                            name: user.name,
                        });
                    }
                    (LeadField::Tags, FieldValue::Ids(ids)) => {
                        let known = store.lookups(account, LookupKind::Tag)?;
                        if let Some(bad) = ids.iter().find(|id| !known.iter().any(|t| t.id == **id))
                        {
                            return Err(Error::Invalid(format!("there is no tag {bad}")));
                        }
                    }
                    _ => {}
                }
            }
            Edit::Update { changes }
        }
        Edit::Lost {
            reason: Some(reason),
        } => {
            let known = store.lookups(account, LookupKind::LostReason)?;
            let found = known
                .into_iter()
                .find(|r| r.id == reason.id)
                .ok_or_else(|| Error::Invalid(format!("there is no lost reason {}", reason.id)))?;
            Edit::Lost {
                reason: Some(Ref {
                    id: found.id,
                    name: found.name,
                }),
            }
        }
        Edit::Create {
            client_key,
            mut lead,
        } => {
            if let Some(stage) = &lead.stage {
                lead.stage = Some(stage_ref(stage.id)?);
            }
            Edit::Create { client_key, lead }
        }
        other => other,
    })
}

/// Queues an edit of a lead (or a creation: `lead_id` is then ignored), applying it to the
/// cache at once. Refused edits (a bad value, an unknown stage, a note on nothing) leave
/// no trace.
pub fn edit(
    store: &mut Store,
    account: i64,
    lead_id: i64,
    edit: Edit,
    now: PrimitiveDateTime,
) -> Result<Queued, Error> {
    edit.validate().map_err(Error::Invalid)?;
    let edit = complete(store, account, edit)?;
    // Odoo's own rules, checked here so the rep hears about them at once, not at push time.
    match (&edit, store.lead(account, lead_id)?) {
        (Edit::Restore, Some(lead)) if lead.status != LeadStatus::Lost => {
            return Err(Error::Invalid(format!("lead {lead_id} is not lost")));
        }
        (Edit::Lost { .. }, Some(lead)) if lead.status == LeadStatus::Won => {
            return Err(Error::Invalid(
                "a won lead cannot be lost: move it to another stage first".into(),
            ));
        }
        _ => {}
    }
    Ok(store.queue_edit(account, lead_id, &edit, now)?)
}

/// Creates a lead here; returns where it was queued (its local id is `lead_id`).
pub fn create(
    store: &mut Store,
    account: i64,
    lead: NewLead,
    now: PrimitiveDateTime,
) -> Result<(Queued, String), Error> {
    let client_key = new_client_key();
    let queued = edit(
        store,
        account,
        0,
        Edit::Create {
            client_key: client_key.clone(),
            lead,
        },
        now,
    )?;
    Ok((queued, client_key))
}

/// Resolves the conflicts of outbox entry `seq` (only the one about `field` when given).
/// Works offline: "keep mine" rebases the edit on Odoo's value so the next push writes
/// mine; "take theirs" drops my value and shows Odoo's.
pub fn resolve(
    store: &mut Store,
    account: i64,
    seq: i64,
    field: Option<LeadField>,
    resolution: Resolution,
) -> Result<(), Error> {
    let entry = store
        .outbox_entry(account, seq)?
        .filter(|e| e.state == EntryState::Conflict)
        .ok_or_else(|| Error::Invalid(format!("change {seq} has no conflict to resolve")))?;
    let (chosen, rest): (Vec<Conflict>, Vec<Conflict>) =
        entry.conflicts.iter().cloned().partition(|c| {
            field.is_none() || c.subject == Subject::Field(field.unwrap_or(LeadField::Name))
        });
    if chosen.is_empty() {
        return Err(Error::Invalid(format!(
            "change {seq} has no conflict on that field"
        )));
    }
    let mut edit = entry.edit.clone();
    let mut base = entry.base.clone();
    for conflict in &chosen {
        match (conflict.subject, resolution) {
            (Subject::Deleted, Resolution::KeepMine) => {
                let lead = store
                    .lead(account, entry.lead_id)?
                    .ok_or(crate::store::Error::NoSuchLead(entry.lead_id))?;
                let again = Edit::Create {
                    client_key: new_client_key(),
                    lead: NewLead {
                        name: lead.name.clone(),
                        contact_name: lead.contact_name.clone(),
                        email: lead.email.clone(),
                        phone: lead.phone.clone(),
                        description: lead.description.as_deref().map(html_to_text),
                        stage: lead.stage.clone(),
                        expected_revenue: Some(lead.expected_revenue),
                        priority: Some(lead.priority),
                    },
                };
                store.recreate_lead(account, seq, entry.lead_id, &again)?;
                return Ok(());
            }
            (Subject::Deleted, Resolution::TakeTheirs) => {
                store.forget_lead(account, entry.lead_id)?;
                return Ok(());
            }
            (Subject::Status, Resolution::KeepMine) => {
                base.status = status_of(&conflict.theirs).unwrap_or(base.status);
            }
            (Subject::Status, Resolution::TakeTheirs) => {
                store.discard_entry(account, seq)?;
                store.mark_stale(account, entry.lead_id)?;
                return Ok(());
            }
            (Subject::Field(f), Resolution::KeepMine) => base.set(f, conflict.theirs.clone()),
            (Subject::Field(f), Resolution::TakeTheirs) => {
                if let Edit::Update { changes } = &mut edit {
                    changes.retain(|c| c.field != f);
                }
                if let Some(mut lead) = store.lead(account, entry.lead_id)?
                    && lead.set(f, &conflict.theirs).is_ok()
                {
                    store.put_lead(account, &lead, None)?;
                }
            }
        }
    }
    match (&edit, rest.is_empty()) {
        (Edit::Update { changes }, _) if changes.is_empty() => store.finish_entry(seq)?,
        (_, true) => store.requeue_entry(seq, &edit, &base)?,
        (_, false) => store.set_conflicts(seq, &edit, &base, &rest)?,
    }
    Ok(())
}

fn status_of(value: &FieldValue) -> Option<LeadStatus> {
    [LeadStatus::Open, LeadStatus::Won, LeadStatus::Lost]
        .into_iter()
        .find(|s| status_value(*s) == *value)
}

/// Sends a failed entry again at the next sync.
pub fn retry(store: &mut Store, account: i64, seq: i64) -> Result<(), Error> {
    let entry = store
        .outbox_entry(account, seq)?
        .filter(|e| e.state == EntryState::Failed)
        .ok_or_else(|| Error::Invalid(format!("change {seq} has not failed")))?;
    store.requeue_entry(seq, &entry.edit, &entry.base)?;
    Ok(())
}

/// Gives up an entry: it is undone here, and the lead re-read from Odoo at the next sync.
pub fn discard(store: &mut Store, account: i64, seq: i64) -> Result<(), Error> {
    let entry = store
        .discard_entry(account, seq)?
        .ok_or_else(|| Error::Invalid(format!("there is no pending change {seq}")))?;
    store.mark_stale(account, entry.lead_id)?;
    Ok(())
}
