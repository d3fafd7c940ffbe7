//! The app on the desktop: native notifications (notify-rust: D-Bus
//! org.freedesktop.Notifications on Linux, the same crate on macOS and Windows), the tray
//! icon, and bringing the window forward on a lead.
//!
//! Must stay true: what a sync announces is always in the notification centre (crm-core
//! stored it before we get here); this module only decides whether the desktop also shows
//! it now (enabled, not paused, not "do not disturb", outside quiet hours).

use crate::ipc::events::{NotificationsChanged, OpenLead};
use crate::state::AppState;
use crm_core::settings::{Language, NotificationSettings};
use crm_core::store::{Account, Notification, NotificationKind};
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// Desktop state the window and the tray share.
#[derive(Default)]
pub struct Desktop {
    /// Notifications paused from the tray (until resumed or restart).
    pub paused: AtomicBool,
    /// The tray icon, when the desktop has a tray.
    tray: std::sync::Mutex<Option<tauri::tray::TrayIcon>>,
}

/// The local time zone offset, read once at start while the process has one thread (the
/// `time` crate refuses to read it later on Linux). A DST change takes effect at restart.
pub static LOCAL_OFFSET: std::sync::OnceLock<time::UtcOffset> = std::sync::OnceLock::new();

/// Whether the desktop may show notifications now.
pub fn may_show(settings: &NotificationSettings, paused: bool, local: (u8, u8)) -> bool {
    settings.enabled && !paused && !settings.do_not_disturb && !settings.quiet_at(local)
}

/// Texts of the notifications the desktop shows, in the window's language. (The window has
/// its own catalog; these few live here because the OS shows them, not the page.)
pub struct Texts {
    arabic: bool,
}

impl Texts {
    pub fn for_language(language: Language) -> Self {
        let arabic = match language {
            Language::Ar => true,
            Language::En => false,
            Language::System => ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
                .is_some_and(|l| l.starts_with("ar")),
        };
        Self { arabic }
    }

    /// Title and body of a notification.
    pub fn of(&self, n: &Notification) -> (String, String) {
        let ar = self.arabic;
        match n.category {
            NotificationKind::NewLead => (n.title.clone(), n.body.clone()),
            NotificationKind::NewLeads => (
                if ar {
                    match n.count {
                        1 => "عميل جديد واحد من واتساب".to_owned(),
                        2 => "عميلان جديدان من واتساب".to_owned(),
                        3..=10 => format!("{} عملاء جدد من واتساب", n.count),
                        _ => format!("{} عميلًا جديدًا من واتساب", n.count),
                    }
                } else if n.count == 1 {
                    "1 new WhatsApp lead".to_owned()
                } else {
                    format!("{} new WhatsApp leads", n.count)
                },
                if ar {
                    "افتح CRM Desk لرؤيتهم"
                } else {
                    "Open CRM Desk to see them"
                }
                .to_owned(),
            ),
            NotificationKind::Assigned => (
                n.title.clone(),
                if ar {
                    "أُسند إليك"
                } else {
                    "Assigned to you"
                }
                .to_owned(),
            ),
            NotificationKind::Conflict => (
                n.title.clone(),
                if ar {
                    "تعارض تعديلك مع تغيير في Odoo: اختر ما يبقى"
                } else {
                    "Your change conflicts with one made in Odoo: choose which to keep"
                }
                .to_owned(),
            ),
            NotificationKind::FailedPush => (
                n.title.clone(),
                format!(
                    "{}{}",
                    if ar {
                        "رفض Odoo تعديلك: "
                    } else {
                        "Odoo refused your change: "
                    },
                    n.body
                ),
            ),
            // "label: N" sidesteps Arabic number agreement in these few OS-side texts.
            NotificationKind::Message if n.count > 1 => (
                n.title.clone(),
                if ar {
                    format!("رسائل جديدة: {} · {}", n.count, n.body)
                } else {
                    format!("{} new messages · {}", n.count, n.body)
                },
            ),
            NotificationKind::Message => (n.title.clone(), n.body.clone()),
            NotificationKind::Messages => (
                if ar {
                    format!("رسائل واتساب جديدة: {}", n.count)
                } else {
                    format!("{} new WhatsApp messages", n.count)
                },
                if ar {
                    "افتح CRM Desk لقراءتها"
                } else {
                    "Open CRM Desk to read them"
                }
                .to_owned(),
            ),
        }
    }

