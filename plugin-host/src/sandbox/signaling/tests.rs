//! The signaling service on a real listener, driven by WebSocket clients.

use super::*;
use crate::test_sockets::{self as sockets, reason, send, Ws};
use crate::tokens::now_secs;
use crate::tokens::test_tokens::{self, SECRET};
use chat_to_video::protocol::{
    Candidate, ClientMessage, DisconnectReason, ServerMessage, TrackChange, TrackKind, TrackName,
};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

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

#[tokio::test]
async fn bad_and_foreign_tokens_are_refused() {
    let s = default_server().await;
    let wrong_secret = test_tokens::sign(
        "not-the-secret",
        json!({"identity": "a", "video": {"room": "RM1"}}),
        now_secs() + 600,
    );
    let expired = test_tokens::sign(
        SECRET,
        json!({"identity": "a", "video": {"room": "RM1"}}),
        now_secs() - 5,
    );
    let cases = [
        ("garbage", DisconnectReason::TokenInvalid),
        (wrong_secret.as_str(), DisconnectReason::TokenInvalid),
        (expired.as_str(), DisconnectReason::TokenExpired),
    ];
    for (token, expected) in cases {
        let (mut ws, first) = join(&s, "RM1", token).await;
        assert_eq!(reason(Some(first)), expected);
        assert_closed(&mut ws).await;
    }
    // A valid token for another room, by sid and by unique name.
    for foreign in ["RM2", "other"] {
        let (mut ws, first) = join(&s, "RM1", &test_tokens::video("a", foreign)).await;
        assert_eq!(reason(Some(first)), DisconnectReason::TokenInvalid);
        assert_closed(&mut ws).await;
    }
    // The unique name in the grant is as good as the sid.
    let (_ws, first) = join(&s, "RM1", &test_tokens::video("a", "abcdefg")).await;
    assert!(matches!(first, ServerMessage::Joined { .. }), "{first:?}");
    assert_eq!(s.signaling.participants("RM1"), 1);
}

#[tokio::test]
async fn the_first_message_must_be_join() {
    let s = default_server().await;
    let mut ws = open(&s, "RM1").await;
    send(&mut ws, &ClientMessage::Leave).await;
    assert!(matches!(
        recv(&mut ws).await,
        Some(ServerMessage::Error { .. })
    ));
    assert_eq!(reason(recv(&mut ws).await), DisconnectReason::TokenInvalid);
    assert_closed(&mut ws).await;
}

#[tokio::test]
async fn completed_and_unknown_rooms_are_refused() {
    let s = default_server().await;
    let (mut ws, first) = join(&s, "RM9", &test_tokens::video("a", "RM9")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomNotFound);
    assert_closed(&mut ws).await;

    s.rooms
        .rooms
        .lock()
        .unwrap()
        .get_mut("RM2")
        .unwrap()
        .in_progress = false;
    let (mut ws, first) = join(&s, "RM2", &test_tokens::video("a", "RM2")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomCompleted);
    assert_closed(&mut ws).await;
    assert!(s.rooms.hooks().is_empty());
}

#[tokio::test]
async fn the_participant_limit_is_enforced() {
    let s = default_server().await;
    let (_a, _) = joined(&s, "RM1", "a").await;
    let (_b, _) = joined(&s, "RM1", "b").await;
    let (_c, _) = joined(&s, "RM1", "c").await;
    let (mut d, first) = join(&s, "RM1", &test_tokens::video("d", "RM1")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomFull);
    assert_closed(&mut d).await;
    assert_eq!(s.signaling.participants("RM1"), 3);
}

#[tokio::test]
async fn a_duplicate_identity_replaces_the_first_connection() {
    let s = default_server().await;
    let (mut agent, agent_sid) = joined(&s, "RM1", "agent").await;
    let (mut first, first_sid) = joined(&s, "RM1", "customer").await;
    assert!(matches!(
        recv(&mut agent).await,
        Some(ServerMessage::ParticipantJoined { participant }) if participant.sid == first_sid
    ));
    let (second, second_first) = join(&s, "RM1", &test_tokens::video("customer", "RM1")).await;
    let ServerMessage::Joined {
        participant_sid: second_sid,
        participants,
        ..
    } = second_first
    else {
        panic!("expected joined, got {second_first:?}");
    };
    assert_eq!(participants.len(), 1);
    assert_eq!(participants[0].sid, agent_sid);
    assert_eq!(
        reason(recv(&mut first).await),
        DisconnectReason::DuplicateIdentity
    );
    assert_closed(&mut first).await;
    assert_eq!(
        recv(&mut agent).await,
        Some(ServerMessage::ParticipantLeft { sid: first_sid })
    );
    assert!(matches!(
        recv(&mut agent).await,
        Some(ServerMessage::ParticipantJoined { participant }) if participant.sid == second_sid
    ));
    assert_eq!(s.signaling.participants("RM1"), 2);
    drop(second);
}

