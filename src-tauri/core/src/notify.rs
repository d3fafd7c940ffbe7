//! Which changes a sync brought deserve a desktop notification (issue 6's detection rule):
//! a pure function of what the rep could see before and after the sync, what was already
//! announced, and the rep's preferences. The shell shows what it returns; the store keeps
//! what was announced.
//!
//! Must stay true:
//! - the first sync of an account announces nothing (history is not news);
//! - a lead is announced as new at most once, ever: a lead that goes away and comes back is
//!   not new (the caller persists [`Decision::announced`]);
//! - more than `summary_above` new WhatsApp leads in one sync make one summary, not a flood.

use std::collections::{HashMap, HashSet};

/// What the rule needs of one visible lead.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Seen {
    /// Odoo id.
    pub id: i64,
    /// Title.
    pub name: String,
    /// Contact name, if any: the notification's title.
    pub contact: Option<String>,
    /// Salesperson (`None`: unassigned).
    pub user_id: Option<i64>,
    /// Sales team.
    pub team_id: Option<i64>,
    /// UTM source name.
    pub source: Option<String>,
    /// UTM medium name.
    pub medium: Option<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// The customer's message (crm-bridge puts the first WhatsApp message in the lead's
    /// notes), as text: its first line is the notification's body.
    pub message: Option<String>,
}

/// Whose new leads to announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Assigned to me.
    Mine,
    /// Assigned to me, or unassigned in one of my teams (the default).
    #[default]
    MineAndUnassigned,
    /// Every lead I can see.
    AllVisible,
}

/// How a lead is recognised as WhatsApp's (default: crm-bridge's UTM source "WhatsApp").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhatsAppRule {
    /// The UTM source is named this (case-insensitive).
    Source(String),
    /// The UTM medium is named this.
    Medium(String),
    /// The lead has a tag named this.
    Tag(String),
}

impl Default for WhatsAppRule {
    fn default() -> Self {
        Self::Source("WhatsApp".into())
    }
}

impl WhatsAppRule {
    /// Whether `lead` came from WhatsApp.
    pub fn matches(&self, lead: &Seen) -> bool {
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        match self {
            Self::Source(name) => lead.source.as_deref().is_some_and(|s| same(s, name)),
            Self::Medium(name) => lead.medium.as_deref().is_some_and(|m| same(m, name)),
            Self::Tag(name) => lead.tags.iter().any(|t| same(t, name)),
        }
    }
}

/// The rep's preferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// Whose new leads.
    pub scope: Scope,
    /// What makes a lead WhatsApp's.
    pub whatsapp: WhatsAppRule,
    /// More new WhatsApp leads than this in one sync → one summary.
    pub summary_above: usize,
    /// Announce new WhatsApp leads.
    pub new_leads: bool,
    /// Announce leads newly assigned to me (by someone else).
    pub assigned_to_me: bool,
    /// Announce an edit of mine that now conflicts with a change made in Odoo.
    pub conflicts: bool,
    /// Announce an edit of mine that Odoo refused.
    pub failed_pushes: bool,
    /// Announce a customer's new WhatsApp message on a lead assigned to me.
    pub whatsapp_messages: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            scope: Scope::default(),
            whatsapp: WhatsAppRule::default(),
            summary_above: 3,
            new_leads: true,
            assigned_to_me: true,
            conflicts: true,
            failed_pushes: true,
            whatsapp_messages: true,
        }
    }
}

