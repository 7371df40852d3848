//! Agents' names as their TaskRouter workers gave them a moment ago: what the customer's page
//! shows for the agent. A name read is kept [`NAME_TTL_MS`] (5 minutes) under the worker's sid,
//! so an agent's next session gets it without reading the worker again (and without writing it
//! into the session afterwards); a rename in Flex shows in new sessions within that time. Only a
//! name read from the worker is kept, never the identity shown when the worker could not be read.
//! At most [`CAPACITY`] workers; when full, expired entries go first, then the oldest.
//!
//! Pure: every method takes the time (Unix milliseconds), so tests control the clock.

use std::collections::HashMap;
use std::sync::Mutex;

pub const NAME_TTL_MS: i64 = 5 * 60 * 1000;
pub const CAPACITY: usize = 4096;

pub struct WorkerNames {
    capacity: usize,
    names: Mutex<HashMap<String, (String, i64)>>,
}

impl Default for WorkerNames {
    fn default() -> Self {
        WorkerNames::new()
    }
}

impl WorkerNames {
    pub fn new() -> WorkerNames {
        WorkerNames::with_capacity(CAPACITY)
    }

    /// At most `capacity` workers at once.
    pub fn with_capacity(capacity: usize) -> WorkerNames {
        WorkerNames {
            capacity,
            names: Mutex::new(HashMap::new()),
        }
    }

    /// The worker's name, if it was read less than [`NAME_TTL_MS`] before `now_ms`.
    pub fn get(&self, worker_sid: &str, now_ms: i64) -> Option<String> {
        let names = self.names.lock().ok()?;
        names
            .get(worker_sid)
            .filter(|(_, until)| now_ms < *until)
            .map(|(name, _)| name.clone())
    }

    /// Keeps the name just read from the worker.
    pub fn insert(&self, worker_sid: &str, name: &str, now_ms: i64) {
        let Ok(mut names) = self.names.lock() else {
            return;
        };
        if names.len() >= self.capacity && !names.contains_key(worker_sid) {
            names.retain(|_, (_, until)| now_ms < *until);
            if names.len() >= self.capacity {
                let oldest = names
                    .iter()
                    .min_by_key(|(_, (_, until))| *until)
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    names.remove(&k);
                }
            }
        }
        names.insert(
            worker_sid.to_owned(),
            (name.to_owned(), now_ms + NAME_TTL_MS),
        );
    }

    /// How many workers are kept (expired ones included until they make room).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.names.lock().map(|n| n.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_kept_five_minutes() {
        let n = WorkerNames::new();
        assert_eq!(n.get("WK1", 0), None);
        n.insert("WK1", "Alice Agent", 1_000);
        assert_eq!(
            n.get("WK1", 1_000 + NAME_TTL_MS - 1).as_deref(),
            Some("Alice Agent")
        );
        assert_eq!(n.get("WK1", 1_000 + NAME_TTL_MS), None);
        assert_eq!(n.get("WK2", 1_000), None);
        // Read again: the new name, for five more minutes.
        n.insert("WK1", "Alice Renamed", 2_000);
        assert_eq!(n.get("WK1", 2_001).as_deref(), Some("Alice Renamed"));
    }

    #[test]
    fn five_minutes_is_300_seconds() {
        let n = WorkerNames::new();
        n.insert("WK1", "Alice Agent", 0);
        assert!(n.get("WK1", 299_999).is_some());
        assert!(n.get("WK1", 300_000).is_none());
    }

    #[test]
    fn a_full_table_drops_expired_names_then_the_oldest() {
        let n = WorkerNames::with_capacity(2);
        n.insert("WK1", "One", 0);
        n.insert("WK2", "Two", 1_000);
        // Full: a third worker takes the oldest's place (WK1), not a newer one's.
        n.insert("WK3", "Three", 2_000);
        assert_eq!(n.get("WK1", 2_000), None, "the oldest went");
        assert_eq!(n.get("WK2", 2_000).as_deref(), Some("Two"));
        assert_eq!(n.get("WK3", 2_000).as_deref(), Some("Three"));
        // A worker already kept, read again, takes no one's place (not the older WK2's).
        n.insert("WK3", "Three again", 3_000);
        assert_eq!(n.get("WK2", 3_000).as_deref(), Some("Two"));
        assert_eq!(n.get("WK3", 3_000).as_deref(), Some("Three again"));
        // Both entries over at that moment (WK3's exactly): both make room, not just one.
        let at = 3_000 + NAME_TTL_MS;
        n.insert("WK4", "Four", at);
        assert_eq!(n.len(), 1);
        n.insert("WK5", "Five", at);
        assert_eq!(
            n.get("WK4", at).as_deref(),
            Some("Four"),
            "WK4 was evicted for WK5"
        );
        assert_eq!(n.get("WK5", at).as_deref(), Some("Five"));
    }
}
