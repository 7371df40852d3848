//! Flex token checks remembered for a short while, so an agent's clicks in quick succession ask
//! IAM once. Only an accepted token is kept, with who it belongs to, under the SHA-256 of the
//! token (the token itself is never stored or logged), until the earliest of: the cache's time
//! to live (`FLEX_TOKEN_CACHE_SECS`, 60 s by default), the token's own `exp` (read from the JWT
//! without trusting it for anything else) and IAM's `expiration`. A token whose expiry can be
//! read from neither is not kept. A refusal is never kept: the next call asks IAM again. The
//! cache holds at most [`CAPACITY`] tokens; when full, expired entries go first, then the one
//! that would expire soonest.
//!
//! Pure: every method takes the time (Unix milliseconds), so tests control the clock.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use super::inputs::FlexAgent;

/// The most tokens remembered at once.
pub const CAPACITY: usize = 4096;

/// The SHA-256 of a token: what the cache is keyed by.
pub type TokenKey = [u8; 32];

pub fn key(token: &str) -> TokenKey {
    Sha256::digest(token.as_bytes()).into()
}

struct Entry {
    agent: FlexAgent,
    until_ms: i64,
}

pub struct TokenCache {
    ttl_ms: i64,
    capacity: usize,
    entries: Mutex<HashMap<TokenKey, Entry>>,
}

