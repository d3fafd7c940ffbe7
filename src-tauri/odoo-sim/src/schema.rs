//! The models the simulator serves and their fields, per Odoo version
//! (reference/odoo-protocol.md §4).

use crate::version::OdooVersion;
use std::collections::HashMap;

/// A field type, as `fields_get` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Char,
    Text,
    Html,
    Integer,
    Float,
    Monetary,
    Boolean,
    Selection(Vec<(&'static str, &'static str)>),
    Date,
    Datetime,
    Many2one(&'static str),
    /// Inverse many2one on the comodel.
    One2many(&'static str, &'static str),
    Many2many(&'static str),
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Char => "char",
            Kind::Text => "text",
            Kind::Html => "html",
            Kind::Integer => "integer",
            Kind::Float => "float",
            Kind::Monetary => "monetary",
            Kind::Boolean => "boolean",
            Kind::Selection(_) => "selection",
            Kind::Date => "date",
            Kind::Datetime => "datetime",
            Kind::Many2one(_) => "many2one",
            Kind::One2many(..) => "one2many",
            Kind::Many2many(_) => "many2many",
        }
    }

    pub fn relation(&self) -> Option<&'static str> {
        match self {
            Kind::Many2one(m) | Kind::One2many(m, _) | Kind::Many2many(m) => Some(m),
            _ => None,
        }
    }

    /// Whether the value is a list of ids.
    pub fn is_x2many(&self) -> bool {
        matches!(self, Kind::One2many(..) | Kind::Many2many(_))
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub string: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub readonly: bool,
    /// Stored in the table (one2many and display_name are computed on read).
    pub store: bool,
}

fn f(name: &'static str, string: &'static str, kind: Kind) -> Field {
    let store = !matches!(kind, Kind::One2many(..)) && name != "display_name";
    Field {
        name,
        string,
        kind,
        required: false,
        readonly: false,
        store,
    }
}

impl Field {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn readonly(mut self) -> Self {
        self.readonly = true;
        self
    }
}

/// One model: its name, description, fields (in a fixed order: rows store values in it),
/// default order, and whether it has `active`.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: &'static str,
    pub description: &'static str,
    pub fields: Vec<Field>,
    pub order: &'static str,
    index: HashMap<&'static str, usize>,
}

impl Model {
    fn new(
        name: &'static str,
        description: &'static str,
        order: &'static str,
        own: Vec<Field>,
    ) -> Self {
        let mut fields = vec![
            f("id", "ID", Kind::Integer).readonly(),
            f("display_name", "Display Name", Kind::Char).readonly(),
            f("create_date", "Created on", Kind::Datetime).readonly(),
            f("write_date", "Last Updated on", Kind::Datetime).readonly(),
            f("create_uid", "Created by", Kind::Many2one("res.users")).readonly(),
            f("write_uid", "Last Updated by", Kind::Many2one("res.users")).readonly(),
        ];
        fields.extend(own);
        let index = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name, i))
            .collect();
        Self {
            name,
            description,
            fields,
            order,
            index,
        }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.index.get(name).map(|&i| &self.fields[i])
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn has_active(&self) -> bool {
        self.index.contains_key("active")
    }
}

/// All models of one served version.
#[derive(Debug, Clone)]
pub struct Schema {
    pub version: OdooVersion,
    models: HashMap<&'static str, Model>,
}