/// Who the rep is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rep {
    /// Odoo user id.
    pub uid: i64,
    /// Teams the rep belongs to.
    pub teams: HashSet<i64>,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Announcement {
    /// A new WhatsApp lead.
    NewLead {
        /// The lead.
        lead_id: i64,
        /// Contact name, else the lead's name.
        title: String,
        /// The lead's name.
        body: String,
    },
    /// Several new WhatsApp leads at once.
    NewLeads {
        /// How many.
        count: usize,
        /// Their ids (the notification opens the pipeline filtered to them).
        lead_ids: Vec<i64>,
    },
    /// A lead someone else assigned to the rep.
    AssignedToMe {
        /// The lead.
        lead_id: i64,
        /// Its name.
        title: String,
    },
    /// An edit of the rep's conflicts with a change made in Odoo: the rep must choose.
    Conflict {
        /// The lead.
        lead_id: i64,
        /// Its name.
        title: String,
        /// What the edit does.
        body: String,
    },
    /// Odoo refused an edit of the rep's.
    FailedPush {
        /// The lead.
        lead_id: i64,
        /// Its name.
        title: String,
        /// Odoo's reason.
        body: String,
    },
    /// A customer's new WhatsApp message(s) on one of the rep's leads.
    NewMessage {
        /// The lead.
        lead_id: i64,
        /// Contact name, else the lead's name.
        title: String,
        /// The first line of the newest message.
        body: String,
        /// How many arrived since the last sync.
        count: usize,
    },
    /// New WhatsApp messages on more of the rep's leads than the summary threshold.
    NewMessages {
        /// How many messages.
        count: usize,
        /// On these leads.
        lead_ids: Vec<i64>,
    },
}

/// A chatter message a sync brought, on a lead the cache has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageSeen {
    /// The lead it is on.
    pub lead_id: i64,
    /// A customer's WhatsApp message (crm-bridge's note), rather than a note, email or
    /// tracking message.
    pub whatsapp: bool,
    /// The customer's words, as plain text.
    pub text: String,
}

/// Where an edit of the outbox stands, as far as notifications care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditState {
    /// Waiting to be pushed.
    Pending,
    /// Refused by Odoo.
    Failed,
    /// In conflict.
    Conflict,
}

/// An edit of the outbox after a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditSeen {
    /// The outbox entry.
    pub seq: i64,
    /// Its lead.
    pub lead_id: i64,
    /// The lead's name.
    pub lead_name: String,
    /// What the edit does.
    pub summary: String,
    /// Odoo's reason, when refused.
    pub error: Option<String>,
    /// Where it stands.
    pub state: EditState,
}

/// Edits that became conflicts or were refused during a sync: each is announced once, when
/// it gets there (`before`: the states before the sync, by outbox entry).
pub fn edit_news(
    before: &HashMap<i64, EditState>,
    after: &[EditSeen],
    prefs: &Preferences,
) -> Vec<Announcement> {
    after
        .iter()
        .filter(|e| before.get(&e.seq) != Some(&e.state))
        .filter_map(|e| match e.state {
            EditState::Conflict if prefs.conflicts => Some(Announcement::Conflict {
                lead_id: e.lead_id,
                title: e.lead_name.clone(),
                body: e.summary.clone(),
            }),
            EditState::Failed if prefs.failed_pushes => Some(Announcement::FailedPush {
                lead_id: e.lead_id,
                title: e.lead_name.clone(),
                body: e.error.clone().unwrap_or_else(|| e.summary.clone()),
            }),
            _ => None,
        })
        .collect()
}

