//! The sandbox's in-process event bus: what changed, for live documents and signaling.

use serde_json::Value;
use tokio::sync::broadcast;

/// Why a room completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomEndReason {
    /// `POST /v1/Rooms/{sid}` with `Status=completed`.
    Api,
    /// Nobody joined within `unused_room_timeout` minutes of creation.
    UnusedTimeout,
    /// Empty for `empty_room_timeout` minutes after the last participant left.
    EmptyTimeout,
}

impl RoomEndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RoomEndReason::Api => "completed",
            RoomEndReason::UnusedTimeout => "unused-room-timeout",
            RoomEndReason::EmptyTimeout => "empty-room-timeout",
        }
    }
}

/// One change in the sandbox.
#[derive(Debug, Clone, PartialEq)]
pub enum SandboxEvent {
    /// A document was created (revision 0) or its data replaced.
    DocumentUpdated {
        sid: String,
        unique_name: String,
        revision: u64,
        data: Value,
    },
    /// A document was deleted or expired.
    DocumentRemoved { sid: String },
    /// A room completed (REST or a timeout); everyone in it must be disconnected.
    RoomCompleted { sid: String, reason: RoomEndReason },
    /// A task's attributes or status changed.
    TaskUpdated { sid: String },
}

/// Capacity per subscriber before it starts missing events (it then gets `Lagged`).
pub const EVENT_CAPACITY: usize = 1024;

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<SandboxEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            tx: broadcast::channel(EVENT_CAPACITY).0,
        }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> broadcast::Receiver<SandboxEvent> {
        self.tx.subscribe()
    }

    /// Publishes to whoever listens (nobody listening is fine).
    pub fn emit(&self, event: SandboxEvent) {
        let _ = self.tx.send(event);
    }
}
