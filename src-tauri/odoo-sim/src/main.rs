//! `odoo-sim`: run the Odoo-compatible server. This interface is relied on by scripts:
//! `odoo-sim --listen 127.0.0.1:8069 --database demo --seed demo|empty|<N>
//!  [--odoo-version 19.0] [--api-key LOGIN=KEY]... [--data FILE] [--faults]`

use clap::Parser;
use odoo_sim::{OdooVersion, Options, Seed};
use std::path::PathBuf;

/// An Odoo-compatible server (JSON-2 and JSON-RPC, the CRM models) for tests and demos.
#[derive(Debug, Parser)]
#[command(name = "odoo-sim", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8069")]
    listen: String,
    /// Database name clients must use.
    #[arg(long, default_value = "demo")]
    database: String,
    /// Starting data: demo, empty, or a number of synthetic leads.
    #[arg(long, default_value = "demo")]
    seed: Seed,
    /// Odoo version to behave like: 16.0, 17.0, 18.0, 19.0 (or saas~18.4).
    #[arg(long, default_value = "19.0")]
    odoo_version: OdooVersion,
    /// Give a user an API key: --api-key admin=0123abcd… (repeatable).
    #[arg(long = "api-key", value_name = "LOGIN=KEY", value_parser = parse_key)]
    api_keys: Vec<(String, String)>,
    /// Keep the database in this SQLite file (created if missing) so it survives restarts.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Enable the test-only fault injection endpoint /__sim/faults.
    #[arg(long)]
    faults: bool,
}

fn parse_key(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((login, key)) if !login.is_empty() && !key.is_empty() => {
            Ok((login.to_owned(), key.to_owned()))
        }
        _ => Err(format!("expected LOGIN=KEY, got {s:?}")),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    odoo_sim::quiet_injected_drops();
    let args = Args::parse();
    let options = Options {
        database: args.database,
        seed: args.seed,
        version: args.odoo_version,
        api_keys: args.api_keys,
        data: args.data,
        faults: args.faults,
    };
    let started = std::time::Instant::now();
    let sim = odoo_sim::build(&options)?;
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    tracing::info!(
        "odoo-sim {} serving Odoo {} database {:?} on http://{} (ready in {:.1?})",
        env!("CARGO_PKG_VERSION"),
        options.version,
        options.database,
        listener.local_addr()?,
        started.elapsed()
    );
    axum::serve(listener, odoo_sim::router(sim))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