    fn open_in_whatsapp(&self) -> &'static str {
        if self.arabic {
            "فتح في واتساب"
        } else {
            "Open in WhatsApp"
        }
    }

    fn open(&self) -> &'static str {
        if self.arabic { "فتح" } else { "Open" }
    }

    /// The tray menu: Open, Sync now, Pause (or Resume) notifications, Quit.
    fn tray_items(&self, paused: bool) -> [&'static str; 4] {
        match (self.arabic, paused) {
            (true, false) => ["فتح CRM Desk", "زامن الآن", "إيقاف الإشعارات مؤقتًا", "إنهاء"],
            (true, true) => ["فتح CRM Desk", "زامن الآن", "استئناف الإشعارات", "إنهاء"],
            (false, false) => ["Open CRM Desk", "Sync now", "Pause notifications", "Quit"],
            (false, true) => ["Open CRM Desk", "Sync now", "Resume notifications", "Quit"],
        }
    }

    /// The tray's tooltip: unread count, last sync (UTC), paused.
    fn tray_tip(&self, unread: u32, last_sync: Option<&str>, paused: bool) -> String {
        let ar = self.arabic;
        let mut tip = if ar {
            format!("CRM Desk: غير المقروء {unread}")
        } else {
            format!("CRM Desk: {unread} unread")
        };
        if let Some(last) = last_sync {
            tip.push_str(&if ar {
                format!(" · آخر مزامنة {last} UTC")
            } else {
                format!(" · synced {last} UTC")
            });
        }
        if paused {
            tip.push_str(if ar {
                " · الإشعارات متوقفة مؤقتًا"
            } else {
                " · notifications paused"
            });
        }
        tip
    }
}

/// What a sync added to the notification centre: tell the window, and show it on the
/// desktop when allowed.
pub fn announce(app: &AppHandle, account: &Account, items: &[Notification]) {
    let state = app.state::<AppState>();
    notify_window(app);
    let settings = state.settings();
    let paused = app.state::<Desktop>().paused.load(Ordering::Relaxed);
    let offset = LOCAL_OFFSET.get().copied().unwrap_or(time::UtcOffset::UTC);
    #[allow(
        clippy::disallowed_methods,
        reason = "the shell is where the clock is read"
    )]
    let now = time::OffsetDateTime::now_utc().to_offset(offset);
    if !may_show(&settings.notifications, paused, (now.hour(), now.minute())) {
        tracing::info!(
            count = items.len(),
            "notifications kept in the centre only (paused, quiet or off)"
        );
        return;
    }
    let texts = Texts::for_language(settings.ui.language);
    for item in items {
        let phone = item.lead_id.and_then(|id| {
            let lead = state.store().lead(account.id, id).ok().flatten()?;
            lead.phone.or(lead.mobile)
        });
        show(app, item, &texts, phone.as_deref());
    }
}

/// Ties desktop notifications to the installed app, once at start. macOS shows them under
/// the bundle they name (its name and icon in Notification Center); Windows shows toasts only
/// for an AppUserModelID that a Start-menu shortcut carries, which Tauri's installers set to
/// the identifier (see `show`). Linux needs nothing: the desktop entry hint names the app.
/// Not verifiable on this project's Linux machines: build and click a notification on each.
pub fn register_with_os(app: &AppHandle) {
    #[cfg(target_os = "macos")]
    if let Err(e) = notify_rust::set_application(&app.config().identifier) {
        tracing::warn!("notifications may show under another app's name: {e:?}");
    }
    #[cfg(not(target_os = "macos"))]
    let _ = app;
}

