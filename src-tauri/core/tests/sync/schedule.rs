use crate::*;
use crm_core::crm::{FieldValue, LeadField};
use crm_core::secrets::SecretStore;
use crm_core::settings::{Settings, SyncSettings};
use crm_core::sync::scheduler::{self, Runner};
use crm_core::sync::{Change, Edit, SyncStatus, Trigger, desk};
use std::time::Instant;

fn sim_options(data: &std::path::Path) -> odoo_sim::Options {
    odoo_sim::Options {
        seed: odoo_sim::Seed::Demo,
        api_keys: vec![("sales1".into(), SALES1_KEY.into())],
        data: Some(data.to_path_buf()),
        ..odoo_sim::Options::default()
    }
}

/// Waits until a published status satisfies `what`; returns how long it took.
async fn until(
    statuses: &Arc<Mutex<Vec<SyncStatus>>>,
    from: usize,
    limit: Duration,
    why: &str,
    what: impl Fn(&SyncStatus) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        if statuses.lock().expect("lock")[from..].iter().any(&what) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{why}: not within {limit:?}; statuses: {:?}",
            &statuses.lock().expect("lock")[from..]
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_scheduler_syncs_on_demand_backs_off_and_resumes_when_odoo_is_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("odoo.sqlite3");
    let sim = odoo_sim::start(&sim_options(&data), "127.0.0.1:0")
        .await
        .expect("sim");
    let addr = sim.addr;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    let secrets = Arc::new(MemorySecrets::default());
    secrets
        .set(&desk.account.keyring_key(), &Secret::new(SALES1_KEY))
        .expect("key");
    let runner = Arc::new(Runner {
        store: Arc::clone(&desk.store),
        secrets,
        clock: Arc::new(SystemClock),
        options: fast(),
        lock_dir: Some(dir.path().to_path_buf()),
    });
    let trigger = Trigger::default();
    let statuses: Arc<Mutex<Vec<SyncStatus>>> = Arc::default();
    let published = Arc::clone(&statuses);
    // An interval long enough that anything sooner was triggered.
    let settings = || Settings {
        sync: SyncSettings {
            interval_secs: 60,
            ..SyncSettings::default()
        },
        ..Settings::default()
    };
    let task = tokio::spawn(scheduler::run(
        Arc::clone(&runner),
        trigger.clone(),
        settings,
        move |s| published.lock().expect("lock").push(s),
        |_, _| {},
    ));

    until(
        &statuses,
        0,
        Duration::from_secs(20),
        "the first sync runs at start",
        |s| !s.in_progress && s.last_success.is_some(),
    )
    .await;
    assert!(
        statuses
            .lock()
            .expect("lock")
            .iter()
            .any(|s| s.in_progress && s.progress.is_some()),
        "progress is published while syncing"
    );

    let lead = desk.my_open_leads_for_schedule();
    let mark = statuses.lock().expect("lock").len();
    desk::edit(
        &mut desk.store(),
        desk.account.id,
        lead,
        Edit::Update {
            changes: vec![Change {
                field: LeadField::Priority,
                value: FieldValue::Stars(3),
            }],
        },
        now(),
    )
    .expect("edit");
    trigger.sync_now();
    let took = until(
        &statuses,
        mark,
        Duration::from_secs(10),
        "sync now pushes the edit",
        |s| !s.in_progress && s.pending == 0 && s.last_error.is_none(),
    )
    .await;
    assert!(
        took < Duration::from_secs(5),
        "on demand means now, not at the next interval: {took:?}"
    );

    // Odoo goes away: two failed attempts put the backoff at 8–12 s.
    drop(sim);
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..2 {
        let mark = statuses.lock().expect("lock").len();
        trigger.sync_now();
        until(
            &statuses,
            mark,
            Duration::from_secs(10),
            "an unreachable Odoo is reported",
            |s| !s.in_progress && s.last_error_kind.as_deref() == Some("offline") && !s.online,
        )
        .await;
    }
    let mark = statuses.lock().expect("lock").len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sim = odoo_sim::start(&sim_options(&data), &addr.to_string())
        .await
        .expect("Odoo is back on the same address");
    let took = until(
        &statuses,
        mark,
        Duration::from_secs(15),
        "the sync resumes when Odoo is back",
        |s| !s.in_progress && s.last_error.is_none() && s.online,
    )
    .await;
    assert!(
        took < Duration::from_secs(7),
        "reconnection is noticed by the probe, sooner than the backoff would allow: {took:?}"
    );
    task.abort();
    drop(sim);
}

#[tokio::test]
async fn only_one_sync_runs_at_a_time_per_account() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let desk = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets = Arc::new(MemorySecrets::default());
    secrets
        .set(&desk.account.keyring_key(), &Secret::new(SALES1_KEY))
        .expect("key");
    let runner = Runner {
        store: Arc::clone(&desk.store),
        secrets,
        clock: Arc::new(SystemClock),
        options: fast(),
        lock_dir: Some(dir.path().to_path_buf()),
    };
    let held = runner
        .lock(desk.account.id, Duration::ZERO)
        .await
        .expect("the first sync takes the lock");
    let sync = || {
        runner.sync(
            &desk.account,
            &desk.client,
            SyncOptions::default(),
            Duration::ZERO,
            &|_| {},
        )
    };
    let second = sync().await;
    assert!(
        second.is_err_and(|e| e.to_string().contains("another CRM Desk is syncing")),
        "a second sync of the same account waits or says why"
    );
    drop(held);
    sync().await.expect("once the first is done, the next runs");
}

impl Desk {
    fn my_open_leads_for_schedule(&self) -> i64 {
        self.leads()
            .iter()
            .find(|l| {
                l.status == crm_core::crm::LeadStatus::Open
                    && l.user.as_ref().is_some_and(|u| u.id == self.account.uid)
            })
            .map(|l| l.id)
            .expect("an open lead of the rep")
    }
}