/// New WhatsApp messages worth a notification: a customer's message on a lead assigned to
/// the rep, one notification per lead (the newest message, and how many), or one summary
/// when more leads than `summary_above` have news. `messages` come oldest first; `leads`
/// are the cached leads they are on; `covered` the leads this sync already announced as new
/// (their notification carries the first message: not twice).
pub fn message_news(
    messages: &[MessageSeen],
    leads: &[Seen],
    covered: &HashSet<i64>,
    rep: &Rep,
    prefs: &Preferences,
) -> Vec<Announcement> {
    if !prefs.whatsapp_messages {
        return Vec::new();
    }
    let mine: HashMap<i64, &Seen> = leads
        .iter()
        .filter(|l| l.user_id == Some(rep.uid) && !covered.contains(&l.id))
        .map(|l| (l.id, l))
        .collect();
    // Per lead, in the order their news arrived: (lead, newest words, count).
    let mut news: Vec<(&Seen, &str, usize)> = Vec::new();
    for m in messages.iter().filter(|m| m.whatsapp) {
        let Some(lead) = mine.get(&m.lead_id) else {
            continue;
        };
        match news.iter_mut().find(|(l, _, _)| l.id == m.lead_id) {
            Some(entry) => {
                entry.1 = &m.text;
                entry.2 += 1;
            }
            None => news.push((lead, &m.text, 1)),
        }
    }
    if news.len() > prefs.summary_above {
        return vec![Announcement::NewMessages {
            count: news.iter().map(|(_, _, n)| n).sum(),
            lead_ids: news.iter().map(|(l, _, _)| l.id).collect(),
        }];
    }
    news.into_iter()
        .map(|(lead, text, count)| Announcement::NewMessage {
            lead_id: lead.id,
            title: title_of(lead),
            body: first_line(text, 120).unwrap_or_else(|| lead.name.clone()),
            count,
        })
        .collect()
}

/// A lead's notification title: its contact, else its name.
fn title_of(lead: &Seen) -> String {
    lead.contact
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| lead.name.clone())
}

/// The first non-empty line of a text, trimmed to `max` characters (with an ellipsis).
pub fn first_line(text: &str, max: usize) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if line.chars().count() <= max {
        return Some(line.to_owned());
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    Some(format!("{}…", cut.trim_end()))
}

/// What a sync brought: what to show, and the leads to remember as announced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decision {
    /// Notifications to show, in order.
    pub show: Vec<Announcement>,
    /// Lead ids that count as announced from now on (persist them; never announce again).
    pub announced: Vec<i64>,
}

