//! odoo-sim: an Odoo-compatible server for tests, demos and benchmarks.
//!
//! It speaks JSON-2 (`/json/2/<model>/<method>`, Odoo 19+), legacy JSON-RPC (`/jsonrpc`,
//! `/web/session/*`, `/web/dataset/call_kw`) with Odoo's envelopes, error names and status
//! codes, and evaluates domains, record rules and the CRM actions like Odoo does, for the
//! models CRM Desk and crm-bridge use. See README.md beside this crate for what it covers
//! and what it does not.
//!
//! Tests start it in-process with [`start`] on `127.0.0.1:0`.

pub mod db;
pub mod domain;
pub mod error;
pub mod faults;
pub mod http;
pub mod methods;
pub mod persist;
pub mod schema;
pub mod seed;
pub mod version;

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use http::{Sim, router};
pub use seed::Seed;
pub use version::OdooVersion;

/// How to start a simulator (the command line maps onto this).
#[derive(Debug, Clone)]
pub struct Options {
    pub database: String,
    pub seed: Seed,
    pub version: OdooVersion,
    /// `(login, key)`: API keys to give users.
    pub api_keys: Vec<(String, String)>,
    pub data: Option<PathBuf>,
    pub faults: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            database: "demo".into(),
            seed: Seed::Demo,
            version: OdooVersion::V19,
            api_keys: Vec::new(),
            data: None,
            faults: false,
        }
    }
}

/// Builds the server state: loads `--data` if it holds a database, else seeds a new one.
pub fn build(options: &Options) -> anyhow::Result<Sim> {
    let schema = schema::Schema::for_version(options.version);
    let data = options
        .data
        .as_deref()
        .map(persist::DataFile::open)
        .transpose()?;
    let loaded = match &data {
        Some(file) => file.load(schema.clone(), &options.database)?,
        None => None,
    };
    let mut db = match loaded {
        Some(db) => {
            tracing::info!("loaded the database from {:?}", options.data);
            db
        }
        None => {
            let mut db = db::Db::new(schema, &options.database);
            let base =
                seed::base(&mut db).map_err(|e| anyhow::anyhow!("seeding the base data: {e}"))?;
            match options.seed {
                Seed::Empty => {}
                Seed::Demo => seed::demo(&mut db, &base, 300)
                    .map_err(|e| anyhow::anyhow!("seeding the demo: {e}"))?,
                Seed::Synthetic(n) => seed::synthetic(&mut db, &base, n)
                    .map_err(|e| anyhow::anyhow!("seeding {n} leads: {e}"))?,
            }
            db
        }
    };
    for (login, key) in &options.api_keys {
        let uid = db.tables["res.users"]
            .rows
            .iter()
            .find(|(_, row)| {
                db.schema
                    .model("res.users")
                    .and_then(|m| m.position("login"))
                    .is_some_and(|p| row[p].as_str() == Some(login))
            })
            .map(|(id, _)| *id)
            .with_context(|| format!("--api-key {login}=…: no user with login {login:?}"))?;
        if let Some(account) = db.accounts.get_mut(&uid)
            && !account.api_keys.contains(key)
        {
            account.api_keys.push(key.clone());
        }
    }
    if let Some(file) = &data {
        file.save(&mut db)?;
    }
    let mut sim = Sim::new(db, options.faults);
    if let Some(file) = data {
        let file = Arc::new(file);
        sim.on_write = Some(Arc::new(move |db: &mut db::Db| {
            if let Err(e) = file.save(db) {
                tracing::error!("could not save to the data file: {e:#}");
            }
        }));
    }
    Ok(sim)
}

/// Injected dropped connections are panics by design (they abort the connection task):
/// keeps them out of the process's panic output, other panics still print. Call once per
/// process (the binary and fault-injecting tests do).
pub fn quiet_injected_drops() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .payload()
                .downcast_ref::<http::DroppedConnection>()
                .is_none()
            {
                default_hook(info);
            }
        }));
    });
}

/// A simulator serving on a local port, stopped when dropped.
pub struct Running {
    pub addr: SocketAddr,
    pub sim: Sim,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Running {
    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sets the fault plan, as `POST /__sim/faults` does (the JSON shape of
    /// [`faults::FaultPlan`]). Panics on a plan the endpoint would refuse, or when the
    /// simulator was started without `faults`: for tests.
    pub fn set_faults(&self, plan: serde_json::Value) {
        let text = plan.to_string();
        let parsed: faults::FaultPlan = serde_json::from_value(plan)
            .unwrap_or_else(|e| panic!("invalid fault plan {text}: {e}"));
        let faults = self
            .sim
            .faults
            .as_ref()
            .unwrap_or_else(|| panic!("odoo-sim was started without faults"));
        if let Err(e) = faults.set(parsed) {
            panic!("fault plan {text} refused: {e}");
        }
    }

    /// Clears the fault plan.
    pub fn clear_faults(&self) {
        if let Some(faults) = &self.sim.faults {
            let _ = faults.set(faults::FaultPlan::default());
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts a simulator on `listen` (use `127.0.0.1:0` in tests) on the current tokio runtime.
pub async fn start(options: &Options, listen: &str) -> anyhow::Result<Running> {
    let sim = build(options)?;
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = router(sim.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        sim,
        stop: Some(stop),
    })
}
