//! Background sync: every `interval`, at once on demand, on window focus and when the
//! network comes back; exponential backoff with jitter after failures; at most one sync at
//! a time per account, across processes too (a lock file next to the database), so the
//! window and `crm-desk sync --once` never push the same outbox twice at once.
//!
//! Status changes are handed to a `publish` callback as [`SyncStatus`]: the desktop shell
//! turns them into a typed event for the UI, the CLI prints them.

use super::engine::{Engine, Progress, Report, SyncOptions};
use super::{Clock, Error, ErrorKind, plan};
use crate::notify;
use crate::odoo::{self, Client};
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::store::{Account, Store, format_datetime};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;

/// How the last sync of the current account went, and what is waiting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    /// The account (0 when there is none); a local row id, far below 2^32.
    pub account_id: u32,
    /// A sync is running.
    pub in_progress: bool,
    /// Progress of the running sync.
    pub progress: Option<Progress>,
    /// Odoo could be reached at the last attempt.
    pub online: bool,
    /// Last complete sync, UTC (`YYYY-MM-DD HH:MM:SS`).
    pub last_success: Option<String>,
    /// Edits waiting to be pushed.
    pub pending: u32,
    /// Edits Odoo refused (kept with their error).
    pub failed: u32,
    /// Edits in conflict, waiting for the rep.
    pub conflicts: u32,
    /// What went wrong last time, if the last sync failed.
    pub last_error: Option<String>,
    /// Its kind: offline, auth, validation, not_found, internal.
    pub last_error_kind: Option<String>,
    /// The sync that just ended brought or sent something (leads, partners, edits): the
    /// window reloads only then, so an idle pipeline is not repainted every interval.
    pub changed: bool,
}

/// What syncs need, shared by the scheduler and one-off syncs.
pub struct Runner {
    /// The cache.
    pub store: Arc<Mutex<Store>>,
    /// Where the keys are.
    pub secrets: Arc<dyn SecretStore>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Connection options.
    pub options: odoo::Options,
    /// Folder for the per-account lock files (`None`: in-process only, for tests).
    pub lock_dir: Option<PathBuf>,
}

/// Holds an account's sync lock until dropped.
pub struct SyncLock {
    _file: Option<std::fs::File>,
}

