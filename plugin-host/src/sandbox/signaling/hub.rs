//! Who is connected to which room, and the one authority on it: admission (limit, duplicate
//! identity, completed rooms), relaying between members of one room, track state, and
//! disconnecting everyone. The rooms' store only hears when a room becomes occupied or empty
//! ([`Occupancy`]), which drives its timeouts.
//!
//! The lock is never held across an `.await`; every socket has its own bounded queue. A message
//! a participant sends (relayed, or a track change) that finds a receiver's queue full is
//! refused to the sender ([`RelayError::Busy`]), who is then disconnected: a flood never costs
//! the receiver its connection. The hub's own messages (joined, left) to a full queue disconnect
//! that receiver, which has stopped reading.

use chat_to_video::protocol::{
    DisconnectReason, Participant, ServerMessage, TrackChange, TrackName, TrackState,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, Notify};

/// How the hub tells a socket task to go: the first reason wins. The hub has already removed
/// the member when it fires.
#[derive(Debug, Default)]
pub struct Kick {
    reason: Mutex<Option<DisconnectReason>>,
    notify: Notify,
}

impl Kick {
    pub fn fire(&self, reason: DisconnectReason) {
        let mut r = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        if r.is_none() {
            *r = Some(reason);
        }
        self.notify.notify_one();
    }

    /// Waits until fired; returns the reason.
    pub async fn fired(&self) -> DisconnectReason {
        loop {
            if let Some(r) = *self.reason.lock().unwrap_or_else(|e| e.into_inner()) {
                return r;
            }
            self.notify.notified().await;
        }
    }
}

/// What a socket task holds: its queue of messages and its kick.
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub tx: mpsc::Sender<ServerMessage>,
    pub kick: Arc<Kick>,
}

/// Queue depth per socket.
pub const QUEUE: usize = 256;

struct Member {
    sid: String,
    identity: String,
    tracks: BTreeMap<TrackName, TrackState>,
    mailbox: Mailbox,
}

impl Member {
    fn participant(&self) -> Participant {
        Participant {
            sid: self.sid.clone(),
            identity: self.identity.clone(),
            tracks: self.tracks.values().cloned().collect(),
        }
    }
}

#[derive(Default)]
struct Inner {
    rooms: HashMap<String, Vec<Member>>,
    completed: HashSet<String>,
}

/// A room's occupancy changed: its first participant arrived, or its last one left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occupancy {
    Occupied,
    Empty,
}

/// Told every [`Occupancy`] change, in the order they happen (it runs under the hub's lock, so
/// it must be quick and must not call back into the hub).
pub type OccupancyHook = Box<dyn Fn(&str, Occupancy) + Send + Sync>;

