//! Prometheus metrics (`GET /metrics`, text exposition format).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// A label with one value.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Kind {
    /// The kind (message type, status, error kind, rejection reason).
    pub kind: String,
}

impl Kind {
    fn of(kind: &str) -> Self {
        Self { kind: kind.into() }
    }
}

/// Every metric the bridge exports.
pub struct Metrics {
    registry: Registry,
    /// Webhooks accepted and persisted.
    pub webhooks: Counter,
    /// Webhooks refused, by reason (signature, too_large, malformed).
    pub rejected: Family<Kind, Counter>,
    /// WhatsApp messages received (new ones).
    pub received: Counter,
    /// Redelivered messages and receipts (already known ids).
    pub duplicates: Counter,
    /// Messages in Odoo, by type.
    pub processed: Family<Kind, Counter>,
    /// Messages of a type the bridge does not render.
    pub unsupported: Counter,
    /// Attempts that failed and were scheduled again.
    pub retries: Counter,
    /// Messages that failed every attempt.
    pub dead_letters: Counter,
    /// Odoo failures by kind.
    pub odoo_errors: Family<Kind, Counter>,
    /// Delivery receipts by status.
    pub statuses: Family<Kind, Counter>,
    /// Webhooks that parsed but carried no message or receipt.
    pub empty: Counter,
    /// Alerts raised.
    pub alerts: Counter,
    /// From webhook received to chatter message in Odoo.
    pub latency: Histogram,
    /// Messages waiting (gauge, refreshed by the worker).
    pub pending: Gauge,
    /// Dead letters waiting for a replay.
    pub dead: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers everything under the `bridge_` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("bridge");
        let m = Self {
            webhooks: Counter::default(),
            rejected: Family::default(),
            received: Counter::default(),
            duplicates: Counter::default(),
            processed: Family::default(),
            unsupported: Counter::default(),
            retries: Counter::default(),
            dead_letters: Counter::default(),
            odoo_errors: Family::default(),
            statuses: Family::default(),
            empty: Counter::default(),
            alerts: Counter::default(),
            // 5 ms … ~80 s
            latency: Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
                0.005, 2.0, 15,
            )),
            pending: Gauge::default(),
            dead: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "webhooks_received",
            "Webhooks accepted and persisted",
            m.webhooks.clone(),
        );
        registry.register(
            "webhooks_rejected",
            "Webhooks refused, by reason",
            m.rejected.clone(),
        );
        registry.register(
            "messages_received",
            "New WhatsApp messages",
            m.received.clone(),
        );
        registry.register(
            "duplicates",
            "Redelivered messages and receipts",
            m.duplicates.clone(),
        );
        registry.register(
            "messages_processed",
            "Messages logged in Odoo, by type",
            m.processed.clone(),
        );
        registry.register(
            "messages_unsupported",
            "Messages of a type the bridge does not render",
            m.unsupported.clone(),
        );
        registry.register(
            "retries",
            "Failed attempts scheduled again",
            m.retries.clone(),
        );
        registry.register(
            "dead_letters",
            "Messages that failed every attempt",
            m.dead_letters.clone(),
        );
        registry.register(
            "odoo_errors",
            "Odoo failures by kind",
            m.odoo_errors.clone(),
        );
        registry.register(
            "statuses",
            "Delivery receipts by status",
            m.statuses.clone(),
        );
        registry.register(
            "empty_payloads",
            "Webhooks with no message or receipt",
            m.empty.clone(),
        );
        registry.register("alerts", "Admin alerts raised", m.alerts.clone());
        registry.register(
            "processing_latency_seconds",
            "From webhook received to message in Odoo",
            m.latency.clone(),
        );
        registry.register("inbox_pending", "Messages waiting", m.pending.clone());
        registry.register(
            "dead_letters_waiting",
            "Dead letters not replayed",
            m.dead.clone(),
        );
        Self { registry, ..m }
    }

    /// Counts a refused webhook.
    pub fn reject(&self, reason: &str) {
        self.rejected.get_or_create(&Kind::of(reason)).inc();
    }

    /// Counts a message logged in Odoo.
    pub fn processed(&self, kind: &str) {
        self.processed.get_or_create(&Kind::of(kind)).inc();
    }

    /// Counts an Odoo failure.
    pub fn odoo_error(&self, kind: &str) {
        self.odoo_errors.get_or_create(&Kind::of(kind)).inc();
    }

    /// Counts a receipt.
    pub fn status(&self, status: &str) {
        self.statuses.get_or_create(&Kind::of(status)).inc();
    }

    /// The text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!("encoding metrics: {e}");
        }
        out
    }
}
