//! Test support: an isolated data folder per test, the `crm-desk` binary, and the window
//! harness.

pub mod sim;
pub mod window;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Polls `check` every 200 ms until it returns `Some`, for up to 30 s (a background sync or
/// push, a D-Bus peer appearing).
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// The binary under test: cargo builds it (with the UI embedded) before the tests run.
pub const BIN: &str = env!("CARGO_BIN_EXE_crm-desk");

/// A private data folder plus private XDG folders, deleted at the end of the test.
pub struct TestData {
    dir: tempfile::TempDir,
}

impl TestData {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("crm-desk-test-")
            .tempdir()
            .expect("temp dir");
        Self { dir }
    }

    /// The folder given to the app as CRM_DESK_DATA_DIR.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn database(&self) -> PathBuf {
        self.data_dir().join("crm-desk.sqlite3")
    }

    /// Environment that keeps the app (and WebKit's caches) inside this test's folder.
    pub fn env(&self) -> Vec<(String, PathBuf)> {
        let root = self.dir.path();
        vec![
            ("CRM_DESK_DATA_DIR".into(), self.data_dir()),
            ("XDG_DATA_HOME".into(), root.join("xdg-data")),
            ("XDG_CACHE_HOME".into(), root.join("xdg-cache")),
            ("XDG_CONFIG_HOME".into(), root.join("xdg-config")),
        ]
    }

    /// `crm-desk <args>` with this test's environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args).env_remove("RUST_LOG");
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        // Settings overrides from the developer's shell must not leak into tests.
        for (k, _) in std::env::vars() {
            if k.starts_with("CRM_DESK_") && k.contains("__") {
                cmd.env_remove(k);
            }
        }
        cmd
    }

    /// Runs `crm-desk <args>` and returns its output, failing with stdout/stderr shown.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self
            .command(args)
            .output()
            .expect("the crm-desk binary runs");
        assert!(
            out.status.success(),
            "`crm-desk {}` failed with {}\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// What `crm-desk info --json` reports for this data folder.
    pub fn info(&self) -> serde_json::Value {
        let out = self.run(&["info", "--json"]);
        serde_json::from_slice(&out.stdout).expect("info --json prints JSON")
    }

    /// The app's log files, concatenated, for failure reports.
    pub fn logs(&self) -> String {
        read_logs(&self.data_dir().join("logs"))
    }
}

fn read_logs(dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return format!("(no log folder at {})", dir.display());
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            format!(
                "--- {}\n{}",
                f.display(),
                std::fs::read_to_string(f).unwrap_or_default()
            )
        })
        .collect()
}
