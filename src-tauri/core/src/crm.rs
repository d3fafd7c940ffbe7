//! CRM domain types: what CRM Desk knows about leads, stages and the people around them,
//! independent of how Odoo encodes them (the `odoo` module converts at its edge).

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

/// A reference to another record: its id and display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    /// Odoo id.
    pub id: i64,
    /// Display name at the time it was read.
    pub name: String,
}

/// Lead or opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadType {
    /// Not yet qualified.
    Lead,
    /// In the pipeline.
    Opportunity,
}

/// Where a lead stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    /// Still being worked.
    Open,
    /// In a won stage with probability 100.
    Won,
    /// Archived with probability 0.
    Lost,
}

/// A lead or opportunity (crm.lead).
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// Odoo id.
    pub id: i64,
    /// Title.
    pub name: String,
    /// Lead or opportunity.
    pub kind: LeadType,
    /// False once lost (archived).
    pub active: bool,
    /// Won, lost or open.
    pub status: LeadStatus,
    /// Pipeline stage.
    pub stage: Option<Ref>,
    /// Salesperson; `None` = unassigned.
    pub user: Option<Ref>,
    /// Sales team.
    pub team: Option<Ref>,
    /// Customer.
    pub partner: Option<Ref>,
    /// Tags (crm.tag ids).
    pub tag_ids: Vec<i64>,
    /// Contact person's name.
    pub contact_name: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone as entered.
    pub phone: Option<String>,
    /// Mobile (Odoo 18 and earlier only).
    pub mobile: Option<String>,
    /// Notes (HTML).
    pub description: Option<String>,
    /// Expected revenue in the company currency.
    pub expected_revenue: f64,
    /// Probability of winning, 0–100.
    pub probability: f64,
    /// 0 (none) to 3 stars.
    pub priority: u8,
    /// Why it was lost.
    pub lost_reason: Option<Ref>,
    /// UTM source (e.g. WhatsApp).
    pub source: Option<Ref>,
    /// UTM medium.
    pub medium: Option<Ref>,
    /// UTM campaign.
    pub campaign: Option<Ref>,
    /// Expected closing date.
    pub deadline: Option<Date>,
    /// When it was won or lost.
    pub closed_at: Option<PrimitiveDateTime>,
    /// Created (UTC).
    pub created_at: Option<PrimitiveDateTime>,
    /// Last written in Odoo (UTC, seconds): the sync cursor and the conflict base.
    pub updated_at: Option<PrimitiveDateTime>,
}

/// A pipeline stage (crm.stage).
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Odoo id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Position in the pipeline.
    pub sequence: i64,
    /// Leads here are won.
    pub is_won: bool,
    /// Collapsed in the kanban.
    pub fold: bool,
    /// Teams it belongs to; empty = every team.
    pub team_ids: Vec<i64>,
}

/// A simple named record: tags, lost reasons, UTM sources and mediums, teams.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Odoo id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Colour index (tags), 0 otherwise.
    pub color: i64,
}

/// A contact or company (res.partner).
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// Odoo id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Mobile (Odoo 18 and earlier).
    pub mobile: Option<String>,
    /// A company rather than a person.
    pub is_company: bool,
}

/// A user (res.users).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Odoo id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Login.
    pub login: String,
    /// Their partner.
    pub partner_id: Option<i64>,
}

/// Kind of chatter message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A note or discussion message.
    Comment,
    /// An incoming email.
    Email,
    /// Tracking or system notification.
    Notification,
    /// A customer's WhatsApp message, as crm-bridge logs it (a note carrying its
    /// Message-Id, `odoo::inbound::chatter_key`).
    WhatsApp,
    /// Anything else.
    Other,
}

