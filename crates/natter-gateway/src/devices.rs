//! The RECV retry queue: the messages a device was sent (or was about to be sent) and did not
//! acknowledge, kept for its next connection.
//!
//! A connection tracks its own unacknowledged RECVs. When it ends, they are *parked* here under
//! its device (uid and device flag), and the device's next connection takes them right after
//! its CONNACK. A connection that is already live when another one of its device parks (a
//! reconnect that replaced a half-open connection: the new one connected first, the old one
//! ends after) is woken and takes them then. Each connection skips what it has already sent,
//! so a client that acknowledged a message never gets it twice.
//!
//! The registry of live connections also finds a client that reconnects (the same device ID,
//! as WuKongIM compares them) while the server still holds its old, half-open connection: the
//! old one is superseded and closed, whatever the device's level, and what it held goes to the
//! new one.
//!
//! In memory, bounded: at most [`PARKED_PER_DEVICE`] messages per device (the oldest go
//! first), kept for [`PARKED_TTL`], for at most [`PARKED_DEVICES`] devices. A node that stops
//! or crashes loses them, as does a device that reconnects to another node; the SDKs then get
//! the messages from their app backend's sync (`/channel/messagesync`), as they get every
//! message sent while they were offline.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use natter_core::Uid;
use natter_wukongim::RecvPacket;
use tokio::sync::Notify;

/// Parked messages one device keeps at most.
pub const PARKED_PER_DEVICE: usize = 256;
/// How long a parked message waits for its device to come back.
pub const PARKED_TTL: Duration = Duration::from_secs(10 * 60);
/// Devices with parked messages, at most.
pub const PARKED_DEVICES: usize = 10_000;

/// A device: one user's devices of one kind (WuKongIM's uid and device flag).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DeviceKey {
    pub uid: Uid,
    pub device_flag: u8,
}

/// A message as a RECV before sealing (the payload plain, no msg key): each connection
/// encrypts and signs it with its own session.
pub(crate) type Pending = Arc<RecvPacket>;

struct Parked {
    recv: Pending,
    since: Instant,
}

struct LiveConnection {
    id: u64,
    /// CONNECT's device ID: the same client reconnecting sends the same one.
    device_id: String,
    wake: Arc<Notify>,
    superseded: Arc<AtomicBool>,
}

#[derive(Default)]
struct DeviceState {
    parked: VecDeque<Parked>,
    /// This device's connections on this gateway, oldest first.
    live: Vec<LiveConnection>,
}

/// Every device's parked messages and live connections.
#[derive(Default)]
pub(crate) struct Devices {
    /// A std mutex: held for a few map operations, never across an await.
    inner: Mutex<HashMap<DeviceKey, DeviceState>>,
    /// Parked messages dropped unsent: over a bound, or expired.
    dropped: AtomicU64,
}

/// What a new connection gets from [`Devices::join`].
pub(crate) struct Joined {
    /// The device's parked messages, oldest first, now this connection's to send.
    pub parked: Vec<Pending>,
    /// Notified when another connection of the device parks messages while this one is live,
    /// or when this one is superseded.
    pub wake: Arc<Notify>,
    /// Set when the same client connected again: this connection is to close.
    pub superseded: Arc<AtomicBool>,
}

impl Devices {
    /// Registers a live connection, supersedes the same client's older ones (an empty device
    /// ID names no client), and hands it the device's parked messages.
    pub fn join(&self, key: &DeviceKey, id: u64, device_id: &str) -> Joined {
        let wake = Arc::new(Notify::new());
        let superseded = Arc::new(AtomicBool::new(false));
        let mut devices = self.inner.lock().expect("devices lock");
        let state = devices.entry(key.clone()).or_default();
        for older in &state.live {
            if !device_id.is_empty() && older.device_id == device_id {
                older.superseded.store(true, Ordering::SeqCst);
                older.wake.notify_one();
            }
        }
        state.live.push(LiveConnection {
            id,
            device_id: device_id.to_owned(),
            wake: wake.clone(),
            superseded: superseded.clone(),
        });
        let parked = self.drain(state);
        Joined {
            parked,
            wake,
            superseded,
        }
    }

    /// The device's parked messages, for a live connection that was woken.
    pub fn take(&self, key: &DeviceKey) -> Vec<Pending> {
        let mut devices = self.inner.lock().expect("devices lock");
        match devices.get_mut(key) {
            Some(state) => self.drain(state),
            None => Vec::new(),
        }
    }