/// Tells the window (badge, list) and the tray that the centre changed.
pub fn notify_window(app: &AppHandle) {
    let unread = unread(app);
    if let Err(e) = (NotificationsChanged { unread }).emit(app) {
        tracing::warn!("could not tell the window about notifications: {e}");
    }
    update_tray(app);
}

fn unread(app: &AppHandle) -> u32 {
    let state = app.state::<AppState>();
    let store = state.store();
    match store.current_account() {
        Ok(Some(account)) => store
            .unread_notifications(account.id, account.uid)
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        _ => 0,
    }
}

fn show(app: &AppHandle, item: &Notification, texts: &Texts, phone: Option<&str>) {
    let (title, body) = texts.of(item);
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("CRM Desk")
        .summary(&title)
        .body(&body)
        .icon("crm-desk")
        .urgency(notify_rust::Urgency::Normal)
        .action("default", texts.open());
    let whatsapp = phone.and_then(|p| {
        crate::ipc::contact::contact_url(
            crate::ipc::contact::ContactChannel::Whatsapp,
            Some(p),
            None,
        )
        .ok()
    });
    if whatsapp.is_some() {
        notification.action("whatsapp", texts.open_in_whatsapp());
    }
    #[cfg(target_os = "linux")]
    notification.hint(notify_rust::Hint::DesktopEntry("crm-desk".into()));
    #[cfg(target_os = "windows")]
    notification.app_id(&app.config().identifier);
    let handle = match notification.show() {
        Ok(handle) => handle,
        Err(e) => {
            // No notification server (a bare session): the centre still has it.
            tracing::warn!("could not show a desktop notification: {e}");
            return;
        }
    };
    let app = app.clone();
    let lead = item.lead_id;
    let notification_id = item.id;
    // Waiting for the click blocks until the notification closes: one thread each.
    std::thread::spawn(move || {
        #[cfg(all(unix, not(target_os = "macos")))]
        handle.wait_for_action(|action| match action {
            "default" => {
                mark_read(&app, notification_id);
                open_lead(&app, lead);
            }
            "whatsapp" => {
                if let Some(url) = &whatsapp {
                    use tauri_plugin_opener::OpenerExt;
                    if let Err(e) = app.opener().open_url(url, None::<&str>) {
                        tracing::warn!("could not open WhatsApp: {e}");
                    }
                }
            }
            _ => {}
        });
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        drop((handle, app, lead, notification_id, whatsapp));
    });
}

fn mark_read(app: &AppHandle, id: i64) {
    let state = app.state::<AppState>();
    let now = crm_core::store::format_datetime(state.now());
    {
        let mut store = state.store();
        if let Ok(Some(account)) = store.current_account()
            && let Err(e) = store.mark_notifications_read(account.id, account.uid, Some(id), &now)
        {
            tracing::warn!("could not mark a notification read: {e}");
        }
    }
    notify_window(app);
}

/// Brings the window forward on a lead (or on the notification centre, for a summary).
pub fn open_lead(app: &AppHandle, lead: Option<i64>) {
    show_window(app);
    if let Err(e) = (OpenLead { lead_id: lead }).emit(app) {
        tracing::warn!("could not ask the window to open a lead: {e}");
    }
}

