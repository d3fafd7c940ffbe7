//! What the rep changes, as it travels through the outbox: an [`Edit`], the [`Base`] it was
//! made from, and the [`Conflict`]s found when Odoo changed the same thing meanwhile.

use crate::crm::{FieldValue, Lead, LeadField, LeadStatus, Ref, Stage};
use serde::{Deserialize, Serialize};

/// One change to the pipeline, queued in the outbox and pushed in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// New values for some fields.
    Update {
        /// The fields and their new values.
        changes: Vec<Change>,
    },
    /// Mark won (Odoo moves it to a won stage).
    Won,
    /// Mark lost, with an optional reason.
    Lost {
        /// Why (crm.lost.reason).
        reason: Option<Ref>,
    },
    /// Reopen a lost lead.
    Restore,
    /// An internal note on the chatter (plain text).
    Note {
        /// The note.
        text: String,
    },
    /// A lead created here.
    Create {
        /// Carried to Odoo and checked before creating, so a retried push never makes two.
        client_key: String,
        /// What the rep typed.
        lead: NewLead,
    },
}

impl Edit {
    /// What the edit does, in a few words (the pending-changes list, notifications, the
    /// CLI).
    pub fn summary(&self) -> String {
        match self {
            Edit::Update { changes } => changes
                .iter()
                .map(|c| format!("{} → {}", c.field.as_str(), c.value.display()))
                .collect::<Vec<_>>()
                .join(", "),
            Edit::Won => "mark won".into(),
            Edit::Lost { reason } => match reason {
                Some(r) => format!("mark lost ({})", r.name),
                None => "mark lost".into(),
            },
            Edit::Restore => "restore".into(),
            Edit::Note { text } => format!("note: {}", text.chars().take(60).collect::<String>()),
            Edit::Create { lead, client_key } => format!("create {:?} ({client_key})", lead.name),
        }
    }
}

/// One field's new value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The field.
    pub field: LeadField,
    /// Its new value.
    pub value: FieldValue,
}

/// A lead as typed by the rep.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewLead {
    /// Title (required).
    pub name: String,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Notes, plain text.
    pub description: Option<String>,
    /// Stage (quick-create in a kanban column).
    pub stage: Option<Ref>,
    /// Expected revenue.
    pub expected_revenue: Option<f64>,
    /// 0–3 stars.
    pub priority: Option<u8>,
}

/// The lead as it was when an edit was made: what Odoo had, as far as the rep knew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Base {
    /// Odoo's write_date then (`YYYY-MM-DD HH:MM:SS`), if the lead had been synced.
    pub write_date: Option<String>,
    /// Open, won or lost.
    pub status: LeadStatus,
    /// Every editable field.
    pub values: Vec<Change>,
}

impl Base {
    /// The snapshot of `lead` (with `write_date` formatted by the caller).
    pub fn of(lead: &Lead, write_date: Option<String>) -> Self {
        Base {
            write_date,
            status: lead.status,
            values: LeadField::ALL
                .iter()
                .map(|f| Change {
                    field: *f,
                    value: lead.get(*f),
                })
                .collect(),
        }
    }

    /// The base value of `field`.
    pub fn get(&self, field: LeadField) -> FieldValue {
        self.values
            .iter()
            .find(|c| c.field == field)
            .map_or(FieldValue::Empty, |c| c.value.clone())
    }

    /// Replaces the base value of `field` ("keep mine" rebases an edit on Odoo's value).
    pub fn set(&mut self, field: LeadField, value: FieldValue) {
        match self.values.iter_mut().find(|c| c.field == field) {
            Some(c) => c.value = value,
            None => self.values.push(Change { field, value }),
        }
    }
}

/// What a conflict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "field", rename_all = "snake_case")]
pub enum Subject {
    /// One field was changed here and in Odoo, to different values.
    Field(LeadField),
    /// Won / lost / open was changed here and in Odoo, differently.
    Status,
    /// The lead was deleted in Odoo (or is no longer visible to the rep) while edits were
    /// pending here.
    Deleted,
}

/// The same thing changed on both sides: the rep decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// What it is about.
    pub subject: Subject,
    /// The value both sides started from.
    pub base: FieldValue,
    /// The rep's value.
    pub mine: FieldValue,
    /// Odoo's value now.
    pub theirs: FieldValue,
}

