//! The node's authenticated connections, listed for WuKongIM's `GET /connz`, with what each
//! carried.
//!
//! Each connection counts into its own [`Counters`] from its first frame; it is listed once
//! CONNECT has named its user, and delisted when it leaves. Counting is a few relaxed atomic
//! adds per frame; the list's lock is taken twice in a connection's life and once per
//! `GET /connz`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use natter_core::Device;
use natter_service::WuKongImConnection;
use natter_wukongim::Packet;

/// What one connection carried. Shared between the connection (which counts) and the list
/// (which reads).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    frames_in: AtomicU64,
    frames_out: AtomicU64,
    messages_in: AtomicU64,
    message_bytes_in: AtomicU64,
    messages_out: AtomicU64,
    message_bytes_out: AtomicU64,
    /// When the client last sent a frame, in milliseconds since the Unix epoch.
    last_activity_ms: AtomicI64,
}

impl Counters {
    /// A frame read from the client: a SEND is a message in.
    pub fn read(&self, packet: &Packet) {
        self.frames_in.fetch_add(1, Ordering::Relaxed);
        self.last_activity_ms
            .store(crate::now_ms(), Ordering::Relaxed);
        if let Packet::Send(send) = packet {
            self.messages_in.fetch_add(1, Ordering::Relaxed);
            self.message_bytes_in
                .fetch_add(send.payload.len() as u64, Ordering::Relaxed);
        }
    }

    /// A frame written to the client: a RECV is a message out.
    pub fn written(&self, packet: &Packet) {
        self.frames_out.fetch_add(1, Ordering::Relaxed);
        if let Packet::Recv(recv) = packet {
            self.messages_out.fetch_add(1, Ordering::Relaxed);
            self.message_bytes_out
                .fetch_add(recv.payload.len() as u64, Ordering::Relaxed);
        }
    }
}

/// A connection CONNECT accepted, as listed: who it is, and its counters.
pub(crate) struct Listed {
    pub device: Device,
    /// CONNECT's device ID.
    pub device_id: String,
    pub protocol_version: u8,
    pub peer: SocketAddr,
    pub connected_at: SystemTime,
    pub counters: Arc<Counters>,
}

/// The listed connections by ID, so that they come out oldest first.
#[derive(Default)]
pub(crate) struct Listing {
    /// A std mutex: held for one map operation or one copy of the list, never across an await.
    connections: Mutex<BTreeMap<u64, Listed>>,
}

impl Listing {
    pub fn add(&self, id: u64, listed: Listed) {
        self.lock().insert(id, listed);
    }

    pub fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Every listed connection as it is now, oldest first.
    pub fn snapshot(&self) -> Vec<WuKongImConnection> {
        self.lock()
            .iter()
            .map(|(&id, listed)| {
                let counters = &listed.counters;
                let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
                WuKongImConnection {
                    id,
                    uid: listed.device.uid.to_string(),
                    device_flag: listed.device.device_flag,
                    device_level: listed.device.device_level,
                    device_id: listed.device_id.clone(),
                    protocol_version: listed.protocol_version,
                    peer: listed.peer,
                    connected_at: listed.connected_at,
                    last_activity: UNIX_EPOCH
                        + Duration::from_millis(
                            counters.last_activity_ms.load(Ordering::Relaxed).max(0) as u64,
                        ),
                    frames_in: read(&counters.frames_in),
                    frames_out: read(&counters.frames_out),
                    messages_in: read(&counters.messages_in),
                    message_bytes_in: read(&counters.message_bytes_in),
                    messages_out: read(&counters.messages_out),
                    message_bytes_out: read(&counters.message_bytes_out),
                }
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Listed>> {
        self.connections.lock().expect("listing lock")
    }
}
