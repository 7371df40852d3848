//! In-process fan-out for conversations: every accepted message goes to the live sockets of
//! its conversation, and the hub counts which agents have the desk open (the web chat offers
//! them as the agents to chat with).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use super::views::MessageView;

/// Messages a slow live socket may fall behind before it re-reads the conversation.
pub const MESSAGE_CAPACITY: usize = 256;

pub struct Hub {
    messages: broadcast::Sender<Arc<MessageView>>,
    online: Mutex<BTreeMap<String, usize>>,
    /// Task changes, read once for every desk.
    pub tasks: super::task_feed::TaskFeed,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            messages: broadcast::channel(MESSAGE_CAPACITY).0,
            online: Mutex::new(BTreeMap::new()),
            tasks: Default::default(),
        }
    }
}

impl Hub {
    pub fn publish(&self, message: MessageView) {
        // Nobody listening is fine.
        let _ = self.messages.send(Arc::new(message));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<MessageView>> {
        self.messages.subscribe()
    }

    /// Marks `identity` online until the returned guard is dropped.
    pub fn agent_online(self: &Arc<Self>, identity: &str) -> Online {
        *self.lock().entry(identity.to_owned()).or_insert(0) += 1;
        Online {
            hub: self.clone(),
            identity: identity.to_owned(),
        }
    }

    /// Agents with at least one desk open, sorted.
    pub fn online_agents(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, usize>> {
        self.online
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// An open desk; dropping it (the socket closed) takes the agent offline if it was the last.
pub struct Online {
    hub: Arc<Hub>,
    identity: String,
}

impl Drop for Online {
    fn drop(&mut self) {
        let mut online = self.hub.lock();
        if let Some(n) = online.get_mut(&self.identity) {
            *n -= 1;
            if *n == 0 {
                online.remove(&self.identity);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_stay_online_while_any_desk_is_open() {
        let hub = Arc::new(Hub::default());
        let a1 = hub.agent_online("alice");
        let a2 = hub.agent_online("alice");
        let b = hub.agent_online("bob");
        assert_eq!(hub.online_agents(), vec!["alice", "bob"]);
        drop(a1);
        assert_eq!(hub.online_agents(), vec!["alice", "bob"]);
        drop(a2);
        drop(b);
        assert!(hub.online_agents().is_empty());
    }
}
