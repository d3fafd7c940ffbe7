//! The sync engine: the one function that sequences Odoo calls and cache writes for one
//! account. Decisions come from [`super::plan`]; this module only carries them out.
//!
//! One sync = push the outbox (in order; a lead whose earlier edit failed or conflicts
//! waits, others flow) → pull the small models → pull leads changed in a frozen write_date
//! window, page by page, each page one transaction that also records how far the window got
//! → partners the changed leads reference → (on the slower cadence, or when asked) re-list
//! ids to find deletions and lost visibility.
//!
//! Raw pages are decoded and stored on one blocking thread while the async side keeps the
//! next request in flight, so storing overlaps the server's work (BENCHMARKS.md); at most a
//! few pages are in flight, so memory does not grow with the pipeline.

use super::edit::{Edit, Subject};
use super::plan::{self, Push};
use super::{Clock, Error};
use crate::crm::{Lead, Partner, Stage};
use crate::odoo::{self, Client, Context, LeadPage, window_domain};
use crate::store::{Account, EntryState, LookupKind, OutboxEntry, Store, format_datetime};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use time::{Duration, PrimitiveDateTime};

/// The model names cursors are kept under.
const LEADS: &str = "crm.lead";
const PARTNERS: &str = "res.partner";

/// Leads per page of the pull.
pub const PAGE_SIZE: usize = 1000;

/// What a sync should do beyond the delta.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncOptions {
    /// Re-list ids to find leads deleted in Odoo or no longer visible.
    pub reconcile: bool,
    /// Run the notification rule after the sync with these preferences (`None`: not at
    /// all). The rule runs in `Runner::sync`, not in the engine; the engine pulls the new
    /// chatter messages it needs.
    pub notify: Option<crate::notify::Preferences>,
}

/// What a sync is doing, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Sending the outbox.
    Pushing,
    /// Stages, tags, teams, users, sources.
    Basics,
    /// Leads.
    Leads,
    /// Partners the leads reference.
    Partners,
    /// Re-listing ids.
    Reconciling,
}

/// Progress of a sync: `done` of `total` (when known) in `phase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    /// What is being done.
    pub phase: Phase,
    /// Records done in this phase.
    pub done: u32,
    /// Records expected in this phase, when known.
    pub total: Option<u32>,
}

