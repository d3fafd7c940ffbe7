//! The real app window under WebDriver: tauri-driver (which speaks WebDriver and starts the
//! app) in front of WebKitWebDriver, on a free loopback port.
//!
//! `DesktopApp::launch` returns `None`, printing why, when this machine cannot show a window
//! (no DISPLAY, no tauri-driver); with `CRM_DESK_E2E=required` (set by `make test`) that is a
//! failure instead. When a test fails while an app is open, the app's log is printed.

use super::TestData;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// One window at a time: two apps on a 2-core machine make timings flaky and screenshots
/// ambiguous.
static ONE_AT_A_TIME: std::sync::LazyLock<Arc<Mutex<()>>> =
    std::sync::LazyLock::new(|| Arc::new(Mutex::new(())));

const WAIT: Duration = Duration::from_secs(20);

pub struct DesktopApp<'a> {
    pub client: Client,
    driver: Child,
    data: &'a TestData,
    _turn: OwnedMutexGuard<()>,
}

fn missing_prerequisite() -> Option<String> {
    if std::env::var_os("DISPLAY").is_none() {
        return Some("no DISPLAY (run under Xvfb: `make test` does)".into());
    }
    for tool in ["tauri-driver", "WebKitWebDriver"] {
        if which(tool).is_none() {
            return Some(format!(
                "`{tool}` is not on PATH (`make setup` installs it)"
            ));
        }
    }
    None
}

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("local addr").port()
}

impl<'a> DesktopApp<'a> {
    /// Starts the app with `data`'s environment plus `extra_env`.
    pub async fn launch(data: &'a TestData, extra_env: &[(&str, &str)]) -> Option<DesktopApp<'a>> {
        if let Some(why) = missing_prerequisite() {
            let required = std::env::var("CRM_DESK_E2E").is_ok_and(|v| v == "required");
            assert!(!required, "window tests are required here, but {why}");
            eprintln!("skipped: window test needs a display and WebDriver: {why}");
            return None;
        }
        let turn = ONE_AT_A_TIME.clone().lock_owned().await;
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .env_remove("RUST_LOG");
        for (k, v) in data.env() {
            cmd.env(k, v);
        }
        // An empty value removes the variable (CRM_DESK_DATA_DIR unset: the platform folder).
        for (k, v) in extra_env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        let mut driver = cmd.spawn().expect("tauri-driver starts");
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let _ = driver.kill();
                panic!("tauri-driver did not listen on port {port} within {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert("tauri:options".into(), json!({ "application": super::BIN }));
        // tauri-driver listens before its WebKitWebDriver does; a session request in that
        // window fails with "did not respond", so retry it for a few seconds.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            let result = ClientBuilder::rustls()
                .expect("rustls client")
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
            match result {
                Ok(client) => break client,
                Err(e) if attempt < 5 => {
                    eprintln!("WebDriver session attempt {attempt} failed, retrying: {e}");
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                Err(e) => {
                    terminate(&mut driver);
                    panic!(
                        "could not open a WebDriver session with the app: {e}\napp log:\n{}",
                        data.logs()
                    );
                }
            }
        };
        Some(DesktopApp {
            client,
            driver,
            data,
            _turn: turn,
        })
    }

    /// Waits for an element and returns its text.
    pub async fn text_of(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        element
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "`{css}` did not appear within {WAIT:?}: {e}\npage:\n{}",
                self.client.source().await.unwrap_or_default()
            ),
        }
    }

    /// Waits until `css`'s text satisfies `ok`, then returns it (the last text seen when it
    /// never does). The element is looked up again on every try: a route change replaces it,
    /// and a stale element is not a failure.
    pub async fn wait_for_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if ok(&text) {
                    return text;
                }
                last = text;
            }
            if Instant::now() > deadline {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Evaluates JavaScript in the window and returns its value.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Saves an X11 grab of the screen to `target/e2e/<name>.png` and returns its path.
    /// (WebKitWebDriver's own screenshots are stale under Xvfb.) Waits for two animation
    /// frames and a short settle first: the DOM is ready before WebKit has painted it.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../e2e");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let path = dir.join(format!("{name}.png"));
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "could not grab the screen with ImageMagick `import` (is imagemagick installed?)"
        );
        path.canonicalize().unwrap_or(path)
    }

    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        terminate(&mut self.driver);
    }
}

/// SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver and the app too.
fn terminate(driver: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

impl Drop for DesktopApp<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("---- app log (the test failed) ----\n{}", self.data.logs());
        }
        terminate(&mut self.driver);
    }
}