impl Runner {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the account's sync lock, waiting up to `wait` for another process to finish.
    pub async fn lock(&self, account: i64, wait: Duration) -> Result<SyncLock, Error> {
        let Some(dir) = &self.lock_dir else {
            return Ok(SyncLock { _file: None });
        };
        let path = dir.join(format!("sync-{account}.lock"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::Invalid(format!("cannot open {}: {e}", path.display())))?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(SyncLock { _file: Some(file) }),
                Err(std::fs::TryLockError::WouldBlock)
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Invalid(
                        "another CRM Desk is syncing this account right now; try again in a moment"
                            .into(),
                    ));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Error::Invalid(format!(
                        "cannot lock {}: {e}",
                        path.display()
                    )));
                }
            }
        }
    }

    /// Connects to an account's Odoo.
    pub async fn connect(&self, account: &Account) -> Result<Client, Error> {
        account
            .connect(self.secrets.as_ref(), self.options.clone())
            .await
    }

    /// One sync of `account` under its lock.
    pub async fn sync(
        &self,
        account: &Account,
        client: &Client,
        options: SyncOptions,
        wait: Duration,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Report, Error> {
        let _lock = self.lock(account.id, wait).await?;
        let prefs = options.notify.clone();
        // Only the notification rule needs the outbox as it was before the sync.
        let edits_before = match prefs {
            Some(_) => self.edits_seen(account.id).unwrap_or_default(),
            None => Vec::new(),
        };
        let first_sync = account.last_synced_at.is_none();
        let mut report = Engine {
            client,
            store: Arc::clone(&self.store),
            account,
            clock: self.clock.as_ref(),
        }
        .sync(options, progress)
        .await?;
        self.index_search().await;
        if let Some(prefs) = prefs {
            let before = edits_before.iter().map(|e| (e.seq, e.state)).collect();
            // The sync itself succeeded: a failing rule costs notifications, not the sync.
            match self.announce(account, &before, first_sync, &report.new_messages, &prefs) {
                Ok(notifications) => report.notifications = notifications,
                Err(e) => tracing::warn!("notifications of this sync lost: {e}"),
            }
        }
        Ok(report)
    }

    /// Runs the notification rule after a sync (`crate::notify`) and keeps what it
    /// announces in the notification centre.
    fn announce(
        &self,
        account: &Account,
        edits_before: &std::collections::HashMap<i64, notify::EditState>,
        first_sync: bool,
        messages: &[crate::crm::Message],
        prefs: &notify::Preferences,
    ) -> Result<Vec<crate::store::Notification>, Error> {
        let now = format_datetime(self.clock.now());
        let edits_after = self.edits_seen(account.id)?;
        let mut store = self.store();
        // An account synced before the rule existed has history: seen, never announced.
        let first = first_sync || !store.has_seen_leads(account.id)?;
        let (before, after) = store.notify_candidates(account.id)?;
        let announced = before.iter().map(|s| s.id).collect();
        let rep = notify::Rep {
            uid: account.uid,
            teams: store
                .teams_of_user(account.id, account.uid)?
                .into_iter()
                .collect(),
        };
        let mut show = notify::decide(&before, &after, &announced, &rep, prefs, first).show;
        let covered: std::collections::HashSet<i64> = show
            .iter()
            .flat_map(|a| match a {
                notify::Announcement::NewLead { lead_id, .. } => vec![*lead_id],
                notify::Announcement::NewLeads { lead_ids, .. } => lead_ids.clone(),
                _ => Vec::new(),
            })
            .collect();
        let messages: Vec<notify::MessageSeen> = messages
            .iter()
            .map(|m| notify::MessageSeen {
                lead_id: m.lead_id,
                whatsapp: m.kind == crate::crm::MessageKind::WhatsApp,
                text: odoo::whatsapp_words(&crate::crm::html_to_text(&m.body)),
            })
            .collect();
        let mut on: Vec<i64> = messages.iter().map(|m| m.lead_id).collect();
        on.sort_unstable();
        on.dedup();
        let leads = if on.is_empty() {
            Vec::new()
        } else {
            store.leads_seen(account.id, &on)?
        };
        show.extend(notify::message_news(
            &messages, &leads, &covered, &rep, prefs,
        ));
        show.extend(notify::edit_news(edits_before, &edits_after, prefs));
        let seen: Vec<(i64, Option<i64>)> = after.iter().map(|s| (s.id, s.user_id)).collect();
        store.remember_seen(account.id, &seen, &now)?;
        Ok(store.add_notifications(account.id, account.uid, &show, &now)?)
    }

    /// The outbox as the notification rule sees it.
    fn edits_seen(&self, account: i64) -> Result<Vec<notify::EditSeen>, Error> {
        use crate::store::EntryState;
        let store = self.store();
        let entries = store.outbox(account)?;
        Ok(entries
            .iter()
            .map(|e| notify::EditSeen {
                seq: e.seq,
                lead_id: e.lead_id,
                lead_name: store
                    .lead(account, e.lead_id)
                    .ok()
                    .flatten()
                    .map(|l| l.name)
                    .unwrap_or_default(),
                summary: e.edit.summary(),
                error: e.error.clone(),
                state: match e.state {
                    EntryState::Pending => notify::EditState::Pending,
                    EntryState::Failed => notify::EditState::Failed,
                    EntryState::Conflict => notify::EditState::Conflict,
                },
            })
            .collect())
    }

    /// Brings the search index up to date after a sync, a batch at a time, so the store
    /// (and the window's reads) are never held for long: 2,000 leads (~35–50 ms) per batch.
    /// A failure only leaves leads queued; the next search indexes them.
    async fn index_search(&self) {
        loop {
            let left = self.store().index_search(2_000);
            match left {
                Ok(0) => break,
                Ok(_) => tokio::task::yield_now().await,
                Err(e) => {
                    tracing::warn!("could not update the search index: {e}");
                    break;
                }
            }
        }
    }

    /// The status of `account` as the cache records it.
    pub fn status(&self, account: Option<&Account>) -> SyncStatus {
        let Some(account) = account else {
            return SyncStatus::default();
        };
        let store = self.store();
        let (pending, failed, conflicts) = store.outbox_counts(account.id).unwrap_or_default();
        let fresh = store.account(account.id).ok().flatten();
        let account = fresh.as_ref().unwrap_or(account);
        let to_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        SyncStatus {
            account_id: u32::try_from(account.id).unwrap_or(0),
            in_progress: false,
            progress: None,
            online: account.last_error_kind.as_deref() != Some("offline"),
            last_success: account.last_synced_at.map(format_datetime),
            pending: to_u32(pending),
            failed: to_u32(failed),
            conflicts: to_u32(conflicts),
            last_error: account.last_error.clone(),
            last_error_kind: account.last_error_kind.clone(),
            changed: false,
        }
    }
}

/// Wakes the scheduler (sync now, window focus, network back).
#[derive(Clone, Default)]
pub struct Trigger(Arc<Notify>);

impl Trigger {
    /// Asks for a sync as soon as possible.
    pub fn sync_now(&self) {
        self.0.notify_one();
    }
}

/// Whether Odoo's host accepts connections again (a cheap check while offline).
async fn reachable(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    let (Some(host), Some(port)) = (parsed.host_str(), parsed.port_or_known_default()) else {
        return false;
    };
    matches!(
        tokio::time::timeout(
            Duration::from_secs(3),
            tokio::net::TcpStream::connect((host, port))
        )
        .await,
        Ok(Ok(_))
    )
}

/// How often the reconnect probe runs while offline.
const PROBE_EVERY: Duration = Duration::from_secs(3);

