//! Configuration: defaults, then a TOML file (`--config` / `BRIDGE_CONFIG`), then the
//! environment. The flat variable names (`BRIDGE_LISTEN`, `WHATSAPP_APP_SECRET`, `ODOO_URL`,
//! …) are relied on by scripts; every other setting also has a `BRIDGE_<SECTION>__<KEY>`
//! variable (e.g. `BRIDGE_LEADS__TEAM`).
//!
//! Secrets are [`Secret`]s: redacted in Debug, never serialized, never logged.

use crm_core::secret::Secret;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything the bridge needs. Unknown keys inside a section are refused (a typo must not
/// silently fall back to a default); unknown top-level keys are ignored, as other tools'
/// `BRIDGE_*` variables may share the environment.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Where the inbox database lives.
    pub data_dir: PathBuf,
    /// The inbox file; default `<data_dir>/bridge.sqlite3`.
    #[serde(default)]
    pub inbox_path: Option<PathBuf>,
    /// Webhook settings.
    pub whatsapp: WhatsApp,
    /// The Odoo that leads go to.
    pub odoo: Odoo,
    /// How WhatsApp leads are stamped and assigned.
    pub leads: Leads,
    /// Retries of Odoo failures.
    pub retry: Retry,
    /// Admin alerts about dead letters.
    pub alerts: Alerts,
    /// Senders processed in parallel.
    pub workers: usize,
}

/// Webhook settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsApp {
    /// The Meta app secret (signs webhooks).
    #[serde(default)]
    pub app_secret: Option<Secret>,
    /// The verify token typed in Meta's dashboard.
    #[serde(default)]
    pub verify_token: Option<Secret>,
    /// Largest body accepted (Meta: up to 3 MB).
    pub max_body_bytes: usize,
}

/// The Odoo connection.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Odoo {
    /// Base URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Database.
    #[serde(default)]
    pub db: Option<String>,
    /// Login of the integration user.
    #[serde(default)]
    pub login: Option<String>,
    /// API key (or use `api_key_file`).
    #[serde(default)]
    pub api_key: Option<Secret>,
    /// A file holding the API key (Docker/systemd secrets).
    #[serde(default)]
    pub api_key_file: Option<PathBuf>,
    /// Seconds before an Odoo call times out.
    pub timeout_secs: u64,
}

/// How WhatsApp leads are stamped and assigned.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leads {
    /// UTM source name (found or created); empty = none. CRM Desk's "WhatsApp lead" rule
    /// matches it.
    pub source: String,
    /// UTM medium name (found or created); empty = none.
    pub medium: String,
    /// Tag name (found or created); empty = none.
    pub tag: String,
    /// Sales team name; empty = Odoo's default.
    pub team: String,
    /// Salesperson login; empty = none (see `round_robin`).
    pub salesperson: String,
    /// Assign new leads in turn to the team's members (needs `team`).
    pub round_robin: bool,
    /// `auto` (Odoo decides), `lead` or `opportunity`.
    pub kind: String,
    /// Region for numbers without a country code (ISO 3166, e.g. `SA`); WhatsApp ids always
    /// have one.
    #[serde(default)]
    pub default_region: Option<String>,
}

/// Retries of Odoo failures.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Attempts before a message becomes a dead letter.
    pub attempts: u32,
    /// First delay (ms); doubles each attempt, ±20 % jitter.
    pub base_ms: u64,
    /// Longest delay (ms).
    pub max_ms: u64,
}

/// Admin alerts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// Login of the Odoo user who gets a note in their inbox; empty = none.
    pub odoo_user: String,
    /// URL that gets a JSON POST (`{"text": …}`, Slack-compatible); empty = none.
    pub webhook_url: String,
    /// At most one alert per window; later failures are summarised in the next one.
    pub window_secs: u64,
}

#[derive(Serialize)]
struct Defaults {
    listen: &'static str,
    data_dir: PathBuf,
    workers: usize,
    whatsapp: DefaultWhatsApp,
    odoo: DefaultOdoo,
    leads: DefaultLeads,
    retry: DefaultRetry,
    alerts: DefaultAlerts,
}
#[derive(Serialize)]
struct DefaultWhatsApp {
    max_body_bytes: usize,
}
#[derive(Serialize)]
struct DefaultOdoo {
    timeout_secs: u64,
}
#[derive(Serialize)]
struct DefaultLeads {
    source: &'static str,
    medium: &'static str,
    tag: &'static str,
    team: &'static str,
    salesperson: &'static str,
    round_robin: bool,
    kind: &'static str,
}
#[derive(Serialize)]
struct DefaultRetry {
    attempts: u32,
    base_ms: u64,
    max_ms: u64,
}
#[derive(Serialize)]
struct DefaultAlerts {
    odoo_user: &'static str,
    webhook_url: &'static str,
    window_secs: u64,
}