/// How the rep resolves a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Push my value over Odoo's (for a deleted lead: create it again from my copy).
    KeepMine,
    /// Drop my value and take Odoo's.
    TakeTheirs,
}

/// A status as a value, for conflict display.
pub fn status_value(status: LeadStatus) -> FieldValue {
    FieldValue::Text(
        match status {
            LeadStatus::Open => "open",
            LeadStatus::Won => "won",
            LeadStatus::Lost => "lost",
        }
        .into(),
    )
}

impl Edit {
    /// The status this edit leads to, for won / lost / restore.
    pub fn target_status(&self) -> Option<LeadStatus> {
        match self {
            Edit::Won => Some(LeadStatus::Won),
            Edit::Lost { .. } => Some(LeadStatus::Lost),
            Edit::Restore => Some(LeadStatus::Open),
            _ => None,
        }
    }

    /// Checks an edit before it is queued: the rep hears about a bad value at once, not at
    /// push time.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Edit::Update { changes } => {
                if changes.is_empty() {
                    return Err("nothing to change".into());
                }
                let mut probe = Lead::blank(0, "");
                for c in changes {
                    probe.set(c.field, &c.value)?;
                }
                Ok(())
            }
            Edit::Note { text } if text.trim().is_empty() => Err("the note is empty".into()),
            Edit::Create { lead, .. } if lead.name.trim().is_empty() => {
                Err("a lead needs a name".into())
            }
            Edit::Create { lead, .. } if lead.priority.is_some_and(|p| p > 3) => {
                Err("priority takes 0 to 3 stars".into())
            }
            _ => Ok(()),
        }
    }

    /// Applies the edit to the rep's view of the lead, the way Odoo will: `stages` lets
    /// "won" pick the won stage Odoo would (the first won stage of the lead's team, by
    /// sequence).
    pub fn apply(&self, lead: &mut Lead, stages: &[Stage]) {
        match self {
            Edit::Update { changes } => {
                for c in changes {
                    // Validated when queued; a value that no longer fits is left out of the
                    // view rather than corrupting it (the push reports it).
                    if let Err(e) = lead.set(c.field, &c.value) {
                        tracing::warn!(lead = lead.id, "edit not applied locally: {e}");
                    }
                }
            }
            Edit::Won => {
                lead.active = true;
                lead.status = LeadStatus::Won;
                lead.probability = 100.0;
                lead.lost_reason = None;
                if let Some(stage) = won_stage(stages, lead.team.as_ref().map(|t| t.id)) {
                    lead.stage = Some(Ref {
                        id: stage.id,
                        name: stage.name.clone(),
                    });
                }
            }
            Edit::Lost { reason } => {
                lead.active = false;
                lead.status = LeadStatus::Lost;
                lead.probability = 0.0;
                lead.lost_reason = reason.clone();
            }
            Edit::Restore => {
                lead.active = true;
                lead.status = LeadStatus::Open;
                lead.lost_reason = None;
            }
            Edit::Note { .. } | Edit::Create { .. } => {}
        }
    }
}

/// The won stage Odoo's `action_set_won` picks for a lead of `team`: the first won stage
/// (by sequence) that belongs to the team or to every team.
pub fn won_stage(stages: &[Stage], team: Option<i64>) -> Option<&Stage> {
    stages
        .iter()
        .filter(|s| {
            s.is_won && (s.team_ids.is_empty() || team.is_some_and(|t| s.team_ids.contains(&t)))
        })
        .min_by_key(|s| (s.sequence, s.id))
}

impl NewLead {
    /// The local row of a lead created here, before Odoo gives it an id.
    pub fn to_lead(&self, local_id: i64, user: Option<Ref>) -> Lead {
        let mut lead = Lead::blank(local_id, self.name.trim());
        lead.contact_name = self.contact_name.clone();
        lead.email = self.email.clone();
        lead.phone = self.phone.clone();
        lead.description = self.description.as_deref().map(crate::crm::text_to_html);
        lead.stage = self.stage.clone();
        lead.expected_revenue = self.expected_revenue.unwrap_or(0.0);
        lead.priority = self.priority.unwrap_or(0);
        lead.user = user;
        lead
    }
}