impl MessageKind {
    /// The name the cache and the window use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Comment => "comment",
            Self::Email => "email",
            Self::Notification => "notification",
            Self::WhatsApp => "whatsapp",
            Self::Other => "other",
        }
    }

    /// The kind named `name` (`Other` for a name this version does not know).
    pub fn parse(name: &str) -> Self {
        match name {
            "comment" => Self::Comment,
            "email" => Self::Email,
            "notification" => Self::Notification,
            "whatsapp" => Self::WhatsApp,
            _ => Self::Other,
        }
    }
}

/// One chatter message (mail.message).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Odoo id.
    pub id: i64,
    /// Lead it belongs to.
    pub lead_id: i64,
    /// Body (HTML).
    pub body: String,
    /// Kind.
    pub kind: MessageKind,
    /// Internal note (not sent to followers).
    pub internal: bool,
    /// Author.
    pub author: Option<Ref>,
    /// When (UTC).
    pub date: Option<PrimitiveDateTime>,
}

/// Who wrote on WhatsApp, as the webhook identifies them. Since 2026 a sender may have a
/// business-scoped user id and no phone number (reference/external-protocols.md §1.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhatsAppContact {
    /// Business-scoped user id, when present: the stable key.
    pub user_id: Option<String>,
    /// `wa_id` (the phone number's digits), when present.
    pub wa_id: Option<String>,
    /// The phone in E.164, when known.
    pub phone_e164: Option<String>,
    /// The WhatsApp profile name.
    pub profile_name: Option<String>,
}

impl WhatsAppContact {
    /// The key contacts are matched by: the user id when present, else the wa_id.
    pub fn key(&self) -> Option<&str> {
        self.user_id.as_deref().or(self.wa_id.as_deref())
    }
}

/// A new lead to create.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LeadDraft {
    /// Title.
    pub name: String,
    /// Customer.
    pub partner_id: Option<i64>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Notes (plain text; sent as the description).
    pub description: Option<String>,
    /// UTM source.
    pub source_id: Option<i64>,
    /// UTM medium.
    pub medium_id: Option<i64>,
    /// Tags.
    pub tag_ids: Vec<i64>,
    /// Sales team.
    pub team_id: Option<i64>,
    /// Salesperson: `Some(None)` = explicitly unassigned, `None` = Odoo's default (the caller).
    pub user_id: Option<Option<i64>>,
    /// Lead (true) or opportunity.
    pub is_lead: bool,
}

/// One line of a sales report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine {
    /// What the line is about (salesperson, stage, source or month `YYYY-MM`).
    pub label: String,
    /// Won leads.
    pub count: u64,
    /// Won revenue.
    pub revenue: f64,
}

/// Won revenue and counts over a period, by salesperson, stage, source and month.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SalesReport {
    /// By salesperson ("Unassigned" for none), largest revenue first.
    pub by_salesperson: Vec<ReportLine>,
    /// By stage.
    pub by_stage: Vec<ReportLine>,
    /// By UTM source ("Unknown" for none).
    pub by_source: Vec<ReportLine>,
    /// By month of closing, chronological.
    pub by_month: Vec<ReportLine>,
    /// Total won leads.
    pub count: u64,
    /// Total won revenue.
    pub revenue: f64,
}

