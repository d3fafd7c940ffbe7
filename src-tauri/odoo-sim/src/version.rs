//! Which Odoo the simulator pretends to be.

use std::fmt;
use std::str::FromStr;

/// A served Odoo version: a major series (16..=19) and a minor (`saas~18.4` is 18.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OdooVersion {
    /// 16, 17, 18, 19, …
    pub major: u8,
    /// 0 for a stable series; the saas minor otherwise.
    pub minor: u8,
}

impl OdooVersion {
    /// Odoo 19.0, the default.
    pub const V19: Self = Self {
        major: 19,
        minor: 0,
    };

    /// JSON-2 (`/json/2/...`) exists from 19.0.
    pub fn has_json2(self) -> bool {
        self.major >= 19
    }

    /// `mobile` on res.partner / crm.lead exists up to 18.0 (removed in saas-18.2).
    pub fn has_mobile(self) -> bool {
        self < Self {
            major: 18,
            minor: 2,
        }
    }

    /// `won_status` on crm.lead is in community crm from 19.0.
    pub fn has_won_status(self) -> bool {
        self.major >= 19
    }

    /// `crm.stage.team_ids` (many2many) from 19.0; `team_id` (many2one) before.
    pub fn stage_has_team_ids(self) -> bool {
        self.major >= 19
    }

    /// `formatted_read_group` from saas-18.2.
    pub fn has_formatted_read_group(self) -> bool {
        self >= Self {
            major: 18,
            minor: 2,
        }
    }

    /// JSON-RPC error `code`: 200 up to 18.0, 0 from saas-18.1.
    pub fn jsonrpc_error_code(self) -> i64 {
        if self
            >= (Self {
                major: 18,
                minor: 1,
            })
        {
            0
        } else {
            200
        }
    }

    /// `server_version` string, e.g. `19.0` or `saas~18.4`.
    pub fn server_version(self) -> String {
        self.to_string()
    }

    /// `server_version_info`, e.g. `[19, 0, 0, "final", 0, ""]`.
    pub fn version_info(self) -> serde_json::Value {
        if self.minor == 0 {
            serde_json::json!([self.major, 0, 0, "final", 0, ""])
        } else {
            serde_json::json!([
                format!("saas~{}", self.major),
                self.minor,
                0,
                "final",
                0,
                ""
            ])
        }
    }
}

impl fmt::Display for OdooVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.minor == 0 {
            write!(f, "{}.0", self.major)
        } else {
            write!(f, "saas~{}.{}", self.major, self.minor)
        }
    }
}

impl FromStr for OdooVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("unsupported Odoo version {s:?}: use 16.0, 17.0, 18.0, 19.0 or saas~18.4");
        let digits = s.trim().trim_start_matches("saas~");
        let (major, minor) = digits.split_once('.').unwrap_or((digits, "0"));
        let major: u8 = major.parse().map_err(|_| bad())?;
        let minor: u8 = minor.trim_end_matches("+e").parse().map_err(|_| bad())?;
        if !(16..=19).contains(&major) {
            return Err(bad());
        }
        Ok(Self { major, minor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stable_and_saas_versions() {
        assert_eq!("19.0".parse::<OdooVersion>(), Ok(OdooVersion::V19));
        assert_eq!(
            "saas~18.4".parse::<OdooVersion>(),
            Ok(OdooVersion {
                major: 18,
                minor: 4
            })
        );
        assert_eq!(
            "16.0".parse::<OdooVersion>().map(|v| v.to_string()),
            Ok("16.0".into())
        );
        assert!(
            "15.0".parse::<OdooVersion>().is_err(),
            "only the versions we serve"
        );
    }

    #[test]
    fn version_gates_follow_the_reference() {
        let v = |s: &str| s.parse::<OdooVersion>().expect("version");
        assert!(v("18.0").has_mobile() && !v("19.0").has_mobile());
        assert!(!v("18.0").has_json2() && v("19.0").has_json2());
        assert_eq!(v("18.0").jsonrpc_error_code(), 200);
        assert_eq!(v("19.0").jsonrpc_error_code(), 0);
        assert!(v("saas~18.4").has_formatted_read_group() && !v("17.0").has_formatted_read_group());
    }
}
