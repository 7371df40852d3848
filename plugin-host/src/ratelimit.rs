//! Code-guessing protection: each client address has a bucket of `burst` failed code lookups that
//! refills one every `refill` seconds. An empty bucket answers 429 with `Retry-After`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets kept before idle (full) ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct GuessLimiter {
    burst: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl GuessLimiter {
    pub fn new(burst: u32, refill_secs: f64) -> GuessLimiter {
        GuessLimiter {
            burst: f64::from(burst.max(1)),
            per_sec: 1.0 / refill_secs.max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refill(&self, b: &mut Bucket, now: Instant) {
        let elapsed = now.saturating_duration_since(b.updated).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_sec).min(self.burst);
        b.updated = now;
    }

    /// `Err(wait)` when the address used up its failures.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let Some(b) = map.get_mut(&ip) else {
            return Ok(());
        };
        self.refill(b, now);
        if b.tokens >= 1.0 {
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.per_sec))
        }
    }

    /// A lookup with an invalid code.
    pub fn failed(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > PRUNE_ABOVE {
            let (burst, per_sec) = (self.burst, self.per_sec);
            map.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * per_sec < burst
            });
        }
        let b = map.entry(ip).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        self.refill(b, now);
        b.tokens = (b.tokens - 1.0).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_failures_blocks_only_that_address() {
        let l = GuessLimiter::new(3, 60.0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check(a).is_ok());
            l.failed(a);
        }
        let wait = l.check(a).unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(l.check(b).is_ok());
    }

    #[test]
    fn the_bucket_refills() {
        let l = GuessLimiter::new(1, 0.05);
        let a: IpAddr = "::1".parse().unwrap();
        l.failed(a);
        assert!(l.check(a).is_err());
        std::thread::sleep(Duration::from_millis(80));
        assert!(l.check(a).is_ok());
    }
}
