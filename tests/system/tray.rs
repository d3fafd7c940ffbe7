//! The tray icon, end to end over D-Bus: the test plays the desktop panel (a
//! StatusNotifierWatcher on the private session bus, which is what GNOME's, KDE's and most
//! panels' tray hosts are), the app registers its StatusNotifierItem with it
//! (libayatana-appindicator, as on a real Linux desktop), and the test drives the item's menu
//! through com.canonical.dbusmenu exactly as a panel does when the rep clicks it.

use crate::support::eventually;
use crate::support::sim::{Connected, admin, connected, id_of, text};
use crate::support::window::DesktopApp;
use crm_core::odoo::Context;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Structure};

/// The panel's side of the StatusNotifierItem protocol: it records who registers.
struct Watcher {
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) {
        // An item names either its object path (on its own connection) or a bus name.
        let sender = header.sender().map(ToString::to_string).unwrap_or_default();
        let (bus, path) = if service.starts_with('/') {
            (sender, service.to_owned())
        } else {
            (service.to_owned(), "/StatusNotifierItem".to_owned())
        };
        self.items
            .lock()
            .expect("items")
            .push((bus.clone(), path.clone()));
        let _ = Self::status_notifier_item_registered(&emitter, &format!("{bus}{path}")).await;
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .expect("items")
            .iter()
            .map(|(bus, path)| format!("{bus}{path}"))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;
}

/// A dbusmenu item: id, properties, children (each a variant holding another item).
type MenuItem = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The tray menu as a panel reads it: (item id, label), top level.
async fn menu(conn: &zbus::Connection, bus: &str, path: &str) -> Vec<(i32, String)> {
    let layout: (u32, MenuItem) = conn
        .call_method(
            Some(bus),
            path,
            Some("com.canonical.dbusmenu"),
            "GetLayout",
            &(0i32, -1i32, Vec::<String>::new()),
        )
        .await
        .expect("GetLayout")
        .body()
        .deserialize()
        .expect("a dbusmenu layout");
    let (_, (_, _, children)) = layout;
    children
        .into_iter()
        .filter_map(|child| {
            let item = Structure::try_from(child).ok()?;
            let fields = item.into_fields();
            let id = i32::try_from(fields.first()?).ok()?;
            let props =
                HashMap::<String, OwnedValue>::try_from(fields.get(1)?.try_clone().ok()?).ok()?;
            let label = props
                .get("label")
                .and_then(|l| String::try_from(l.try_clone().ok()?).ok())?;
            Some((id, label))
        })
        .collect()
}

/// Clicks a menu item the way a panel does.
async fn click(conn: &zbus::Connection, bus: &str, path: &str, id: i32) {
    send_click(conn, bus, path, id)
        .await
        .expect("the menu takes the click");
}

async fn send_click(
    conn: &zbus::Connection,
    bus: &str,
    path: &str,
    id: i32,
) -> zbus::Result<zbus::message::Message> {
    conn.call_method(
        Some(bus),
        path,
        Some("com.canonical.dbusmenu"),
        "Event",
        &(id, "clicked", zbus::zvariant::Value::from(0i32), 0u32),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_syncs_pauses_and_quits() {
    let Some(Connected { sim, data }) = tokio::task::block_in_place(connected) else {
        return;
    };
    let items = Arc::new(Mutex::new(Vec::new()));
    let panel = zbus::connection::Builder::session()
        .expect("the private session bus")
        .name("org.kde.StatusNotifierWatcher")
        .expect("watcher name")
        .serve_at(
            "/StatusNotifierWatcher",
            Watcher {
                items: Arc::clone(&items),
            },
        )
        .expect("watcher object")
        .build()
        .await
        .expect("the panel is on the bus");

    // An hour between background syncs: only the tray's "Sync now" brings the new lead.
    let slow = [("CRM_DESK_SYNC__INTERVAL_SECS", "3600")];
    let Some(app) = DesktopApp::launch(&data, &slow).await else {
        return;
    };
    app.wait_for("[data-testid=board] [data-testid=lead-card]")
        .await;
    // Other tests' apps share this session bus and may register with this panel too (an app
    // hidden to its tray outlives its WebDriver session until the session ends): take the
    // item whose process is this test's app.
    let dbus = zbus::fdo::DBusProxy::new(&panel).await.expect("bus proxy");
    let ours = data.data_dir().display().to_string();
    let (bus, path) = eventually(
        "the app registers its tray icon with the panel",
        async || {
            let registered = items.lock().expect("items").clone();
            for (bus, path) in registered {
                let name = zbus::names::BusName::try_from(bus.as_str()).ok()?;
                let Ok(pid) = dbus.get_connection_unix_process_id(name).await else {
                    continue;
                };
                let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
                if String::from_utf8_lossy(&environ).contains(&ours) {
                    return Some((bus, path));
                }
            }
            None
        },
    )
    .await;
    let menu_path: OwnedObjectPath = zbus::Proxy::new(
        &panel,
        bus.as_str(),
        path.as_str(),
        "org.kde.StatusNotifierItem",
    )
    .await
    .expect("item proxy")
    .get_property("Menu")
    .await
    .expect("the item has a menu");
    let menu_path = menu_path.as_str().to_owned();
    let labels: Vec<String> = menu(&panel, &bus, &menu_path)
        .await
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(
        labels,
        ["Open CRM Desk", "Sync now", "Pause notifications", "Quit"],
        "the tray menu a rep sees"
    );
    let item = async |label: &str| {
        menu(&panel, &bus, &menu_path)
            .await
            .into_iter()
            .find(|(_, l)| l == label)
            .unwrap_or_else(|| panic!("no {label} in the tray menu"))
            .0
    };

    // Sync now: a lead created in Odoo reaches the window without waiting for the hour.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let admin = admin(&sim.url()).await;
    let sales1 = id_of(&admin, "res.users", "login", "sales1").await;
    let Value::Object(values) =
        json!({"name": "Tray sync lead", "user_id": sales1, "type": "opportunity"})
    else {
        unreachable!()
    };
    admin
        .create("crm.lead", values, &Context::default())
        .await
        .expect("a lead in Odoo");
    click(&panel, &bus, &menu_path, item("Sync now").await).await;
    eventually("Sync now pulls the lead into the app's cache", async || {
        let out = tokio::task::block_in_place(|| {
            data.run(&["leads", "--search", "Tray sync lead", "--json"])
        });
        text(&out).contains("Tray sync lead").then_some(())
    })
    .await;

    // Pause: the item turns into Resume (that paused notifications stay quiet is a unit
    // test of `desktop`).
    click(&panel, &bus, &menu_path, item("Pause notifications").await).await;
    eventually("the menu offers Resume", async || {
        menu(&panel, &bus, &menu_path)
            .await
            .iter()
            .any(|(_, l)| l == "Resume notifications")
            .then_some(())
    })
    .await;

    // Quit ends the app: its icon leaves the bus.
    // The app may leave the bus before the menu's reply is flushed (a panel ignores it): a
    // NoReply here is the click working, any other error is not.
    match send_click(&panel, &bus, &menu_path, item("Quit").await).await {
        Ok(_) => {}
        Err(zbus::Error::MethodError(name, _, _))
            if name.as_str() == "org.freedesktop.DBus.Error.NoReply" => {}
        Err(e) => panic!("the menu takes the Quit click: {e:?}"),
    }
    eventually("Quit ends the app", async || {
        let name = zbus::names::BusName::try_from(bus.as_str()).ok()?;
        (!dbus.name_has_owner(name).await.ok()?).then_some(())
    })
    .await;
    app.close().await;
    tokio::task::block_in_place(|| drop(sim));
}
