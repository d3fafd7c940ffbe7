//! The Pipeline screen on the real app window (WebDriver), against odoo-sim: what the board
//! shows is what Odoo has, and what the rep does on it reaches Odoo.

use crate::keyring::private_keyring;
use crate::support::TestData;
use crate::support::eventually;
use crate::support::sim::{SALES1_KEY, Sim, add_account, connected, text};
use crate::support::window::DesktopApp;
use crm_core::odoo::{Client, Context, Credentials, Domain, Options, Page};
use crm_core::secret::Secret;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use serde_json::json;
use std::time::Duration;

/// Odoo as sales1 sees it, from the test's own runtime.
async fn odoo(url: &str) -> Client {
    Client::connect(
        &Credentials {
            url: url.into(),
            database: "demo".into(),
            login: "sales1".into(),
            secret: Secret::new(SALES1_KEY),
        },
        Options::default(),
    )
    .await
    .expect("the test connects to odoo-sim")
}

async fn stage_on_server(odoo: &Client, lead: i64) -> Option<i64> {
    let rows = odoo
        .read("crm.lead", &[lead], &["stage_id"], &Context::default())
        .await
        .expect("read the lead");
    rows.first()?.many2one("stage_id").map(|s| s.id)
}

/// The numbers the app's board shows: `(stage id, count shown)` per column, in DOM order.
async fn columns(app: &DesktopApp<'_>) -> Vec<(i64, u64)> {
    let value = app
        .js(
            "return [...document.querySelectorAll('[data-testid=column]')].map(c => [
               Number(c.dataset.stageId),
               Number((c.querySelector('[data-testid=column-count]')?.textContent ?? '0')
                 .replace(/[^0-9]/g, ''))])",
        )
        .await;
    serde_json::from_value(value).expect("columns as pairs")
}