/// Decides what to announce after a sync. `before` and `after` are the leads the rep could
/// see before and after it; `announced` the leads announced by earlier syncs (persisted);
/// `first_sync` whether the account had never synced before.
pub fn decide(
    before: &[Seen],
    after: &[Seen],
    announced: &HashSet<i64>,
    rep: &Rep,
    prefs: &Preferences,
    first_sync: bool,
) -> Decision {
    let mut decision = Decision::default();
    let was: HashMap<i64, &Seen> = before.iter().map(|l| (l.id, l)).collect();
    let in_scope = |l: &Seen| match prefs.scope {
        Scope::Mine => l.user_id == Some(rep.uid),
        Scope::MineAndUnassigned => {
            l.user_id == Some(rep.uid)
                || (l.user_id.is_none() && l.team_id.is_some_and(|t| rep.teams.contains(&t)))
        }
        Scope::AllVisible => true,
    };
    let mut fresh = Vec::new();
    for lead in after {
        let previously = was.get(&lead.id);
        let first_time = !announced.contains(&lead.id);
        if first_time {
            // Whatever is decided now, this lead is never "new" again (also one that was
            // already visible when announcements began).
            decision.announced.push(lead.id);
        }
        if previously.is_none() && first_time {
            if !first_sync && prefs.new_leads && in_scope(lead) && prefs.whatsapp.matches(lead) {
                fresh.push(lead);
            }
            continue;
        }
        if let Some(previously) = previously
            && !first_sync
            && prefs.assigned_to_me
            && lead.user_id == Some(rep.uid)
            && previously.user_id != Some(rep.uid)
        {
            decision.show.push(Announcement::AssignedToMe {
                lead_id: lead.id,
                title: lead.name.clone(),
            });
        }
    }
    if fresh.len() > prefs.summary_above {
        decision.show.insert(
            0,
            Announcement::NewLeads {
                count: fresh.len(),
                lead_ids: fresh.iter().map(|l| l.id).collect(),
            },
        );
    } else {
        for (i, lead) in fresh.iter().enumerate() {
            decision.show.insert(
                i,
                Announcement::NewLead {
                    lead_id: lead.id,
                    title: title_of(lead),
                    body: lead
                        .message
                        .as_deref()
                        .and_then(|m| first_line(m, 120))
                        .unwrap_or_else(|| lead.name.clone()),
                },
            );
        }
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: i64 = 7;

    fn rep() -> Rep {
        Rep {
            uid: ME,
            teams: HashSet::from([1]),
        }
    }

    fn whatsapp(id: i64, user: Option<i64>) -> Seen {
        Seen {
            id,
            name: format!("WhatsApp: hello {id}"),
            contact: Some(format!("Customer {id}")),
            user_id: user,
            team_id: Some(1),
            source: Some("WhatsApp".into()),
            ..Seen::default()
        }
    }

    fn new_ids(d: &Decision) -> Vec<i64> {
        d.show
            .iter()
            .flat_map(|a| match a {
                Announcement::NewLead { lead_id, .. } => vec![*lead_id],
                Announcement::NewLeads { lead_ids, .. } => lead_ids.clone(),
                _ => vec![],
            })
            .collect()
    }

    #[test]
    fn the_first_sync_announces_no_history_but_remembers_it() {
        let after = [whatsapp(1, Some(ME)), whatsapp(2, None)];
        let d = decide(
            &[],
            &after,
            &HashSet::new(),
            &rep(),
            &Preferences::default(),
            true,
        );
        assert!(d.show.is_empty(), "history is not news: {d:?}");
        assert_eq!(d.announced, [1, 2], "and it never becomes news later");
    }

    #[test]
    fn a_new_whatsapp_lead_of_mine_is_announced_with_the_contact_as_title() {
        let before = [whatsapp(1, Some(ME))];
        let after = [whatsapp(1, Some(ME)), whatsapp(2, Some(ME))];
        let d = decide(
            &before,
            &after,
            &HashSet::from([1]),
            &rep(),
            &Preferences::default(),
            false,
        );
        assert_eq!(
            d.show,
            [Announcement::NewLead {
                lead_id: 2,
                title: "Customer 2".into(),
                body: "WhatsApp: hello 2".into()
            }]
        );
        assert_eq!(d.announced, [2]);
    }

    #[test]
    fn more_than_the_threshold_is_one_summary() {
        let after: Vec<_> = (1..=4).map(|i| whatsapp(i, Some(ME))).collect();
        let prefs = Preferences::default();
        let d = decide(&[], &after, &HashSet::new(), &rep(), &prefs, false);
        assert_eq!(
            d.show,
            [Announcement::NewLeads {
                count: 4,
                lead_ids: vec![1, 2, 3, 4]
            }],
            "4 > 3: one summary"
        );
        let three = &after[..3];
        let d = decide(&[], three, &HashSet::new(), &rep(), &prefs, false);
        assert_eq!(d.show.len(), 3, "3 is not more than 3: one each");
    }

    #[test]
    fn a_lead_is_announced_once_ever_even_if_it_goes_and_comes_back() {
        let lead = whatsapp(5, Some(ME));
        let first = decide(
            &[],
            std::slice::from_ref(&lead),
            &HashSet::new(),
            &rep(),
            &Preferences::default(),
            false,
        );
        assert_eq!(new_ids(&first), [5]);
        let announced: HashSet<i64> = first.announced.iter().copied().collect();
        // Reassigned away (gone from view), then back.
        let gone = decide(
            std::slice::from_ref(&lead),
            &[],
            &announced,
            &rep(),
            &Preferences::default(),
            false,
        );
        assert!(gone.show.is_empty());
        let back = decide(
            &[],
            &[lead],
            &announced,
            &rep(),
            &Preferences::default(),
            false,
        );
        assert!(new_ids(&back).is_empty(), "not re-announced: {back:?}");
    }

    #[test]
    fn scope_and_rule_decide_which_leads_count() {
        let other_rep = whatsapp(1, Some(99));
        let unassigned_my_team = whatsapp(2, None);
        let unassigned_other_team = Seen {
            team_id: Some(2),
            ..whatsapp(3, None)
        };
        let website = Seen {
            source: Some("Website".into()),
            ..whatsapp(4, Some(ME))
        };
        let after = [
            other_rep,
            unassigned_my_team,
            unassigned_other_team,
            website,
        ];
        let run = |prefs: Preferences| {
            new_ids(&decide(&[], &after, &HashSet::new(), &rep(), &prefs, false))
        };
        assert_eq!(
            run(Preferences::default()),
            [2],
            "mine + unassigned in my team; WhatsApp only"
        );
        assert!(
            run(Preferences {
                scope: Scope::Mine,
                ..Preferences::default()
            })
            .is_empty()
        );
        assert_eq!(
            run(Preferences {
                scope: Scope::AllVisible,
                summary_above: 10,
                ..Preferences::default()
            }),
            [1, 2, 3]
        );
        assert_eq!(
            run(Preferences {
                whatsapp: WhatsAppRule::Source("website".into()),
                ..Preferences::default()
            }),
            [4],
            "the rule is configurable (and case-insensitive)"
        );
        let tagged = Seen {
            source: None,
            tags: vec!["WhatsApp".into()],
            ..whatsapp(6, Some(ME))
        };
        let by_tag = decide(
            &[],
            &[tagged],
            &HashSet::new(),
            &rep(),
            &Preferences {
                whatsapp: WhatsAppRule::Tag("whatsapp".into()),
                ..Preferences::default()
            },
            false,
        );
        assert_eq!(new_ids(&by_tag), [6]);
        assert!(
            run(Preferences {
                new_leads: false,
                ..Preferences::default()
            })
            .is_empty(),
            "the category can be switched off"
        );
    }

    #[test]
    fn a_lead_visible_before_announcements_began_is_remembered_too() {
        let lead = whatsapp(9, Some(ME));
        let d = decide(
            std::slice::from_ref(&lead),
            std::slice::from_ref(&lead),
            &HashSet::new(),
            &rep(),
            &Preferences::default(),
            false,
        );
        assert!(d.show.is_empty(), "not new: it was visible before");
        assert_eq!(
            d.announced,
            [9],
            "so that leaving and coming back is not news either"
        );
    }

    #[test]
    fn a_lead_newly_assigned_to_me_is_announced_unless_switched_off() {
        let before = [Seen {
            user_id: Some(99),
            ..whatsapp(8, Some(99))
        }];
        let after = [whatsapp(8, Some(ME))];
        let announced = HashSet::from([8]);
        let d = decide(
            &before,
            &after,
            &announced,
            &rep(),
            &Preferences::default(),
            false,
        );
        assert_eq!(
            d.show,
            [Announcement::AssignedToMe {
                lead_id: 8,
                title: "WhatsApp: hello 8".into()
            }]
        );
        let off = Preferences {
            assigned_to_me: false,
            ..Preferences::default()
        };
        assert!(
            decide(&before, &after, &announced, &rep(), &off, false)
                .show
                .is_empty()
        );
        let still_mine = decide(
            &after,
            &after,
            &announced,
            &rep(),
            &Preferences::default(),
            false,
        );
        assert!(still_mine.show.is_empty(), "no change, no news");
    }

    #[test]
    fn the_body_is_the_first_line_of_the_customers_message() {
        let after = [Seen {
            message: Some("\n  مرحبا، أريد عرض سعر  \nلعشرة أجهزة".into()),
            ..whatsapp(2, Some(ME))
        }];
        let d = decide(
            &[],
            &after,
            &HashSet::new(),
            &rep(),
            &Preferences::default(),
            false,
        );
        assert!(
            matches!(&d.show[..], [Announcement::NewLead { body, .. }] if body == "مرحبا، أريد عرض سعر"),
            "the message's first line, trimmed: {d:?}"
        );
        assert_eq!(
            first_line(&"x".repeat(300), 10).map(|l| l.chars().count()),
            Some(10),
            "a long line is cut to fit a notification"
        );
    }

    #[test]
    fn an_edit_is_announced_when_it_becomes_a_conflict_or_is_refused_once() {
        let edit = |seq, state| EditSeen {
            seq,
            lead_id: seq * 10,
            lead_name: format!("Lead {seq}"),
            summary: "stage → Won".into(),
            error: (state == EditState::Failed).then(|| "Access denied".into()),
            state,
        };
        let before = HashMap::from([(1, EditState::Pending), (2, EditState::Conflict)]);
        let after = [
            edit(1, EditState::Conflict),
            edit(2, EditState::Conflict),
            edit(3, EditState::Failed),
            edit(4, EditState::Pending),
        ];
        let news = edit_news(&before, &after, &Preferences::default());
        assert_eq!(
            news,
            [
                Announcement::Conflict {
                    lead_id: 10,
                    title: "Lead 1".into(),
                    body: "stage → Won".into()
                },
                Announcement::FailedPush {
                    lead_id: 30,
                    title: "Lead 3".into(),
                    body: "Access denied".into()
                },
            ],
            "a conflict already known (2) is not announced again; pending edits are quiet"
        );
        let quiet = Preferences {
            conflicts: false,
            failed_pushes: false,
            ..Preferences::default()
        };
        assert!(
            edit_news(&before, &after, &quiet).is_empty(),
            "each category can be switched off"
        );
    }

    fn said(lead_id: i64, text: &str) -> MessageSeen {
        MessageSeen {
            lead_id,
            whatsapp: true,
            text: text.into(),
        }
    }

    #[test]
    fn a_customers_new_whatsapp_message_on_my_lead_is_announced_once_per_lead() {
        let leads = [
            whatsapp(1, Some(ME)),
            whatsapp(2, Some(8)),
            whatsapp(3, None),
        ];
        let messages = [
            said(1, "Is it still available?"),
            said(2, "Not your lead"),
            said(3, "Nobody's lead"),
            MessageSeen {
                whatsapp: false,
                ..said(1, "An internal note is not the customer")
            },
            said(1, "\nAnd the price?\nThanks"),
        ];
        let news = message_news(
            &messages,
            &leads,
            &HashSet::new(),
            &rep(),
            &Preferences::default(),
        );
        assert_eq!(
            news,
            [Announcement::NewMessage {
                lead_id: 1,
                title: "Customer 1".into(),
                body: "And the price?".into(),
                count: 2
            }],
            "only my lead, only WhatsApp messages, one notification with the newest first line"
        );
    }

    #[test]
    fn a_lead_announced_as_new_in_this_sync_is_not_announced_again_for_its_message() {
        let leads = [whatsapp(1, Some(ME))];
        let news = message_news(
            &[said(1, "Hello")],
            &leads,
            &HashSet::from([1]),
            &rep(),
            &Preferences::default(),
        );
        assert!(
            news.is_empty(),
            "the new-lead notification carries it: {news:?}"
        );
    }

    #[test]
    fn messages_on_more_leads_than_the_threshold_are_one_summary_and_can_be_switched_off() {
        let leads: Vec<_> = (1..=4).map(|i| whatsapp(i, Some(ME))).collect();
        let messages: Vec<_> = (1..=4)
            .flat_map(|i| [said(i, "one"), said(i, "two")])
            .collect();
        let prefs = Preferences::default();
        let news = message_news(&messages, &leads, &HashSet::new(), &rep(), &prefs);
        assert_eq!(
            news,
            [Announcement::NewMessages {
                count: 8,
                lead_ids: vec![1, 2, 3, 4]
            }],
            "4 leads > 3: one summary counting every message"
        );
        let off = Preferences {
            whatsapp_messages: false,
            ..prefs
        };
        assert!(
            message_news(&messages, &leads, &HashSet::new(), &rep(), &off).is_empty(),
            "the category can be switched off"
        );
    }
}
