//! The real app window, driven through WebDriver.

use crate::support::TestData;
use crate::support::window::DesktopApp;
use std::fs;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn about_panel_shows_what_rust_reports() {
    let data = TestData::new();
    // The headless face of the same binary tells what the window must show.
    let info = data.info();
    let Some(app) = DesktopApp::launch(&data, &[]).await else {
        return;
    };

    app.wait_for("nav[data-testid=main-nav]").await;
    app.click("a[href='/about']").await;

    let data_dir = app.text_of("[data-testid=about-data-dir]").await;
    assert_eq!(
        Some(data_dir.as_str()),
        info["dataDir"].as_str(),
        "About shows Rust's data folder"
    );
    let schema = app.text_of("[data-testid=about-schema]").await;
    assert_eq!(
        schema,
        info["schemaVersion"].to_string(),
        "About shows the database schema version"
    );
    let version = app.text_of("[data-testid=about-version]").await;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));

    let shot = app.screenshot("about").await;
    eprintln!("screenshot: {}", shot.display());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shell_offers_every_screen() {
    let data = TestData::new();
    let Some(app) = DesktopApp::launch(&data, &[]).await else {
        return;
    };
    for (href, heading) in [
        ("/pipeline", "Pipeline"),
        ("/notifications", "Notifications"),
        ("/stats", "Stats"),
        ("/settings", "Settings"),
    ] {
        app.click(&format!("a[href='{href}']")).await;
        let title = app.wait_for_text("main h1", |t| t == heading).await;
        assert_eq!(
            title, heading,
            "the {href} screen opens from the navigation"
        );
    }
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_database_is_explained_in_the_window() {
    let data = TestData::new();
    fs::create_dir_all(data.data_dir()).expect("data dir");
    fs::write(data.database(), b"garbage".repeat(100)).expect("corrupt db");
    let Some(app) = DesktopApp::launch(&data, &[]).await else {
        return;
    };

    let notice = app.text_of("[data-testid=database-notice]").await;
    assert!(
        notice.contains(&format!("{}.corrupt-", data.database().display())),
        "the user is told where the old file went: {notice}"
    );
    app.screenshot("corrupt-database").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arabic_lays_the_window_out_right_to_left() {
    let data = TestData::new();
    let Some(app) = DesktopApp::launch(&data, &[("CRM_DESK_UI__LANGUAGE", "ar")]).await else {
        return;
    };
    app.wait_for("nav[data-testid=main-nav]").await;
    let dir = app.js("return document.documentElement.dir").await;
    assert_eq!(dir, "rtl", "Arabic is read right to left");
    // With no account yet, the first screen is the welcome screen.
    let title = app
        .wait_for_text("main h1", |t| t == "مرحبًا بك في CRM Desk")
        .await;
    assert_eq!(
        title, "مرحبًا بك في CRM Desk",
        "the first screen speaks Arabic"
    );
    app.screenshot("arabic").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_saved_in_the_window_reach_the_file() {
    let data = TestData::new();
    let Some(app) = DesktopApp::launch(&data, &[]).await else {
        return;
    };
    app.click("a[href='/settings']").await;
    app.click("input[name=theme][value=dark]").await;
    app.click("button[data-testid=save-settings]").await;
    app.wait_for_text("[data-testid=save-status]", |t| t == "Saved")
        .await;
    let file = fs::read_to_string(data.data_dir().join("settings.toml")).expect("settings file");
    assert!(
        file.contains("theme = \"dark\""),
        "the choice is saved to settings.toml:\n{file}"
    );
    assert!(
        file.contains("# Colour theme"),
        "the file keeps its documentation:\n{file}"
    );
    let theme = app
        .js("return document.documentElement.dataset.theme")
        .await;
    assert_eq!(theme, "dark", "the window applies the theme at once");
    let background = app
        .js("return getComputedStyle(document.body).backgroundColor")
        .await;
    assert_eq!(
        background, "rgb(17, 22, 28)",
        "and the page is actually dark"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_hands_over_to_the_running_window_and_exits() {
    let data = TestData::new();
    // Single instance applies to the platform's data folder (here under this test's
    // XDG_DATA_HOME), so CRM_DESK_DATA_DIR is unset for both launches.
    let platform = [("CRM_DESK_DATA_DIR", "")];
    let Some(app) = DesktopApp::launch(&data, &platform).await else {
        return;
    };
    app.wait_for("nav[data-testid=main-nav]").await;

    let mut second = data
        .command(&[])
        .env_remove("CRM_DESK_DATA_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("a second crm-desk starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!(
                "a second launch must hand over and exit, not open a second app on the same data"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        status.success(),
        "the second launch exits cleanly: {status}"
    );

    let (_, xdg_data) = data
        .env()
        .into_iter()
        .find(|(k, _)| k == "XDG_DATA_HOME")
        .expect("XDG_DATA_HOME");
    let logs = xdg_data.join("io.crmdesk.desk").join("logs");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| fs::read_to_string(e.path()).ok())
            .collect::<String>();
        if text.contains("launched again: showing this window") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the running app is told of the second launch and brings its window forward; its log:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let visible = app.js("return document.visibilityState").await;
    assert_eq!(
        visible, "visible",
        "the first window is still shown and answering"
    );
}
