//! Durable intake of webhooks with group commit: one thread owns a connection to the inbox
//! and commits every body that arrived meanwhile in one transaction, then answers each
//! request. A webhook is answered 200 only after its commit (synchronous=FULL), and the
//! commit costs one disk flush per batch rather than per request.

use axum::body::Bytes;
use crm_core::store::inbox::Inbox;
use std::path::Path;
use tokio::sync::{Notify, mpsc, oneshot};

/// Bodies committed per transaction at most.
const MAX_BATCH: usize = 512;

type Reply = oneshot::Sender<Result<i64, String>>;

/// The handle request handlers use.
#[derive(Clone)]
pub struct Intake {
    tx: mpsc::Sender<(Bytes, i64, Reply)>,
}

impl Intake {
    /// Opens its own connection to the inbox at `path` and starts the writer thread.
    /// `arrived` is notified after each commit.
    pub fn start(path: &Path, arrived: std::sync::Arc<Notify>) -> anyhow::Result<Self> {
        let mut inbox = Inbox::open(path)?;
        let (tx, mut rx) = mpsc::channel::<(Bytes, i64, Reply)>(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("inbox-writer".into())
            .spawn(move || {
                let mut batch = Vec::with_capacity(MAX_BATCH);
                while let Some(first) = rx.blocking_recv() {
                    batch.push(first);
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    let bodies: Vec<(&[u8], i64)> =
                        batch.iter().map(|(b, at, _)| (b.as_ref(), *at)).collect();
                    let result = inbox.receive(&bodies);
                    match result {
                        Ok(ids) => {
                            for ((_, _, reply), id) in batch.drain(..).zip(ids) {
                                let _ = reply.send(Ok(id));
                            }
                            arrived.notify_one();
                        }
                        Err(e) => {
                            tracing::error!("the inbox refused a write: {e}");
                            for (_, _, reply) in batch.drain(..) {
                                let _ = reply.send(Err(e.to_string()));
                            }
                        }
                    }
                }
            })?;
        Ok(Self { tx })
    }

    /// Persists one body; `Ok` once it is committed.
    pub async fn persist(&self, body: Bytes, received_at: i64) -> Result<i64, String> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((body, received_at, reply))
            .await
            .map_err(|_| "the inbox writer has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the inbox writer has stopped".to_owned())?
    }
}
