//! The sandbox behind signaling: rooms from its store, occupancy changes written to it (they
//! drive the empty/unused timeouts), and its `RoomCompleted` events turned into disconnects.

use super::{BoxFuture, Occupancy, RoomDirectory, RoomInfo, Signaling};
use crate::sandbox::{rooms, Sandbox, SandboxEvent};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// [`RoomDirectory`] over the sandbox.
pub struct SandboxRooms(pub Arc<Sandbox>);

impl RoomDirectory for SandboxRooms {
    fn room<'a>(&'a self, sid: &'a str) -> BoxFuture<'a, Result<Option<RoomInfo>, String>> {
        let key = sid.to_owned();
        Box::pin(async move {
            let row = self
                .0
                .db()
                .call(move |c| Ok(rooms::fetch(c, &key)))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
            // The path names the room by sid; a unique name there is not a room.
            Ok(row.filter(|r| r.sid == sid).map(|r| RoomInfo {
                in_progress: r.status == rooms::IN_PROGRESS,
                sid: r.sid,
                unique_name: r.unique_name,
                max_participants: r.max_participants,
            }))
        })
    }

    fn occupancy(&self, room_sid: &str, change: Occupancy) {
        self.0
            .room_occupancy(room_sid, change == Occupancy::Occupied);
    }
}

/// Disconnects everyone in a room as soon as the sandbox completes it (REST or timeout).
pub fn spawn_completions(sandbox: &Sandbox, signaling: Signaling) {
    let mut events = sandbox.subscribe();
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(SandboxEvent::RoomCompleted { sid, reason }) => {
                    let n = signaling.complete_room(&sid);
                    tracing::info!(room = %sid, reason = reason.as_str(), disconnected = n, "room completed");
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "signaling missed sandbox events");
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}
