//! User settings: a documented TOML file in the data directory, overridden by environment
//! variables (`CRM_DESK_<SECTION>__<KEY>`).
//!
//! Must stay true:
//! - a broken file or variable never stops the app: [`load`] falls back (file without the
//!   environment, then defaults) and reports what was wrong;
//! - [`save`] writes atomically (temp file, fsync, rename), keeps the user's comments and keys
//!   it does not know, and never destroys a file it cannot parse: that one is copied aside first;
//! - `settings.template.toml` documents every key and parses to exactly [`Settings::default`]
//!   (tested), so the documentation cannot drift from the code.

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use toml_edit::{DocumentMut, Item};

/// The documented settings file written on first start.
pub const TEMPLATE: &str = include_str!("settings.template.toml");

/// Prefix of the environment variables that override settings.
pub const ENV_PREFIX: &str = "CRM_DESK_";

/// All settings of the desktop app. Missing keys in the file take their defaults (the
/// defaults are the bottom layer of [`load`]), so the types need no `serde(default)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Settings {
    /// Appearance.
    pub ui: UiSettings,
    /// Background synchronisation with Odoo.
    pub sync: SyncSettings,
    /// Log files.
    pub log: LogSettings,
    /// How to talk to Odoo.
    pub odoo: OdooSettings,
    /// Desktop notifications and the notification centre.
    pub notifications: NotificationSettings,
}

/// Connection settings for Odoo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OdooSettings {
    /// Which API to use.
    pub transport: OdooTransport,
}

/// Which Odoo API to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OdooTransport {
    /// JSON-2 on Odoo 19 and later, JSON-RPC before (asked from the server).
    #[default]
    Auto,
    /// Always JSON-2 (`/json/2`, Odoo 19+).
    Json2,
    /// Always JSON-RPC (`/jsonrpc`; Odoo 16–21).
    Jsonrpc,
}

impl From<OdooTransport> for crate::odoo::TransportChoice {
    fn from(t: OdooTransport) -> Self {
        use crate::odoo::{Transport, TransportChoice};
        match t {
            OdooTransport::Auto => TransportChoice::Auto,
            OdooTransport::Json2 => TransportChoice::Force(Transport::Json2),
            OdooTransport::Jsonrpc => TransportChoice::Force(Transport::JsonRpc),
        }
    }
}

/// Appearance settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UiSettings {
    /// Interface language.
    pub language: Language,
    /// Colour theme.
    pub theme: Theme,
}

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Follow the operating system.
    #[default]
    System,
    /// English.
    En,
    /// Arabic, laid out right to left.
    Ar,
}

/// Colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Background sync settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncSettings {
    /// Seconds between background syncs while online.
    pub interval_secs: u32,
    /// Seconds between the slower checks for leads deleted in Odoo or no longer visible.
    pub reconcile_every_secs: u32,
    /// Chatter messages kept per lead (the newest), fetched when a lead is opened.
    pub messages_per_lead: u32,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            interval_secs: 30,
            reconcile_every_secs: 600,
            messages_per_lead: 30,
        }
    }
}

/// Desktop notifications. The notification centre keeps every item whatever these say,
/// except the categories switched off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NotificationSettings {
    /// Raise desktop notifications.
    pub enabled: bool,
    /// Whose new leads to announce.
    pub scope: NotifyScope,
    /// What marks a lead as WhatsApp's: its UTM source, UTM medium or a tag...
    pub whatsapp_by: WhatsAppMatch,
    /// ...named this (crm-bridge's default source is "WhatsApp").
    pub whatsapp_name: String,
    /// More new WhatsApp leads than this in one sync make one summary.
    pub summary_above: u32,
    /// New WhatsApp leads.
    pub new_leads: bool,
    /// Leads newly assigned to me.
    pub assigned_to_me: bool,
    /// My edits that conflict with a change made in Odoo.
    pub conflicts: bool,
    /// My edits Odoo refused.
    pub failed_pushes: bool,
    /// A customer's new WhatsApp message on one of my leads.
    pub whatsapp_messages: bool,
    /// Do not disturb: no desktop notifications (the notification centre still fills).
    pub do_not_disturb: bool,
    /// Quiet hours, local time `HH:MM` (empty: none): from...
    pub quiet_from: String,
    /// ...to (a span past midnight, 22:00 to 07:00, works).
    pub quiet_to: String,
    /// Closing the window keeps CRM Desk running in the tray, so notifications keep coming.
    pub keep_in_tray: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            scope: NotifyScope::MineAndUnassigned,
            whatsapp_by: WhatsAppMatch::Source,
            whatsapp_name: "WhatsApp".into(),
            summary_above: 3,
            new_leads: true,
            assigned_to_me: true,
            conflicts: true,
            failed_pushes: true,
            whatsapp_messages: true,
            do_not_disturb: false,
            quiet_from: String::new(),
            quiet_to: String::new(),
            keep_in_tray: true,
        }
    }
}

