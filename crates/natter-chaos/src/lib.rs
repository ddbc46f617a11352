//! Jepsen-style fault testing of Natter.
//!
//! The harness (the `natter-chaos` binary) starts PostgreSQL, NATS and three Natter nodes (or
//! one node on SQLite), runs a mixed workload of users and devices against them while a seeded
//! schedule injects faults, and records a [`history::History`]. The [`checker`] then judges the
//! whole history, with no I/O, and [`shrink`] cuts a failing one down to a counterexample.
//!
//! The modules here are pure; everything that touches processes and sockets is in the binary.

pub mod checker;
pub mod device;
pub mod history;
pub mod shrink;
