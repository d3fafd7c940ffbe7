//! crm-core: everything CRM Desk knows that is not a window or a web server.
//!
//! Domain types, the SQLite store and its migrations, settings, data paths and secrets live
//! here, so that the desktop shell (`crm-desk`), the webhook service (`crm-bridge`) and the
//! tests all share one implementation.
//!
//! Must stay true (see ARCHITECTURE.md):
//! - no dependency on tauri, axum, the keyring or notify-rust; everything here runs from a
//!   plain unit test with [`store::Store::open_in_memory`];
//! - only [`store`] writes SQL; only [`odoo`] knows Odoo's wire formats;
//! - time is passed in (`now` parameters), never read from the system clock here, so every
//!   behaviour that depends on time is testable.
#![warn(missing_docs)]

pub mod crm;
pub mod notify;
pub mod odoo;
pub mod paths;
pub mod phone;
pub mod search;
pub mod secret;
pub mod secrets;
pub mod settings;
pub mod stats;
pub mod store;
pub mod sync;