/// Whose new leads are announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NotifyScope {
    /// Assigned to me.
    Mine,
    /// Assigned to me, or unassigned in my teams.
    #[default]
    MineAndUnassigned,
    /// Every lead I can see.
    All,
}

/// Which field of a lead says it came from WhatsApp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum WhatsAppMatch {
    /// The UTM source.
    #[default]
    Source,
    /// The UTM medium.
    Medium,
    /// A tag.
    Tag,
}

impl NotificationSettings {
    /// The notification rule's preferences (`crate::notify`).
    pub fn preferences(&self) -> crate::notify::Preferences {
        use crate::notify::{Preferences, Scope, WhatsAppRule};
        let name = self.whatsapp_name.clone();
        Preferences {
            scope: match self.scope {
                NotifyScope::Mine => Scope::Mine,
                NotifyScope::MineAndUnassigned => Scope::MineAndUnassigned,
                NotifyScope::All => Scope::AllVisible,
            },
            whatsapp: match self.whatsapp_by {
                WhatsAppMatch::Source => WhatsAppRule::Source(name),
                WhatsAppMatch::Medium => WhatsAppRule::Medium(name),
                WhatsAppMatch::Tag => WhatsAppRule::Tag(name),
            },
            summary_above: usize::try_from(self.summary_above).unwrap_or(usize::MAX),
            new_leads: self.new_leads,
            assigned_to_me: self.assigned_to_me,
            conflicts: self.conflicts,
            failed_pushes: self.failed_pushes,
            whatsapp_messages: self.whatsapp_messages,
        }
    }

    /// Whether `now` (local `HH:MM`) is inside the quiet hours.
    pub fn quiet_at(&self, now: (u8, u8)) -> bool {
        let (Some(from), Some(to)) = (hh_mm(&self.quiet_from), hh_mm(&self.quiet_to)) else {
            return false;
        };
        let now = u16::from(now.0) * 60 + u16::from(now.1);
        if from <= to {
            (from..to).contains(&now)
        } else {
            now >= from || now < to
        }
    }
}

/// Minutes since midnight of `HH:MM`.
fn hh_mm(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Log file settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogSettings {
    /// Daily log files kept before the oldest is deleted.
    pub keep_files: u32,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { keep_files: 14 }
    }
}

/// Settings as loaded, with anything the user should know about how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The settings in force.
    pub settings: Settings,
    /// Why the file or the environment could not be used, if so; the app shows this.
    pub problem: Option<String>,
}

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value is out of range; `field` is the dotted key (`sync.interval_secs`).
    #[error("{field}: {message}")]
    Invalid {
        /// Dotted key of the offending setting.
        field: &'static str,
        /// What is allowed.
        message: String,
    },
    /// The file could not be written.
    #[error("could not write {path}: {source}")]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Settings {
    /// Checks ranges that the type system does not.
    pub fn validate(&self) -> Result<(), Error> {
        if !(5..=86_400).contains(&self.sync.interval_secs) {
            return Err(Error::Invalid {
                field: "sync.interval_secs",
                message: format!(
                    "must be between 5 and 86400 seconds (1 day), got {}",
                    self.sync.interval_secs
                ),
            });
        }
        if !(60..=86_400).contains(&self.sync.reconcile_every_secs) {
            return Err(Error::Invalid {
                field: "sync.reconcile_every_secs",
                message: format!(
                    "must be between 60 and 86400 seconds, got {}",
                    self.sync.reconcile_every_secs
                ),
            });
        }
        if !(1..=500).contains(&self.sync.messages_per_lead) {
            return Err(Error::Invalid {
                field: "sync.messages_per_lead",
                message: format!(
                    "must be between 1 and 500, got {}",
                    self.sync.messages_per_lead
                ),
            });
        }
        if !(1..=365).contains(&self.log.keep_files) {
            return Err(Error::Invalid {
                field: "log.keep_files",
                message: format!("must be between 1 and 365, got {}", self.log.keep_files),
            });
        }
        let n = &self.notifications;
        for (field, value) in [
            ("notifications.quiet_from", &n.quiet_from),
            ("notifications.quiet_to", &n.quiet_to),
        ] {
            if !value.trim().is_empty() && hh_mm(value).is_none() {
                return Err(Error::Invalid {
                    field,
                    message: format!("must be a time like 22:00 (or empty), not {value:?}"),
                });
            }
        }
        if n.quiet_from.trim().is_empty() != n.quiet_to.trim().is_empty() {
            return Err(Error::Invalid {
                field: "notifications.quiet_to",
                message: "quiet hours need both a start and an end".into(),
            });
        }
        if !(1..=1000).contains(&n.summary_above) {
            return Err(Error::Invalid {
                field: "notifications.summary_above",
                message: format!("must be between 1 and 1000, not {}", n.summary_above),
            });
        }
        if n.whatsapp_name.trim().is_empty() {
            return Err(Error::Invalid {
                field: "notifications.whatsapp_name",
                message: "must name the source, medium or tag of WhatsApp leads".into(),
            });
        }
        Ok(())
    }
}

