//! crm-bridge: WhatsApp Cloud API webhooks into Odoo leads, exactly once.
//!
//! A webhook is checked (signature, size, shape), stored in the inbox and answered 200; the
//! [`worker`] then delivers each WhatsApp message to Odoo — customer, open lead, chatter
//! note — looking before every write, retrying failures and keeping what still fails as a
//! dead letter with an admin alert ([`alerts`]).
//!
//! Must stay true (ARCHITECTURE.md): no tauri (the bridge builds on a server without webkit);
//! SQL only through `crm_core::store::inbox`; Odoo's wire format only through
//! `crm_core::odoo`; secrets only as `Secret`, never logged.

pub mod alerts;
pub mod chatter;
pub mod config;
pub mod http;
pub mod ingest;
pub mod metrics;
pub mod whatsapp;
pub mod worker;

use anyhow::Context as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

pub use config::Config;

/// A running bridge.
pub struct Service {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Worker state (metrics, inbox, Odoo link), for tests.
    pub shared: Arc<worker::Shared>,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    worker: tokio::task::JoinHandle<()>,
    alerts: tokio::task::JoinHandle<()>,
}

impl Service {
    /// Opens the inbox and starts the HTTP server, the worker and the alerts on `listener`.
    #[allow(
        clippy::unused_async,
        reason = "it spawns tasks on the caller's runtime: being async makes that runtime a given"
    )]
    pub async fn start(config: Config, listener: TcpListener) -> anyhow::Result<Service> {
        // Settings that are missing or unreadable are the operator's to fix: say so at
        // start, not as failed deliveries later. (Odoo being down is not checked here:
        // webhooks are stored and delivered when it is back.)
        config.app_secret()?;
        config.odoo_credentials()?;
        let config = Arc::new(config);
        let metrics = Arc::new(metrics::Metrics::new());
        let arrived = Arc::new(Notify::new());
        let inbox_file = config.inbox_file();
        let shared = Arc::new(
            worker::Shared::new(config, metrics, arrived.clone())
                .with_context(|| format!("opening the inbox {}", inbox_file.display()))?,
        );
        let intake = ingest::Intake::start(&inbox_file, arrived)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let app = http::router(http::Api {
            shared: shared.clone(),
            intake,
        });
        let mut server_stop = stopped.clone();
        let server = tokio::spawn(async move {
            let shutdown = async move {
                let _ = server_stop.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!("the HTTP server failed: {e}");
            }
        });
        let worker = tokio::spawn(worker::run(shared.clone(), stopped.clone()));
        let alerts = tokio::spawn(alerts::run(shared.clone(), stopped, Duration::from_secs(1)));
        tracing::info!(%addr, inbox = %inbox_file.display(), "crm-bridge is listening");
        Ok(Service {
            addr,
            shared,
            stop,
            server,
            worker,
            alerts,
        })
    }

    /// Graceful shutdown: stop accepting webhooks (answering those in flight), then let the
    /// deliveries in flight finish. Waiting messages stay in the inbox for the next start.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        let _ = self.worker.await;
        let _ = self.alerts.await;
    }
}
