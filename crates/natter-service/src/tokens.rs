//! Devices by token hash, so that authenticating a request (every HTTP call and WebSocket
//! upgrade) reads nothing in the common case: no query, no hop to a blocking thread.
//!
//! Tokens change only through [`crate::Natter::set_user_token`] and
//! [`crate::Natter::quit_device`], which forget the device here after their write commits. A
//! node of a cluster does not use the cache: the same calls on another node would leave it
//! stale (a node hears only of the users connected to it). Entries also expire after [`TTL`],
//! a bound on what any missed change could cost.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use natter_core::{Device, Uid};
use natter_store::TokenHash;

/// Devices kept at most; past this the cache starts over (refilling costs one read each).
const CAPACITY: usize = 100_000;
/// How long a cached device is trusted without a read.
const TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub(crate) struct TokenCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_hash: HashMap<TokenHash, (Device, Instant)>,
    by_device: HashMap<(Uid, u8), TokenHash>,
    /// Counts forgets: a device read before one may be stale and is not cached.
    generation: u64,
}

impl TokenCache {
    /// The device holding this token, if cached and fresh.
    pub(crate) fn get(&self, hash: &TokenHash) -> Option<Device> {
        let inner = self.inner.lock().expect("token cache lock");
        inner
            .by_hash
            .get(hash)
            .filter(|(_, cached)| cached.elapsed() < TTL)
            .map(|(device, _)| device.clone())
    }

    /// Take before reading a device from the store, and pass to [`TokenCache::insert`].
    pub(crate) fn generation(&self) -> u64 {
        self.inner.lock().expect("token cache lock").generation
    }

    /// Caches a device read from the store, unless a forget happened since `generation`
    /// was taken (then what was read may already be out of date).
    pub(crate) fn insert(&self, hash: TokenHash, device: Device, generation: u64) {
        let mut inner = self.inner.lock().expect("token cache lock");
        if inner.generation != generation {
            return;
        }
        if inner.by_hash.len() >= CAPACITY {
            inner.by_hash.clear();
            inner.by_device.clear();
        }
        let key = (device.uid.clone(), device.device_flag);
        if let Some(old) = inner.by_device.insert(key, hash) {
            inner.by_hash.remove(&old);
        }
        inner.by_hash.insert(hash, (device, Instant::now()));
    }

    /// Forgets the token of one device of the user (`None`: of all of them), after it changed.
    pub(crate) fn forget(&self, uid: &Uid, device_flag: Option<u8>) {
        let mut inner = self.inner.lock().expect("token cache lock");
        inner.generation += 1;
        let flags = match device_flag {
            Some(flag) => vec![flag],
            None => vec![0, 1, 2],
        };
        for flag in flags {
            if let Some(hash) = inner.by_device.remove(&(uid.clone(), flag)) {
                inner.by_hash.remove(&hash);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(uid: &str, flag: u8) -> Device {
        Device {
            uid: Uid::parse(uid, "uid").unwrap(),
            device_flag: flag,
            device_level: 1,
        }
    }

    #[test]
    fn a_forgotten_device_is_read_again() {
        let cache = TokenCache::default();
        let generation = cache.generation();
        cache.insert([1; 32], device("alice", 0), generation);
        cache.insert([2; 32], device("alice", 1), generation);
        assert_eq!(cache.get(&[1; 32]), Some(device("alice", 0)));
        cache.forget(&device("alice", 0).uid, Some(0));
        assert_eq!(cache.get(&[1; 32]), None);
        assert_eq!(cache.get(&[2; 32]), Some(device("alice", 1)));
        cache.forget(&device("alice", 0).uid, None);
        assert_eq!(cache.get(&[2; 32]), None);
    }

    #[test]
    fn a_read_that_raced_a_forget_is_not_cached() {
        let cache = TokenCache::default();
        let generation = cache.generation();
        // The token changes while the read is in flight.
        cache.forget(&device("alice", 0).uid, Some(0));
        cache.insert([1; 32], device("alice", 0), generation);
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn a_new_token_of_the_same_device_replaces_the_old_one() {
        let cache = TokenCache::default();
        cache.insert([1; 32], device("alice", 0), cache.generation());
        cache.insert([2; 32], device("alice", 0), cache.generation());
        assert_eq!(cache.get(&[1; 32]), None);
        assert_eq!(cache.get(&[2; 32]), Some(device("alice", 0)));
    }
}
