//! The Odoo connector: the only module that knows Odoo's wire formats.
//!
//! [`Client`] speaks JSON-2 to Odoo 19+ and JSON-RPC to 16–18 (detected, or forced), always
//! with an explicit context. Rows come back as [`Record`]s, whose getters turn Odoo's
//! conventions (`false` for empty, `[id, name]` many2ones, naive UTC datetimes) into Rust
//! values; nothing outside this module handles Odoo JSON. Errors are classified
//! ([`Error::kind`]) and say what the user can do.

mod client;
mod contacts;
mod domain;
mod error;
mod inbound;
mod models;
mod pipeline;
mod record;
mod version;
mod wire;

pub use client::{
    Client, Context, Credentials, Options, Page, RetryPolicy, Transport, TransportChoice,
};
pub use domain::{Domain, Field, Op};
pub use error::{Error, ErrorKind};
pub use inbound::{InboundLead, chatter_key, is_chatter_key, whatsapp_words};
pub use models::{LeadPage, Post, StageTotal, lead_fields};
pub use pipeline::window_domain;
pub use record::{Record, Ref, format_datetime};
pub use version::ServerVersion;
