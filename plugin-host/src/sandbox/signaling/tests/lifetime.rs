//! How connections end: completing the room (a token that expires while connected does not end
//! one; a rejoin with it is refused), answered pings that keep a session up, and a client that
//! stops answering.

use super::*;
use crate::test_sockets::reason;
use crate::tokens::now_secs;
use chat_to_video::protocol::DisconnectReason;
use futures_util::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

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
async fn a_token_that_expires_while_connected_keeps_the_participant_but_cannot_rejoin() {
    let s = default_server().await;
    let exp = now_secs() + 2;
    let token = test_tokens::sign(
        SECRET,
        json!({"identity": "a", "video": {"room": "RM1"}}),
        exp,
    );
    let (mut ws, first) = join(&s, "RM1", &token).await;
    assert!(matches!(first, ServerMessage::Joined { .. }), "{first:?}");
    while now_secs() <= exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Past its token's expiry the participant is still served: it hears the next one join.
    let (_b, _) = joined(&s, "RM1", "b").await;
    assert!(
        matches!(
            recv(&mut ws).await,
            Some(ServerMessage::ParticipantJoined { .. })
        ),
        "still connected after the token expired"
    );
    let (mut again, first) = join(&s, "RM1", &token).await;
    assert_eq!(reason(Some(first)), DisconnectReason::TokenExpired);
    assert_closed(&mut again).await;
}

#[tokio::test]
async fn a_client_that_only_answers_pings_stays_connected() {
    let s = server(SignalingConfig {
        ping_interval: Duration::from_millis(100),
        join_timeout: Duration::from_secs(1),
        ..SignalingConfig::default()
    })
    .await;
    let (mut ws, _) = joined(&s, "RM1", "a").await;
    // After joining, the client sends nothing but the pongs tungstenite answers while we read,
    // for ten pings: more than three times the silence the server allows.
    let mut pings = 0;
    while pings < 10 {
        let frame = tokio::time::timeout(Duration::from_secs(2), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no ping within 2 s after {pings}"));
        match frame {
            Some(Ok(Message::Ping(_))) => pings += 1,
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                panic!("the server dropped a client answering its pings, after {pings} pings: {frame:?}")
            }
            Some(Ok(_)) => {}
        }
    }
    assert_eq!(s.signaling.participants("RM1"), 1);
    assert_eq!(s.rooms.hooks(), ["+RM1"]);
}

#[tokio::test]
async fn a_silent_client_is_dropped() {
    let s = server(SignalingConfig {
        ping_interval: Duration::from_millis(100),
        join_timeout: Duration::from_secs(1),
        ..SignalingConfig::default()
    })
    .await;
    let (_silent, _) = joined(&s, "RM1", "a").await;
    assert_eq!(s.signaling.participants("RM1"), 1);
    // Not reading means never answering pings: dropped after three silent intervals.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while s.rooms.hooks().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "a silent client was still connected after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(s.rooms.hooks(), ["+RM1", "-RM1"]);
    assert_eq!(s.signaling.participants("RM1"), 0);
}