impl Progress {
    /// Progress from 64-bit counts (saturating: no pipeline comes near 4 billion leads).
    pub fn of(phase: Phase, done: u64, total: Option<u64>) -> Self {
        let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Progress {
            phase,
            done: narrow(done),
            total: total.map(narrow),
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    /// Outbox entries Odoo now has.
    pub pushed: u64,
    /// Entries that became conflicts.
    pub conflicts: u64,
    /// Entries Odoo refused.
    pub failed: u64,
    /// Leads read from Odoo.
    pub leads_pulled: u64,
    /// Leads removed here (deleted in Odoo, or no longer visible).
    pub leads_removed: u64,
    /// Partners read.
    pub partners_pulled: u64,
    /// Whether ids were re-listed.
    pub reconciled: bool,
    /// New chatter messages on cached leads (the message delta runs with the notification
    /// rule), oldest first.
    #[serde(skip)]
    pub new_messages: Vec<crate::crm::Message>,
    /// Requests sent to Odoo.
    pub requests: u64,
    /// What the notification rule announced (stored in the notification centre).
    #[serde(skip)]
    pub notifications: Vec<crate::store::Notification>,
}

impl Report {
    /// Whether the sync brought or sent anything (an idle window reloads only then).
    pub fn changed(&self) -> bool {
        self.leads_pulled
            + self.leads_removed
            + self.partners_pulled
            + self.pushed
            + self.conflicts
            + self.failed
            > 0
            || !self.new_messages.is_empty()
    }
}

/// Syncs one account.
pub struct Engine<'a> {
    /// Connected to the account's Odoo.
    pub client: &'a Client,
    /// The cache (shared with the UI: locked per transaction, never across a request).
    pub store: Arc<Mutex<Store>>,
    /// The account.
    pub account: &'a Account,
    /// The clock.
    pub clock: &'a dyn Clock,
}

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    // A panic cannot leave SQLite half-written (transactions roll back).
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether an Odoo failure stops the whole push (the network or the key, which every
/// later entry would hit too) rather than just this entry.
fn stops_everything(e: &odoo::Error) -> bool {
    matches!(
        e.kind(),
        odoo::ErrorKind::Offline | odoo::ErrorKind::Server | odoo::ErrorKind::Auth
    )
}

fn odoo_kind(e: &odoo::Error) -> &'static str {
    match e.kind() {
        odoo::ErrorKind::AccessDenied => "access_denied",
        odoo::ErrorKind::Validation => "validation",
        odoo::ErrorKind::NotFound => "not_found",
        odoo::ErrorKind::Unsupported => "unsupported",
        odoo::ErrorKind::Protocol => "protocol",
        odoo::ErrorKind::Offline => "offline",
        odoo::ErrorKind::Server => "server",
        odoo::ErrorKind::Auth => "auth",
    }
}

enum Outcome {
    Done,
    Conflict,
}

impl Engine<'_> {
    fn id(&self) -> i64 {
        self.account.id
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// Odoo's time if it has told us, else ours.
    fn server_now(&self) -> PrimitiveDateTime {
        self.client.server_now().unwrap_or_else(|| self.clock.now())
    }

    /// One full sync. Records the outcome on the account either way.
    pub async fn sync(
        &self,
        options: SyncOptions,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Report, Error> {
        let result = self.sync_inner(options, progress).await;
        let outcome = match &result {
            Ok(_) => Ok(self.clock.now()),
            Err(e) => Err((e.kind().as_str(), e.to_string())),
        };
        let recorded = match &outcome {
            Ok(at) => self.store().record_sync(self.id(), Ok(*at)),
            Err((kind, message)) => self.store().record_sync(self.id(), Err((kind, message))),
        };
        if let Err(e) = recorded {
            tracing::warn!("could not record the sync outcome: {e}");
        }
        result
    }

    async fn sync_inner(
        &self,
        options: SyncOptions,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Report, Error> {
        let mut report = Report::default();
        self.push(&mut report, progress).await?;
        let stages = self.pull_basics(&mut report, progress).await?;
        let partner_ids = self.pull_leads(&stages, &mut report, progress).await?;
        self.refresh_stale(&stages, &mut report).await?;
        self.pull_partners(partner_ids, &mut report, progress)
            .await?;
        if options.reconcile {
            self.reconcile(&stages, &mut report, progress).await?;
        }
        if options.notify.is_some() {
            self.pull_new_messages(&mut report).await?;
        }
        Ok(report)
    }

    // ------------------------------------------------------------------------ push

    /// Sends the outbox in order. A lead whose earlier entry failed or conflicts keeps its
    /// later entries back (their base depends on it); other leads' entries flow. The network
    /// or the key failing stops the push: every later entry would fail the same way.
    pub async fn push(
        &self,
        report: &mut Report,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<(), Error> {
        let entries = self.store().outbox(self.id())?;
        let total = entries
            .iter()
            .filter(|e| e.state == EntryState::Pending)
            .count() as u64;
        let mut held: HashSet<i64> = HashSet::new();
        let mut done = 0;
        for entry in entries {
            if entry.state != EntryState::Pending {
                held.insert(entry.lead_id);
                continue;
            }
            if held.contains(&entry.lead_id)
                || (entry.lead_id < 0 && !matches!(entry.edit, Edit::Create { .. }))
            {
                continue;
            }
            // The lead id may have changed since the list was read (a creation before it).
            let Some(entry) = self.store().outbox_entry(self.id(), entry.seq)? else {
                continue;
            };
            self.store().mark_attempt(entry.seq, self.server_now())?;
            report.requests += 1;
            match self.push_one(&entry).await {
                Ok(Outcome::Done) => {
                    self.store().finish_entry(entry.seq)?;
                    report.pushed += 1;
                }
                Ok(Outcome::Conflict) => {
                    held.insert(entry.lead_id);
                    report.conflicts += 1;
                }
                Err(Error::Odoo(e)) if !stops_everything(&e) => {
                    tracing::warn!(seq = entry.seq, lead = entry.lead_id, "push refused: {e}");
                    self.store()
                        .fail_entry(entry.seq, odoo_kind(&e), &e.to_string())?;
                    held.insert(entry.lead_id);
                    report.failed += 1;
                }
                Err(e) => return Err(e),
            }
            done += 1;
            progress(Progress::of(Phase::Pushing, done, Some(total)));
        }
        Ok(())
    }

    async fn push_one(&self, entry: &OutboxEntry) -> Result<Outcome, Error> {
        let client = self.client;
        match &entry.edit {
            Edit::Create { client_key, lead } => {
                // Checked first: an earlier attempt may have created it and lost the answer.
                let id = match client.lead_by_client_key(client_key).await? {
                    Some(id) => {
                        tracing::info!(lead = id, "found the lead an earlier push created");
                        id
                    }
                    None => client.create_lead_with_key(lead, client_key, None).await?,
                };
                self.store().rekey_lead(self.id(), entry.lead_id, id)?;
                Ok(Outcome::Done)
            }
            Edit::Note { text } => {
                if entry.attempts > 0
                    && let (Some(author), Some(first)) =
                        (self.account.partner_id, entry.first_attempt_at)
                {
                    let since = first - Duration::minutes(2);
                    let mine = client
                        .messages_by_author_since(entry.lead_id, author, since)
                        .await?;
                    let bodies: Vec<String> = mine.iter().map(|(_, b)| b.clone()).collect();
                    if plan::note_already_posted(text, &bodies)
                        && let Some((id, _)) = mine
                            .iter()
                            .find(|(_, b)| plan::note_already_posted(text, std::slice::from_ref(b)))
                    {
                        self.store().rekey_message(self.id(), -entry.seq, *id)?;
                        return Ok(Outcome::Done);
                    }
                }
                let id = client.post(entry.lead_id, text, odoo::Post::Note).await?;
                self.store().rekey_message(self.id(), -entry.seq, id)?;
                Ok(Outcome::Done)
            }
            edit => {
                let remote = client
                    .leads_by_id(&[entry.lead_id], &Context::sync())
                    .await?
                    .into_iter()
                    .next();
                match plan::push(edit, &entry.base, remote.as_ref()) {
                    Push::AlreadyApplied => Ok(Outcome::Done),
                    Push::Write(changes) => {
                        client.write_lead(entry.lead_id, &changes).await?;
                        Ok(Outcome::Done)
                    }
                    Push::Action => {
                        match edit {
                            Edit::Won => client.set_won(&[entry.lead_id]).await?,
                            Edit::Lost { reason } => {
                                client
                                    .set_lost(&[entry.lead_id], reason.as_ref().map(|r| r.id))
                                    .await?;
                            }
                            Edit::Restore => client.restore(&[entry.lead_id]).await?,
                            _ => {}
                        }
                        Ok(Outcome::Done)
                    }
                    Push::Conflict { merge, conflicts } => {
                        if !merge.is_empty() {
                            client.write_lead(entry.lead_id, &merge).await?;
                        }
                        let reduced = match edit {
                            Edit::Update { changes } => Edit::Update {
                                changes: changes
                                    .iter()
                                    .filter(|c| {
                                        conflicts.iter().any(|k| {
                                            k.subject == Subject::Field(c.field)
                                                || k.subject == Subject::Deleted
                                        })
                                    })
                                    .cloned()
                                    .collect(),
                            },
                            other => other.clone(),
                        };
                        self.store()
                            .conflict_entry(entry.seq, &reduced, &conflicts)?;
                        Ok(Outcome::Conflict)
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------ pull

    async fn pull_basics(
        &self,
        report: &mut Report,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<Stage>, Error> {
        let client = self.client;
        let stages = client.stages().await?;
        let users = client.users().await?;
        let mut lookups = Vec::new();
        for kind in LookupKind::ALL {
            let model = match kind {
                LookupKind::Tag => "crm.tag",
                LookupKind::LostReason => "crm.lost.reason",
                LookupKind::Team => "crm.team",
                LookupKind::Source => "utm.source",
                LookupKind::Medium => "utm.medium",
            };
            lookups.push((kind, client.named(model).await?));
        }
        report.requests += 2 + LookupKind::ALL.len() as u64;
        let mut store = self.store();
        store.replace_stages(self.id(), &stages)?;
        store.replace_users(self.id(), &users)?;
        for (kind, rows) in &lookups {
            store.replace_lookups(self.id(), *kind, rows)?;
        }
        drop(store);
        progress(Progress::of(Phase::Basics, 1, Some(1)));
        Ok(stages)
    }

    /// Pulls the leads written in the window (resuming one a crash interrupted); returns
    /// the partners they reference.
    async fn pull_leads(
        &self,
        stages: &[Stage],
        report: &mut Report,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<HashSet<i64>, Error> {
        let cursor = self.store().cursor(self.id(), LEADS)?;
        let (since, until, after) = match cursor.window {
            Some(resume) => {
                tracing::info!("resuming an interrupted pull after lead {}", resume.2);
                resume
            }
            None => {
                let w = plan::window(cursor.cursor, self.server_now());
                self.store()
                    .begin_window(self.id(), LEADS, w.since, w.until)?;
                (w.since, w.until, 0)
            }
        };
        let window = window_domain(since, until);
        // A count costs a request: only worth it when the pull may be long (first sync).
        let total = if cursor.cursor.is_none() {
            report.requests += 1;
            Some(self.client.lead_count(&window).await?)
        } else {
            None
        };
        progress(Progress::of(Phase::Leads, 0, total));
        let pending = self.store().edits_by_lead(self.id())?;
        // Raw pages go to one blocking thread that decodes, applies pending edits and stores
        // each page in one transaction; the async side only keeps a request in flight. A
        // few pages in flight bound the memory whatever the pipeline's size.
        let (pages_tx, pages_rx) = tokio::sync::mpsc::channel::<LeadPage>(4);
        let stored = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let writer = {
            let store = Arc::clone(&self.store);
            let account = self.id();
            let stages = stages.to_vec();
            let synced_at = format_datetime(self.clock.now());
            let stored = Arc::clone(&stored);
            tokio::task::spawn_blocking(move || {
                store_pages(
                    &store, account, pages_rx, &pending, &stages, &synced_at, &stored,
                )
            })
        };
        let fetched = self
            .client
            .lead_pages_raw(
                &window.clone().and(odoo::Domain::field("id").gt(after)),
                PAGE_SIZE,
                &Context::sync(),
                |page| {
                    let tx = pages_tx.clone();
                    progress(Progress::of(
                        Phase::Leads,
                        stored.load(std::sync::atomic::Ordering::Relaxed),
                        total,
                    ));
                    async move {
                        // The writer only stops early on an error, reported below.
                        let _ = tx.send(page).await;
                    }
                },
            )
            .await;
        drop(pages_tx);
        let written = writer
            .await
            .map_err(|e| Error::Invalid(format!("the page writer stopped: {e}")))?;
        let fetched = fetched?;
        report.requests += fetched as u64;
        let partners = match written {
            Ok(partners) => partners,
            Err(Error::Odoo(odoo::Error::Protocol(why))) if why.contains("page boundary") => {
                // Never seen with Odoo's JSON; if it happens, finish the window the slow,
                // verified way from the last stored page.
                tracing::warn!("{why}; finishing the pull page by page");
                let resume = self
                    .store()
                    .cursor(self.id(), LEADS)?
                    .window
                    .map_or(after, |w| w.2);
                return self
                    .pull_leads_verified(stages, &window, resume, report)
                    .await;
            }
            Err(e) => return Err(e),
        };
        let stored = stored.load(std::sync::atomic::Ordering::Relaxed);
        report.leads_pulled += stored;
        progress(Progress::of(Phase::Leads, stored, total));
        self.store().finish_window(self.id(), LEADS)?;
        Ok(partners)
    }

    /// The verified way to finish a window: each page decoded before the next is asked for.
    async fn pull_leads_verified(
        &self,
        stages: &[Stage],
        window: &odoo::Domain,
        after: i64,
        report: &mut Report,
    ) -> Result<HashSet<i64>, Error> {
        let pending = self.store().edits_by_lead(self.id())?;
        let synced_at = format_datetime(self.clock.now());
        let mut partners = HashSet::new();
        let mut failed = None;
        let read = self
            .client
            .lead_pages(
                &window.clone().and(odoo::Domain::field("id").gt(after)),
                PAGE_SIZE,
                &Context::sync(),
                |page| {
                    let Some(last) = page.last().map(|l| l.id) else {
                        return;
                    };
                    let view = rep_view(page, &pending, stages, &mut partners);
                    if failed.is_none()
                        && let Err(e) = self.store().save_lead_page(
                            self.id(),
                            &view,
                            &synced_at,
                            Some((LEADS, last)),
                        )
                    {
                        failed = Some(e);
                    }
                },
            )
            .await?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        report.leads_pulled += read as u64;
        self.store().finish_window(self.id(), LEADS)?;
        Ok(partners)
    }

    /// Re-reads leads marked stale (a discarded edit, a conflict resolved with Odoo's value).
    async fn refresh_stale(&self, stages: &[Stage], report: &mut Report) -> Result<(), Error> {
        let stale = self.store().stale_lead_ids(self.id())?;
        if stale.is_empty() {
            return Ok(());
        }
        self.fetch_by_id(&stale, stages, report).await?;
        // Whatever was not returned is gone: the next reconciliation handles it.
        Ok(())
    }

    async fn fetch_by_id(
        &self,
        ids: &[i64],
        stages: &[Stage],
        report: &mut Report,
    ) -> Result<HashSet<i64>, Error> {
        let mut partners = HashSet::new();
        for chunk in ids.chunks(PAGE_SIZE) {
            let leads = self.client.leads_by_id(chunk, &Context::sync()).await?;
            report.requests += 1;
            report.leads_pulled += leads.len() as u64;
            let pending = self.store().edits_by_lead(self.id())?;
            let synced_at = format_datetime(self.clock.now());
            let view = rep_view(leads, &pending, stages, &mut partners);
            self.store()
                .save_lead_page(self.id(), &view, &synced_at, None)?;
        }
        Ok(partners)
    }

    /// Partners referenced by changed leads or missing here, plus partners written in
    /// Odoo since the last pull that some cached lead references.
    async fn pull_partners(
        &self,
        mut ids: HashSet<i64>,
        report: &mut Report,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<(), Error> {
        let (missing, cursor) = {
            let store = self.store();
            (
                store.missing_partner_ids(self.id())?,
                store.cursor(self.id(), PARTNERS)?,
            )
        };
        ids.extend(missing);
        let until = self.server_now() + Duration::seconds(2);
        let mut changed: Vec<Partner> = Vec::new();
        if let Some(since) = cursor.cursor {
            let referenced: HashSet<i64> = self
                .store()
                .referenced_partner_ids(self.id())?
                .into_iter()
                .collect();
            report.requests += 1;
            changed = self
                .client
                .partners_written_since(since - plan::OVERLAP)
                .await?
                .into_iter()
                .filter(|p| referenced.contains(&p.id) && !ids.contains(&p.id))
                .collect();
        }
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        let total = (ids.len() + changed.len()) as u64;
        let mut done = changed.len() as u64;
        self.store().upsert_partners(self.id(), &changed)?;
        // As with lead pages: a blocking thread stores each page while the next is asked
        // for, so Odoo's time serving a page and ours storing the last one overlap.
        let (pages_tx, mut pages_rx) = tokio::sync::mpsc::channel::<Vec<Partner>>(2);
        let writer = {
            let store = Arc::clone(&self.store);
            let account = self.id();
            tokio::task::spawn_blocking(move || -> Result<(), Error> {
                while let Some(page) = pages_rx.blocking_recv() {
                    lock(&store).upsert_partners(account, &page)?;
                }
                Ok(())
            })
        };
        let mut fetched = Ok(());
        for chunk in ids.chunks(PAGE_SIZE) {
            let partners = match self.client.partners(chunk).await {
                Ok(partners) => partners,
                Err(e) => {
                    fetched = Err(e);
                    break;
                }
            };
            report.requests += 1;
            done += chunk.len() as u64;
            // A closed channel means the writer failed: its error is reported below.
            if pages_tx.send(partners).await.is_err() {
                break;
            }
            progress(Progress::of(Phase::Partners, done, Some(total)));
        }
        drop(pages_tx);
        writer
            .await
            .map_err(|e| Error::Invalid(format!("the partner writer stopped: {e}")))??;
        fetched?;
        report.partners_pulled += total;
        let mut store = self.store();
        store.begin_window(self.id(), PARTNERS, cursor.cursor, until)?;
        store.finish_window(self.id(), PARTNERS)?;
        Ok(())
    }

    /// Re-lists lead ids: leads gone from Odoo are removed here, or become conflicts when
    /// edits are pending; leads visible but never pulled are fetched.
    pub async fn reconcile(
        &self,
        stages: &[Stage],
        report: &mut Report,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<(), Error> {
        let remote = self.client.lead_ids().await?;
        report.requests += 1;
        let (local, entries) = {
            let store = self.store();
            (store.synced_lead_ids(self.id())?, store.outbox(self.id())?)
        };
        let pending: HashSet<i64> = entries.iter().map(|e| e.lead_id).collect();
        let decision = plan::reconcile(&local, &remote, &pending);
        progress(Progress::of(
            Phase::Reconciling,
            0,
            Some(decision.delete.len() as u64 + decision.fetch.len() as u64),
        ));
        {
            let mut store = self.store();
            store.delete_leads(self.id(), &decision.delete)?;
            for lead_id in &decision.gone_with_edits {
                // The first unresolved entry of the lead carries the conflict; the others
                // wait behind it.
                if let Some(first) = entries
                    .iter()
                    .find(|e| e.lead_id == *lead_id && e.state != EntryState::Conflict)
                {
                    let Push::Conflict { conflicts, .. } =
                        plan::push(&first.edit, &first.base, None)
                    else {
                        continue;
                    };
                    store.conflict_entry(first.seq, &first.edit, &conflicts)?;
                    report.conflicts += 1;
                }
            }
        }
        report.leads_removed += decision.delete.len() as u64;
        let partners = self.fetch_by_id(&decision.fetch, stages, report).await?;
        if !partners.is_empty() {
            let ids: Vec<i64> = partners.into_iter().collect();
            for chunk in ids.chunks(PAGE_SIZE) {
                let found = self.client.partners(chunk).await?;
                report.requests += 1;
                self.store().upsert_partners(self.id(), &found)?;
            }
        }
        let mut store = self.store();
        store.prune_partners(self.id(), &[])?;
        store.set_reconciled(self.id(), LEADS, self.clock.now())?;
        report.reconciled = true;
        Ok(())
    }

    /// The chatter messages posted on leads since the last sync, kept for the leads cached
    /// here (so a lead's new WhatsApp messages can be announced, and read offline). The first
    /// time, only notes where Odoo's newest message is: history is not news.
    async fn pull_new_messages(&self, report: &mut Report) -> Result<(), Error> {
        const PAGE: usize = 200;
        let Some(mut after) = self.store().message_cursor(self.id())? else {
            let newest = self.client.newest_lead_message_id().await?;
            report.requests += 1;
            self.store().add_lead_messages(self.id(), &[], newest)?;
            return Ok(());
        };
        loop {
            let page = self.client.lead_messages_after(after, PAGE).await?;
            report.requests += 1;
            let Some(last) = page.last().map(|m| m.id) else {
                return Ok(());
            };
            let kept = self.store().add_lead_messages(self.id(), &page, last)?;
            report.new_messages.extend(kept);
            after = last;
            if page.len() < PAGE {
                return Ok(());
            }
        }
    }

    /// Reads a lead's newest `limit` chatter messages into the cache (lazily, when the rep
    /// opens the lead), and returns how many.
    pub async fn pull_messages(&self, lead_id: i64, limit: usize) -> Result<usize, Error> {
        if lead_id < 0 {
            return Ok(0);
        }
        let messages = self.client.lead_messages(lead_id, limit).await?;
        self.store()
            .replace_messages(self.id(), lead_id, &messages)?;
        Ok(messages.len())
    }
}

/// The rep's view of leads read from Odoo (pending edits applied), noting the partners they
/// reference.
fn rep_view(
    leads: Vec<Lead>,
    pending: &HashMap<i64, Vec<Edit>>,
    stages: &[Stage],
    partners: &mut HashSet<i64>,
) -> Vec<Lead> {
    leads
        .into_iter()
        .map(|l| {
            if let Some(p) = l.partner.as_ref() {
                partners.insert(p.id);
            }
            overlay_pending(l, pending, stages)
        })
        .collect()
}

fn overlay_pending(lead: Lead, pending: &HashMap<i64, Vec<Edit>>, stages: &[Stage]) -> Lead {
    match pending.get(&lead.id) {
        Some(edits) => {
            let edits: Vec<&Edit> = edits.iter().collect();
            plan::overlay(lead, &edits, stages)
        }
        None => lead,
    }
}

/// The page writer: decodes each raw page, applies pending edits, and stores it in one
/// transaction with the window's progress; counts what it stored in `stored`. Returns the
/// partners the pages reference. A misread page boundary is stored up to its true last row,
/// then reported (the caller finishes the window the verified way).
fn store_pages(
    store: &Mutex<Store>,
    account: i64,
    mut pages: tokio::sync::mpsc::Receiver<LeadPage>,
    pending: &HashMap<i64, Vec<Edit>>,
    stages: &[Stage],
    synced_at: &str,
    stored: &std::sync::atomic::AtomicU64,
) -> Result<HashSet<i64>, Error> {
    let mut partners = HashSet::new();
    while let Some(page) = pages.blocking_recv() {
        let guess = page.last_id;
        let (leads, misread) = match page.decode_checked() {
            Ok(leads) => (leads, None),
            Err((leads, why)) => (leads, Some(why)),
        };
        let Some(last) = leads.last().map(|l| l.id) else {
            continue;
        };
        let count = leads.len() as u64;
        let view = rep_view(leads, pending, stages, &mut partners);
        lock(store).save_lead_page(account, &view, synced_at, Some((LEADS, last)))?;
        stored.fetch_add(count, std::sync::atomic::Ordering::Relaxed);
        if let Some(why) = misread {
            tracing::debug!(?guess, last, "misread page boundary");
            return Err(Error::Odoo(odoo::Error::Protocol(why)));
        }
    }
    Ok(partners)
}
