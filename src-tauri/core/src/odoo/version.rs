//! Odoo server versions as servers report them (`19.0`, `saas~18.4`, `17.0+e`).
#![allow(
    missing_docs,
    reason = "operators, variants and fields mirror Odoo's own names, explained in the type docs"
)]

use std::fmt;

/// A server's version: major series and minor (`saas~18.4` → 18.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServerVersion {
    pub major: u16,
    pub minor: u16,
}

impl ServerVersion {
    /// Parses `server_version` / `version` strings. Never trusts `version_info[0]` to be a
    /// number (Odoo Online reports `"saas~18"`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text
            .trim()
            .trim_start_matches("saas~")
            .trim_start_matches("saas-");
        let digits: String = text
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut parts = digits.split('.').filter(|p| !p.is_empty());
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some(Self { major, minor })
    }

    pub fn at_least(self, major: u16, minor: u16) -> bool {
        self >= (Self { major, minor })
    }

    /// JSON-2 is generally available from 19.0.
    pub fn has_json2(self) -> bool {
        self.major >= 19
    }

    /// `mobile` fields were removed in saas-18.2.
    pub fn has_mobile(self) -> bool {
        !self.at_least(18, 2)
    }

    /// `crm.lead.won_status` in community crm from 19.0.
    pub fn has_won_status(self) -> bool {
        self.major >= 19
    }

    /// `crm.stage.team_ids` (many2many) from 19.0, `team_id` before.
    pub fn stage_has_team_ids(self) -> bool {
        self.major >= 19
    }

    /// `formatted_read_group` from saas-18.2; `read_group` before (removed in saas-19.1).
    pub fn has_formatted_read_group(self) -> bool {
        self.at_least(18, 2)
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_shape_servers_send() {
        let v = |s| ServerVersion::parse(s);
        assert_eq!(
            v("19.0"),
            Some(ServerVersion {
                major: 19,
                minor: 0
            })
        );
        assert_eq!(
            v("saas~18.4"),
            Some(ServerVersion {
                major: 18,
                minor: 4
            })
        );
        assert_eq!(
            v("saas~18.1+e"),
            Some(ServerVersion {
                major: 18,
                minor: 1
            })
        );
        assert_eq!(
            v("17.0+e"),
            Some(ServerVersion {
                major: 17,
                minor: 0
            })
        );
        assert_eq!(
            v("16.0-20240101"),
            Some(ServerVersion {
                major: 16,
                minor: 0
            })
        );
        assert_eq!(v("master"), None);
    }

    #[test]
    fn version_gates() {
        let v = |s| ServerVersion::parse(s).expect("version");
        assert!(v("18.0").has_mobile() && !v("saas~18.2").has_mobile() && !v("19.0").has_mobile());
        assert!(!v("saas~18.4").has_json2() && v("19.0").has_json2());
        assert!(v("saas~18.2").has_formatted_read_group() && !v("18.0").has_formatted_read_group());
    }
}
