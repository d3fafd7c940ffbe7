//! The worker over the inbox: splits webhooks into messages, then delivers each message to
//! Odoo — the sender's customer, their open lead (or a new one), the chatter note — with
//! retries, dead letters and metrics.
//!
//! Must stay true:
//! - every Odoo side effect is looked up before it is made (the note by its Message-Id, the
//!   customer by phone or WhatsApp id, the open lead by customer), so a crash between any
//!   two steps, or a redelivery, never makes a second one;
//! - messages of one sender are delivered one at a time, in arrival order; different
//!   senders in parallel, at most `workers` at once;
//! - the inbox row is updated only after Odoo answered, so a crash repeats an attempt
//!   rather than skipping one.

use crate::chatter;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::whatsapp::{self, Inbound};
use crm_core::crm::WhatsAppContact;
use crm_core::odoo::{self, Client, InboundLead, Options, RetryPolicy, chatter_key};
use crm_core::store::inbox::{Inbox, InboxCounts, InboxMessage, NewMessage, NewStatus};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    #[allow(clippy::disallowed_methods, reason = "the service runs on real time")]
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A connection to Odoo and the ids the configuration names, resolved once.
pub struct Linked {
    /// The connected client.
    pub client: Client,
    source_id: Option<i64>,
    medium_id: Option<i64>,
    tag_id: Option<i64>,
    team_id: Option<i64>,
    salesperson: Option<i64>,
    members: Vec<i64>,
    /// The user alerts go to.
    pub alert_user: Option<i64>,
}

/// What the health check reports about Odoo.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct OdooHealth {
    /// Whether the last call reached Odoo (`null` before the first).
    pub reachable: Option<bool>,
    /// The last failure, if the last call failed.
    pub last_error: Option<String>,
    /// The server's version, once connected.
    pub version: Option<String>,
}

/// State shared by the worker, the alerts and the HTTP handlers.
pub struct Shared {
    /// The configuration.
    pub config: Arc<Config>,
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// The worker's own connection to the inbox.
    pub inbox: Mutex<Inbox>,
    /// Notified when webhooks were committed or dead letters replayed.
    pub arrived: Arc<Notify>,
    /// Odoo's last known state.
    pub odoo_health: Mutex<OdooHealth>,
    link: tokio::sync::Mutex<Option<Arc<Linked>>>,
}

/// Why an attempt failed.
#[derive(Debug)]
struct Failure {
    kind: String,
    message: String,
}

impl From<odoo::Error> for Failure {
    fn from(e: odoo::Error) -> Self {
        Self {
            kind: format!("{:?}", e.kind()).to_lowercase(),
            message: e.to_string(),
        }
    }
}

impl Shared {
    /// Opens the worker's inbox connection.
    pub fn new(
        config: Arc<Config>,
        metrics: Arc<Metrics>,
        arrived: Arc<Notify>,
    ) -> anyhow::Result<Self> {
        let inbox = Inbox::open(&config.inbox_file())?;
        inbox.relax_durability()?;
        Ok(Self {
            config,
            metrics,
            inbox: Mutex::new(inbox),
            arrived,
            odoo_health: Mutex::new(OdooHealth::default()),
            link: tokio::sync::Mutex::new(None),
        })
    }

