//! API keys through the OS keyring (Secret Service), as the app stores them. Runs only inside
//! `scripts/desktop-session.sh` (which `make test` uses): its gnome-keyring is private and
//! unlocked with a test password, so a developer's own keyring is never touched.

use crm_core::secret::Secret;
use crm_core::secrets::SecretStore;
use crm_desk_lib::os_keyring::OsKeyring;

pub fn private_keyring() -> bool {
    if std::env::var("CRM_DESK_IN_SESSION").is_ok_and(|v| v == "1") {
        return true;
    }
    let required = std::env::var("CRM_DESK_E2E").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "keyring tests are required here but not running in the private desktop session"
    );
    eprintln!(
        "skipped: keyring tests run only in scripts/desktop-session.sh (never in your own keyring)"
    );
    false
}

fn unique_service() -> String {
    let nanos = std::time::SystemTime::UNIX_EPOCH
        .elapsed()
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("io.crmdesk.desk.test-{}-{nanos}", std::process::id())
}

#[test]
fn api_keys_round_trip_through_the_os_keyring() {
    if !private_keyring() {
        return;
    }
    let service = unique_service();
    let store = OsKeyring::new(&service);
    assert!(
        store.get("account-1").expect("get").is_none(),
        "nothing before the first save"
    );
    store
        .set("account-1", &Secret::new("first-key"))
        .expect("the unlocked keyring accepts a key");
    store
        .set("account-1", &Secret::new("rotated-key"))
        .expect("replacing a key");
    let read = store.get("account-1").expect("get").expect("saved");
    assert_eq!(read.expose(), "rotated-key", "the latest key wins");
    // The real Secret Service holds it (keyring 3 without platform features would silently
    // use an in-memory mock): ask it with libsecret's own tool.
    let lookup = std::process::Command::new("secret-tool")
        .args(["lookup", "service", &service, "username", "account-1"])
        .output()
        .expect("secret-tool runs (libsecret-tools)");
    assert_eq!(
        String::from_utf8_lossy(&lookup.stdout),
        "rotated-key",
        "the key is in the session's Secret Service: {}",
        String::from_utf8_lossy(&lookup.stderr)
    );
    assert!(
        OsKeyring::new(format!("{service}.dev"))
            .get("account-1")
            .expect("get")
            .is_none(),
        "another identifier (a dev build) does not see the key"
    );
    store.delete("account-1").expect("delete");
    store
        .delete("account-1")
        .expect("deleting a missing key is fine");
    assert!(
        store.get("account-1").expect("get").is_none(),
        "removed from the keyring"
    );
}

/// With no Secret Service on the bus, saving a key is a clear "no usable keyring" error, never
/// a silent fallback. Runs the probe below in a child process whose session bus points
/// nowhere (the bus address is read at connect time, so it needs its own process).
#[test]
fn no_secret_service_is_a_clear_error() {
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "keyring::probe_without_secret_service",
            "--ignored",
            "--nocapture",
        ])
        .env("CRM_DESK_KEYRING_PROBE", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/crm-desk-no-bus",
        )
        .output()
        .expect("the test binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.contains("PROBE-OK"),
        "probe failed:\n{text}"
    );
}

#[test]
#[ignore = "run by no_secret_service_is_a_clear_error in a child process"]
fn probe_without_secret_service() {
    if std::env::var_os("CRM_DESK_KEYRING_PROBE").is_none() {
        return;
    }
    let err = OsKeyring::new(unique_service())
        .set("account-1", &Secret::new("never-stored"))
        .expect_err("there is no keyring to store into");
    assert!(
        matches!(err, crm_core::secrets::SecretError::Unavailable(_)),
        "a missing Secret Service is 'unavailable', with advice: {err:?}"
    );
    assert!(
        err.to_string().contains("unlock your desktop's keyring"),
        "{err}"
    );
    println!("{err}\nPROBE-OK");
}
