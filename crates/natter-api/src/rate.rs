//! Rate limiting: a token bucket per key. Per uid, shared by every token of that user on both
//! surfaces (`--rate-limit`); and per client IP (`--ip-rate-limit`). The limits are in
//! docs/api-reference.md ("Limits").

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;

use natter_core::{Error, Result};

/// Buckets beyond this many make the limiter drop the full (idle) ones.
const PRUNE_AT: usize = 100_000;

#[derive(Debug)]
pub struct RateLimiter<K> {
    /// Requests per second; 0 turns limiting off.
    per_second: f64,
    /// Bursts up to twice the rate.
    burst: f64,
    /// A std mutex is right here: the critical section is a few arithmetic operations and never
    /// awaits.
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second: f64::from(per_second),
            burst: 2.0 * f64::from(per_second),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the key's bucket, or says how long to wait.
    pub fn check(&self, key: &K) -> Result<()> {
        if self.per_second == 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        if buckets.len() >= PRUNE_AT {
            let burst = self.burst;
            let per_second = self.per_second;
            buckets.retain(|_, bucket| refilled(bucket, now, per_second, burst) < burst);
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        bucket.tokens = refilled(bucket, now, self.per_second, self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Err(Error::rate_limited(wait.ceil() as u64))
        }
    }
}

fn refilled(bucket: &Bucket, now: Instant, per_second: f64, burst: f64) -> f64 {
    let elapsed = now.duration_since(bucket.updated).as_secs_f64();
    (bucket.tokens + elapsed * per_second).min(burst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use natter_core::Uid;

    #[test]
    fn allows_a_burst_of_twice_the_rate_then_refuses() {
        let limiter = RateLimiter::new(5);
        let uid = Uid::parse("alice", "uid").unwrap();
        for _ in 0..10 {
            limiter.check(&uid).unwrap();
        }
        let refused = limiter.check(&uid).unwrap_err();
        assert_eq!(refused.kind, natter_core::ErrorKind::RateLimited);
        assert_eq!(refused.retry_after_secs, Some(1));
        let other = Uid::parse("bob", "uid").unwrap();
        assert!(limiter.check(&other).is_ok(), "limits are per user");
    }

    #[test]
    fn zero_turns_limiting_off() {
        let limiter = RateLimiter::new(0);
        let uid = Uid::parse("alice", "uid").unwrap();
        for _ in 0..1000 {
            limiter.check(&uid).unwrap();
        }
    }
}
