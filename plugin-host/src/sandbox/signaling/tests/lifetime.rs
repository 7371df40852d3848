//! How connections end: completing the room (a token that expires while connected does not end
//! one; a rejoin with it is refused), pings that keep
//! a session up, and a client that stops answering.

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
async fn the_server_pings_and_keeps_answering_clients() {
    let s = server(SignalingConfig {
        ping_interval: Duration::from_millis(100),
        join_timeout: Duration::from_secs(1),
        ..SignalingConfig::default()
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
        ..SignalingConfig::default()
    })
    .await;
    let (_silent, _) = joined(&s, "RM1", "a").await;
    assert_eq!(s.signaling.participants("RM1"), 1);
    // Not reading means never answering pings.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(s.signaling.participants("RM1"), 0);
    assert_eq!(s.rooms.hooks(), ["+RM1", "-RM1"]);
}