/// Loads settings from `path` (missing file = defaults) and the given environment variables
/// (normally `std::env::vars()`; passed in so tests stay hermetic).
pub fn load(path: &Path, env: impl IntoIterator<Item = (String, String)>) -> Loaded {
    let env: Vec<(String, String)> = env.into_iter().collect();
    let with_env = |figment: Figment| EnvVar::all(&env).fold(figment, Figment::merge);
    let base = || Figment::from(Serialized::defaults(Settings::default()));
    let file = || base().merge(Toml::file_exact(path));

    let checked = |figment: Figment| {
        figment
            .extract::<Settings>()
            .map_err(|e| e.to_string())
            .and_then(|s| s.validate().map(|()| s).map_err(|e| e.to_string()))
    };
    // A missing file is not a problem, but figment's file_exact reports it: test first.
    match checked(with_env(if path.exists() { file() } else { base() })) {
        Ok(settings) => Loaded {
            settings,
            problem: None,
        },
        Err(env_or_file) => {
            let file_only = if path.exists() {
                checked(file())
            } else {
                Ok(Settings::default())
            };
            match file_only {
                Ok(settings) => Loaded {
                    settings,
                    problem: Some(format!(
                        "ignored the CRM_DESK_* environment overrides: {env_or_file}"
                    )),
                },
                Err(file_problem) => Loaded {
                    settings: Settings::default(),
                    problem: Some(format!(
                        "{} could not be used, so defaults are in force until it is fixed \
                         (saving from Settings keeps a copy of it): {file_problem}",
                        path.display()
                    )),
                },
            }
        }
    }
}

/// One `CRM_DESK_<SECTION>__<KEY>` variable as a figment provider, so that an error names the
/// exact variable. Values parse like TOML scalars ("120" is a number, "ar" a string).
struct EnvVar {
    name: String,
    key: String,
    value: String,
}

impl EnvVar {
    fn all(vars: &[(String, String)]) -> impl Iterator<Item = EnvVar> + '_ {
        vars.iter().filter_map(|(name, value)| {
            let rest = name.strip_prefix(ENV_PREFIX)?;
            (rest.contains("__") && !value.trim().is_empty()).then(|| EnvVar {
                name: name.clone(),
                key: rest.to_ascii_lowercase().replace("__", "."),
                value: value.clone(),
            })
        })
    }
}

impl figment::Provider for EnvVar {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named(format!("environment variable {}", self.name))
    }

    fn data(
        &self,
    ) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        let value: figment::value::Value = self
            .value
            .parse()
            .unwrap_or_else(|_| figment::value::Value::from(self.value.clone()));
        let dict = figment::util::nest(&self.key, value)
            .into_dict()
            .unwrap_or_default();
        Ok(figment::Profile::Default.collect(dict))
    }
}

/// Writes the documented template if no settings file exists yet.
pub fn ensure_file(path: &Path) -> Result<(), Error> {
    if path.exists() {
        return Ok(());
    }
    write_atomically(path, TEMPLATE)
}

