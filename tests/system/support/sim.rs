//! odoo-sim in the test process, and the CLI calls that connect an account to it.

use super::TestData;
use crm_core::odoo::{Client, Context, Credentials, Domain, Options, Page};
use crm_core::secret::Secret;
use serde_json::Value;
use std::io::Write;
use std::process::{Output, Stdio};

pub const SALES1_KEY: &str = "5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e";
pub const ADMIN_KEY: &str = "adadadadadadadadadadadadadadadadadadadad";

/// odoo-sim in this process, on its own runtime.
pub struct Sim {
    /// `None` only while dropping.
    rt: Option<tokio::runtime::Runtime>,
    running: Option<odoo_sim::Running>,
}

impl Sim {
    pub fn start(seed: odoo_sim::Seed) -> Sim {
        Self::start_at(seed, None, "127.0.0.1:0")
    }

    /// Starts on `address`, keeping its data in `data` when given: stopping it and starting
    /// it again on the same address and file is a server restart.
    pub fn start_at(seed: odoo_sim::Seed, data: Option<std::path::PathBuf>, address: &str) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        odoo_sim::quiet_injected_drops();
        let running = rt.block_on(async {
            odoo_sim::start(
                &odoo_sim::Options {
                    seed,
                    api_keys: vec![
                        ("sales1".into(), SALES1_KEY.into()),
                        ("admin".into(), ADMIN_KEY.into()),
                    ],
                    faults: true,
                    data,
                    ..odoo_sim::Options::default()
                },
                address,
            )
            .await
            .expect("odoo-sim starts")
        });
        Sim {
            rt: Some(rt),
            running: Some(running),
        }
    }

    /// Runs a future on the server's runtime (from synchronous tests).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.block_on_rt().block_on(future)
    }

    fn block_on_rt(&self) -> &tokio::runtime::Runtime {
        self.rt
            .as_ref()
            .expect("the runtime lives until the Sim is dropped")
    }

    pub fn url(&self) -> String {
        self.running
            .as_ref()
            .map(odoo_sim::Running::url)
            .unwrap_or_default()
    }

    pub fn client(&self, login: &str, key: &str) -> Client {
        self.block_on_rt()
            .block_on(Client::connect(
                &Credentials {
                    url: self.url(),
                    database: "demo".into(),
                    login: login.into(),
                    secret: Secret::new(key),
                },
                Options::default(),
            ))
            .expect("connects")
    }

    pub fn faults(&self, plan: Value) {
        let plan = serde_json::from_value(plan).expect("a fault plan");
        self.running
            .as_ref()
            .and_then(|r| r.sim.faults.as_ref())
            .expect("started with faults")
            .set(plan)
            .expect("a valid fault plan");
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        // Stop the server inside its runtime, then drop the runtime; from an async test
        // that must happen where blocking is allowed.
        let (rt, running) = (self.rt.take(), self.running.take());
        let stop = move || {
            if let Some(rt) = rt {
                rt.block_on(async move { drop(running) });
            }
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::task::block_in_place(stop);
        } else {
            stop();
        }
    }
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON on stdout ({e}): {}", text(out)))
}

/// `crm-desk account add`, the key piped on stdin.
pub fn add_account(data: &TestData, url: &str, login: &str, key: &str) -> Output {
    add_account_with(data, url, login, key, &[])
}

/// [`add_account`] with extra environment variables.
pub fn add_account_with(
    data: &TestData,
    url: &str,
    login: &str,
    key: &str,
    env: &[(&str, &str)],
) -> Output {
    let mut command = data.command(&[
        "account", "add", "--url", url, "--db", "demo", "--login", login, "--json",
    ]);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{key}\n").as_bytes())
        .expect("write the key");
    child.wait_with_output().expect("account add ends")
}

/// sales1's account on odoo-sim's demo data, with its first sync done (history, which is
/// never announced).
pub struct Connected {
    pub sim: Sim,
    pub data: TestData,
}

/// [`Connected`], or `None` without a private keyring (the test is skipped). It blocks:
/// async tests call it through `tokio::task::block_in_place`.
pub fn connected() -> Option<Connected> {
    if !crate::keyring::private_keyring() {
        return None;
    }
    let sim = Sim::start(odoo_sim::Seed::Demo);
    let data = TestData::new();
    let added = add_account(&data, &sim.url(), "sales1", SALES1_KEY);
    assert!(added.status.success(), "account add: {}", text(&added));
    data.run(&["sync", "--once"]);
    Some(Connected { sim, data })
}

/// odoo-sim's admin, connected from an async test.
pub async fn admin(url: &str) -> Client {
    Client::connect(
        &Credentials {
            url: url.into(),
            database: "demo".into(),
            login: "admin".into(),
            secret: Secret::new(ADMIN_KEY),
        },
        Options::default(),
    )
    .await
    .expect("admin connects to odoo-sim")
}

/// The id of the `model` record whose `field` is `value`.
pub async fn id_of(odoo: &Client, model: &str, field: &str, value: &str) -> i64 {
    odoo.search(
        model,
        &Domain::field(field).eq(value),
        &Page::default(),
        &Context::default(),
    )
    .await
    .expect("search")
    .first()
    .copied()
    .unwrap_or_else(|| panic!("no {model} with {field} = {value}"))
}