#[tokio::test]
async fn offers_answers_candidates_and_track_states_are_relayed() {
    let s = default_server().await;
    let (mut a, a_sid) = joined(&s, "RM1", "a").await;
    let (mut b, b_sid) = joined(&s, "RM1", "b").await;
    let _ = recv(&mut a).await; // b joined
    let (mut x, x_sid) = joined(&s, "RM2", "x").await;

    send(
        &mut a,
        &ClientMessage::Offer {
            to: b_sid.clone(),
            sdp: "offer-sdp".into(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut b).await,
        Some(ServerMessage::Offer {
            from: a_sid.clone(),
            sdp: "offer-sdp".into()
        })
    );
    send(
        &mut b,
        &ClientMessage::Answer {
            to: a_sid.clone(),
            sdp: "answer-sdp".into(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut a).await,
        Some(ServerMessage::Answer {
            from: b_sid.clone(),
            sdp: "answer-sdp".into()
        })
    );
    let candidate = Candidate {
        candidate: "candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host".into(),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
    };
    send(
        &mut b,
        &ClientMessage::Candidate {
            to: a_sid.clone(),
            candidate: candidate.clone(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut a).await,
        Some(ServerMessage::Candidate {
            from: b_sid.clone(),
            candidate
        })
    );
    send(
        &mut a,
        &ClientMessage::Track {
            change: TrackChange::Disabled,
            kind: TrackKind::Audio,
            name: TrackName::Microphone,
            stream: None,
        },
    )
    .await;
    assert_eq!(
        recv(&mut b).await,
        Some(ServerMessage::Track {
            from: a_sid.clone(),
            change: TrackChange::Disabled,
            kind: TrackKind::Audio,
            name: TrackName::Microphone,
            stream: None,
        })
    );

    // Another room's participant is not reachable, and the sender is told so.
    send(
        &mut x,
        &ClientMessage::Offer {
            to: a_sid.clone(),
            sdp: "x".into(),
        },
    )
    .await;
    assert!(matches!(
        recv(&mut x).await,
        Some(ServerMessage::Error { .. })
    ));

    // Malformed and oversized messages get an error; the connection and the room stay up.
    a.send(Message::Text("{not json".into())).await.unwrap();
    assert!(matches!(
        recv(&mut a).await,
        Some(ServerMessage::Error { .. })
    ));
    let huge = "x".repeat(chat_to_video::protocol::MAX_MESSAGE_BYTES + 1);
    send(
        &mut a,
        &ClientMessage::Offer {
            to: b_sid.clone(),
            sdp: huge,
        },
    )
    .await;
    assert!(matches!(
        recv(&mut a).await,
        Some(ServerMessage::Error { .. })
    ));
    send(
        &mut a,
        &ClientMessage::Offer {
            to: b_sid.clone(),
            sdp: "again".into(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut b).await,
        Some(ServerMessage::Offer {
            from: a_sid.clone(),
            sdp: "again".into()
        })
    );

    // Leaving tells the others; the room is empty (and the host hears it) only when the last
    // one has left, which happens before that socket is closed.
    send(&mut a, &ClientMessage::Leave).await;
    assert_closed(&mut a).await;
    assert_eq!(
        recv(&mut b).await,
        Some(ServerMessage::ParticipantLeft { sid: a_sid })
    );
    let _ = x_sid;
    assert!(!s.rooms.hooks().contains(&"-RM1".to_owned()));
    send(&mut b, &ClientMessage::Leave).await;
    assert_closed(&mut b).await;
    assert!(s.rooms.hooks().contains(&"-RM1".to_owned()));
}

#[tokio::test]
async fn completing_the_room_disconnects_everyone_with_the_reason() {
    let s = default_server().await;
    let (mut a, _) = joined(&s, "RM1", "a").await;
    let (mut b, _) = joined(&s, "RM1", "b").await;
    let _ = recv(&mut a).await; // b joined
    assert_eq!(s.signaling.complete_room("RM1"), 2);
    for ws in [&mut a, &mut b] {
        assert_eq!(reason(recv(ws).await), DisconnectReason::RoomCompleted);
        assert_closed(ws).await;
    }
    // Even if the directory has not caught up yet, the room stays closed.
    let (mut c, first) = join(&s, "RM1", &test_tokens::video("c", "RM1")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomCompleted);
    assert_closed(&mut c).await;
    assert_eq!(s.rooms.hooks(), ["+RM1"]);
}

#[tokio::test]
async fn a_token_that_expires_while_connected_disconnects() {
    let s = default_server().await;
    let token = test_tokens::sign(
        SECRET,
        json!({"identity": "a", "video": {"room": "RM1"}}),
        now_secs() + 2,
    );
    let (mut ws, first) = join(&s, "RM1", &token).await;
    assert!(matches!(first, ServerMessage::Joined { .. }), "{first:?}");
    assert_eq!(reason(recv(&mut ws).await), DisconnectReason::TokenExpired);
    assert_closed(&mut ws).await;
    assert_eq!(s.rooms.hooks(), ["+RM1", "-RM1"]);
}

#[tokio::test]
async fn the_server_pings_and_keeps_answering_clients() {
    let s = server(SignalingConfig {
        ping_interval: Duration::from_millis(100),
        join_timeout: Duration::from_secs(1),
    })
    .await;
    let (mut ws, _) = joined(&s, "RM1", "a").await;
    let ping = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_))) => return true,
                Some(Ok(_)) => continue,
                _ => return false,
            }
        }
    })
    .await
    .unwrap();
    assert!(ping);
    // tungstenite answers pings while we read; the session stays up past three intervals.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let reading = tokio::time::timeout(Duration::from_millis(500), ws.next()).await;
    assert!(!matches!(reading, Ok(None) | Ok(Some(Err(_)))));
    assert_eq!(s.signaling.participants("RM1"), 1);
}

#[tokio::test]
async fn a_silent_client_is_dropped() {
    let s = server(SignalingConfig {
        ping_interval: Duration::from_millis(100),
        join_timeout: Duration::from_secs(1),
    })
    .await;
    let (_silent, _) = joined(&s, "RM1", "a").await;
    assert_eq!(s.signaling.participants("RM1"), 1);
    // Not reading means never answering pings.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(s.signaling.participants("RM1"), 0);
    assert_eq!(s.rooms.hooks(), ["+RM1", "-RM1"]);
}