/// Saves `settings` into the file at `path`, keeping comments and unknown keys. A file that is
/// not valid TOML is copied to `<name>.invalid-<timestamp>` before being replaced.
pub fn save(path: &Path, settings: &Settings, now: OffsetDateTime) -> Result<(), Error> {
    settings.validate()?;
    let existing = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => TEMPLATE.to_owned(),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut doc = match existing.parse::<DocumentMut>() {
        Ok(doc) => doc,
        Err(_) => {
            let aside = aside_path(path, "invalid", now);
            fs::copy(path, &aside).map_err(|source| Error::Io {
                path: aside,
                source,
            })?;
            TEMPLATE
                .parse::<DocumentMut>()
                .expect("the settings template is valid TOML (tested)")
        }
    };
    let fresh = toml_edit::ser::to_document(settings).expect("settings always serialize to TOML");
    merge(doc.as_table_mut(), fresh.as_table());
    write_atomically(path, &doc.to_string())
}

/// Copies values from `from` into `into`, keeping the comments and layout of keys that exist.
fn merge(into: &mut toml_edit::Table, from: &toml_edit::Table) {
    for (key, item) in from.iter() {
        // The serializer emits sections as inline tables; the file has them as [sections].
        let item = match item {
            Item::Value(toml_edit::Value::InlineTable(t)) => Item::Table(t.clone().into_table()),
            other => other.clone(),
        };
        match (into.get_mut(key), item) {
            (Some(Item::Table(existing)), Item::Table(table)) => merge(existing, &table),
            (Some(Item::Value(existing)), Item::Value(value)) => {
                let decor = existing.decor().clone();
                *existing = value;
                *existing.decor_mut() = decor;
            }
            (_, item) => {
                into.insert(key, item);
            }
        }
    }
}

/// A sibling path for a file being moved or copied aside, stamped with the time, e.g.
/// `settings.toml.invalid-20261126T133700Z`.
pub fn aside_path(path: &Path, why: &str, now: OffsetDateTime) -> PathBuf {
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| now.unix_timestamp().to_string());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut candidate = path.with_file_name(format!("{name}.{why}-{stamp}"));
    let mut n = 1;
    while candidate.exists() {
        n += 1;
        candidate = path.with_file_name(format!("{name}.{why}-{stamp}-{n}"));
    }
    candidate
}

