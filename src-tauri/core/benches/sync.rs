//! Sync costs, measured against odoo-sim with 50,000 synthetic leads (BENCHMARKS.md):
//!
//! 1. Initial sync into an empty cache (a real SQLite file, WAL) vs. fetching the same pages
//!    with the connector alone, decoded, nothing stored: the lead pages of the sync's first
//!    window (`Client::lead_pages` with the same domain, `write_date` before now, paged by
//!    id) and the pages of the partners those leads reference (`Client::partners`,
//!    `PAGE_SIZE` ids a request, as the sync asks for them). Alternating, median of 5
//!    rounds, with each side's CPU time (client threads, odoo-sim threads). Target:
//!    sync ≤ 1.3 × fetch-only.
//! 2. A delta sync with nothing changed: the client's CPU time (all its threads, from
//!    `/proc/self/task/*/schedstat`) and the requests it sends. Median of 20. Target: one
//!    request per model that can change, under 20 ms.
//! 3. Peak memory of an initial sync, in a fresh child process that runs only the client
//!    (VmHWM). Target: under 150 MB.
//!
//! odoo-sim runs on core 0, the client on core 1, as in the connector benchmark.
//!
//! Run: `cargo bench -p crm-core --bench sync` (add a lead count to change 50000).

use crm_core::odoo::{Client, Context, Credentials, Options, window_domain};
use crm_core::secret::Secret;
use crm_core::secrets::MemorySecrets;
use crm_core::store::Store;
use crm_core::sync::account::{self, AccountInput};
use crm_core::sync::engine::PAGE_SIZE;
use crm_core::sync::{Clock, Engine, Report, SyncOptions};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::{OffsetDateTime, PrimitiveDateTime};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";
const ROUNDS: usize = 5;
const DELTAS: usize = 20;

struct Now;
impl Clock for Now {
    fn now(&self) -> PrimitiveDateTime {
        #[allow(clippy::disallowed_methods, reason = "benchmarks run on real time")]
        let t = OffsetDateTime::now_utc();
        PrimitiveDateTime::new(t.date(), t.time())
    }
}

