use crate::*;
use crm_core::secrets::SecretStore;
use crm_core::sync::ErrorKind;

fn input(url: &str, db: &str, login: &str, key: &str) -> AccountInput {
    AccountInput {
        url: url.into(),
        database: db.into(),
        login: login.into(),
        secret: Secret::new(key),
    }
}

#[tokio::test]
async fn adding_verifies_against_odoo_and_keeps_the_key_only_in_the_keyring() {
    let sim = sim("19.0", odoo_sim::Seed::Demo).await;
    let store = Arc::new(Mutex::new(Store::open_in_memory().expect("store")));
    let secrets = MemorySecrets::default();
    let add = |i: AccountInput| account::add(&store, &secrets, i, fast(), now());

    let wrong_key = add(input(&sim.url(), "demo", "sales1", "not-the-key")).await;
    assert_eq!(
        wrong_key
            .as_ref()
            .map_err(crm_core::sync::Error::kind)
            .err(),
        Some(ErrorKind::Auth),
        "a wrong key is an auth error: {wrong_key:?}"
    );
    let unreachable = add(input("http://127.0.0.1:9", "demo", "sales1", SALES1_KEY)).await;
    assert_eq!(
        unreachable
            .as_ref()
            .map_err(crm_core::sync::Error::kind)
            .err(),
        Some(ErrorKind::Offline),
        "an unreachable server says so: {unreachable:?}"
    );
    let no_such_db = add(input(&sim.url(), "nope", "sales1", SALES1_KEY)).await;
    assert!(
        no_such_db
            .as_ref()
            .is_err_and(|e| e.to_string().contains("nope")),
        "a wrong database is named in the error: {no_such_db:?}"
    );
    let bad_url = add(input("ftp://example.com", "demo", "sales1", SALES1_KEY)).await;
    assert!(
        bad_url.is_err_and(|e| e.kind() == ErrorKind::Validation),
        "a non-http address is refused before any request"
    );
    assert!(
        store
            .lock()
            .expect("lock")
            .accounts()
            .expect("list")
            .is_empty(),
        "failed attempts keep nothing"
    );

    let added = add(input(
        &format!("{}/", sim.url()),
        "demo",
        "sales1",
        SALES1_KEY,
    ))
    .await
    .expect("valid credentials are accepted");
    assert_eq!(added.odoo_url, sim.url(), "the address is normalised");
    assert_eq!(added.transport, "json2", "Odoo 19 is reached over JSON-2");
    assert!(added.uid > 0 && !added.user_name.is_empty());
    assert!(added.is_current, "the first account is the current one");
    assert_eq!(
        secrets
            .get(&added.keyring_key())
            .expect("keyring")
            .map(|s| s.expose().to_owned())
            .as_deref(),
        Some(SALES1_KEY),
        "the key is in the keyring"
    );

    let again = add(input(&sim.url(), "demo", "sales1", SALES1_KEY)).await;
    assert!(
        again.is_err_and(|e| e.to_string().contains("already")),
        "the same account cannot be added twice"
    );
}

#[tokio::test]
async fn several_accounts_have_separate_caches_and_removal_takes_key_and_cache() {
    let sim = sim("17.0", odoo_sim::Seed::Demo).await;
    let one = Desk::new(&sim.url(), "sales1", SALES1_KEY).await;
    assert_eq!(
        one.account.transport, "jsonrpc",
        "Odoo 17 is reached over JSON-RPC"
    );
    one.sync().await;
    // A second account in the same database file.
    let second = account::add(
        &one.store,
        &one.secrets,
        AccountInput {
            url: sim.url(),
            database: "demo".into(),
            login: "sales2".into(),
            secret: Secret::new(SALES2_KEY),
        },
        fast(),
        now(),
    )
    .await
    .expect("a second account");
    assert!(
        !second.is_current,
        "adding does not switch the current account"
    );
    let client2 = second.connect(&one.secrets, fast()).await.expect("connect");
    Engine {
        client: &client2,
        store: Arc::clone(&one.store),
        account: &second,
        clock: &SystemClock,
    }
    .sync(
        SyncOptions {
            reconcile: true,
            notify: None,
        },
        &|_| {},
    )
    .await
    .expect("sync the second account");
    let count = |id: i64| one.store().lead_count(id).expect("count");
    let (n1, n2) = (count(one.account.id), count(second.id));
    assert!(n1 > 0 && n2 > 0, "both caches filled: {n1}, {n2}");
    assert_eq!(
        n2 as usize,
        server_leads(&client2).await.len(),
        "the second cache holds sales2's leads, not sales1's"
    );

    one.store().set_current_account(second.id).expect("switch");
    let removed = account::remove(&one.store, &one.secrets, second.id).expect("remove");
    assert!(
        one.secrets
            .get(&removed.keyring_key())
            .expect("keyring")
            .is_none(),
        "removing an account deletes its key"
    );
    assert_eq!(count(second.id), 0, "removing an account deletes its cache");
    assert_eq!(
        count(one.account.id),
        n1,
        "the other account's cache is untouched"
    );
    assert_eq!(
        one.store()
            .current_account()
            .expect("current")
            .map(|a| a.id),
        Some(one.account.id),
        "the remaining account becomes current"
    );
}
