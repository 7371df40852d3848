//! The sandbox's video rooms: one signaling WebSocket per room at
//! `/sandbox/rooms/{RM}/signal`. It admits participants with a valid access token for the
//! room while the room is in progress and below its participant limit, relays offers, answers
//! and ICE candidates between the members of one room (a full mesh: media flows browser to
//! browser), and disconnects everyone with a reason when the room is completed.
//!
//! This module is the one authority on who is in which room ([`hub`]). The host provides the
//! rooms through [`RoomDirectory`], hears from it when a room becomes occupied or empty (its
//! timeouts), and tells this module about completed rooms with [`Signaling::complete_room`].

pub mod hub;
pub mod sandbox;
mod session;
#[cfg(test)]
mod tests;

use axum::extract::{ws::WebSocketUpgrade, Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::edge::sockets::SocketAdmission;
pub use crate::tokens::TokenVerifier;

/// The route, in axum's syntax.
pub const ROUTE: &str = "/sandbox/rooms/{room}/signal";

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A room as the signaling server needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomInfo {
    /// `RM…`
    pub sid: String,
    pub unique_name: String,
    pub in_progress: bool,
    pub max_participants: u32,
}

pub use hub::Occupancy;

/// The host's rooms, and what it hears of their occupancy (which drives the empty/unused
/// timeouts).
pub trait RoomDirectory: Send + Sync + 'static {
    /// The room by sid; `Ok(None)` when there is none.
    fn room<'a>(&'a self, sid: &'a str) -> BoxFuture<'a, Result<Option<RoomInfo>, String>>;
    /// The room's first participant arrived, or its last one left. Called in order, under the
    /// hub's lock: it must be quick and must not call back into signaling.
    fn occupancy(&self, room_sid: &str, change: Occupancy);
}

/// Timing of the signaling sockets.
#[derive(Debug, Clone, Copy)]
pub struct SignalingConfig {
    /// A ping every this long; a socket silent for three intervals is dropped.
    pub ping_interval: Duration,
    /// The `join` message must arrive within this.
    pub join_timeout: Duration,
    /// Relayed messages (offers, answers, candidates, track changes) one participant may send in
    /// a burst, and how many per second it gets back: a sender beyond it is disconnected, never
    /// the receiver it floods.
    pub relay_burst: u32,
    pub relay_per_sec: f64,
}

impl Default for SignalingConfig {
    fn default() -> Self {
        SignalingConfig {
            ping_interval: Duration::from_secs(15),
            join_timeout: crate::edge::sockets::AUTH_DEADLINE,
            // Well under the receiver's queue (`hub::QUEUE`), well over what a browser sends
            // (a few dozen candidates and a handful of descriptions per peer).
            relay_burst: 120,
            relay_per_sec: 20.0,
        }
    }
}

struct Inner {
    hub: hub::Hub,
    verifier: TokenVerifier,
    directory: Arc<dyn RoomDirectory>,
    config: SignalingConfig,
}

/// The signaling service; cheap to clone.
#[derive(Clone)]
pub struct Signaling {
    inner: Arc<Inner>,
}

impl Signaling {
    pub fn new(
        verifier: TokenVerifier,
        directory: Arc<dyn RoomDirectory>,
        config: SignalingConfig,
    ) -> Self {
        let hears = directory.clone();
        let hub = hub::Hub::new(Box::new(move |room, change| hears.occupancy(room, change)));
        Signaling {
            inner: Arc::new(Inner {
                hub,
                verifier,
                directory,
                config,
            }),
        }
    }

    /// The WebSocket route, ready to merge into the host's router.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        Router::new()
            .route(ROUTE, get(upgrade))
            .with_state(self.clone())
    }

    /// The room was completed (REST or timeout): everyone is disconnected with
    /// `room_completed` and later joins are refused. Returns how many were connected.
    pub fn complete_room(&self, room_sid: &str) -> usize {
        self.inner.hub.complete(room_sid)
    }

    /// Participants connected to a room now.
    pub fn participants(&self, room_sid: &str) -> usize {
        self.inner.hub.count(room_sid)
    }
}

/// Largest frame and message read: four times the protocol's limit, so an oversized message gets
/// an error that keeps the socket; anything larger is refused from the frame's header.
pub const MAX_FRAME_BYTES: usize = 4 * chat_to_video::protocol::MAX_MESSAGE_BYTES;

async fn upgrade(
    State(signaling): State<Signaling>,
    Path(room): Path<String>,
    admission: SocketAdmission,
    ws: WebSocketUpgrade,
) -> Response {
    SocketAdmission::limit(ws, MAX_FRAME_BYTES)
        .on_upgrade(move |socket| session::run(signaling, room, socket, admission))
}