/// Replaces `path` with `contents` so that a crash leaves either the old or the new file,
/// never a torn one: write a temp file in the same folder, fsync it, rename over.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".settings-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(contents.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-26 13:37:00 UTC);

    fn no_env() -> Vec<(String, String)> {
        Vec::new()
    }

    #[test]
    fn template_documents_exactly_the_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        ensure_file(&path).expect("write template");
        let loaded = load(&path, no_env());
        assert_eq!(
            loaded.problem, None,
            "the shipped template must load cleanly"
        );
        assert_eq!(
            loaded.settings,
            Settings::default(),
            "settings.template.toml and Settings::default() disagree: update the template"
        );
    }

    #[test]
    fn missing_file_means_defaults_without_complaint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loaded = load(&dir.path().join("none.toml"), no_env());
        assert_eq!(
            loaded,
            Loaded {
                settings: Settings::default(),
                problem: None
            }
        );
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        fs::write(&path, "[ui]\nlanguage = \"en\"\ntheme = \"dark\"\n").expect("write");
        let env = vec![
            ("CRM_DESK_UI__LANGUAGE".to_owned(), "ar".to_owned()),
            ("CRM_DESK_SYNC__INTERVAL_SECS".to_owned(), "120".to_owned()),
            ("CRM_DESK_DATA_DIR".to_owned(), "/elsewhere".to_owned()),
            ("UNRELATED__X".to_owned(), "1".to_owned()),
            ("CRM_DESK_LOG__KEEP_FILES".to_owned(), String::new()),
        ];
        let loaded = load(&path, env);
        assert_eq!(loaded.problem, None);
        assert_eq!(
            loaded.settings.ui.language,
            Language::Ar,
            "env must win over the file"
        );
        assert_eq!(
            loaded.settings.ui.theme,
            Theme::Dark,
            "file values not overridden stay"
        );
        assert_eq!(loaded.settings.sync.interval_secs, 120);
    }

    #[test]
    fn the_odoo_transport_can_be_forced() {
        use crate::odoo::{Transport, TransportChoice};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        let env = vec![("CRM_DESK_ODOO__TRANSPORT".to_owned(), "jsonrpc".to_owned())];
        let loaded = load(&path, env);
        assert_eq!(loaded.problem, None);
        assert_eq!(
            TransportChoice::from(loaded.settings.odoo.transport),
            TransportChoice::Force(Transport::JsonRpc),
            "a server where detection guesses wrong can be pinned to JSON-RPC"
        );
        let bad = load(
            &path,
            vec![("CRM_DESK_ODOO__TRANSPORT".to_owned(), "soap".to_owned())],
        );
        assert!(
            bad.problem
                .is_some_and(|p| p.contains("CRM_DESK_ODOO__TRANSPORT"))
        );
    }

    #[test]
    fn a_broken_file_falls_back_to_defaults_and_says_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        fs::write(&path, "[ui\nlanguage = ").expect("write");
        let loaded = load(&path, no_env());
        assert_eq!(loaded.settings, Settings::default());
        let problem = loaded
            .problem
            .expect("a broken file must be reported, not ignored");
        assert!(
            problem.contains("settings.toml"),
            "the message names the file: {problem}"
        );
    }

    #[test]
    fn an_out_of_range_value_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        fs::write(&path, "[sync]\ninterval_secs = 1\n").expect("write");
        let loaded = load(&path, no_env());
        assert_eq!(
            loaded.settings.sync.interval_secs, 30,
            "an invalid interval is not used"
        );
        assert!(loaded.problem.expect("reported").contains("interval_secs"));
    }

    #[test]
    fn a_bad_environment_value_keeps_the_file_and_names_the_variable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        fs::write(&path, "[ui]\ntheme = \"dark\"\n").expect("write");
        let env = vec![("CRM_DESK_SYNC__INTERVAL_SECS".to_owned(), "soon".to_owned())];
        let loaded = load(&path, env);
        assert_eq!(
            loaded.settings.ui.theme,
            Theme::Dark,
            "the file still applies"
        );
        let problem = loaded.problem.expect("reported");
        assert!(
            problem.contains("CRM_DESK_SYNC__INTERVAL_SECS"),
            "names the variable: {problem}"
        );
    }

    #[test]
    fn save_keeps_comments_and_unknown_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        fs::write(
            &path,
            "# my notes\n[ui]\n# keep me\nlanguage = \"en\" # inline\n[future]\nflag = true\n",
        )
        .expect("write");
        let mut settings = Settings::default();
        settings.ui.language = Language::Ar;
        settings.ui.theme = Theme::Dark;
        save(&path, &settings, NOW).expect("save");
        let text = fs::read_to_string(&path).expect("read");
        for kept in [
            "# my notes",
            "# keep me",
            "# inline",
            "[future]",
            "flag = true",
        ] {
            assert!(
                text.contains(kept),
                "saving must keep the user's {kept:?}:\n{text}"
            );
        }
        assert_eq!(
            load(&path, no_env()).settings,
            settings,
            "what was saved loads back"
        );
    }

    #[test]
    fn save_copies_an_unparseable_file_aside_before_replacing_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        fs::write(&path, "this is [ not toml").expect("write");
        save(&path, &Settings::default(), NOW).expect("save");
        let aside = dir.path().join("settings.toml.invalid-20261126T133700Z");
        assert_eq!(
            fs::read_to_string(&aside).expect("the broken file is kept aside"),
            "this is [ not toml",
            "what the user wrote must not be lost"
        );
        assert_eq!(load(&path, no_env()).problem, None, "the new file is valid");
    }

    #[test]
    fn save_refuses_out_of_range_values_and_leaves_the_file_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.toml");
        ensure_file(&path).expect("template");
        let mut settings = Settings::default();
        settings.sync.interval_secs = 2;
        let err = save(&path, &settings, NOW).expect_err("5 s is too often");
        assert!(
            matches!(
                err,
                Error::Invalid {
                    field: "sync.interval_secs",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            TEMPLATE,
            "file unchanged"
        );
    }

    #[test]
    fn aside_paths_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.db");
        let first = aside_path(&path, "corrupt", NOW);
        fs::write(&first, "").expect("write");
        let second = aside_path(&path, "corrupt", NOW);
        assert_ne!(
            first, second,
            "a second move aside in the same second must not overwrite the first"
        );
    }
}