/// Shows, restores and focuses the main window.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// The tray icon: Open, Sync now, Pause/Resume notifications, Quit; the tooltip says how
/// many notifications are unread and when the last sync was.
pub fn tray(app: &AppHandle) -> tauri::Result<()> {
    use tauri::menu::{Menu, MenuItem};
    use tauri::tray::TrayIconBuilder;
    let texts = Texts::for_language(app.state::<AppState>().settings().ui.language);
    let [open, sync, pause, quit] = texts.tray_items(false);
    let open = MenuItem::with_id(app, "open", open, true, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", sync, true, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause", pause, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &sync, &pause, &quit])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .menu(&menu)
        .tooltip("CRM Desk")
        .on_menu_event(move |app, event| match event.id.as_ref() {
            "open" => show_window(app),
            "sync" => app.state::<AppState>().trigger.sync_now(),
            "pause" => {
                let desktop = app.state::<Desktop>();
                let paused = !desktop.paused.load(Ordering::Relaxed);
                desktop.paused.store(paused, Ordering::Relaxed);
                let _ = pause.set_text(texts.tray_items(paused)[2]);
                update_tray(app);
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let tray = builder.build(app)?;
    *app.state::<Desktop>()
        .tray
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tray);
    update_tray(app);
    Ok(())
}

/// Whether a tray icon exists (closing the window then hides it instead of quitting).
pub fn has_tray(app: &AppHandle) -> bool {
    app.state::<Desktop>()
        .tray
        .lock()
        .map(|t| t.is_some())
        .unwrap_or(false)
}

fn update_tray(app: &AppHandle) {
    let desktop = app.state::<Desktop>();
    let guard = desktop
        .tray
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(tray) = guard.as_ref() else {
        return;
    };
    let state = app.state::<AppState>();
    let texts = Texts::for_language(state.settings().ui.language);
    let unread = unread(app);
    let tip = texts.tray_tip(
        unread,
        state.last_status().last_success.as_deref(),
        desktop.paused.load(Ordering::Relaxed),
    );
    let _ = tray.set_tooltip(Some(&tip));
    // Linux trays (StatusNotifierItem through libayatana-appindicator) show no tooltip but a
    // label beside the icon: the unread count, or nothing.
    let _ = tray.set_title((unread > 0).then(|| unread.to_string()).as_deref());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_paused_and_do_not_disturb_keep_the_desktop_quiet() {
        let on = NotificationSettings::default();
        assert!(may_show(&on, false, (10, 0)));
        assert!(!may_show(&on, true, (10, 0)), "paused from the tray");
        let dnd = NotificationSettings {
            do_not_disturb: true,
            ..NotificationSettings::default()
        };
        assert!(!may_show(&dnd, false, (10, 0)), "do not disturb");
        let night = NotificationSettings {
            quiet_from: "22:00".into(),
            quiet_to: "07:00".into(),
            ..NotificationSettings::default()
        };
        assert!(!may_show(&night, false, (23, 30)), "quiet before midnight");
        assert!(!may_show(&night, false, (6, 59)), "and after");
        assert!(may_show(&night, false, (7, 0)), "the end is not quiet");
        let off = NotificationSettings {
            enabled: false,
            ..NotificationSettings::default()
        };
        assert!(!may_show(&off, false, (12, 0)));
    }

    #[test]
    fn the_tray_speaks_the_rep_s_language() {
        let en = Texts { arabic: false };
        let ar = Texts { arabic: true };
        assert_eq!(en.tray_items(true)[2], "Resume notifications");
        assert_eq!(
            ar.tray_items(false)[1],
            "زامن الآن",
            "the window's own words"
        );
        assert_eq!(
            en.tray_tip(3, Some("2026-11-27 08:00:00"), true),
            "CRM Desk: 3 unread · synced 2026-11-27 08:00:00 UTC · notifications paused"
        );
        assert!(ar.tray_tip(0, None, false).contains("غير المقروء"));
    }

    #[test]
    fn a_summary_counts_in_the_rep_s_language() {
        let summary = Notification {
            id: 1,
            category: NotificationKind::NewLeads,
            title: String::new(),
            body: String::new(),
            lead_id: None,
            count: 7,
            created_at: String::new(),
            read: false,
        };
        assert_eq!(
            Texts { arabic: false }.of(&summary).0,
            "7 new WhatsApp leads"
        );
        assert_eq!(
            Texts { arabic: true }.of(&summary).0,
            "7 عملاء جدد من واتساب"
        );
        let eleven = Notification {
            count: 11,
            ..summary
        };
        assert_eq!(
            Texts { arabic: true }.of(&eleven).0,
            "11 عميلًا جديدًا من واتساب"
        );
    }
}
