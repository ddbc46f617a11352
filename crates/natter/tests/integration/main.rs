//! Natter's integration suite: every test starts real servers on loopback ports (in-process, or
//! the real binary where a test needs a process of its own) and drives them over HTTP,
//! WebSocket and TCP, on SQLite or, with `NATTER_TEST_POSTGRES` set, on PostgreSQL.
//!
//! One test binary with a module per capability rather than one per file: each binary links the
//! whole server, so forty of them cost minutes of linking and gigabytes of disk on every change.
//! Run one capability's tests with `cargo test -p natter --test integration deletion::`.

mod common;

mod attributes;
mod auth;
mod blocklist;
mod client_groups;
mod cluster;
mod completion;
mod conversations;
mod counters;
mod crash;
mod deletion;
mod directory;
mod editing;
mod errors;
mod extensions;
mod features;
mod files;
mod follows;
mod friends;
mod group_members;
mod groups;
mod hardening;
mod language;
mod mentions;
mod messages;
mod operations;
mod pins;
mod profiles;
mod reactions;
mod realtime;
mod receipts;
mod receive_option;
mod removal;
mod search;
mod status;
mod targeted;
mod topics;
mod unread_total;
mod webhooks;
mod wukongim;
mod wukongim_api;
