//! Code-guessing protection that never refuses a valid code. Each client ([`ClientKey`]) has a
//! bucket of `burst` invalid codes that refills one every `refill` seconds. Only invalid codes
//! take from it. Once it is empty, the client's lookups go at the refill pace: each waits for
//! the next token (a valid code then succeeds and gives its token back; an invalid one is
//! answered 429 with `Retry-After`), and a lookup that would have to wait longer than
//! [`MAX_WAIT`] is answered 429 at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::client_address::ClientKey;

/// Buckets kept before idle (full) ones are dropped.
const PRUNE_ABOVE: usize = 10_000;
/// The longest a limited client's lookup waits for its turn.
pub const MAX_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Below zero: turns already promised to waiting lookups.
    tokens: f64,
    updated: Instant,
}

/// What a lookup may do now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Admission {
    /// Go ahead.
    Now,
    /// The client is over its limit: wait this long for its turn, then go ahead (the turn is
    /// taken; [`GuessLimiter::settle`] gives it back for a valid code).
    After(Duration),
    /// Over the limit with too many lookups waiting: 429, retry after this long.
    Refused(Duration),
}

impl Admission {
    /// Whether the lookup was admitted over the limit (an invalid code then gets 429).
    pub fn limited(self) -> bool {
        matches!(self, Admission::After(_))
    }
}

pub struct GuessLimiter {
    burst: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<ClientKey, Bucket>>,
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

    fn wait_for(&self, tokens: f64) -> Duration {
        Duration::from_secs_f64(((1.0 - tokens) / self.per_sec).max(0.0))
    }

    /// Before a lookup.
    pub fn admit(&self, key: ClientKey) -> Admission {
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let Some(b) = map.get_mut(&key) else {
            return Admission::Now;
        };
        self.refill(b, now);
        if b.tokens >= 1.0 {
            return Admission::Now;
        }
        let wait = self.wait_for(b.tokens);
        if wait > MAX_WAIT {
            return Admission::Refused(wait);
        }
        b.tokens -= 1.0;
        Admission::After(wait)
    }

    /// After the lookup: an invalid code takes a token (one admitted over the limit already
    /// took its turn); a valid code admitted over the limit gives its turn back. Answers, for an
    /// invalid code, how long the client should wait before its next try when it is now over the
    /// limit.
    pub fn settle(&self, key: ClientKey, admission: Admission, valid: bool) -> Option<Duration> {
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if valid {
            if admission.limited() {
                if let Some(b) = map.get_mut(&key) {
                    b.tokens = (b.tokens + 1.0).min(self.burst);
                }
            }
            return None;
        }
        if map.len() > PRUNE_ABOVE {
            let (burst, per_sec) = (self.burst, self.per_sec);
            map.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * per_sec < burst
            });
        }
        let b = map.entry(key).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        self.refill(b, now);
        if !admission.limited() {
            b.tokens -= 1.0;
        }
        (b.tokens < 1.0).then(|| self.wait_for(b.tokens))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> ClientKey {
        ClientKey::of(s.parse().unwrap())
    }

    #[test]
    fn only_invalid_codes_count_and_only_for_that_client() {
        let l = GuessLimiter::new(3, 60.0);
        let (a, b) = (key("10.0.0.1"), key("10.0.0.2"));
        for _ in 0..10 {
            assert_eq!(l.admit(a), Admission::Now);
            assert_eq!(
                l.settle(a, Admission::Now, true),
                None,
                "valid codes never count"
            );
        }
        for i in 0..3 {
            assert_eq!(l.admit(a), Admission::Now);
            let over = l.settle(a, Admission::Now, false);
            assert_eq!(over.is_some(), i == 2, "the third empties the bucket");
        }
        let wait = l.settle(a, Admission::Now, false).unwrap();
        assert!(wait > Duration::from_secs(100), "{wait:?}");
        assert_eq!(l.admit(b), Admission::Now);
    }

    #[test]
    fn over_the_limit_lookups_wait_their_turn_and_a_valid_code_gives_it_back() {
        let l = GuessLimiter::new(1, 1.0);
        let a = key("10.0.0.1");
        assert_eq!(l.settle(a, l.admit(a), false).map(|d| d.as_secs()), Some(1));
        let first = l.admit(a);
        let Admission::After(wait) = first else {
            panic!("{first:?}")
        };
        assert!(wait <= Duration::from_secs(1) && wait > Duration::from_millis(900));
        // A valid code gives its turn back: the next waiter is no further behind.
        assert_eq!(l.settle(a, first, true), None);
        let second = l.admit(a);
        let Admission::After(again) = second else {
            panic!("{second:?}")
        };
        assert!(
            again <= wait + Duration::from_millis(50),
            "{again:?} {wait:?}"
        );
        // An invalid one keeps it: each waiter is a turn further behind, up to MAX_WAIT.
        assert!(l.settle(a, second, false).is_some());
        let mut last = Duration::ZERO;
        loop {
            match l.admit(a) {
                Admission::After(w) => {
                    assert!(w > last);
                    last = w;
                }
                Admission::Refused(w) => {
                    assert!(w > MAX_WAIT);
                    break;
                }
                Admission::Now => panic!("still over the limit"),
            }
        }
    }

    #[test]
    fn the_bucket_refills() {
        let l = GuessLimiter::new(1, 0.05);
        let a = key("::1");
        l.settle(a, Admission::Now, false);
        assert!(matches!(l.admit(a), Admission::After(_)));
        std::thread::sleep(Duration::from_millis(150));
        assert_eq!(l.admit(a), Admission::Now);
    }
}
