//! System tests of CRM Desk, as one test binary (Tauri is linked once, not per file).
//!
//! Module index:
//! - `cli`: the headless binary: `--version`, `info --json`, a corrupt database moved aside,
//!   a broken settings file reported.
//! - `window`: the real app window (and a second launch), driven through WebDriver (tauri-driver + WebKitWebDriver)
//!   under Xvfb. These need a display and the drivers; `make test` provides both and sets
//!   `CRM_DESK_E2E=required` so that a missing piece fails instead of skipping.
//! - `keyring`: API keys through the OS keyring (the private gnome-keyring of the session).
//! - `notifications`: desktop notifications through the session's dunst, seen on D-Bus.
//! - `pipeline`: the Pipeline screen on the real window against odoo-sim: board, drag, search,
//!   Arabic.
//! - `sync`: accounts, sync and offline edits through the CLI against odoo-sim, end to end.
//! - `tray`: the tray icon's menu over D-Bus (the test plays the panel's StatusNotifierWatcher).
//! - `support`: temp data folders, the binary, and the WebDriver harness.
//!
//! Every test gets its own data folder and XDG folders: nothing touches the user's own data.

mod cli;
mod keyring;
mod notifications;
mod pipeline;
mod support;
mod sync;
mod tray;
mod window;
