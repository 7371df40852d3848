//! The signaling service on a real listener, driven by WebSocket clients: the room directory,
//! the server and the client helpers the topic modules share.

use super::*;
use crate::test_sockets::{self as sockets, Ws};
use crate::tokens::test_tokens::{self, SECRET};
use chat_to_video::protocol::ServerMessage;
use std::collections::HashMap;
use std::sync::Mutex;

mod admission;
mod lifetime;
mod relay;

#[derive(Default)]
struct Rooms {
    rooms: Mutex<HashMap<String, RoomInfo>>,
    hooks: Mutex<Vec<String>>,
}

impl Rooms {
    fn add(&self, sid: &str, name: &str, max: u32) {
        self.rooms.lock().unwrap().insert(
            sid.into(),
            RoomInfo {
                sid: sid.into(),
                unique_name: name.into(),
                in_progress: true,
                max_participants: max,
            },
        );
    }

    fn hooks(&self) -> Vec<String> {
        self.hooks.lock().unwrap().clone()
    }
}

impl RoomDirectory for Rooms {
    fn room<'a>(&'a self, sid: &'a str) -> BoxFuture<'a, Result<Option<RoomInfo>, String>> {
        Box::pin(async move { Ok(self.rooms.lock().unwrap().get(sid).cloned()) })
    }
    fn occupancy(&self, room: &str, change: Occupancy) {
        let sign = if change == Occupancy::Occupied {
            '+'
        } else {
            '-'
        };
        self.hooks.lock().unwrap().push(format!("{sign}{room}"));
    }
}

struct Server {
    base: String,
    rooms: Arc<Rooms>,
    signaling: Signaling,
}

async fn server(config: SignalingConfig) -> Server {
    let rooms = Arc::new(Rooms::default());
    rooms.add("RM1", "abcdefg", 3);
    rooms.add("RM2", "other", 3);
    let verifier = TokenVerifier::new(SECRET, Some(test_tokens::KEY_SID.into()));
    let signaling = Signaling::new(verifier, rooms.clone(), config);
    Server {
        base: sockets::serve(signaling.router()).await,
        rooms,
        signaling,
    }
}

async fn default_server() -> Server {
    server(SignalingConfig::default()).await
}

fn url(server: &Server, room: &str) -> String {
    format!("{}/sandbox/rooms/{room}/signal", server.base)
}

async fn open(server: &Server, room: &str) -> Ws {
    sockets::open(&url(server, room)).await
}

/// The next protocol message, or `None` once the socket has closed.
async fn recv(ws: &mut Ws) -> Option<ServerMessage> {
    sockets::recv(ws).await
}

async fn join(server: &Server, room: &str, token: &str) -> (Ws, ServerMessage) {
    sockets::join(&url(server, room), token).await
}

async fn joined(server: &Server, room: &str, identity: &str) -> (Ws, String) {
    let (ws, first) = join(server, room, &test_tokens::video(identity, room)).await;
    (ws, sockets::joined_sid(&first))
}

async fn assert_closed(ws: &mut Ws) {
    assert_eq!(recv(ws).await, None);
}
