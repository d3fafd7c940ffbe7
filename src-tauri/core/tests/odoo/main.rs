//! The Odoo connector against odoo-sim (every version it serves, both transports), and
//! against a real Odoo when ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_API_KEY are set.
//! Module index:
//! - `connect`: version and transport detection, authentication and its failures.
//! - `orm`: search/read/create/write/unlink semantics and error kinds.
//! - `crm`: typed leads, stages, won/lost/restore, chatter, per-stage totals, version gates.
//! - `seed`: customer from a WhatsApp contact, lead, stage/status, sales report.
//! - `live`: the same contract against a real server, skipped (and said so) without one.

mod connect;
mod crm;
mod live;
mod orm;
mod seed;

use crm_core::odoo::{Client, Credentials, Options, RetryPolicy};
use crm_core::secret::Secret;
use std::time::Duration;

pub const ADMIN_KEY: &str = "0123456789abcdef0123456789abcdef01234567";
pub const SALES1_KEY: &str = "1111111111111111111111111111111111111111";
pub const VERSIONS: [&str; 4] = ["16.0", "17.0", "18.0", "19.0"];

/// odoo-sim on a free loopback port, with API keys for admin and sales1.
pub async fn sim(version: &str) -> odoo_sim::Running {
    sim_with(version, |_| {}).await
}

pub async fn sim_with(
    version: &str,
    tweak: impl FnOnce(&mut odoo_sim::Options),
) -> odoo_sim::Running {
    let mut options = odoo_sim::Options {
        seed: odoo_sim::Seed::Empty,
        version: version.parse().expect("version"),
        api_keys: vec![
            ("admin".into(), ADMIN_KEY.into()),
            ("sales1".into(), SALES1_KEY.into()),
        ],
        ..odoo_sim::Options::default()
    };
    tweak(&mut options);
    odoo_sim::start(&options, "127.0.0.1:0")
        .await
        .expect("odoo-sim starts")
}

pub fn credentials(url: &str, login: &str, key: &str) -> Credentials {
    Credentials {
        url: url.into(),
        database: "demo".into(),
        login: login.into(),
        secret: Secret::new(key),
    }
}

/// Short timeouts and quick retries, so failure tests stay fast.
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

pub async fn admin(sim: &odoo_sim::Running) -> Client {
    Client::connect(&credentials(&sim.url(), "admin", ADMIN_KEY), fast())
        .await
        .expect("admin connects")
}