/// Admitted: the new member's sid, the others, and the member it replaced (same identity).
#[derive(Debug)]
pub struct Admission {
    pub participant_sid: String,
    pub others: Vec<Participant>,
    pub replaced: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RelayError {
    #[error("no participant with that sid in this room")]
    UnknownTarget,
    #[error("the receiver's queue is full")]
    Busy,
}

pub struct Hub {
    inner: Mutex<Inner>,
    next: AtomicU64,
    salt: u64,
    on_occupancy: OccupancyHook,
}

impl Hub {
    pub fn new(on_occupancy: OccupancyHook) -> Self {
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Hub {
            inner: Mutex::default(),
            next: AtomicU64::new(1),
            salt,
            on_occupancy,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave the maps half-updated in a way that matters here.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn new_sid(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("PA{:016x}{:016x}", self.salt, n)
    }

    /// Admits `identity` to `room_sid`, replacing a member with the same identity.
    /// `max` counts participants; a replaced member does not count.
    pub fn join(
        &self,
        room_sid: &str,
        identity: &str,
        max: u32,
        mailbox: Mailbox,
    ) -> Result<Admission, DisconnectReason> {
        let sid = self.new_sid();
        let mut inner = self.lock();
        if inner.completed.contains(room_sid) {
            return Err(DisconnectReason::RoomCompleted);
        }
        let members = inner.rooms.entry(room_sid.to_owned()).or_default();
        let others = members.iter().filter(|m| m.identity != identity).count();
        if others as u64 >= u64::from(max) {
            return Err(DisconnectReason::RoomFull);
        }
        let replaced = members
            .iter()
            .position(|m| m.identity == identity)
            .map(|i| members.remove(i));
        if let Some(old) = &replaced {
            old.mailbox.kick.fire(DisconnectReason::DuplicateIdentity);
            broadcast(members, &old.sid, || ServerMessage::ParticipantLeft {
                sid: old.sid.clone(),
            });
        }
        let member = Member {
            sid: sid.clone(),
            identity: identity.to_owned(),
            tracks: BTreeMap::new(),
            mailbox,
        };
        let joined = member.participant();
        let others = members.iter().map(Member::participant).collect();
        broadcast(members, &sid, || ServerMessage::ParticipantJoined {
            participant: joined.clone(),
        });
        let first = members.is_empty();
        members.push(member);
        if first {
            (self.on_occupancy)(room_sid, Occupancy::Occupied);
        }
        Ok(Admission {
            participant_sid: sid,
            others,
            replaced: replaced.map(|m| m.sid),
        })
    }

    /// Removes a member that left (or lost its connection). Returns whether it was still there.
    pub fn leave(&self, room_sid: &str, sid: &str) -> bool {
        let mut inner = self.lock();
        let Some(members) = inner.rooms.get_mut(room_sid) else {
            return false;
        };
        let Some(i) = members.iter().position(|m| m.sid == sid) else {
            return false;
        };
        members.remove(i);
        broadcast(members, sid, || ServerMessage::ParticipantLeft {
            sid: sid.to_owned(),
        });
        if members.is_empty() {
            inner.rooms.remove(room_sid);
            (self.on_occupancy)(room_sid, Occupancy::Empty);
        }
        true
    }

    /// Sends a message from `from` to the member `to` of the same room.
    pub fn relay(
        &self,
        room_sid: &str,
        to: &str,
        message: ServerMessage,
    ) -> Result<(), RelayError> {
        let inner = self.lock();
        let target = inner
            .rooms
            .get(room_sid)
            .and_then(|members| members.iter().find(|m| m.sid == to))
            .ok_or(RelayError::UnknownTarget)?;
        offer(target, message).map_err(|_| RelayError::Busy)
    }

    /// Records a track change of `from` and tells the others; `false` when a receiver's queue was
    /// full (the sender is flooding).
    pub fn track(
        &self,
        room_sid: &str,
        from: &str,
        change: TrackChange,
        name: TrackName,
        stream: Option<String>,
    ) -> bool {
        let mut inner = self.lock();
        let Some(members) = inner.rooms.get_mut(room_sid) else {
            return true;
        };
        let Some(member) = members.iter_mut().find(|m| m.sid == from) else {
            return true;
        };
        let kind = name.kind();
        match change {
            TrackChange::Published => {
                member.tracks.insert(
                    name,
                    TrackState {
                        kind,
                        name,
                        enabled: true,
                        stream: stream.clone(),
                    },
                );
            }
            TrackChange::Unpublished => {
                member.tracks.remove(&name);
            }
            TrackChange::Enabled | TrackChange::Disabled => {
                let enabled = change == TrackChange::Enabled;
                member
                    .tracks
                    .entry(name)
                    .or_insert(TrackState {
                        kind,
                        name,
                        enabled,
                        stream: None,
                    })
                    .enabled = enabled;
            }
        }
        let mut delivered = true;
        for m in members.iter().filter(|m| m.sid != from) {
            let message = ServerMessage::Track {
                from: from.to_owned(),
                change,
                kind,
                name,
                stream: stream.clone(),
            };
            delivered &= offer(m, message).is_ok();
        }
        delivered
    }

    /// Disconnects everyone in the room and refuses later joins. Returns how many were there.
    pub fn complete(&self, room_sid: &str) -> usize {
        let mut inner = self.lock();
        inner.completed.insert(room_sid.to_owned());
        let members = inner.rooms.remove(room_sid).unwrap_or_default();
        for m in &members {
            m.mailbox.kick.fire(DisconnectReason::RoomCompleted);
        }
        members.len()
    }

    /// Participants currently connected to a room.
    pub fn count(&self, room_sid: &str) -> usize {
        self.lock().rooms.get(room_sid).map_or(0, Vec::len)
    }
}

/// Queues a message a participant sent; a full queue refuses it (the sender pays for it).
fn offer(member: &Member, message: ServerMessage) -> Result<(), ()> {
    match member.mailbox.tx.try_send(message) {
        Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => Ok(()),
        Err(mpsc::error::TrySendError::Full(_)) => Err(()),
    }
}

/// Queues one of the hub's own messages; a member whose queue is full has stopped reading and is
/// told it lost the connection.
fn deliver(member: &Member, message: ServerMessage) {
    if let Err(mpsc::error::TrySendError::Full(_)) = member.mailbox.tx.try_send(message) {
        tracing::warn!(participant = %member.sid, "signaling queue full; disconnecting");
        member.mailbox.kick.fire(DisconnectReason::Network);
    }
}

fn broadcast(members: &[Member], except: &str, message: impl Fn() -> ServerMessage) {
    for m in members.iter().filter(|m| m.sid != except) {
        deliver(m, message());
    }
}

#[cfg(test)]
mod tests;