    #[allow(
        clippy::expect_used,
        reason = "a poisoned lock means a panic already happened"
    )]
    fn inbox(&self) -> std::sync::MutexGuard<'_, Inbox> {
        self.inbox.lock().expect("inbox lock")
    }

    fn note_odoo(&self, result: Result<(), &Failure>) {
        #[allow(
            clippy::expect_used,
            reason = "a poisoned lock means a panic already happened"
        )]
        let mut health = self.odoo_health.lock().expect("health lock");
        match result {
            Ok(()) => {
                health.reachable = Some(true);
                health.last_error = None;
            }
            Err(f) => {
                // Only a failure to reach Odoo makes it unreachable; a refused value does not.
                if matches!(f.kind.as_str(), "offline" | "server") {
                    health.reachable = Some(false);
                }
                health.last_error = Some(f.message.clone());
            }
        }
    }

    /// The Odoo connection, made (and the configured names resolved) on first use.
    pub async fn linked(&self) -> Result<Arc<Linked>, odoo::Error> {
        let mut link = self.link.lock().await;
        if let Some(l) = link.as_ref() {
            return Ok(l.clone());
        }
        let credentials = self
            .config
            .odoo_credentials()
            .map_err(|e| odoo::Error::Auth(e.to_string()))?;
        let options = Options {
            timeout: Duration::from_secs(self.config.odoo.timeout_secs),
            // Reads retry inside the connector; writes never do (the worker's own retry,
            // which looks before it writes, covers them).
            retry: RetryPolicy {
                attempts: 2,
                base: Duration::from_millis(100),
                max: Duration::from_millis(500),
            },
            user_agent: format!("crm-bridge/{}", env!("CARGO_PKG_VERSION")),
            ..Options::default()
        };
        let client = Client::connect(&credentials, options).await?;
        let leads = &self.config.leads;
        let named = async |model: &str, name: &str| -> Result<Option<i64>, odoo::Error> {
            if name.trim().is_empty() {
                Ok(None)
            } else {
                client
                    .find_or_create_named(model, name.trim())
                    .await
                    .map(Some)
            }
        };
        let source_id = named("utm.source", &leads.source).await?;
        let medium_id = named("utm.medium", &leads.medium).await?;
        let tag_id = named("crm.tag", &leads.tag).await?;
        let team_id = if leads.team.trim().is_empty() {
            None
        } else {
            Some(
                client
                    .find_named("crm.team", leads.team.trim())
                    .await?
                    .ok_or_else(|| {
                        odoo::Error::Validation(format!(
                            "there is no sales team named {:?} in Odoo (leads.team)",
                            leads.team
                        ))
                    })?,
            )
        };
        let user = async |login: &str, setting: &str| -> Result<Option<i64>, odoo::Error> {
            if login.trim().is_empty() {
                return Ok(None);
            }
            client
                .user_by_login(login.trim())
                .await?
                .map(Some)
                .ok_or_else(|| {
                    odoo::Error::Validation(format!(
                        "there is no Odoo user with login {login:?} ({setting})"
                    ))
                })
        };
        let salesperson = user(&leads.salesperson, "leads.salesperson").await?;
        let alert_user = user(&self.config.alerts.odoo_user, "alerts.odoo_user").await?;
        let members = match (leads.round_robin, team_id) {
            (true, Some(team)) => client.team_members(team).await?,
            _ => Vec::new(),
        };
        #[allow(
            clippy::expect_used,
            reason = "a poisoned lock means a panic already happened"
        )]
        {
            self.odoo_health.lock().expect("health lock").version =
                Some(client.version().to_string());
        }
        let linked = Arc::new(Linked {
            client,
            source_id,
            medium_id,
            tag_id,
            team_id,
            salesperson,
            members,
            alert_user,
        });
        *link = Some(linked.clone());
        Ok(linked)
    }

    /// Splits waiting webhooks into messages and receipts, a batch per transaction.
    /// Returns how many webhooks.
    pub fn expand(&self) -> anyhow::Result<usize> {
        let deliveries = self.inbox().unexpanded(256)?;
        if deliveries.is_empty() {
            return Ok(0);
        }
        // Parsing happens outside the inbox lock: the HTTP health check and the delivery
        // tasks share it.
        let parsed: Vec<(whatsapp::Notification, Vec<NewMessage>, Vec<NewStatus>)> = deliveries
            .iter()
            .map(|delivery| {
                let notification = whatsapp::parse(&delivery.body).unwrap_or_else(|e| {
                    // Checked before it was stored; only a hand-edited inbox gets here.
                    tracing::error!(delivery = delivery.id, "stored webhook does not parse: {e}");
                    whatsapp::Notification::default()
                });
                let messages = notification
                    .messages
                    .iter()
                    .map(|m| NewMessage {
                        wamid: m.message.id.clone(),
                        sender: m.sender_key().to_owned(),
                        payload: serde_json::to_string(m).unwrap_or_default(),
                    })
                    .collect();
                let statuses = notification
                    .statuses
                    .iter()
                    .map(|s| NewStatus {
                        wamid: s.id.clone(),
                        status: s.status.clone(),
                        at: s.timestamp,
                        recipient: s
                            .recipient_user_id
                            .clone()
                            .or_else(|| s.recipient_id.clone()),
                        errors: s.errors.as_ref().map(ToString::to_string),
                    })
                    .collect();
                (notification, messages, statuses)
            })
            .collect();
        let batch: Vec<_> = deliveries
            .iter()
            .zip(&parsed)
            .map(|(d, (_, m, s))| (d, m.as_slice(), s.as_slice()))
            .collect();
        let added = self.inbox().expand_all(&batch)?;
        let m = &self.metrics;
        for ((notification, messages, statuses), added) in parsed.iter().zip(added) {
            m.received.inc_by(added.messages);
            m.duplicates
                .inc_by(added.duplicate_messages + added.duplicate_statuses);
            if added.statuses > 0 {
                for s in &notification.statuses {
                    m.status(&s.status);
                    if s.status == "failed" {
                        tracing::warn!(wamid = %s.id, errors = ?s.errors, "WhatsApp could not deliver a message");
                    }
                }
            }
            if messages.is_empty() && statuses.is_empty() {
                m.empty.inc();
            }
        }
        Ok(deliveries.len())
    }

    /// Delivers one message to Odoo: `(lead id, chatter message id, message type)`.
    async fn deliver(&self, message: &InboxMessage) -> Result<(i64, i64, String), Failure> {
        let inbound: Inbound = serde_json::from_str(&message.payload).map_err(|e| Failure {
            kind: "corrupt".into(),
            message: format!("the stored message cannot be read: {e}"),
        })?;
        let linked = self.linked().await?;
        let odoo = &linked.client;
        let key = chatter_key(&inbound.message.id);
        if let Some((note, lead)) = odoo.chatter_message_by_key(&key).await? {
            return Ok((lead, note, inbound.message.kind));
        }
        let e164 = inbound
            .wa_id
            .as_deref()
            .and_then(crm_core::phone::from_whatsapp_id);
        let contact = WhatsAppContact {
            user_id: inbound.user_id.clone(),
            wa_id: inbound.wa_id.clone(),
            phone_e164: e164.clone(),
            profile_name: inbound.profile_name.clone(),
        };
        let (partner, _) = odoo.find_or_create_customer(&contact).await?;
        let lead = match odoo.open_lead_of(partner).await? {
            Some(lead) => lead,
            None => {
                let draft = self.new_lead(&linked, &inbound, partner, e164.clone())?;
                odoo.create_inbound_lead(&draft).await?
            }
        };
        let text = chatter::note(&inbound, e164.as_deref());
        let note = odoo.post_keyed_note(lead, &text, &key).await?;
        if !chatter::is_supported(&inbound.message) {
            self.metrics.unsupported.inc();
        }
        Ok((lead, note, inbound.message.kind))
    }

    fn new_lead(
        &self,
        linked: &Linked,
        inbound: &Inbound,
        partner: i64,
        phone: Option<String>,
    ) -> Result<InboundLead, Failure> {
        let user_id = match (linked.salesperson, linked.members.is_empty()) {
            (Some(user), _) => Some(user),
            (None, false) => {
                let team = linked.team_id.unwrap_or_default();
                let turn = self
                    .inbox()
                    .next_in_rotation(&format!("round-robin:{team}"), linked.members.len())
                    .map_err(|e| Failure {
                        kind: "inbox".into(),
                        message: e.to_string(),
                    })?;
                linked.members.get(turn).copied()
            }
            _ => None,
        };
        let kind = match self.config.leads.kind.as_str() {
            "lead" => Some("lead"),
            "opportunity" => Some("opportunity"),
            _ => None,
        };
        Ok(InboundLead {
            name: chatter::lead_title(&inbound.message),
            partner_id: partner,
            contact_name: inbound
                .profile_name
                .clone()
                .filter(|n| !n.trim().is_empty()),
            phone,
            description: chatter::content(&inbound.message),
            source_id: linked.source_id,
            medium_id: linked.medium_id,
            tag_ids: linked.tag_id.into_iter().collect(),
            team_id: linked.team_id,
            user_id,
            kind,
        })
    }

    /// One attempt at one message, and its outcome recorded.
    async fn attempt(&self, message: InboxMessage) {
        let result = self.deliver(&message).await;
        let now = now_ms();
        self.note_odoo(result.as_ref().map(|_| ()));
        let recorded = match result {
            Ok((lead, note, kind)) => {
                let latency = (now - message.received_at).max(0) as f64 / 1000.0;
                self.metrics.latency.observe(latency);
                self.metrics.processed(&kind);
                self.inbox().mark_done(message.id, lead, note, now)
            }
            Err(failure) => {
                self.metrics.odoo_error(&failure.kind);
                let failures = message.attempts + 1;
                let retry_at = (failures < self.config.retry.attempts).then(|| {
                    let jitter = rand::random::<f64>() * 2.0 - 1.0;
                    now + self.config.retry_delay(failures, jitter).as_millis() as i64
                });
                if retry_at.is_some() {
                    self.metrics.retries.inc();
                    tracing::warn!(wamid = %message.wamid, attempt = failures, "delivery to Odoo failed, will retry: {}", failure.message);
                } else {
                    self.metrics.dead_letters.inc();
                    tracing::error!(wamid = %message.wamid, id = message.id, "delivery to Odoo failed {failures} times; kept as a dead letter: {}", failure.message);
                }
                self.inbox()
                    .mark_failed(message.id, &failure.message, &failure.kind, retry_at, now)
            }
        };
        if let Err(e) = recorded {
            // The attempt is repeated after a restart; the lookups make that harmless.
            tracing::error!(wamid = %message.wamid, "could not record the outcome: {e}");
        }
    }

    /// How many messages are where.
    pub fn counts(&self) -> Result<InboxCounts, crm_core::store::Error> {
        self.inbox().counts()
    }

    /// Refreshes the gauges.
    pub fn refresh_gauges(&self) {
        if let Ok(counts) = self.counts() {
            self.metrics.pending.set(counts.pending as i64);
            self.metrics.dead.set(counts.dead as i64);
        }
    }
}

