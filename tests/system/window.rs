//! The real app window, driven through WebDriver.

use crate::support::TestData;
use crate::support::window::DesktopApp;
use std::fs;

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
