//! The sync engine against odoo-sim: a rep's desk (in-memory cache, in-memory keyring)
//! pulling, editing offline, pushing, and converging with the server.
//! Module index:
//! - `accounts`: adding (verified), duplicates, removal takes the key and the cache along.
//! - `pull`: the cache equals what the rep may see, field by field; incremental pulls after
//!   every kind of server change; a killed pull resumes without gaps or duplicates.
//! - `push`: edits applied locally at once, pushed in order, merged or turned into
//!   conflicts, resolved; failures kept; retried pushes never apply twice.
//! - `notify`: the message delta behind "new WhatsApp message on my lead" notifications.
//! - `schedule`: background sync on demand, backoff, reconnection, one sync per account.
//! - `converge`: randomized clients, server writers, offline periods, faults and crashes.

mod accounts;
mod converge;
mod notify;
mod pull;
mod push;
mod schedule;

use crm_core::crm::Lead;
use crm_core::odoo::{Client, Context, Credentials, Domain, Options, Page, RetryPolicy};
use crm_core::secret::Secret;
use crm_core::secrets::MemorySecrets;
use crm_core::store::{Account, LeadQuery, Store};
use crm_core::sync::account::{self, AccountInput};
use crm_core::sync::{Engine, Report, SyncOptions};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::{OffsetDateTime, PrimitiveDateTime};

pub const ADMIN_KEY: &str = "0123456789abcdef0123456789abcdef01234567";
pub const SALES1_KEY: &str = "1111111111111111111111111111111111111111";
pub const SALES2_KEY: &str = "2222222222222222222222222222222222222222";

pub struct SystemClock;
impl crm_core::sync::Clock for SystemClock {
    fn now(&self) -> PrimitiveDateTime {
        #[allow(clippy::disallowed_methods, reason = "tests run on real time")]
        let t = OffsetDateTime::now_utc();
        PrimitiveDateTime::new(t.date(), t.time())
    }
}

pub fn now() -> PrimitiveDateTime {
    use crm_core::sync::Clock;
    SystemClock.now()
}

pub async fn sim(version: &str, seed: odoo_sim::Seed) -> odoo_sim::Running {
    odoo_sim::quiet_injected_drops();
    let options = odoo_sim::Options {
        seed,
        version: version.parse().expect("version"),
        api_keys: vec![
            ("admin".into(), ADMIN_KEY.into()),
            ("sales1".into(), SALES1_KEY.into()),
            ("sales2".into(), SALES2_KEY.into()),
        ],
        faults: true,
        ..odoo_sim::Options::default()
    };
    odoo_sim::start(&options, "127.0.0.1:0")
        .await
        .expect("odoo-sim starts")
}

/// Short timeouts and quick retries, so fault tests stay fast.
pub fn fast() -> Options {
    Options {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(10),
            max: Duration::from_millis(50),
        },
        ..Options::default()
    }
}

pub async fn connect(url: &str, login: &str, key: &str) -> Client {
    Client::connect(
        &Credentials {
            url: url.into(),
            database: "demo".into(),
            login: login.into(),
            secret: Secret::new(key),
        },
        fast(),
    )
    .await
    .expect("connects")
}

/// One rep's desk: a cache, a keyring and a connection.
pub struct Desk {
    pub store: Arc<Mutex<Store>>,
    pub account: Account,
    pub client: Client,
    pub secrets: MemorySecrets,
}

impl Desk {
    pub async fn new(url: &str, login: &str, key: &str) -> Desk {
        Self::with_store(url, login, key, Store::open_in_memory().expect("store")).await
    }

    pub async fn with_store(url: &str, login: &str, key: &str, store: Store) -> Desk {
        let store = Arc::new(Mutex::new(store));
        let secrets = MemorySecrets::default();
        let account = account::add(
            &store,
            &secrets,
            AccountInput {
                url: url.into(),
                database: "demo".into(),
                login: login.into(),
                secret: Secret::new(key),
            },
            fast(),
            now(),
        )
        .await
        .expect("the account is added");
        let client = account.connect(&secrets, fast()).await.expect("connects");
        Desk {
            store,
            account,
            client,
            secrets,
        }
    }

    pub fn engine(&self) -> Engine<'_> {
        Engine {
            client: &self.client,
            store: Arc::clone(&self.store),
            account: &self.account,
            clock: &SystemClock,
        }
    }

    pub async fn try_sync(&self, reconcile: bool) -> Result<Report, crm_core::sync::Error> {
        self.engine()
            .sync(
                SyncOptions {
                    reconcile,
                    notify: None,
                },
                &|_| {},
            )
            .await
    }

    pub async fn sync(&self) -> Report {
        self.try_sync(true).await.expect("sync succeeds")
    }

    pub fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().expect("store lock")
    }

    /// The cached leads, by id.
    pub fn leads(&self) -> Vec<Lead> {
        let mut leads = self
            .store()
            .leads(self.account.id, &LeadQuery::default())
            .expect("leads");
        leads.sort_by_key(|l| l.id);
        leads
    }

    pub fn lead(&self, id: i64) -> Lead {
        self.store()
            .lead(self.account.id, id)
            .expect("read")
            .unwrap_or_else(|| panic!("lead {id} is cached"))
    }
}

/// Every lead `client`'s user may see, archived ones included, by id.
pub async fn server_leads(client: &Client) -> Vec<Lead> {
    client
        .leads(
            &Domain::All,
            &Page {
                order: Some("id".into()),
                ..Page::default()
            },
            &Context::sync(),
        )
        .await
        .expect("server leads")
}

/// Asserts the desk's cache equals what its user sees on the server, field by field.
pub async fn assert_mirrors(desk: &Desk, why: &str) {
    let server = server_leads(&desk.client).await;
    let local = desk.leads();
    let server_ids: Vec<i64> = server.iter().map(|l| l.id).collect();
    let local_ids: Vec<i64> = local.iter().map(|l| l.id).collect();
    assert_eq!(
        local_ids, server_ids,
        "{why}: the cache holds exactly the leads the rep may see"
    );
    for (l, s) in local.iter().zip(&server) {
        assert_eq!(l, s, "{why}: lead {} differs from Odoo's", s.id);
    }
}
