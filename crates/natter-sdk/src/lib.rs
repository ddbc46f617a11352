//! The Rust client for Natter.
//!
//! - [`Chat`]: a device's client, with the calls of the reference chat SDKs
//!   (`delete_conversation`, `conversation_list`, `set_message_read`, …) over the client API.
//! - [`Chat::events`]: a live [`EventStream`] over the WebSocket that reconnects with backoff
//!   and catches up by version after every reconnect.
//! - [`Admin`]: the app backend's client for the server API (users, groups, server-side deletes).
//!
//! Both speak the server's HTTP API (docs/api-reference.md) through the wire types of
//! `natter_core::wire`, shared with the server.

mod admin;
mod chat;
mod error;
mod events;
mod http;

pub use admin::Admin;
pub use chat::{Chat, ListFilter};
pub use error::{Error, Result};
pub use events::{Event, EventStream};
pub use natter_core::wire;
