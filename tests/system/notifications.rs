//! Desktop notifications for new WhatsApp leads and messages, end to end: odoo-sim gets a
//! lead (or crm-bridge's note of a customer's message), the app (syncing every 5 s) announces
//! it through the session's real notification server (dunst on the private D-Bus of
//! scripts/desktop-session.sh), and `dbus-monitor` sees exactly what the server was asked to
//! show.

use crate::support::sim::{ADMIN_KEY, Connected, add_account, admin, connected, id_of, text};
use crate::support::window::DesktopApp;
use crm_core::odoo::Context;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `Notify` calls on the session bus, as `dbus-monitor` prints them.
struct Monitor {
    child: Child,
    log: PathBuf,
}

/// One `Notify` call: (app name, summary, body, action keys).
type Notify = (String, String, String, Vec<String>);

impl Monitor {
    fn start(dir: &std::path::Path) -> Monitor {
        let log = dir.join("dbus-monitor.log");
        let out = std::fs::File::create(&log).expect("monitor log");
        let child = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (package dbus) runs");
        std::thread::sleep(Duration::from_millis(300));
        Monitor { child, log }
    }

    /// Every Notify call so far from CRM Desk.
    fn calls(&self) -> Vec<Notify> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let unquote = |line: &str| {
            line.trim()
                .strip_prefix("string \"")
                .and_then(|s| s.strip_suffix('"'))
                .map(str::to_owned)
        };
        let mut calls = Vec::new();
        for block in text.split("method call ").skip(1) {
            let lines: Vec<&str> = block.lines().skip(1).collect();
            let strings: Vec<String> = lines.iter().filter_map(|l| unquote(l)).collect();
            // app_name, app_icon, summary, body, then the action keys and labels.
            if strings.len() >= 4 && strings[0] == "CRM Desk" {
                let actions = strings[4..].iter().step_by(2).cloned().collect();
                calls.push((
                    strings[0].clone(),
                    strings[2].clone(),
                    strings[3].clone(),
                    actions,
                ));
            }
        }
        calls
    }

    async fn wait_for(&self, what: &str, ok: impl Fn(&[Notify]) -> bool) -> Vec<Notify> {
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let calls = self.calls();
            if ok(&calls) {
                return calls;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting until {what}; the server received: {calls:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What crm-bridge creates for a WhatsApp message: source WhatsApp, the contact, the
/// message in the notes; assigned to sales1.
fn whatsapp_lead(contact: &str, message: &str, source: i64, sales1: i64) -> Map<String, Value> {
    let Value::Object(values) = json!({
        "name": format!("WhatsApp: {}", message.lines().next().unwrap_or_default()),
        "contact_name": contact,
        "phone": "+971501234567",
        "description": format!("<p>{message}</p>"),
        "source_id": source,
        "user_id": sales1,
        "type": "opportunity",
    }) else {
        unreachable!()
    };
    values
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_whatsapp_lead_is_announced_once_and_opens_in_the_window() {
    // The first sync is done: history, never announced.
    let Some(Connected { sim, data }) = tokio::task::block_in_place(connected) else {
        return;
    };
    let odoo = admin(&sim.url()).await;
    let source = id_of(&odoo, "utm.source", "name", "WhatsApp").await;
    let sales1 = id_of(&odoo, "res.users", "login", "sales1").await;
    let folder = tempfile::tempdir().expect("temp");
    let monitor = Monitor::start(folder.path());
    let fast = [("CRM_DESK_SYNC__INTERVAL_SECS", "5")];
    let Some(app) = DesktopApp::launch(&data, &fast).await else {
        return;
    };
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(
        monitor.calls().is_empty(),
        "history is not news: {:?}",
        monitor.calls()
    );

    let lead = odoo
        .create(
            "crm.lead",
            whatsapp_lead(
                "Layla Haddad",
                "Hello, I need a quote\nfor 10 units",
                source,
                sales1,
            ),
            &Context::default(),
        )
        .await
        .expect("a WhatsApp lead in Odoo");
    let calls = monitor
        .wait_for("the new lead is announced", |calls| !calls.is_empty())
        .await;
    let (_, summary, body, actions) = &calls[0];
    assert_eq!(summary, "Layla Haddad", "the title is the contact");
    assert_eq!(
        body, "Hello, I need a quote",
        "the body is the message's first line"
    );
    assert!(
        actions.contains(&"default".to_owned()) && actions.contains(&"whatsapp".to_owned()),
        "clicking opens the lead; WhatsApp is offered too: {actions:?}"
    );
    let badge = app
        .wait_for_text("[data-testid=unread-badge]", |t| t == "1")
        .await;
    assert_eq!(badge, "1", "the centre counts it unread");

    // The default action (what a click does) brings the window to that lead.
    let status = Command::new("dunstctl")
        .args(["action", "0"])
        .status()
        .expect("dunstctl");
    assert!(status.success(), "dunst invokes the default action");
    let name = app
        .wait_for("[data-testid=lead-panel] [data-testid=lead-name]")
        .await;
    assert_eq!(
        name.prop("value").await.ok().flatten().as_deref(),
        Some("WhatsApp: Hello, I need a quote"),
        "the window shows the announced lead ({lead})"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while app
        .js("return document.querySelector('[data-testid=unread-badge]') !== null")
        .await
        == true
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let badge_gone = app
        .js("return document.querySelector('[data-testid=unread-badge]') === null")
        .await;
    assert_eq!(badge_gone, true, "opening it marks it read");

    // Five at once: one summary, not five notifications.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let before = monitor.calls().len();
    let five: Vec<Value> = (1..=5)
        .map(|i| {
            Value::Object(whatsapp_lead(
                &format!("Customer {i}"),
                "Hi",
                source,
                sales1,
            ))
        })
        .collect();
    let mut kw = Map::new();
    kw.insert("vals_list".into(), Value::Array(five));
    odoo.call("crm.lead", "create", &[], kw, &Context::default())
        .await
        .expect("five leads in one call");
    let calls = monitor
        .wait_for("the five are announced", |calls| calls.len() > before)
        .await;
    tokio::time::sleep(Duration::from_secs(7)).await;
    let calls_after = monitor.calls();
    assert_eq!(
        calls_after.len(),
        before + 1,
        "one notification for five leads: {:?}",
        &calls_after[before..]
    );
    assert_eq!(calls[before].1, "5 new WhatsApp leads");

    // Layla writes again: crm-bridge logs it on her lead's chatter, the rep hears of it.
    let before = monitor.calls().len();
    let note = "WhatsApp text from Layla Haddad (+971501234567) at 2026-11-27 09:00:00 UTC\n\
                Can you deliver by Sunday?\nWhatsApp message id: wamid.E2E1";
    odoo.post_keyed_note(lead, note, &crm_core::odoo::chatter_key("wamid.E2E1"))
        .await
        .expect("crm-bridge's note in Odoo");
    let calls = monitor
        .wait_for("the new message is announced", |calls| calls.len() > before)
        .await;
    let (_, summary, body, actions) = &calls[before];
    assert_eq!(summary, "Layla Haddad", "titled with the customer");
    assert_eq!(
        body, "Can you deliver by Sunday?",
        "the body is what the customer wrote, not the bridge's header"
    );
    assert!(
        actions.contains(&"default".to_owned()),
        "clicking opens her lead: {actions:?}"
    );

    // A restart announces nothing again.
    app.close().await;
    let count = monitor.calls().len();
    let Some(app) = DesktopApp::launch(&data, &fast).await else {
        return;
    };
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert_eq!(
        monitor.calls().len(),
        count,
        "nothing is re-announced after a restart: {:?}",
        &monitor.calls()[count..]
    );
    // The centre kept all three (the lead, the summary, the message), one read.
    app.click("a[href='/notifications']").await;
    app.wait_for("[data-testid=notification]").await;
    let items = app
        .js("return [...document.querySelectorAll('[data-testid=notification]')].map(n => [n.dataset.read, n.textContent])")
        .await;
    let items = items.as_array().cloned().unwrap_or_default();
    assert_eq!(
        items.len(),
        3,
        "the lead, the summary and the message: {items:?}"
    );
    assert!(
        items[0][1]
            .as_str()
            .is_some_and(|t| t.contains("New WhatsApp message from Layla Haddad")
                && t.contains("Can you deliver by Sunday?")),
        "newest first, worded for the rep: {items:?}"
    );
    app.screenshot("notification-centre").await;
    app.click("[data-testid=mark-all-read]").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let unread = app
        .js("return document.querySelectorAll('[data-testid=notification][data-read=false]').length")
        .await;
    assert_eq!(unread, 0, "mark all read");
    app.close().await;

    // Another account is another Odoo user with its own centre.
    let (first, second) = tokio::task::block_in_place(|| {
        let first =
            crate::support::sim::json_of(&data.run(&["account", "list", "--json"]))[0]["id"]
                .as_i64()
                .expect("the first account");
        let added = add_account(&data, &sim.url(), "admin", ADMIN_KEY);
        assert!(added.status.success(), "account add: {}", text(&added));
        let second = crate::support::sim::json_of(&added)["id"]
            .as_i64()
            .expect("the second account");
        data.run(&["account", "use", &second.to_string()]);
        data.run(&["sync", "--once"]);
        (first, second)
    });
    let Some(app) = DesktopApp::launch(&data, &fast).await else {
        return;
    };
    app.click("a[href='/notifications']").await;
    app.wait_for("main h1").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let shown = app
        .js("return document.querySelectorAll('[data-testid=notification]').length")
        .await;
    assert_eq!(
        shown, 0,
        "admin (account {second}) does not see sales1's notifications"
    );
    app.close().await;
    tokio::task::block_in_place(|| data.run(&["account", "use", &first.to_string()]));
    let Some(app) = DesktopApp::launch(&data, &fast).await else {
        return;
    };
    app.click("a[href='/notifications']").await;
    app.wait_for("[data-testid=notification]").await;
    let shown = app
        .js("return document.querySelectorAll('[data-testid=notification]').length")
        .await;
    assert_eq!(
        shown, 3,
        "back on sales1's account, its centre is as it was"
    );
    app.close().await;
    tokio::task::block_in_place(|| drop(sim));
}