impl SalesReport {
    /// Aggregates won leads (a pure function: the connector fetches, this counts).
    pub fn from_won(leads: &[Lead]) -> Self {
        fn add(lines: &mut Vec<ReportLine>, label: String, revenue: f64) {
            match lines.iter_mut().find(|l| l.label == label) {
                Some(line) => {
                    line.count += 1;
                    line.revenue += revenue;
                }
                None => lines.push(ReportLine {
                    label,
                    count: 1,
                    revenue,
                }),
            }
        }
        let mut report = SalesReport::default();
        for lead in leads.iter().filter(|l| l.status == LeadStatus::Won) {
            let revenue = lead.expected_revenue;
            report.count += 1;
            report.revenue += revenue;
            let name = |r: &Option<Ref>, none: &str| {
                r.as_ref().map_or(none.to_owned(), |r| r.name.clone())
            };
            add(
                &mut report.by_salesperson,
                name(&lead.user, "Unassigned"),
                revenue,
            );
            add(&mut report.by_stage, name(&lead.stage, "No stage"), revenue);
            add(
                &mut report.by_source,
                name(&lead.source, "Unknown"),
                revenue,
            );
            let month = lead
                .closed_at
                .map(|d| format!("{:04}-{:02}", d.year(), u8::from(d.month())))
                .unwrap_or_else(|| "unknown".into());
            add(&mut report.by_month, month, revenue);
        }
        let by_revenue = |a: &ReportLine, b: &ReportLine| {
            b.revenue.total_cmp(&a.revenue).then(a.label.cmp(&b.label))
        };
        report.by_salesperson.sort_by(by_revenue);
        report.by_stage.sort_by(by_revenue);
        report.by_source.sort_by(by_revenue);
        report.by_month.sort_by(|a, b| a.label.cmp(&b.label));
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn won(
        user: Option<&str>,
        source: Option<&str>,
        revenue: f64,
        closed: PrimitiveDateTime,
    ) -> Lead {
        let r = |n: &str| Ref {
            id: 1,
            name: n.to_owned(),
        };
        Lead {
            id: 1,
            name: "x".into(),
            kind: LeadType::Opportunity,
            active: true,
            status: LeadStatus::Won,
            stage: Some(r("Won")),
            user: user.map(r),
            team: None,
            partner: None,
            tag_ids: vec![],
            contact_name: None,
            company_name: None,
            email: None,
            phone: None,
            mobile: None,
            description: None,
            expected_revenue: revenue,
            probability: 100.0,
            priority: 0,
            lost_reason: None,
            source: source.map(r),
            medium: None,
            campaign: None,
            deadline: None,
            closed_at: Some(closed),
            created_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn sales_report_groups_won_leads() {
        let leads = vec![
            won(
                Some("Sara"),
                Some("WhatsApp"),
                1000.0,
                datetime!(2026-05-03 10:00),
            ),
            won(
                Some("Omar"),
                Some("Facebook"),
                3000.0,
                datetime!(2026-05-20 10:00),
            ),
            won(
                Some("Sara"),
                Some("WhatsApp"),
                500.0,
                datetime!(2026-06-01 09:00),
            ),
            won(None, None, 200.0, datetime!(2026-04-30 23:59)),
            Lead {
                status: LeadStatus::Lost,
                ..won(Some("Sara"), None, 9999.0, datetime!(2026-05-01 0:00))
            },
        ];
        let report = SalesReport::from_won(&leads);
        assert_eq!(
            (report.count, report.revenue),
            (4, 4700.0),
            "lost leads do not count"
        );
        let line = |l: &str, c: u64, r: f64| ReportLine {
            label: l.into(),
            count: c,
            revenue: r,
        };
        assert_eq!(
            report.by_salesperson,
            vec![
                line("Omar", 1, 3000.0),
                line("Sara", 2, 1500.0),
                line("Unassigned", 1, 200.0)
            ]
        );
        assert_eq!(
            report.by_source,
            vec![
                line("Facebook", 1, 3000.0),
                line("WhatsApp", 2, 1500.0),
                line("Unknown", 1, 200.0)
            ]
        );
        assert_eq!(
            report.by_month,
            vec![
                line("2026-04", 1, 200.0),
                line("2026-05", 2, 4000.0),
                line("2026-06", 1, 500.0)
            ]
        );
        assert_eq!(report.by_stage, vec![line("Won", 4, 4700.0)]);
    }
}

/// A field of a lead the rep can edit (offline too). The names are CRM Desk's; only
/// `core::odoo` knows the Odoo field each maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadField {
    /// Title.
    Name,
    /// Pipeline stage.
    Stage,
    /// 0–3 stars.
    Priority,
    /// Tags.
    Tags,
    /// Salesperson.
    Salesperson,
    /// Expected revenue.
    ExpectedRevenue,
    /// Probability, 0–100.
    Probability,
    /// Contact person's name.
    ContactName,
    /// Email.
    Email,
    /// Phone.
    Phone,
    /// Notes (HTML).
    Description,
}

impl LeadField {
    /// Every editable field.
    pub const ALL: [LeadField; 11] = [
        LeadField::Name,
        LeadField::Stage,
        LeadField::Priority,
        LeadField::Tags,
        LeadField::Salesperson,
        LeadField::ExpectedRevenue,
        LeadField::Probability,
        LeadField::ContactName,
        LeadField::Email,
        LeadField::Phone,
        LeadField::Description,
    ];

    /// The name scripts and the UI use (`expected_revenue`).
    pub fn as_str(self) -> &'static str {
        match self {
            LeadField::Name => "name",
            LeadField::Stage => "stage",
            LeadField::Priority => "priority",
            LeadField::Tags => "tags",
            LeadField::Salesperson => "salesperson",
            LeadField::ExpectedRevenue => "expected_revenue",
            LeadField::Probability => "probability",
            LeadField::ContactName => "contact_name",
            LeadField::Email => "email",
            LeadField::Phone => "phone",
            LeadField::Description => "description",
        }
    }
}

/// The value of one [`LeadField`], in a form that can be stored, compared and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    /// No value (Odoo's `false`).
    Empty,
    /// Text.
    Text(String),
    /// A many2one: compared by id, the name is for display.
    Ref(Ref),
    /// A number (revenue, probability).
    Number(f64),
    /// Priority stars.
    Stars(u8),
    /// A set of ids (tags), kept sorted.
    Ids(Vec<i64>),
}