impl Schema {
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.get(name)
    }

    pub fn models(&self) -> impl Iterator<Item = &Model> {
        self.models.values()
    }

    pub fn for_version(version: OdooVersion) -> Self {
        use Kind::*;
        let priority = || {
            Selection(vec![
                ("0", "Low"),
                ("1", "Medium"),
                ("2", "High"),
                ("3", "Very High"),
            ])
        };
        let mut lead = vec![
            f("name", "Opportunity", Char).required(),
            f(
                "type",
                "Type",
                Selection(vec![("lead", "Lead"), ("opportunity", "Opportunity")]),
            )
            .required(),
            f("active", "Active", Boolean),
            f("priority", "Priority", priority()),
            f("color", "Color Index", Integer),
            f("description", "Notes", Html),
            f("referred", "Referred By", Char),
            f("stage_id", "Stage", Many2one("crm.stage")),
            f("user_id", "Salesperson", Many2one("res.users")),
            f("team_id", "Sales Team", Many2one("crm.team")),
            f("tag_ids", "Tags", Many2many("crm.tag")),
            f("company_id", "Company", Many2one("res.company")),
            f("partner_id", "Customer", Many2one("res.partner")),
            f("partner_name", "Company Name", Char),
            f("contact_name", "Contact Name", Char),
            f("function", "Job Position", Char),
            f("email_from", "Email", Char),
            f("phone", "Phone", Char),
            f("phone_sanitized", "Sanitized Number", Char).readonly(),
            f("website", "Website", Char),
            f("street", "Street", Char),
            f("city", "City", Char),
            f("expected_revenue", "Expected Revenue", Monetary),
            f("prorated_revenue", "Prorated Revenue", Monetary).readonly(),
            f("probability", "Probability", Float),
            f("lost_reason_id", "Lost Reason", Many2one("crm.lost.reason")),
            f("date_deadline", "Expected Closing", Date),
            f("date_closed", "Closed Date", Datetime).readonly(),
            f("date_open", "Assignment Date", Datetime).readonly(),
            f("date_last_stage_update", "Last Stage Update", Datetime).readonly(),
            f("source_id", "Source", Many2one("utm.source")),
            f("medium_id", "Medium", Many2one("utm.medium")),
            f("campaign_id", "Campaign", Many2one("utm.campaign")),
            f(
                "message_ids",
                "Messages",
                One2many("mail.message", "res_id"),
            ),
        ];
        if version.has_mobile() {
            lead.push(f("mobile", "Mobile", Char));
        }
        if version.has_won_status() {
            lead.push(
                f(
                    "won_status",
                    "Is Won",
                    Selection(vec![
                        ("won", "Won"),
                        ("lost", "Lost"),
                        ("pending", "Pending"),
                    ]),
                )
                .readonly(),
            );
        }
        let mut stage = vec![
            f("name", "Stage Name", Char).required(),
            f("sequence", "Sequence", Integer),
            f("is_won", "Is Won Stage?", Boolean),
            f("fold", "Folded in Pipeline", Boolean),
            f("requirements", "Requirements", Text),
        ];
        stage.push(if version.stage_has_team_ids() {
            f("team_ids", "Sales Teams", Many2many("crm.team"))
        } else {
            f("team_id", "Sales Team", Many2one("crm.team"))
        });
        let mut partner = vec![
            f("name", "Name", Char),
            f("active", "Active", Boolean),
            f("is_company", "Is a Company", Boolean),
            f("parent_id", "Related Company", Many2one("res.partner")),
            f("email", "Email", Char),
            f("phone", "Phone", Char),
            f("phone_sanitized", "Sanitized Number", Char).readonly(),
            f("street", "Street", Char),
            f("city", "City", Char),
            f("vat", "Tax ID", Char),
            f("comment", "Notes", Html),
            f("user_id", "Salesperson", Many2one("res.users")),
            f("company_id", "Company", Many2one("res.company")),
            f(
                "type",
                "Address Type",
                Selection(vec![
                    ("contact", "Contact"),
                    ("invoice", "Invoice Address"),
                    ("delivery", "Delivery Address"),
                    ("other", "Other Address"),
                ]),
            ),
        ];
        if version.has_mobile() {
            partner.push(f("mobile", "Mobile", Char));
        }
        let models = [
            Model::new(
                "crm.lead",
                "Lead/Opportunity",
                "priority desc, id desc",
                lead,
            ),
            Model::new("crm.stage", "CRM Stages", "sequence, name, id", stage),
            Model::new(
                "crm.tag",
                "CRM Tag",
                "name, id",
                vec![
                    f("name", "Tag Name", Char).required(),
                    f("color", "Color", Integer),
                ],
            ),
            Model::new(
                "crm.lost.reason",
                "Opp. Lost Reason",
                "name, id",
                vec![
                    f("name", "Description", Char).required(),
                    f("active", "Active", Boolean),
                ],
            ),
            Model::new(
                "crm.team",
                "Sales Team",
                "sequence, name, id",
                vec![
                    f("name", "Sales Team", Char).required(),
                    f("sequence", "Sequence", Integer),
                    f("active", "Active", Boolean),
                    f("user_id", "Team Leader", Many2one("res.users")),
                    f("member_ids", "Salespersons", Many2many("res.users")),
                    f("use_leads", "Leads", Boolean),
                    f("use_opportunities", "Pipeline", Boolean),
                    f("company_id", "Company", Many2one("res.company")),
                ],
            ),
            Model::new(
                "res.users",
                "User",
                "name, login",
                vec![
                    f("name", "Name", Char).required(),
                    f("login", "Login", Char).required(),
                    f("active", "Active", Boolean),
                    f("partner_id", "Related Partner", Many2one("res.partner")),
                    f("email", "Email", Char),
                    f("lang", "Language", Char),
                    f("tz", "Timezone", Char),
                    f("company_id", "Company", Many2one("res.company")),
                    f("share", "Share User", Boolean).readonly(),
                ],
            ),
            Model::new("res.partner", "Contact", "name, id", partner),
            Model::new(
                "res.company",
                "Companies",
                "sequence, name",
                vec![
                    f("name", "Company Name", Char).required(),
                    f("sequence", "Sequence", Integer),
                    f("currency_code", "Currency", Char),
                ],
            ),
            Model::new(
                "utm.source",
                "UTM Source",
                "name, id",
                vec![f("name", "Source Name", Char).required()],
            ),
            Model::new(
                "utm.medium",
                "UTM Medium",
                "name, id",
                vec![
                    f("name", "Medium Name", Char).required(),
                    f("active", "Active", Boolean),
                ],
            ),
            Model::new(
                "utm.campaign",
                "UTM Campaign",
                "name, id",
                vec![f("name", "Campaign Identifier", Char).required()],
            ),
            Model::new(
                "mail.message.subtype",
                "Message subtypes",
                "sequence, id",
                vec![
                    f("name", "Message Type", Char).required(),
                    f("sequence", "Sequence", Integer),
                    f("internal", "Internal Only", Boolean),
                ],
            ),
            Model::new(
                "mail.message",
                "Message",
                "id desc",
                vec![
                    f("model", "Related Document Model", Char),
                    f("res_id", "Related Document ID", Integer),
                    f("body", "Contents", Html),
                    f("subject", "Subject", Char),
                    f("date", "Date", Datetime),
                    f(
                        "message_type",
                        "Type",
                        Selection(vec![
                            ("email", "Incoming Email"),
                            ("comment", "Comment"),
                            ("email_outgoing", "Outgoing Email"),
                            ("notification", "System notification"),
                            ("auto_comment", "Automated Targeted Notification"),
                            ("user_notification", "User Specific Notification"),
                        ]),
                    )
                    .required(),
                    f("subtype_id", "Subtype", Many2one("mail.message.subtype")),
                    f("author_id", "Author", Many2one("res.partner")),
                    f("email_from", "From", Char),
                    // Message-Id: indexed in Odoo; mail gateways (and crm-bridge) pass it to
                    // message_post to find a message again.
                    f("message_id", "Message-Id", Char),
                    f("partner_ids", "Recipients", Many2many("res.partner")),
                    f("is_internal", "Employee Only", Boolean),
                ],
            ),
            Model::new(
                "ir.model",
                "Models",
                "model",
                vec![
                    f("model", "Model", Char).required(),
                    f("name", "Model Description", Char).required(),
                ],
            ),
        ];
        Self {
            version,
            models: models.into_iter().map(|m| (m.name, m)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_version() {
        let v18 = Schema::for_version("18.0".parse().expect("v"));
        let v19 = Schema::for_version(OdooVersion::V19);
        let lead18 = v18.model("crm.lead").expect("lead");
        let lead19 = v19.model("crm.lead").expect("lead");
        assert!(
            lead18.field("mobile").is_some() && lead19.field("mobile").is_none(),
            "mobile ≤18"
        );
        assert!(lead19.field("won_status").is_some() && lead18.field("won_status").is_none());
        assert!(
            v19.model("crm.stage")
                .and_then(|m| m.field("team_ids"))
                .is_some()
        );
        assert!(
            v18.model("crm.stage")
                .and_then(|m| m.field("team_id"))
                .is_some()
        );
    }

    #[test]
    fn every_relation_points_to_a_served_model() {
        let schema = Schema::for_version(OdooVersion::V19);
        for model in schema.models() {
            for field in &model.fields {
                if let Some(rel) = field.kind.relation() {
                    assert!(
                        schema.model(rel).is_some(),
                        "{}.{} points to unknown {rel}",
                        model.name,
                        field.name
                    );
                }
            }
        }
    }
}