/// CPU time used so far by this process's threads whose name starts with `prefix`
/// (`client`: the client's runtime and its blocking threads; `sim`: odoo-sim).
fn cpu_of(prefix: &str) -> Duration {
    let mut total = 0_u64;
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if !comm.starts_with(prefix) {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        total += stat
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Duration::from_nanos(total)
}

/// Wall time and the CPU time of each side, for one measured run.
#[derive(Clone, Copy)]
struct Cost {
    wall: Duration,
    client: Duration,
    server: Duration,
}

/// Runs `work`, returning its result and what it cost.
async fn costed<T>(work: impl std::future::Future<Output = T>) -> (T, Cost) {
    let (client, server, started) = (cpu_of("client"), cpu_of("sim"), Instant::now());
    let out = work.await;
    let cost = Cost {
        wall: started.elapsed(),
        client: cpu_of("client").saturating_sub(client),
        server: cpu_of("sim").saturating_sub(server),
    };
    (out, cost)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

struct Cache {
    _dir: tempfile::TempDir,
    store: Arc<Mutex<Store>>,
    account: crm_core::store::Account,
}

async fn fresh_cache(url: &str) -> Cache {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Mutex::new(
        Store::open(&dir.path().join("crm-desk.sqlite3")).expect("store"),
    ));
    let account = account::add(
        &store,
        &MemorySecrets::default(),
        AccountInput {
            url: url.into(),
            database: "demo".into(),
            login: "admin".into(),
            secret: Secret::new(KEY),
        },
        Options::default(),
        Now.now(),
    )
    .await
    .expect("account");
    Cache {
        _dir: dir,
        store,
        account,
    }
}

async fn sync(client: &Client, cache: &Cache) -> Report {
    Engine {
        client,
        store: Arc::clone(&cache.store),
        account: &cache.account,
        clock: &Now,
    }
    .sync(SyncOptions::default(), &|_| {})
    .await
    .expect("sync")
}

async fn connect(url: &str) -> Client {
    Client::connect(
        &Credentials {
            url: url.into(),
            database: "demo".into(),
            login: "admin".into(),
            secret: Secret::new(KEY),
        },
        Options::default(),
    )
    .await
    .expect("connect")
}

/// The child process of measurement 3: one initial sync, then its peak memory.
async fn peak_memory(url: &str) {
    let client = connect(url).await;
    let cache = fresh_cache(url).await;
    let before = peak_rss_kib();
    let report = sync(&client, &cache).await;
    println!(
        "peak_rss_kib {} before_kib {before} leads {}",
        peak_rss_kib(),
        report.leads_pulled
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let client_runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("client-io")
            .build()
            .expect("client runtime")
    };
    if let Some(i) = args.iter().position(|a| a == "--peak-memory") {
        let url = args.get(i + 1).expect("--peak-memory URL").clone();
        client_runtime().block_on(peak_memory(&url));
        return;
    }
    let leads: usize = args
        .iter()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(50_000);
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    let (server_core, client_core) = (cores.first().copied(), cores.get(1).copied());
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_name("sim")
        .on_thread_start(move || {
            if let Some(core) = server_core {
                core_affinity::set_for_current(core);
            }
        })
        .build()
        .expect("server runtime");
    let options = odoo_sim::Options {
        seed: odoo_sim::Seed::Synthetic(leads),
        api_keys: vec![("admin".into(), KEY.into())],
        ..odoo_sim::Options::default()
    };
    let sim = server
        .block_on(async move { odoo_sim::start(&options, "127.0.0.1:0").await })
        .expect("odoo-sim");
    let url = sim.url();
    std::thread::Builder::new()
        .name("client".into())
        .spawn(move || {
            if let Some(core) = client_core {
                core_affinity::set_for_current(core);
            }
            client_runtime().block_on(run(&url, leads));
        })
        .expect("client thread")
        .join()
        .expect("client");
    drop(sim);
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn run(url: &str, leads: usize) {
    let client = connect(url).await;
    // Warm-up: one of each.
    let warm = fresh_cache(url).await;
    sync(&client, &warm).await;
    drop(warm);

    let (mut synced, mut fetched) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..ROUNDS {
        let cache = fresh_cache(url).await;
        let (report, cost) = costed(sync(&client, &cache)).await;
        synced.push(cost);
        assert_eq!(report.leads_pulled as usize, leads, "every lead synced");

        // The sync also reads the partners its leads reference (none in the synthetic seed;
        // 60 % of leads have one in the demo seed): the same requests belong in the baseline.
        let partner_ids = cache
            .store
            .lock()
            .expect("store")
            .referenced_partner_ids(cache.account.id)
            .expect("partner ids");
        // The same requests: the sync's first window (every lead written before now, as
        // `plan::window` without a cursor), paged by id.
        let window = window_domain(None, Now.now() + time::Duration::seconds(2));
        let (n, cost) = costed(async {
            let n = client
                .lead_pages(&window, PAGE_SIZE, &Context::sync(), |page| {
                    std::hint::black_box(page);
                })
                .await
                .expect("fetch");
            for chunk in partner_ids.chunks(PAGE_SIZE) {
                std::hint::black_box(client.partners(chunk).await.expect("partners"));
            }
            n
        })
        .await;
        fetched.push(cost);
        assert_eq!(n, leads);
        assert_eq!(
            report.partners_pulled as usize,
            partner_ids.len(),
            "the baseline reads the partners the sync read"
        );
        last = Some(cache);
    }
    let of = |costs: &[Cost], part: fn(&Cost) -> Duration| median(costs.iter().map(part).collect());
    let (s, f) = (of(&synced, |c| c.wall), of(&fetched, |c| c.wall));
    println!(
        "{leads} leads, median of {ROUNDS} rounds (odoo-sim, JSON-2, loopback, SQLite file in WAL):"
    );
    for (what, costs) in [
        ("initial sync into an empty cache", &synced),
        (
            "fetch-only (connector, the same lead and partner pages)",
            &fetched,
        ),
    ] {
        println!(
            "  {what}: {:.2?} (CPU: client {:.0?}, odoo-sim {:.0?})",
            of(costs, |c| c.wall),
            of(costs, |c| c.client),
            of(costs, |c| c.server)
        );
    }
    println!(
        "  sync / fetch-only: {:.3}x (target <= 1.3x)",
        s.as_secs_f64() / f.as_secs_f64()
    );

    let cache = last.expect("a synced cache");
    let (mut cpu, mut wall) = (Vec::new(), Vec::new());
    let mut requests = 0;
    for _ in 0..DELTAS {
        let (report, cost) = costed(sync(&client, &cache)).await;
        wall.push(cost.wall);
        cpu.push(cost.client);
        requests = report.requests;
        assert_eq!(report.leads_pulled, 0, "nothing changed");
    }
    println!("delta sync with nothing changed, median of {DELTAS}:");
    println!(
        "  client CPU {:.2?}, wall {:.2?}, {requests} requests (stages, users, 5 lookups, leads, partners; target: under 20 ms)",
        median(cpu),
        median(wall)
    );

    let child = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args(["--peak-memory", url])
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&child.stdout);
    let kib: u64 = text
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    println!(
        "peak memory of an initial sync (fresh client-only process, VmHWM): {:.0} MiB (target < 150 MB) [{}]",
        kib as f64 / 1024.0,
        text.trim()
    );
}