impl FieldValue {
    /// Text, with blank text meaning empty (Odoo stores "" and `false` alike).
    pub fn text(value: Option<&str>) -> Self {
        match value {
            Some(t) if !t.trim().is_empty() => FieldValue::Text(t.to_owned()),
            _ => FieldValue::Empty,
        }
    }

    /// Whether two values mean the same to the rep: refs by id, numbers to the cent, id
    /// sets regardless of order, text regardless of surrounding blanks.
    pub fn same(&self, other: &FieldValue) -> bool {
        match (self, other) {
            (FieldValue::Ref(a), FieldValue::Ref(b)) => a.id == b.id,
            (FieldValue::Number(a), FieldValue::Number(b)) => (a - b).abs() < 0.005,
            (FieldValue::Ids(a), FieldValue::Ids(b)) => {
                let (mut a, mut b) = (a.clone(), b.clone());
                a.sort_unstable();
                b.sort_unstable();
                a.dedup();
                b.dedup();
                a == b
            }
            (FieldValue::Text(a), FieldValue::Text(b)) => a.trim() == b.trim(),
            (a, b) => a == b,
        }
    }

    /// A short human-readable form (CLI, conflict lists).
    pub fn display(&self) -> String {
        match self {
            FieldValue::Empty => "—".into(),
            FieldValue::Text(t) => t.clone(),
            FieldValue::Ref(r) => r.name.clone(),
            FieldValue::Number(n) => format!("{n}"),
            FieldValue::Stars(s) => format!("{s}★"),
            FieldValue::Ids(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        }
    }
}

impl Lead {
    /// An open opportunity with only an id and a name, every other field empty: the start
    /// of a lead created here, and of test data.
    pub fn blank(id: i64, name: &str) -> Lead {
        Lead {
            id,
            name: name.to_owned(),
            kind: LeadType::Opportunity,
            active: true,
            status: LeadStatus::Open,
            stage: None,
            user: None,
            team: None,
            partner: None,
            tag_ids: Vec::new(),
            contact_name: None,
            company_name: None,
            email: None,
            phone: None,
            mobile: None,
            description: None,
            expected_revenue: 0.0,
            probability: 0.0,
            priority: 0,
            lost_reason: None,
            source: None,
            medium: None,
            campaign: None,
            deadline: None,
            closed_at: None,
            created_at: None,
            updated_at: None,
        }
    }