/// Drags one element onto another with real pointer input (press, move, release).
async fn drag(app: &DesktopApp<'_>, from: &str, to: &str) {
    let source = app.wait_for(from).await;
    let target = app.wait_for(to).await;
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: source,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(100)),
            x: 12.0,
            y: 12.0,
        })
        .then(PointerAction::MoveToElement {
            element: target,
            duration: Some(Duration::from_millis(250)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    app.client
        .perform_actions(mouse)
        .await
        .expect("WebDriver performs the drag");
}

async fn search(app: &DesktopApp<'_>, typed: &str) {
    let field = app.wait_for("[data-testid=search]").await;
    field.clear().await.expect("clear the search");
    if !typed.is_empty() {
        field.send_keys(typed).await.expect("type the search");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_board_is_odoo_and_a_drag_moves_the_lead_in_odoo() {
    let Some(setup) = tokio::task::block_in_place(connected) else {
        return;
    };
    let odoo = odoo(&setup.sim.url()).await;
    let Some(app) = DesktopApp::launch(&setup.data, &[]).await else {
        return;
    };
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;

    // Every column counts what Odoo has in that stage for this rep (open and won leads).
    let shown = columns(&app).await;
    assert!(shown.len() >= 3, "a column per stage: {shown:?}");
    for (stage, count) in &shown {
        let on_server = odoo
            .search_count(
                "crm.lead",
                &Domain::field("stage_id").eq(*stage),
                &Context::default(),
            )
            .await
            .expect("count on the server");
        assert_eq!(
            *count, on_server,
            "column of stage {stage} counts the active leads Odoo has there"
        );
    }
    // Every line of every card shows whole: tags, stars and the salesperson's initials are
    // not cut off by the card's fixed height (the virtualized column needs it fixed).
    let clipped = app
        .js(
            "return [...document.querySelectorAll('[data-testid=lead-card]')].flatMap(card =>
               [card, ...card.children]
                 .filter(el => el.scrollHeight > el.clientHeight + 1)
                 .map(el => `lead ${card.dataset.leadId}: ${el.className} ${el.scrollHeight} > ${el.clientHeight}`));",
        )
        .await;
    assert_eq!(
        clipped,
        json!([]),
        "card content cut off by the card's height"
    );
    // The column headers' rows and the search field have fixed heights (they are contained,
    // so a change there does not re-lay out the board): their content must fit them.
    let overflowing = app
        .js(
            "return [...document.querySelectorAll('[data-testid=column] header > *'),
                     document.querySelector('[data-testid=search]').closest('label')]
                 .filter(el => el.scrollHeight > el.clientHeight + 1)
                 .map(el => `${el.className}: ${el.scrollHeight} > ${el.clientHeight}`);",
        )
        .await;
    assert_eq!(
        overflowing,
        json!([]),
        "a column header row or the search field is too small for its content"
    );
    app.screenshot("pipeline-en-light").await;

    // Drag the first card of the first column onto the second column.
    let (from_stage, to_stage) = (shown[0].0, shown[1].0);
    let card = app
        .wait_for(&format!(
            "[data-testid=column][data-stage-id='{from_stage}'] [data-testid=lead-card]"
        ))
        .await;
    let lead: i64 = card
        .attr("data-lead-id")
        .await
        .ok()
        .flatten()
        .and_then(|id| id.parse().ok())
        .expect("the card names its lead");
    drag(
        &app,
        &format!("[data-lead-id='{lead}']"),
        &format!("[data-testid=column][data-stage-id='{to_stage}'] header"),
    )
    .await;
    app.wait_for(&format!(
        "[data-testid=column][data-stage-id='{to_stage}'] [data-lead-id='{lead}']"
    ))
    .await;
    eventually("the dragged lead's new stage is in Odoo", || async {
        (stage_on_server(&odoo, lead).await == Some(to_stage)).then_some(())
    })
    .await;

    // Search finds a lead by a phone number typed another way, and by an Arabic name.
    let with_phone = odoo
        .search_read(
            "crm.lead",
            &Domain::field("phone").ilike("+966 "),
            &["phone", "contact_name"],
            &Page::default(),
            &Context::default(),
        )
        .await
        .expect("a lead with a spaced Saudi number");
    let target = with_phone.first().expect("the demo seed has Saudi numbers");
    let digits: String = target
        .text("phone")
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    search(&app, &format!("00{digits}")).await;
    app.wait_for(&format!("[data-lead-id='{}']", target.id()))
        .await;

    let arabic = odoo
        .search_read(
            "crm.lead",
            &Domain::field("contact_name").ilike("محمد"),
            &["contact_name"],
            &Page::default(),
            &Context::default(),
        )
        .await
        .expect("a lead with an Arabic contact");
    let target = arabic.first().expect("the demo seed has Arabic names");
    search(&app, "محمد").await;
    app.wait_for(&format!("[data-lead-id='{}']", target.id()))
        .await;
    let shown = app
        .js("return [...document.querySelectorAll('[data-testid=lead-card]')].map(c => c.textContent)")
        .await;
    assert!(
        shown.as_array().is_some_and(|cards| cards
            .iter()
            .all(|c| c.as_str().is_some_and(|t| t.contains("محمد")))),
        "only leads with that name are shown: {shown}"
    );
    search(&app, "").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arabic_mirrors_the_board_and_both_themes_are_captured() {
    let Some(setup) = tokio::task::block_in_place(connected) else {
        return;
    };
    let Some(app) = DesktopApp::launch(&setup.data, &[]).await else {
        return;
    };
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;
    app.js("document.documentElement.dataset.theme = 'dark'")
        .await;
    app.screenshot("pipeline-en-dark").await;

    // Switch the language in Settings, as a rep would.
    app.click("a[href='/settings']").await;
    app.wait_for("select[name=language]").await;
    app.js(
        "const s = document.querySelector('select[name=language]'); s.value = 'ar';
         s.dispatchEvent(new Event('change', { bubbles: true }));",
    )
    .await;
    app.click("button[data-testid=save-settings]").await;
    app.wait_for_text("[data-testid=save-status]", |t| !t.is_empty())
        .await;
    app.click("a[href='/pipeline']").await;
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;
    let dir = app.js("return document.documentElement.dir").await;
    assert_eq!(dir, "rtl", "Arabic is laid out right to left");
    app.js("document.documentElement.dataset.theme = 'dark'")
        .await;
    let edges = app
        .js(
            "const c = [...document.querySelectorAll('[data-testid=column]')];
             return [c[0].getBoundingClientRect().left, c[c.length - 1].getBoundingClientRect().left]",
        )
        .await;
    let (first, last) = (
        edges[0].as_f64().unwrap_or(0.0),
        edges[1].as_f64().unwrap_or(0.0),
    );
    assert!(
        first > last,
        "the first stage is on the right in Arabic (first at {first}px, last at {last}px)"
    );
    let nav = app
        .js("return document.querySelector('nav').getBoundingClientRect().left")
        .await;
    assert!(
        nav.as_f64().unwrap_or(0.0) > 600.0,
        "the navigation moves to the right: {nav}"
    );
    app.screenshot("pipeline-ar-dark").await;
    app.js("document.documentElement.dataset.theme = 'light'")
        .await;
    app.screenshot("pipeline-ar-light").await;

    // The lead panel opens on the inline end: the left in Arabic.
    app.click("[data-testid=lead-card]").await;
    app.wait_for("[data-testid=lead-panel] [data-testid=lead-name]")
        .await;
    let panel = app
        .js("return document.querySelector('[data-testid=lead-panel]').getBoundingClientRect().left")
        .await;
    assert!(
        panel.as_f64().is_some_and(|x| x < 5.0),
        "the panel opens on the left in Arabic: {panel}"
    );
    app.screenshot("lead-ar-light").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_connects_with_a_real_key_and_sees_the_pipeline() {
    if !private_keyring() {
        return;
    }
    let sim = tokio::task::block_in_place(|| Sim::start(odoo_sim::Seed::Demo));
    let data = TestData::new();
    let Some(app) = DesktopApp::launch(&data, &[]).await else {
        return;
    };
    app.wait_for("[data-testid=welcome]").await;

    // A wrong key first: the rep is told, and nothing is saved.
    let fill = |key: &'static str| {
        let (app, url) = (&app, sim.url());
        async move {
            for (css, value) in [
                ("[data-testid=account-url]", url.as_str()),
                ("[data-testid=account-db]", "demo"),
                ("[data-testid=account-login]", "sales1"),
                ("[data-testid=account-key]", key),
            ] {
                let field = app.wait_for(css).await;
                field.clear().await.expect("clear");
                field.send_keys(value).await.expect("type");
            }
            app.click("[data-testid=account-connect]").await;
        }
    };
    fill("0000000000000000000000000000000000000000").await;
    let error = app.text_of("[data-testid=account-error]").await;
    assert!(
        !error.is_empty() && !error.contains("0000000000"),
        "a refused key is explained, and never echoed: {error}"
    );
    let listed = data.run(&["account", "list", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).trim(),
        "[]",
        "a refused key adds no account"
    );

    fill(SALES1_KEY).await;
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;
    let count = app.text_of("[data-testid=result-count]").await;
    assert!(
        count.ends_with("leads") && !count.starts_with("No"),
        "the first sync fills the board: {count}"
    );
    app.screenshot("onboarded").await;
    app.close().await;
    tokio::task::block_in_place(|| drop(sim));
}

async fn revenue_on_server(odoo: &Client, lead: i64) -> f64 {
    odoo.read(
        "crm.lead",
        &[lead],
        &["expected_revenue"],
        &Context::default(),
    )
    .await
    .expect("read the lead")
    .first()
    .map_or(f64::NAN, |r| r.float("expected_revenue"))
}

/// The id of the first lead `crm-desk leads` lists.
fn first_lead(data: &TestData) -> i64 {
    let leads = crate::support::sim::json_of(&data.run(&["leads", "--json"]));
    leads[0]["id"].as_i64().expect("a cached lead")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_made_while_odoo_is_down_waits_and_reaches_odoo_after_its_restart() {
    if !private_keyring() {
        return;
    }
    let folder = tempfile::tempdir().expect("temp folder");
    let file = folder.path().join("odoo.sqlite3");
    let sim = tokio::task::block_in_place(|| {
        Sim::start_at(odoo_sim::Seed::Demo, Some(file.clone()), "127.0.0.1:0")
    });
    let url = sim.url();
    let address = url.trim_start_matches("http://").to_owned();
    let data = TestData::new();
    let lead = tokio::task::block_in_place(|| {
        let added = add_account(&data, &url, "sales1", SALES1_KEY);
        assert!(added.status.success(), "account add: {}", text(&added));
        data.run(&["sync", "--once"]);
        first_lead(&data)
    });
    let Some(app) = DesktopApp::launch(&data, &[]).await else {
        return;
    };
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;

    tokio::task::block_in_place(|| drop(sim));
    // The lead may be far down its column: search for it, as a rep would.
    let name = tokio::task::block_in_place(|| {
        let leads = crate::support::sim::json_of(&data.run(&["leads", "--json"]));
        leads[0]["name"].as_str().unwrap_or_default().to_owned()
    });
    search(&app, &name).await;
    app.click(&format!("[data-lead-id='{lead}']")).await;
    let revenue = app.wait_for("[data-testid=lead-revenue]").await;
    // Erase what is there with End and Backspace, type, Tab: one change, as a rep makes it.
    // (WebDriver's clear() commits an empty field first, a change of its own.)
    let keys = format!("{}{}4242\t", "\u{E010}", "\u{E003}".repeat(16));
    revenue.send_keys(&keys).await.expect("type a revenue");
    let pending = app
        .wait_for_text("[data-testid=status-pending]", |t| t.starts_with('1'))
        .await;
    assert_eq!(pending, "1 change waiting", "the edit waits, visibly");
    let state = app
        .wait_for_text("[data-testid=status-online]", |t| t.starts_with("Offline"))
        .await;
    assert!(
        state.starts_with("Offline"),
        "the rep sees Odoo is unreachable: {state}"
    );
    app.wait_for(&format!(
        "[data-lead-id='{lead}'] [data-testid=card-pending]"
    ))
    .await;
    app.screenshot("offline-edit").await;

    let sim = tokio::task::block_in_place(|| {
        Sim::start_at(odoo_sim::Seed::Demo, Some(file.clone()), &address)
    });
    app.click("[data-testid=lead-close]").await;
    app.click("[data-testid=sync-now]").await;
    let odoo = odoo(&url).await;
    eventually(
        "the offline edit reaches Odoo after its restart",
        || async { ((revenue_on_server(&odoo, lead).await - 4242.0).abs() < 0.01).then_some(()) },
    )
    .await;
    let gone = app
        .js("return document.querySelector('[data-testid=status-pending]') === null")
        .await;
    let gone = if gone == true {
        gone
    } else {
        tokio::time::sleep(Duration::from_secs(2)).await;
        app.js("return document.querySelector('[data-testid=status-pending]') === null")
            .await
    };
    assert_eq!(gone, true, "nothing is left waiting once it is in Odoo");
    app.close().await;
    tokio::task::block_in_place(|| drop(sim));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conflict_with_a_server_edit_is_resolved_in_the_dialog() {
    let Some(setup) = tokio::task::block_in_place(connected) else {
        return;
    };
    let odoo = odoo(&setup.sim.url()).await;
    let lead = tokio::task::block_in_place(|| first_lead(&setup.data));
    // The rep changes the revenue here while someone changes it in Odoo; the sync finds
    // the same field changed on both sides.
    let id = lead.to_string();
    tokio::task::block_in_place(|| setup.data.run(&["lead", "edit", &id, "--revenue", "1111"]));
    let mut values = serde_json::Map::new();
    values.insert("expected_revenue".into(), 2222.0.into());
    odoo.write("crm.lead", &[lead], values, &Context::default())
        .await
        .expect("the server-side edit");
    tokio::task::block_in_place(|| setup.data.run(&["sync", "--once"]));

    let Some(app) = DesktopApp::launch(&setup.data, &[]).await else {
        return;
    };
    app.click("[data-testid=status-conflicts]").await;
    let row = app.wait_for("[data-testid=conflict-field]").await;
    let shown = row.text().await.expect("the conflict row");
    assert!(
        shown.contains("1111") && shown.contains("2222"),
        "both values side by side: {shown}"
    );
    app.screenshot("conflict-dialog").await;
    app.click("[data-testid=keep-mine]").await;
    app.click("[data-testid=changes-close]").await;
    app.click("[data-testid=sync-now]").await;
    eventually("keeping mine puts the rep's value in Odoo", || async {
        ((revenue_on_server(&odoo, lead).await - 1111.0).abs() < 0.01).then_some(())
    })
    .await;
    app.close().await;
}
