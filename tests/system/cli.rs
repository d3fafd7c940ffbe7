//! The headless binary, as scripts use it.

use crate::support::TestData;
use std::fs;

#[test]
fn version_flag_prints_the_package_version() {
    let data = TestData::new();
    let out = data.run(&["--version"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim(),
        format!("crm-desk {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn info_json_reports_version_data_dir_and_schema() {
    let data = TestData::new();
    let info = data.info();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        info["dataDir"].as_str(),
        data.data_dir().to_str(),
        "CRM_DESK_DATA_DIR must decide where data lives"
    );
    assert_eq!(info["dataDirSource"], "environment");
    assert!(
        info["schemaVersion"].as_u64().is_some_and(|v| v >= 2),
        "the schema version is that of the migrated database: {info}"
    );
    assert!(
        data.database().exists(),
        "info opens (and creates) the database it reports on"
    );
    assert!(
        data.data_dir().join("settings.toml").exists(),
        "the documented settings file is written on first start"
    );
}

#[test]
fn data_dir_flag_wins_over_the_environment() {
    let data = TestData::new();
    let elsewhere = data.data_dir().with_file_name("elsewhere");
    let out = data.run(&[
        "info",
        "--json",
        "--data-dir",
        elsewhere.to_str().expect("utf-8"),
    ]);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(info["dataDir"].as_str(), elsewhere.to_str());
}

#[test]
fn a_corrupt_database_is_moved_aside_and_reported() {
    let data = TestData::new();
    fs::create_dir_all(data.data_dir()).expect("data dir");
    let precious = b"not sqlite, but maybe recoverable by a support engineer".repeat(50);
    fs::write(data.database(), &precious).expect("corrupt db");

    let out = data.run(&["info", "--json"]);

    let stderr = String::from_utf8_lossy(&out.stderr);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let moved_to = info["databaseNotice"]["movedTo"]
        .as_str()
        .unwrap_or_else(|| panic!("the notice says where the old file went: {info}"));
    assert!(
        fs::read(moved_to).expect("the moved file exists") == precious,
        "the unreadable file is kept byte for byte, never deleted"
    );
    assert!(
        stderr.contains(moved_to),
        "the warning on stderr names the new location: {stderr}"
    );
    assert!(
        info["schemaVersion"].as_u64().is_some_and(|v| v >= 2),
        "a fresh database was started in its place"
    );
    let second = data.info();
    assert!(
        second["databaseNotice"].is_null(),
        "the fresh database opens cleanly next time"
    );
}

#[test]
fn a_broken_settings_file_is_reported_and_defaults_apply() {
    let data = TestData::new();
    fs::create_dir_all(data.data_dir()).expect("data dir");
    fs::write(data.data_dir().join("settings.toml"), "[ui\nlanguage = ").expect("settings");
    let out = data.run(&["info", "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let problem = info["settingsProblem"]
        .as_str()
        .expect("the problem is reported");
    assert!(
        problem.contains("settings.toml"),
        "the message names the file: {problem}"
    );
    assert_eq!(
        fs::read_to_string(data.data_dir().join("settings.toml")).expect("read"),
        "[ui\nlanguage = ",
        "the user's broken file is left for them to fix, not overwritten"
    );
}

#[test]
fn logs_go_to_daily_files_in_the_data_dir() {
    let data = TestData::new();
    data.run(&["info"]);
    let logs = data.logs();
    assert!(
        logs.contains("CRM Desk"),
        "the start is logged to a file: {logs}"
    );
}

#[test]
fn rust_log_sets_what_reaches_stderr() {
    let data = TestData::new();
    let quiet = data.run(&["info"]);
    assert!(
        !String::from_utf8_lossy(&quiet.stderr).contains("started"),
        "headless commands keep stderr to warnings by default, so scripts can parse output"
    );
    let out = data
        .command(&["info"])
        .env("RUST_LOG", "info")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("CRM Desk") && stderr.contains("started"),
        "RUST_LOG=info is obeyed: {stderr}"
    );
}