    /// The current value of an editable field.
    pub fn get(&self, field: LeadField) -> FieldValue {
        let reference = |r: &Option<Ref>| r.clone().map_or(FieldValue::Empty, FieldValue::Ref);
        match field {
            LeadField::Name => FieldValue::text(Some(&self.name)),
            LeadField::Stage => reference(&self.stage),
            LeadField::Priority => FieldValue::Stars(self.priority),
            LeadField::Tags => {
                let mut ids = self.tag_ids.clone();
                ids.sort_unstable();
                FieldValue::Ids(ids)
            }
            LeadField::Salesperson => reference(&self.user),
            LeadField::ExpectedRevenue => FieldValue::Number(self.expected_revenue),
            LeadField::Probability => FieldValue::Number(self.probability),
            LeadField::ContactName => FieldValue::text(self.contact_name.as_deref()),
            LeadField::Email => FieldValue::text(self.email.as_deref()),
            LeadField::Phone => FieldValue::text(self.phone.as_deref()),
            LeadField::Description => FieldValue::text(self.description.as_deref()),
        }
    }

    /// Sets an editable field; a value of the wrong shape is a programming error reported
    /// as `Err` with the field's name.
    pub fn set(&mut self, field: LeadField, value: &FieldValue) -> Result<(), String> {
        let text = |v: &FieldValue| match v {
            FieldValue::Empty => Ok(None),
            FieldValue::Text(t) => Ok(Some(t.clone())),
            _ => Err(format!("{} takes text", field.as_str())),
        };
        let reference = |v: &FieldValue| match v {
            FieldValue::Empty => Ok(None),
            FieldValue::Ref(r) => Ok(Some(r.clone())),
            _ => Err(format!("{} takes a record", field.as_str())),
        };
        let number = |v: &FieldValue| match v {
            FieldValue::Number(n) if n.is_finite() => Ok(*n),
            FieldValue::Empty => Ok(0.0),
            _ => Err(format!("{} takes a number", field.as_str())),
        };
        match field {
            LeadField::Name => {
                self.name = text(value)?.ok_or("a lead needs a name")?;
            }
            LeadField::Stage => self.stage = reference(value)?,
            LeadField::Priority => match value {
                FieldValue::Stars(s) if *s <= 3 => self.priority = *s,
                _ => return Err("priority takes 0 to 3 stars".into()),
            },
            LeadField::Tags => match value {
                FieldValue::Ids(ids) => self.tag_ids = ids.clone(),
                FieldValue::Empty => self.tag_ids.clear(),
                _ => return Err("tags take a list of tags".into()),
            },
            LeadField::Salesperson => self.user = reference(value)?,
            LeadField::ExpectedRevenue => self.expected_revenue = number(value)?,
            LeadField::Probability => {
                let p = number(value)?;
                if !(0.0..=100.0).contains(&p) {
                    return Err("probability is between 0 and 100".into());
                }
                self.probability = p;
            }
            LeadField::ContactName => self.contact_name = text(value)?,
            LeadField::Email => self.email = text(value)?,
            LeadField::Phone => self.phone = text(value)?,
            LeadField::Description => self.description = text(value)?,
        }
        Ok(())
    }
}

/// Plain text as the HTML Odoo stores in notes: escaped, one paragraph, line breaks kept.
pub fn text_to_html(text: &str) -> String {
    let escaped = text
        .trim()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>");
    format!("<p>{escaped}</p>")
}

/// The text of Odoo HTML (notes, chatter), for places that show plain text (CLI, previews):
/// tags dropped, paragraphs and line breaks as newlines, common entities decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br") || tag == "/p" || tag == "/div" || tag == "/li" {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.trim().to_owned()
}
