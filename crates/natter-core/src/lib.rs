//! Natter's domain layer: identifiers, limits, the conversation rules and the domain error;
//! and the duration histogram that every layer's metrics share.
//!
//! Nothing here does I/O, so every rule can be tested (and property-tested) without a server.

pub mod cursor;
pub mod device;
pub mod error;
pub mod files;
pub mod friend_rules;
pub mod group_rules;
pub mod histogram;
pub mod ids;
pub mod language;
pub mod limits;
pub mod mention;
pub mod message;
pub mod profile;
pub mod quiet_hours;
pub mod rules;
pub mod search;
pub mod sender_list;
pub mod targeted;
pub mod user_status;
pub mod webhook;
pub mod wire;

pub use cursor::ListCursor;
pub use device::Device;
pub use error::{Error, ErrorKind, Result};
pub use ids::{ChannelKind, ConversationId, GroupId, Uid};
pub use sender_list::{ListChange, SenderList};