/// The flat variables scripts rely on, and where each goes.
const FLAT_ENV: &[(&str, &str)] = &[
    ("BRIDGE_LISTEN", "listen"),
    ("BRIDGE_DATA_DIR", "data_dir"),
    ("BRIDGE_INBOX", "inbox_path"),
    ("WHATSAPP_APP_SECRET", "whatsapp.app_secret"),
    ("WHATSAPP_VERIFY_TOKEN", "whatsapp.verify_token"),
    ("ODOO_URL", "odoo.url"),
    ("ODOO_DB", "odoo.db"),
    ("ODOO_LOGIN", "odoo.login"),
    ("ODOO_API_KEY", "odoo.api_key"),
    ("ODOO_API_KEY_FILE", "odoo.api_key_file"),
];

/// What is wrong with the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value could not be read.
    #[error("configuration: {0}")]
    Invalid(String),
    /// A required value is missing.
    #[error("configuration: {0} is not set ({1})")]
    Missing(&'static str, &'static str),
}

impl Config {
    /// Loads defaults ← `file` (if any) ← the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(defaults()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::Invalid(format!(
                    "the file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file(file));
        }
        let flat: Vec<&str> = FLAT_ENV.iter().map(|(k, _)| *k).collect();
        figment = figment
            .merge(
                Env::prefixed("BRIDGE_")
                    .split("__")
                    .ignore(&["LISTEN", "DATA_DIR", "INBOX", "CONFIG", "LOG"]),
            )
            .merge(Env::raw().only(&flat).map(|key| {
                FLAT_ENV
                    .iter()
                    .find(|(k, _)| key.as_str().eq_ignore_ascii_case(k))
                    .map_or_else(|| key.as_str().to_owned(), |(_, v)| (*v).to_owned())
                    .into()
            }));
        figment
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))
    }

    /// The inbox database file.
    pub fn inbox_file(&self) -> PathBuf {
        self.inbox_path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("bridge.sqlite3"))
    }

    /// The app secret, required to accept webhooks.
    pub fn app_secret(&self) -> Result<&Secret, ConfigError> {
        self.whatsapp
            .app_secret
            .as_ref()
            .filter(|s| !s.is_blank())
            .ok_or(ConfigError::Missing(
                "WHATSAPP_APP_SECRET",
                "the App Secret from Meta's App Dashboard › Settings › Basic",
            ))
    }

    /// The Odoo credentials; the key from `ODOO_API_KEY` or the file `ODOO_API_KEY_FILE`.
    pub fn odoo_credentials(&self) -> Result<crm_core::odoo::Credentials, ConfigError> {
        let o = &self.odoo;
        let url = o.url.clone().ok_or(ConfigError::Missing(
            "ODOO_URL",
            "the address of your Odoo, e.g. https://mycompany.odoo.com",
        ))?;
        let database =
            o.db.clone()
                .ok_or(ConfigError::Missing("ODOO_DB", "the Odoo database name"))?;
        let login = o.login.clone().ok_or(ConfigError::Missing(
            "ODOO_LOGIN",
            "the login of the Odoo user the bridge acts as",
        ))?;
        let secret = match (&o.api_key, &o.api_key_file) {
            (Some(key), _) if !key.is_blank() => key.clone(),
            (_, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ConfigError::Invalid(format!(
                        "ODOO_API_KEY_FILE {} cannot be read: {e}",
                        path.display()
                    ))
                })?;
                Secret::new(text.trim())
            }
            _ => {
                return Err(ConfigError::Missing(
                    "ODOO_API_KEY",
                    "an API key of that user (Odoo: Preferences › Account Security), or \
                     ODOO_API_KEY_FILE",
                ));
            }
        };
        Ok(crm_core::odoo::Credentials {
            url,
            database,
            login,
            secret,
        })
    }

    /// The retry delay before attempt `n + 1` (after `n` failures), with `jitter` in [-1, 1].
    pub fn retry_delay(&self, failures: u32, jitter: f64) -> Duration {
        let base = self.retry.base_ms as f64 * 2f64.powi(failures.saturating_sub(1) as i32);
        let capped = base.min(self.retry.max_ms as f64);
        Duration::from_millis((capped * (1.0 + 0.2 * jitter.clamp(-1.0, 1.0))).max(0.0) as u64)
    }
}

fn defaults() -> Defaults {
    Defaults {
        listen: "127.0.0.1:8787",
        data_dir: dirs_data().join("crm-bridge"),
        workers: 8,
        whatsapp: DefaultWhatsApp {
            max_body_bytes: 4 * 1024 * 1024,
        },
        odoo: DefaultOdoo { timeout_secs: 30 },
        leads: DefaultLeads {
            source: "WhatsApp",
            medium: "WhatsApp",
            tag: "WhatsApp",
            team: "",
            salesperson: "",
            round_robin: false,
            kind: "auto",
        },
        retry: DefaultRetry {
            attempts: 3,
            base_ms: 2_000,
            max_ms: 300_000,
        },
        alerts: DefaultAlerts {
            odoo_user: "",
            webhook_url: "",
            window_secs: 600,
        },
    }
}

fn dirs_data() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_doubles_and_is_capped() {
        let mut config = Config::load(None).expect("defaults load");
        config.retry.base_ms = 100;
        config.retry.max_ms = 350;
        let ms = |n| config.retry_delay(n, 0.0).as_millis();
        assert_eq!([ms(1), ms(2), ms(3), ms(4)], [100, 200, 350, 350]);
        assert_eq!(config.retry_delay(1, 1.0).as_millis(), 120, "+20 % jitter");
    }
}