/// Runs the worker until `stop` turns true, then lets in-flight deliveries finish.
pub async fn run(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let workers = shared.config.workers.max(1);
    let mut busy: HashSet<String> = HashSet::new();
    let mut tasks: JoinSet<()> = JoinSet::new();
    // Which sender each task serves, so a finished (or panicked) task frees its sender.
    let mut serving: HashMap<tokio::task::Id, String> = HashMap::new();
    let mut last_gauges = std::time::Instant::now();
    loop {
        if *stop.borrow() {
            break;
        }
        if let Err(e) = shared.expand() {
            tracing::error!("reading the inbox: {e:#}");
        }
        let free = workers.saturating_sub(tasks.len());
        let due = if free > 0 {
            shared
                .inbox()
                .due(now_ms(), &busy, free)
                .unwrap_or_else(|e| {
                    tracing::error!("reading the inbox: {e}");
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        for message in due {
            busy.insert(message.sender.clone());
            let sender = message.sender.clone();
            let shared = shared.clone();
            let handle = tasks.spawn(async move { shared.attempt(message).await });
            serving.insert(handle.id(), sender);
        }
        // Counting is a scan of the inbox: once a second is enough for the gauges.
        if last_gauges.elapsed() >= Duration::from_secs(1) {
            shared.refresh_gauges();
            last_gauges = std::time::Instant::now();
        }
        // Messages due now were started above unless their sender is busy or every worker
        // is: a finishing task wakes the loop then. Otherwise wake for the next retry, new
        // webhooks, or once a second (dead letters replayed from the command line).
        let now = now_ms();
        let wait = match shared.inbox().next_due_at().ok().flatten() {
            Some(at) if at > now => Duration::from_millis((at - now).min(1000) as u64),
            _ => Duration::from_secs(1),
        };
        tokio::select! {
            _ = shared.arrived.notified() => {}
            Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                let id = match done {
                    Ok((id, ())) => id,
                    Err(e) => {
                        tracing::error!("a delivery task failed: {e}");
                        e.id()
                    }
                };
                if let Some(sender) = serving.remove(&id) {
                    busy.remove(&sender);
                }
            }
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
    while tasks.join_next().await.is_some() {}
    shared.refresh_gauges();
}
