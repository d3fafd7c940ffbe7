//! CRM domain types: what CRM Desk knows about leads, stages and the people around them,
//! independent of how Odoo encodes them (the `odoo` module converts at its edge).

use time::{Date, PrimitiveDateTime};

/// A reference to another record: its id and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    /// Odoo id.
    pub id: i64,
    /// Display name at the time it was read.
    pub name: String,
}

/// Lead or opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadType {
    /// Not yet qualified.
    Lead,
    /// In the pipeline.
    Opportunity,
}

/// Where a lead stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Anything else.
    Other,
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