/// Runs background syncs of the current account forever. `settings` is read before each
/// sync (interval changes apply at once); `publish` receives every status change, and
/// `announce` what each sync added to the notification centre (to show on the desktop).
pub async fn run(
    runner: Arc<Runner>,
    trigger: Trigger,
    settings: impl Fn() -> Settings + Send + Sync,
    publish: impl Fn(SyncStatus) + Send + Sync,
    announce: impl Fn(&Account, &[crate::store::Notification]) + Send + Sync,
) {
    let mut client: Option<(i64, Client)> = None;
    let mut failures: u32 = 0;
    let mut last_reconcile: Option<tokio::time::Instant> = None;
    loop {
        let account = runner.store().current_account().ok().flatten();
        let Some(account) = account else {
            publish(SyncStatus::default());
            trigger.0.notified().await;
            continue;
        };
        let config = settings();
        let reconcile = last_reconcile.is_none_or(|t| {
            t.elapsed() >= Duration::from_secs(config.sync.reconcile_every_secs.into())
        });
        let mut status = runner.status(Some(&account));
        status.in_progress = true;
        publish(status.clone());
        let outcome = async {
            if client.as_ref().is_none_or(|(id, _)| *id != account.id) {
                client = Some((account.id, runner.connect(&account).await?));
            }
            let Some((_, odoo)) = client.as_ref() else {
                return Err(Error::Invalid("not connected".into()));
            };
            let on_progress = |p: Progress| {
                let mut s = status.clone();
                s.progress = Some(p);
                publish(s);
            };
            runner
                .sync(
                    &account,
                    odoo,
                    SyncOptions {
                        reconcile,
                        notify: Some(config.notifications.preferences()),
                    },
                    Duration::ZERO,
                    &on_progress,
                )
                .await
        }
        .await;
        let kind = outcome.as_ref().err().map(Error::kind);
        match &outcome {
            Ok(report) => {
                failures = 0;
                if !report.notifications.is_empty() {
                    announce(&account, &report.notifications);
                }
                if report.reconciled {
                    last_reconcile = Some(tokio::time::Instant::now());
                }
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(
                    account = account.id,
                    failures,
                    "background sync failed: {e}"
                );
                if e.kind() == ErrorKind::Auth {
                    client = None;
                }
                if client.is_none() {
                    // Record connection failures too (the engine records its own).
                    let message = e.to_string();
                    if let Err(db) = runner
                        .store()
                        .record_sync(account.id, Err((e.kind().as_str(), &message)))
                    {
                        tracing::warn!("could not record the sync failure: {db}");
                    }
                }
            }
        }
        let mut ended = runner.status(Some(&account));
        ended.changed = outcome.as_ref().is_ok_and(Report::changed);
        publish(ended);

        let interval = time::Duration::seconds(config.sync.interval_secs.into());
        let delay = plan::next_delay(interval, failures, rand::random());
        let delay = Duration::from_secs_f64(delay.as_seconds_f64().max(0.0));
        let woken = trigger.0.notified();
        tokio::pin!(woken);
        // The reconnect probe only helps when the host itself was unreachable: a server that
        // accepts connections but fails requests is left to the backoff.
        let probing = kind == Some(ErrorKind::Offline) && !reachable(&account.odoo_url).await;
        let deadline = tokio::time::sleep(delay);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                () = &mut woken => break,
                () = &mut deadline => break,
                () = tokio::time::sleep(PROBE_EVERY), if probing => {
                    if reachable(&account.odoo_url).await {
                        tracing::info!("Odoo is reachable again: syncing now");
                        break;
                    }
                }
            }
        }
    }
}

/// Keeps a background task running: runs what `start` returns on its own task and, when
/// that task panics (a bug: the panic hook has logged it), logs that the work stopped and
/// starts it again after `pause`, doubled after each crash up to five minutes. Returns when
/// the task returns or is cancelled. Without this a bug in one sync left the app open but
/// never syncing again, with nothing on screen to say so.
pub async fn supervise<F, Fut>(what: &str, mut start: F, pause: Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    const LONGEST: Duration = Duration::from_secs(300);
    let mut wait = pause;
    loop {
        match tokio::spawn(start()).await {
            Err(e) if e.is_panic() => {
                tracing::error!(
                    "{what} stopped on a bug (its panic is logged above); starting it again in {:.0} s",
                    wait.as_secs_f64()
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST);
            }
            Ok(()) | Err(_) => return,
        }
    }
}

impl Runner {
    /// For tests and the CLI: the account currently shown.
    pub fn current_account(&self) -> Result<Option<Account>, Error> {
        Ok(self.store().current_account()?)
    }
}

#[cfg(test)]
mod tests {
    use super::supervise;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn a_task_that_panics_is_started_again_and_one_that_returns_is_not() {
        let starts = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&starts);
        supervise(
            "a test task",
            move || {
                let n = counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    assert!(n >= 2, "deliberate panic of a supervised test task ({n})");
                }
            },
            Duration::from_millis(1),
        )
        .await;
        assert_eq!(
            starts.load(Ordering::SeqCst),
            3,
            "two crashes mean two restarts; the third run returned, so no fourth start"
        );
    }
}
