//! The crm-bridge command: `serve` (the default) runs the service; `dead-letters` lists and
//! replays messages that failed every attempt; `send-test` posts a signed webhook (the demo).

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use crm_bridge::Config;
use crm_core::store::inbox::Inbox;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "crm-bridge",
    version,
    about = "WhatsApp Cloud API webhooks into Odoo leads, exactly once"
)]
struct Cli {
    /// A TOML configuration file (see .env.example and the README for every setting).
    #[arg(long, global = true, env = "BRIDGE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Messages that failed every attempt.
    #[command(subcommand, name = "dead-letters")]
    DeadLetters(DeadLetters),
    /// Post a correctly signed WhatsApp text-message webhook to the running bridge.
    SendTest {
        /// The message text.
        #[arg(long)]
        text: String,
        /// The sender's phone number (with country code).
        #[arg(long)]
        from: String,
        /// The sender's WhatsApp profile name.
        #[arg(long, default_value = "Demo Customer")]
        name: String,
    },
}

#[derive(Subcommand)]
enum DeadLetters {
    /// List them.
    List {
        /// JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Put them back in the queue; a running bridge delivers them within a second.
    Replay {
        /// One dead letter (repeatable).
        #[arg(long = "id", conflicts_with = "all", required_unless_present = "all")]
        ids: Vec<i64>,
        /// All of them.
        #[arg(long)]
        all: bool,
    },
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BRIDGE_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(Cli::parse()) {
        eprintln!("crm-bridge: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::DeadLetters(DeadLetters::List { json }) => {
            let inbox = Inbox::open(&config.inbox_file())?;
            let dead = inbox.dead_letters()?;
            if json {
                for m in &dead {
                    println!(
                        "{}",
                        serde_json::json!({
                            "id": m.id, "wamid": m.wamid, "sender": m.sender,
                            "attempts": m.attempts, "error": m.last_error, "kind": m.error_kind,
                            "received_at_ms": m.received_at,
                        })
                    );
                }
            } else if dead.is_empty() {
                println!("no dead letters");
            } else {
                println!("{:>6}  {:<24}  {:>8}  error", "id", "sender", "attempts");
                for m in &dead {
                    println!(
                        "{:>6}  {:<24}  {:>8}  {}",
                        m.id,
                        m.sender,
                        m.attempts,
                        m.last_error.as_deref().unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
        Command::DeadLetters(DeadLetters::Replay { ids, all }) => {
            let inbox = Inbox::open(&config.inbox_file())?;
            let n = inbox.replay(if all { None } else { Some(&ids) })?;
            println!("{n} dead letter(s) queued again");
            Ok(())
        }
        Command::SendTest { text, from, name } => send_test(&config, &text, &from, &name),
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("listening on {} (BRIDGE_LISTEN)", config.listen))?;
        let service = crm_bridge::Service::start(config, listener).await?;
        shutdown_signal().await;
        tracing::info!("stopping: finishing the work in flight");
        service.stop().await;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn send_test(config: &Config, text: &str, from: &str, name: &str) -> anyhow::Result<()> {
    let secret = config.app_secret()?;
    let wa_id = crm_core::phone::digits(from);
    anyhow::ensure!(
        !wa_id.is_empty(),
        "--from needs a phone number, e.g. +966551234567"
    );
    #[allow(
        clippy::disallowed_methods,
        reason = "a demo message carries the current time"
    )]
    let now = time::OffsetDateTime::now_utc();
    let body = crm_bridge::whatsapp::text_webhook(
        &format!("wamid.demo{}", now.unix_timestamp_nanos()),
        &wa_id,
        name,
        text,
        now.unix_timestamp(),
    );
    let signature = crm_bridge::whatsapp::sign(secret.expose().as_bytes(), body.as_bytes());
    let url = format!("http://{}/webhooks/whatsapp", config.listen);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", signature)
            .body(body)
            .send()
            .await
            .with_context(|| format!("posting to {url}: is crm-bridge running?"))?;
        let status = response.status();
        anyhow::ensure!(
            status.is_success(),
            "the bridge answered {status}: {}",
            response.text().await.unwrap_or_default()
        );
        println!("sent: WhatsApp message from +{wa_id} ({name}) accepted by the bridge");
        Ok(())
    })
}