impl TokenCache {
    /// `ttl_ms` 0 turns the cache off.
    pub fn new(ttl_ms: i64, capacity: usize) -> TokenCache {
        TokenCache {
            ttl_ms,
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Who the token belongs to, if it was accepted and its entry is still valid at `now_ms`.
    pub fn get(&self, key: &TokenKey, now_ms: i64) -> Option<FlexAgent> {
        let mut entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some(e) if now_ms < e.until_ms => Some(e.agent.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Remembers an accepted token until the cache's time to live or `expires_ms` (the token's
    /// own expiry), whichever comes first; with no expiry known, nothing is kept.
    pub fn insert(&self, key: TokenKey, agent: FlexAgent, expires_ms: Option<i64>, now_ms: i64) {
        let Some(expires_ms) = expires_ms else {
            return;
        };
        if self.ttl_ms <= 0 {
            return;
        }
        let until_ms = expires_ms.min(now_ms.saturating_add(self.ttl_ms));
        if until_ms <= now_ms {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, e| now_ms < e.until_ms);
            if entries.len() >= self.capacity {
                let soonest = entries
                    .iter()
                    .min_by_key(|(_, e)| e.until_ms)
                    .map(|(k, _)| *k);
                if let Some(k) = soonest {
                    entries.remove(&k);
                }
            }
        }
        entries.insert(key, Entry { agent, until_ms });
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `exp` claim (Unix seconds) of a signed JWT (three base64url parts), in milliseconds.
/// Nothing else of the token is read or trusted; an encrypted token (JWE, five parts) or
/// anything unreadable has none.
pub fn jwt_exp_ms(token: &str) -> Option<i64> {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_i64()?;
    exp.checked_mul(1000)
}

/// The earliest of the expiries known, if any.
pub fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(name: &str) -> FlexAgent {
        FlexAgent {
            identity: name.to_owned(),
            worker_sid: format!("WK{name}"),
        }
    }

    fn jwt(payload: &str) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b64(r#"{"alg":"HS256"}"#), b64(payload))
    }

    #[test]
    fn an_entry_lasts_the_time_to_live_and_never_past_the_token_expiry() {
        let c = TokenCache::new(60_000, 10);
        let now = 1_000_000;
        c.insert(key("a"), agent("a"), Some(now + 3_600_000), now);
        assert_eq!(c.get(&key("a"), now + 59_999).unwrap().identity, "a");
        assert!(
            c.get(&key("a"), now + 60_000).is_none(),
            "time to live over"
        );
        assert!(c.is_empty(), "an expired entry is dropped when met");
        // A token 5 s from its exp is kept 5 s, not 60.
        c.insert(key("b"), agent("b"), Some(now + 5_000), now);
        assert!(c.get(&key("b"), now + 4_999).is_some());
        assert!(
            c.get(&key("b"), now + 5_000).is_none(),
            "past the token's exp"
        );
    }

    #[test]
    fn nothing_is_kept_without_an_expiry_past_its_expiry_or_with_the_cache_off() {
        let c = TokenCache::new(60_000, 10);
        c.insert(key("a"), agent("a"), None, 0);
        c.insert(key("b"), agent("b"), Some(0), 0);
        c.insert(key("c"), agent("c"), Some(-5), 0);
        assert!(c.is_empty());
        let off = TokenCache::new(0, 10);
        off.insert(key("a"), agent("a"), Some(10_000), 0);
        assert!(off.get(&key("a"), 1).is_none());
    }

    #[test]
    fn a_full_cache_drops_expired_entries_then_the_soonest_to_expire() {
        let c = TokenCache::new(60_000, 2);
        c.insert(key("a"), agent("a"), Some(10_000), 0);
        c.insert(key("b"), agent("b"), Some(50_000), 0);
        c.insert(key("c"), agent("c"), Some(40_000), 0);
        assert_eq!(c.len(), 2);
        assert!(c.get(&key("a"), 1).is_none(), "the soonest went");
        assert!(c.get(&key("b"), 1).is_some() && c.get(&key("c"), 1).is_some());
        // At 45 s, c has expired: it makes room for d, b stays.
        c.insert(key("d"), agent("d"), Some(100_000), 45_000);
        assert!(c.get(&key("b"), 45_000).is_some());
        assert!(c.get(&key("d"), 45_000).is_some());
        assert_eq!(c.len(), 2);
        assert!(!c.is_empty());
    }

    #[test]
    fn a_token_seen_again_in_a_full_cache_takes_no_one_elses_place() {
        let c = TokenCache::new(60_000, 2);
        c.insert(key("a"), agent("a"), Some(50_000), 0);
        c.insert(key("b"), agent("b"), Some(10_000), 0);
        // a again: its own entry is renewed, b (the soonest to expire) stays.
        c.insert(key("a"), agent("a"), Some(55_000), 1);
        assert!(
            c.get(&key("b"), 2).is_some(),
            "b was evicted for a token already kept"
        );
        assert_eq!(c.get(&key("a"), 54_999).unwrap().identity, "a");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn every_entry_expiring_at_the_moment_of_an_insert_makes_room() {
        let c = TokenCache::new(60_000, 2);
        c.insert(key("a"), agent("a"), Some(10_000), 0);
        c.insert(key("b"), agent("b"), Some(10_000), 0);
        // At 10 s both are over (valid strictly before their expiry): both go, not just one.
        c.insert(key("c"), agent("c"), Some(20_000), 10_000);
        assert_eq!(c.len(), 1);
        assert!(c.get(&key("c"), 10_000).is_some());
    }

    #[test]
    fn reads_only_a_signed_jwt_exp() {
        assert_eq!(
            jwt_exp_ms(&jwt(r#"{"sub":"x","exp":1700000000}"#)),
            Some(1_700_000_000_000)
        );
        assert_eq!(jwt_exp_ms(&jwt(r#"{"sub":"x"}"#)), None, "no exp");
        assert_eq!(jwt_exp_ms(&jwt(r#"{"exp":"soon"}"#)), None, "not a number");
        assert_eq!(jwt_exp_ms(&jwt("not json")), None);
        assert_eq!(jwt_exp_ms("a.b.c.d.e"), None, "an encrypted token");
        assert_eq!(jwt_exp_ms("opaque"), None);
        assert_eq!(jwt_exp_ms("a.!!!.c"), None, "not base64url");
        assert_eq!(earliest(Some(3), Some(2)), Some(2));
        assert_eq!(earliest(None, Some(2)), Some(2));
        assert_eq!(earliest(None, None), None);
    }

    #[test]
    fn the_key_is_a_hash_not_the_token() {
        let token = jwt(r#"{"exp":1}"#);
        let k = key(&token);
        assert_eq!(k, key(&token));
        assert_ne!(k, key("other"));
        let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
        let expected = format!("{:x}", Sha256::digest(token.as_bytes()));
        assert_eq!(hex, expected);
    }
}