    /// A connection ended: parks what it did not get acknowledged (oldest first) and wakes the
    /// device's newest live connection, if another is live, to take them.
    pub fn leave(&self, key: &DeviceKey, id: u64, unacked: Vec<Pending>) {
        let mut devices = self.inner.lock().expect("devices lock");
        let is_new = !devices.contains_key(key);
        let state = devices.entry(key.clone()).or_default();
        state.live.retain(|live| live.id != id);
        let now = Instant::now();
        for recv in unacked {
            if state
                .parked
                .iter()
                .any(|parked| parked.recv.message_id == recv.message_id)
            {
                continue;
            }
            if state.parked.len() == PARKED_PER_DEVICE {
                state.parked.pop_front();
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            state.parked.push_back(Parked { recv, since: now });
        }
        if !state.parked.is_empty()
            && let Some(newest) = state.live.last()
        {
            newest.wake.notify_one();
        }
        if state.parked.is_empty() && state.live.is_empty() {
            devices.remove(key);
        } else if is_new && devices.len() > PARKED_DEVICES {
            self.trim(&mut devices);
        }
    }

    /// Parked messages waiting now, over every device.
    pub fn parked_total(&self) -> usize {
        let devices = self.inner.lock().expect("devices lock");
        devices.values().map(|state| state.parked.len()).sum()
    }

    /// Parked messages dropped unsent since the start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The state's unexpired parked messages, taken out.
    fn drain(&self, state: &mut DeviceState) -> Vec<Pending> {
        let before = state.parked.len();
        let fresh: Vec<Pending> = state
            .parked
            .drain(..)
            .filter(|parked| parked.since.elapsed() < PARKED_TTL)
            .map(|parked| parked.recv)
            .collect();
        self.count_dropped(before - fresh.len());
        fresh
    }

    /// Over [`PARKED_DEVICES`]: drops expired messages, then whole devices that have no live
    /// connection, until under the bound again.
    fn trim(&self, devices: &mut HashMap<DeviceKey, DeviceState>) {
        for state in devices.values_mut() {
            let before = state.parked.len();
            state
                .parked
                .retain(|parked| parked.since.elapsed() < PARKED_TTL);
            self.count_dropped(before - state.parked.len());
        }
        devices.retain(|_, state| !state.parked.is_empty() || !state.live.is_empty());
        let mut excess = devices.len().saturating_sub(PARKED_DEVICES);
        devices.retain(|_, state| {
            if excess == 0 || !state.live.is_empty() {
                return true;
            }
            excess -= 1;
            self.count_dropped(state.parked.len());
            false
        });
    }

    fn count_dropped(&self, count: usize) {
        if count > 0 {
            self.dropped.fetch_add(count as u64, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use natter_wukongim::{ChannelType, Flags, Setting, StreamFlag};

    fn key(uid: &str) -> DeviceKey {
        DeviceKey {
            uid: Uid::parse(uid, "uid").unwrap(),
            device_flag: 1,
        }
    }

    fn recv(message_id: u64) -> Pending {
        Arc::new(RecvPacket {
            flags: Flags::default(),
            setting: Setting::default(),
            msg_key: String::new(),
            from_uid: "bob".into(),
            channel_id: "bob".into(),
            channel_type: ChannelType::Person,
            expire: 0,
            client_msg_no: String::new(),
            stream_flag: StreamFlag::Start,
            stream_no: String::new(),
            stream_id: 0,
            message_id,
            message_seq: message_id as u32,
            timestamp: 0,
            topic: String::new(),
            payload: Bytes::new(),
        })
    }

    fn ids(list: &[Pending]) -> Vec<u64> {
        list.iter().map(|recv| recv.message_id).collect()
    }

    #[test]
    fn the_next_connection_takes_what_the_last_one_left_once() {
        let devices = Devices::default();
        let alice = key("alice");
        assert!(devices.join(&alice, 1, "d").parked.is_empty());
        devices.leave(&alice, 1, vec![recv(5), recv(6)]);
        assert_eq!(devices.parked_total(), 2);
        assert_eq!(ids(&devices.join(&alice, 2, "d").parked), [5, 6]);
        assert!(devices.join(&alice, 3, "d").parked.is_empty());
        assert!(
            devices.join(&key("bob"), 4, "d").parked.is_empty(),
            "per device"
        );
    }

    #[tokio::test]
    async fn the_same_client_supersedes_its_old_connection_and_gets_what_it_held() {
        let devices = Devices::default();
        let alice = key("alice");
        let old = devices.join(&alice, 1, "phone");
        let tablet = devices.join(&alice, 2, "tablet");
        let anonymous = devices.join(&alice, 3, "");
        assert!(!old.superseded.load(Ordering::SeqCst));
        let new = devices.join(&alice, 4, "phone");
        old.wake.notified().await;
        assert!(old.superseded.load(Ordering::SeqCst));
        assert!(!tablet.superseded.load(Ordering::SeqCst));
        devices.join(&alice, 5, "");
        assert!(
            !anonymous.superseded.load(Ordering::SeqCst),
            "no device ID, no client"
        );
        devices.leave(&alice, 1, vec![recv(7)]);
        devices.leave(&alice, 5, Vec::new());
        devices.leave(&alice, 3, Vec::new());
        // The newest live connection is woken to take them: here the new phone one.
        devices.leave(&alice, 2, Vec::new());
        new.wake.notified().await;
        assert_eq!(ids(&devices.take(&alice)), [7]);
        assert!(devices.take(&alice).is_empty());
    }

    #[test]
    fn a_device_keeps_its_newest_messages_up_to_the_bound() {
        let devices = Devices::default();
        let alice = key("alice");
        let many: Vec<Pending> = (0..PARKED_PER_DEVICE as u64 + 3).map(recv).collect();
        devices.leave(&alice, 1, many);
        devices.leave(&alice, 2, vec![recv(4)]);
        assert_eq!(devices.dropped(), 3);
        let parked = devices.join(&alice, 3, "d").parked;
        assert_eq!(parked.len(), PARKED_PER_DEVICE);
        assert_eq!(parked[0].message_id, 3, "the oldest went first");
        assert_eq!(
            ids(&parked).iter().filter(|id| **id == 4).count(),
            1,
            "parked twice, kept once"
        );
    }

    #[test]
    fn an_empty_device_leaves_no_entry() {
        let devices = Devices::default();
        let alice = key("alice");
        devices.join(&alice, 1, "d");
        devices.leave(&alice, 1, Vec::new());
        assert!(devices.inner.lock().unwrap().is_empty());
    }
}
