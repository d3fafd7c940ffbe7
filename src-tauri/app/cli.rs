//! The headless face of the binary: `crm-desk <command>`, for scripts and tests. Every edit
//! goes through the same outbox as the window, so it works offline and follows the same
//! conflict rules. These command and option names are relied on by scripts: change them
//! only with care.
//!
//! Output: text for people, JSON with `--json`. Errors are one line on stderr (and a JSON
//! object `{"error": {"kind", "message"}}` on stdout with `--json`); the exit code is 0 on
//! success, 1 on failure, 2 on a usage error.

use crate::ipc::views::{AccountView, AppInfo, LeadView, OutboxView};
use crate::state::AppState;
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use crm_core::crm::{FieldValue, LeadField, Ref};
use crm_core::secret::Secret;
use crm_core::store::{Account, EntryState, LeadQuery, LookupKind};
use crm_core::sync::account::{self, AccountInput};
use crm_core::sync::{
    self as sync, Change, Edit, ErrorKind, NewLead, Phase, Progress, Resolution, SyncOptions, desk,
};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Prints a line on stdout. A reader that went away (`crm-desk leads | head`) ends the
/// command quietly instead of panicking on the broken pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

/// CRM Desk: your Odoo pipeline, offline-first. Without a command, opens the app window.
#[derive(Debug, Parser)]
#[command(name = "crm-desk", version, about)]
pub struct Args {
    /// Keep all data (database, settings, logs) in this folder instead of the platform's
    /// app-data folder.
    #[arg(long, global = true, env = crm_core::paths::DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Work on this account (see `account list`) instead of the current one.
    #[arg(long, global = true, value_name = "ID")]
    pub account: Option<i64>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version, data folder and database schema version.
    Info {
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Odoo accounts: add (the key is read from stdin or a prompt), list, remove, use.
    Account {
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Sync with Odoo: once (`--once`), or in the foreground until interrupted.
    Sync {
        /// Sync once (pushing the outbox, pulling changes and checking for deletions), then exit.
        #[arg(long)]
        once: bool,
        #[arg(long)]
        json: bool,
    },
    /// List cached leads.
    Leads {
        /// Words to find in name, contact, company, email, phone or notes.
        #[arg(long)]
        search: Option<String>,
        /// Only this stage (id or name).
        #[arg(long)]
        stage: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Edits not yet in Odoo; `retry` or `discard` a failed one.
    Pending {
        #[command(subcommand)]
        action: Option<PendingAction>,
        #[arg(long)]
        json: bool,
    },
    /// Edits that conflict with changes made in Odoo; `resolve` one.
    Conflicts {
        #[command(subcommand)]
        action: Option<ConflictAction>,
        #[arg(long)]
        json: bool,
    },
    /// Create or change a lead (through the outbox: works offline).
    Lead {
        #[command(subcommand)]
        action: LeadAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountAction {
    /// Verify the credentials against Odoo, then keep the account (key in the OS keyring).
    Add {
        /// Odoo address, e.g. https://acme.odoo.com
        #[arg(long)]
        url: String,
        /// Database name.
        #[arg(long)]
        db: String,
        /// Login (usually an email).
        #[arg(long)]
        login: String,
        #[arg(long)]
        json: bool,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an account, its key and its cache.
    Remove { id: i64 },
    /// Make an account the current one.
    Use { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum PendingAction {
    /// Send a failed edit again at the next sync.
    Retry { id: i64 },
    /// Give up an edit: it is undone here.
    Discard { id: i64 },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Keep {
    Mine,
    Theirs,
}

#[derive(Debug, Subcommand)]
pub enum ConflictAction {
    /// Resolve a conflict: keep my value or take Odoo's.
    Resolve {
        id: i64,
        #[arg(long, value_enum)]
        keep: Keep,
        /// Only the conflict on this field (e.g. stage, phone); all of them by default.
        #[arg(long)]
        field: Option<String>,
    },
}

#[derive(Debug, ClapArgs)]
pub struct LeadFields {
    /// Title.
    #[arg(long)]
    name: Option<String>,
    /// Stage (id or name).
    #[arg(long)]
    stage: Option<String>,
    /// Priority, 0 to 3 stars.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=3))]
    priority: Option<u8>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    email: Option<String>,
    /// Expected revenue.
    #[arg(long)]
    revenue: Option<f64>,
    /// Contact person.
    #[arg(long)]
    contact: Option<String>,
    /// Probability, 0 to 100.
    #[arg(long)]
    probability: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum LeadAction {
    /// Create a lead.
    New {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        contact: Option<String>,
        /// Stage (id or name).
        #[arg(long)]
        stage: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change fields of a lead (Odoo id, or the key of a lead created here).
    Edit {
        id: String,
        #[command(flatten)]
        fields: LeadFields,
    },
    /// Mark won.
    Won { id: String },
    /// Mark lost.
    Lost {
        id: String,
        /// Lost reason (id or name).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reopen a lost lead.
    Restore { id: String },
    /// Add an internal note to the chatter.
    Note { id: String, text: String },
    /// Show a lead and its chatter (the newest messages are fetched from Odoo when online
    /// and kept for offline).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

/// A failure: one line for people, a kind for scripts.
struct Failure {
    kind: &'static str,
    message: String,
}

impl From<sync::Error> for Failure {
    fn from(e: sync::Error) -> Self {
        Failure {
            kind: e.kind().as_str(),
            message: e.to_string(),
        }
    }
}

impl From<crm_core::store::Error> for Failure {
    fn from(e: crm_core::store::Error) -> Self {
        sync::Error::from(e).into()
    }
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure {
        kind: ErrorKind::Validation.as_str(),
        message: message.into(),
    }
}

type Outcome = Result<(), Failure>;

fn json_wanted(command: &Command) -> bool {
    match command {
        Command::Info { json }
        | Command::Sync { json, .. }
        | Command::Leads { json, .. }
        | Command::Pending { json, .. }
        | Command::Conflicts { json, .. } => *json,
        Command::Account { action } => matches!(
            action,
            AccountAction::Add { json: true, .. } | AccountAction::List { json: true }
        ),
        Command::Lead { action } => matches!(
            action,
            LeadAction::New { json: true, .. } | LeadAction::Show { json: true, .. }
        ),
    }
}

pub fn run(command: &Command, account: Option<i64>, state: &AppState) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("crm-desk: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(dispatch(command, account, state));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("crm-desk: {}", failure.message.replace('\n', " "));
            if json_wanted(command) {
                say!(
                    "{}",
                    serde_json::json!({"error": {"kind": failure.kind, "message": failure.message}})
                );
            }
            ExitCode::FAILURE
        }
    }
}

fn print_json(value: &impl Serialize) -> Outcome {
    let text = serde_json::to_string_pretty(value).map_err(|e| invalid(e.to_string()))?;
    say!("{text}");
    Ok(())
}

async fn dispatch(command: &Command, account: Option<i64>, state: &AppState) -> Outcome {
    match command {
        Command::Info { json } => info(state, *json),
        Command::Account { action } => account_command(action, state).await,
        Command::Sync { once, json } => {
            let account = chosen(state, account)?;
            if *once {
                sync_once(state, &account, *json).await
            } else {
                sync_forever(state, &account).await
            }
        }
        Command::Leads {
            search,
            stage,
            json,
        } => {
            let account = chosen(state, account)?;
            leads(state, &account, search.clone(), stage.as_deref(), *json)
        }
        Command::Pending { action, json } => {
            let account = chosen(state, account)?;
            pending(state, &account, action.as_ref(), *json)
        }
        Command::Conflicts { action, json } => {
            let account = chosen(state, account)?;
            conflicts(state, &account, action.as_ref(), *json)
        }
        Command::Lead {
            action: LeadAction::Show { id, json },
        } => {
            let account = chosen(state, account)?;
            show(state, &account, id, *json).await
        }
        Command::Lead { action } => {
            let account = chosen(state, account)?;
            lead(state, &account, action)
        }
    }
}

fn info(state: &AppState, json: bool) -> Outcome {
    let info = AppInfo::of(state).map_err(|e| invalid(e.message))?;
    if let Some(notice) = &info.database_notice {
        eprintln!("crm-desk: warning: {}", notice.message);
    }
    if let Some(problem) = &info.settings_problem {
        eprintln!("crm-desk: warning: {problem}");
    }
    if json {
        return print_json(&info);
    }
    say!("CRM Desk {}", info.version);
    say!("data folder:     {}", info.data_dir);
    say!("database:        {}", info.database_file);
    say!("schema version:  {}", info.schema_version);
    say!("settings:        {}", info.settings_file);
    say!("logs:            {}", info.log_dir);
    Ok(())
}

/// The account to work on: `--account`, else the current one.
fn chosen(state: &AppState, id: Option<i64>) -> Result<Account, Failure> {
    let store = state.store();
    let found = match id {
        Some(id) => store.account(id)?,
        None => store.current_account()?,
    };
    found.ok_or_else(|| Failure {
        kind: ErrorKind::NotFound.as_str(),
        message: match id {
            Some(id) => format!("there is no account {id}; see `crm-desk account list`"),
            None => "no Odoo account yet: add one with `crm-desk account add --url URL --db DB --login LOGIN`".into(),
        },
    })
}

/// The API key: from a prompt without echo on a terminal, else the first line of stdin.
/// Never from an argument (it would end up in the shell history and `ps`).
fn read_secret(prompt: &str) -> Result<Secret, Failure> {
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        rpassword::prompt_password(prompt)
            .map_err(|e| invalid(format!("cannot read the key: {e}")))?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| invalid(format!("cannot read the key from stdin: {e}")))?;
        line
    };
    let secret = Secret::new(text.trim());
    if secret.is_blank() {
        return Err(invalid(
            "no API key given (type it at the prompt or pipe it on stdin)",
        ));
    }
    Ok(secret)
}

async fn account_command(action: &AccountAction, state: &AppState) -> Outcome {
    match action {
        AccountAction::Add {
            url,
            db,
            login,
            json,
        } => {
            let secret = read_secret(&format!("API key for {login} on {url}: "))?;
            let added = account::add(
                state.shared_store(),
                state.secrets.as_ref(),
                AccountInput {
                    url: url.clone(),
                    database: db.clone(),
                    login: login.clone(),
                    secret,
                },
                state.runner.options.clone(),
                state.now(),
            )
            .await?;
            let view = AccountView::from(&added);
            if *json {
                return print_json(&view);
            }
            say!(
                "added account {}: {} on {} ({}), Odoo {} over {}{}",
                view.id,
                view.user_name,
                view.odoo_url,
                view.database,
                view.server_version,
                view.transport,
                if view.is_current { " (current)" } else { "" }
            );
            Ok(())
        }
        AccountAction::List { json } => {
            let accounts: Vec<AccountView> = state
                .store()
                .accounts()?
                .iter()
                .map(AccountView::from)
                .collect();
            if *json {
                return print_json(&accounts);
            }
            if accounts.is_empty() {
                say!("no accounts; add one with `crm-desk account add`");
            }
            for a in accounts {
                say!(
                    "{} {:>3}  {} on {} ({})  last sync: {}",
                    if a.is_current { "*" } else { " " },
                    a.id,
                    a.login,
                    a.odoo_url,
                    a.database,
                    a.last_synced_at.as_deref().unwrap_or("never")
                );
            }
            Ok(())
        }
        AccountAction::Remove { id } => {
            let removed = account::remove(state.shared_store(), state.secrets.as_ref(), *id)?;
            say!(
                "removed account {id} ({} on {}), its key and its cache",
                removed.login,
                removed.odoo_url
            );
            Ok(())
        }
        AccountAction::Use { id } => {
            state.store().set_current_account(*id)?;
            say!("account {id} is now current");
            Ok(())
        }
    }
}

/// Progress on stderr: rewritten in place on a terminal, a line per phase and per tenth
/// otherwise (logs stay short).
fn progress_printer() -> impl Fn(Progress) + Sync {
    let terminal = std::io::stderr().is_terminal();
    let last = std::sync::Mutex::new((None::<Phase>, 0_u32));
    move |p: Progress| {
        let name = match p.phase {
            Phase::Pushing => "pushing edits",
            Phase::Basics => "stages, tags and users",
            Phase::Leads => "leads",
            Phase::Partners => "contacts",
            Phase::Reconciling => "checking for deleted leads",
        };
        let line = match p.total {
            Some(total) => format!("{name}: {}/{total}", p.done),
            None => format!("{name}: {}", p.done),
        };
        let mut last = last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tenth = p.total.map_or(0, |t| p.done.saturating_mul(10) / t.max(1));
        if terminal {
            eprint!("\r\x1b[2K{line}");
            let _ = std::io::stderr().flush();
        } else if last.0 != Some(p.phase) || tenth > last.1 {
            eprintln!("{line}");
        }
        *last = (Some(p.phase), tenth);
    }
}

async fn sync_once(state: &AppState, account: &Account, json: bool) -> Outcome {
    let client = state.runner.connect(account).await?;
    let printer = progress_printer();
    let report = state
        .runner
        .sync(
            account,
            &client,
            SyncOptions {
                reconcile: true,
                notify: Some(state.settings().notifications.preferences()),
            },
            Duration::from_secs(60),
            &printer,
        )
        .await;
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    let report = report?;
    let status = state.runner.status(Some(account));
    if json {
        return print_json(&serde_json::json!({"report": report, "status": status}));
    }
    say!(
        "synced: {} edits pushed, {} leads read, {} removed; {} pending, {} failed, {} conflicts",
        report.pushed,
        report.leads_pulled,
        report.leads_removed,
        status.pending,
        status.failed,
        status.conflicts
    );
    Ok(())
}

async fn sync_forever(state: &AppState, account: &Account) -> Outcome {
    state.store().set_current_account(account.id)?;
    let settings = || state.settings();
    let publish = |s: crm_core::sync::SyncStatus| {
        if !s.in_progress {
            match &s.last_error {
                Some(e) => eprintln!("sync failed: {e}"),
                None => eprintln!(
                    "synced at {} UTC: {} pending, {} failed, {} conflicts",
                    s.last_success.as_deref().unwrap_or("?"),
                    s.pending,
                    s.failed,
                    s.conflicts
                ),
            }
        }
    };
    eprintln!(
        "syncing every {} s; Ctrl-C to stop",
        state.settings().sync.interval_secs
    );
    tokio::select! {
        () = crm_core::sync::scheduler::run(
            std::sync::Arc::clone(&state.runner),
            state.trigger.clone(),
            settings,
            publish,
            // Headless: new items wait in the notification centre for the window.
            |_, notifications: &[crm_core::store::Notification]| {
                eprintln!("{} new notification(s)", notifications.len());
            },
        ) => Ok(()),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

fn find_stage(state: &AppState, account: &Account, text: &str) -> Result<Ref, Failure> {
    let stages = state.store().stages(account.id)?;
    stages
        .iter()
        .find(|s| s.id.to_string() == text || s.name.eq_ignore_ascii_case(text.trim()))
        .map(|s| Ref {
            id: s.id,
            name: s.name.clone(),
        })
        .ok_or_else(|| {
            let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
            invalid(if names.is_empty() {
                format!("no stage {text:?}: sync once to get the stages")
            } else {
                format!("no stage {text:?}; stages are: {}", names.join(", "))
            })
        })
}

fn leads(
    state: &AppState,
    account: &Account,
    search: Option<String>,
    stage: Option<&str>,
    json: bool,
) -> Outcome {
    let stage_id = stage
        .map(|s| find_stage(state, account, s))
        .transpose()?
        .map(|s| s.id);
    let store = state.store();
    let found = store.leads(
        account.id,
        &LeadQuery {
            search,
            stage_id,
            ..LeadQuery::default()
        },
    )?;
    let outbox = store.outbox(account.id)?;
    let views: Vec<LeadView> = found
        .iter()
        .map(|l| {
            LeadView::of(
                l,
                store.lead_client_key(account.id, l.id).ok().flatten(),
                &outbox,
            )
        })
        .collect();
    drop(store);
    if json {
        return print_json(&views);
    }
    for v in &views {
        say!(
            "{:>8}  {:<40}  {:<12}  {:<6}  {:>10.2}{}",
            v.id,
            v.name.chars().take(40).collect::<String>(),
            v.stage.as_ref().map_or("—", |s| s.name.as_str()),
            v.status,
            v.expected_revenue,
            match (v.pending, v.conflict) {
                (_, true) => "  [conflict]",
                (0, false) => "",
                _ => "  [not yet in Odoo]",
            }
        );
    }
    eprintln!("{} leads", views.len());
    Ok(())
}

fn pending(
    state: &AppState,
    account: &Account,
    action: Option<&PendingAction>,
    json: bool,
) -> Outcome {
    match action {
        Some(PendingAction::Retry { id }) => {
            desk::retry(&mut state.store(), account.id, *id)?;
            say!("change {id} will be sent again at the next sync");
            Ok(())
        }
        Some(PendingAction::Discard { id }) => {
            desk::discard(&mut state.store(), account.id, *id)?;
            say!("change {id} discarded");
            Ok(())
        }
        None => list_outbox(state, account, |e| e.state != EntryState::Conflict, json),
    }
}

fn list_outbox(
    state: &AppState,
    account: &Account,
    keep: impl Fn(&crm_core::store::OutboxEntry) -> bool,
    json: bool,
) -> Outcome {
    let entries: Vec<OutboxView> = state
        .store()
        .outbox(account.id)?
        .iter()
        .filter(|e| keep(e))
        .map(OutboxView::from)
        .collect();
    if json {
        return print_json(&entries);
    }
    for e in &entries {
        say!(
            "{:>5}  lead {:>7}  {:<9}  {}",
            e.id,
            e.lead_id,
            e.state,
            e.summary
        );
        if let Some(error) = &e.error {
            say!("       Odoo said: {error}");
        }
        for c in &e.conflicts {
            say!(
                "       {}: mine {:?}, Odoo's {:?} (was {:?})",
                c.subject,
                c.mine,
                c.theirs,
                c.base
            );
        }
    }
    eprintln!("{} changes", entries.len());
    Ok(())
}

fn conflicts(
    state: &AppState,
    account: &Account,
    action: Option<&ConflictAction>,
    json: bool,
) -> Outcome {
    match action {
        Some(ConflictAction::Resolve { id, keep, field }) => {
            let field = field
                .as_deref()
                .map(|f| {
                    LeadField::ALL
                        .into_iter()
                        .find(|x| x.as_str() == f)
                        .ok_or_else(|| invalid(format!("no field {f:?}")))
                })
                .transpose()?;
            let how = match keep {
                Keep::Mine => Resolution::KeepMine,
                Keep::Theirs => Resolution::TakeTheirs,
            };
            desk::resolve(&mut state.store(), account.id, *id, field, how)?;
            say!(
                "conflict {id} resolved ({}); the next sync applies it",
                match keep {
                    Keep::Mine => "kept mine",
                    Keep::Theirs => "took Odoo's",
                }
            );
            Ok(())
        }
        None => list_outbox(state, account, |e| e.state == EntryState::Conflict, json),
    }
}

fn lead(state: &AppState, account: &Account, action: &LeadAction) -> Outcome {
    let now = state.now();
    let id_of =
        |text: &str| desk::find_lead(&state.store(), account.id, text).map_err(Failure::from);
    let queue = |lead_id: i64, edit: Edit| -> Outcome {
        let queued = desk::edit(&mut state.store(), account.id, lead_id, edit, now)?;
        say!(
            "queued change {} on lead {}; it reaches Odoo at the next sync",
            queued.seq,
            queued.lead_id
        );
        Ok(())
    };
    match action {
        LeadAction::New {
            name,
            phone,
            email,
            contact,
            stage,
            json,
        } => {
            let stage = stage
                .as_deref()
                .map(|s| find_stage(state, account, s))
                .transpose()?;
            let (queued, key) = desk::create(
                &mut state.store(),
                account.id,
                NewLead {
                    name: name.clone(),
                    phone: phone.clone(),
                    email: email.clone(),
                    contact_name: contact.clone(),
                    stage,
                    ..NewLead::default()
                },
                now,
            )?;
            if *json {
                return print_json(
                    &serde_json::json!({"key": key, "id": queued.lead_id, "change": queued.seq}),
                );
            }
            say!("created lead {key}; it reaches Odoo at the next sync");
            Ok(())
        }
        LeadAction::Edit { id, fields } => {
            let lead_id = id_of(id)?;
            let text = |v: &Option<String>| v.as_deref().map(|t| FieldValue::text(Some(t)));
            let mut changes = Vec::new();
            let mut push = |field, value: Option<FieldValue>| {
                if let Some(value) = value {
                    changes.push(Change { field, value });
                }
            };
            push(LeadField::Name, text(&fields.name));
            push(
                LeadField::Stage,
                fields
                    .stage
                    .as_deref()
                    .map(|s| find_stage(state, account, s))
                    .transpose()?
                    .map(FieldValue::Ref),
            );
            push(LeadField::Priority, fields.priority.map(FieldValue::Stars));
            push(LeadField::Phone, text(&fields.phone));
            push(LeadField::Email, text(&fields.email));
            push(LeadField::ContactName, text(&fields.contact));
            push(
                LeadField::ExpectedRevenue,
                fields.revenue.map(FieldValue::Number),
            );
            push(
                LeadField::Probability,
                fields.probability.map(FieldValue::Number),
            );
            if changes.is_empty() {
                return Err(invalid(
                    "nothing to change: give at least one of --name, --stage, --priority, --phone, --email, --revenue, --contact, --probability",
                ));
            }
            queue(lead_id, Edit::Update { changes })
        }
        LeadAction::Won { id } => queue(id_of(id)?, Edit::Won),
        LeadAction::Restore { id } => queue(id_of(id)?, Edit::Restore),
        LeadAction::Lost { id, reason } => {
            let lead_id = id_of(id)?;
            let reason = match reason {
                None => None,
                Some(text) => {
                    let reasons = state.store().lookups(account.id, LookupKind::LostReason)?;
                    let found = reasons
                        .iter()
                        .find(|r| {
                            r.id.to_string() == *text || r.name.eq_ignore_ascii_case(text.trim())
                        })
                        .ok_or_else(|| {
                            let names: Vec<&str> =
                                reasons.iter().map(|r| r.name.as_str()).collect();
                            invalid(format!(
                                "no lost reason {text:?}; reasons are: {}",
                                names.join(", ")
                            ))
                        })?;
                    Some(Ref {
                        id: found.id,
                        name: found.name.clone(),
                    })
                }
            };
            queue(lead_id, Edit::Lost { reason })
        }
        LeadAction::Note { id, text } => queue(id_of(id)?, Edit::Note { text: text.clone() }),
        LeadAction::Show { .. } => Ok(()),
    }
}

/// Opens a lead: its newest messages are fetched when Odoo can be reached (and kept for
/// offline); offline, the cached ones are shown with a note saying so.
async fn show(state: &AppState, account: &Account, id: &str, json: bool) -> Outcome {
    let lead_id = desk::find_lead(&state.store(), account.id, id)?;
    let limit = state.settings().sync.messages_per_lead as usize;
    let fetched = async {
        let client = state.runner.connect(account).await?;
        sync::Engine {
            client: &client,
            store: std::sync::Arc::clone(state.shared_store()),
            account,
            clock: state.runner.clock.as_ref(),
        }
        .pull_messages(lead_id, limit)
        .await
    }
    .await;
    let offline = match &fetched {
        Ok(_) => None,
        Err(e) if e.kind() == ErrorKind::Offline => Some(e.to_string()),
        Err(e) => {
            return Err(Failure {
                kind: e.kind().as_str(),
                message: e.to_string(),
            });
        }
    };
    let store = state.store();
    let lead = store
        .lead(account.id, lead_id)?
        .ok_or(crm_core::store::Error::NoSuchLead(lead_id))?;
    let view = LeadView::of(
        &lead,
        store.lead_client_key(account.id, lead_id)?,
        &store.outbox(account.id)?,
    );
    let messages: Vec<crate::ipc::views::MessageView> = store
        .messages(account.id, lead_id)?
        .iter()
        .map(crate::ipc::views::MessageView::from)
        .collect();
    drop(store);
    if let Some(why) = &offline {
        eprintln!("crm-desk: showing the cached chatter: {why}");
    }
    if json {
        return print_json(
            &serde_json::json!({"lead": view, "messages": messages, "offline": offline.is_some()}),
        );
    }
    say!(
        "{} (#{})  {}  {}",
        view.name,
        view.id,
        view.status,
        view.stage.as_ref().map_or("—", |s| s.name.as_str())
    );
    for (label, value) in [
        ("contact", view.contact_name.as_deref()),
        ("email", view.email.as_deref()),
        ("phone", view.phone.as_deref()),
    ] {
        if let Some(value) = value {
            say!("  {label:<8} {value}");
        }
    }
    say!(
        "  revenue  {:.2}  ({}%)",
        view.expected_revenue,
        view.probability
    );
    for m in &messages {
        say!(
            "--- {} {}{}\n{}",
            m.date.as_deref().unwrap_or(""),
            m.author.as_deref().unwrap_or(""),
            if m.pending { " (not yet in Odoo)" } else { "" },
            m.text
        );
    }
    Ok(())
}
