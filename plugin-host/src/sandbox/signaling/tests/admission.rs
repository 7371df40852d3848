//! Who gets in: bad, expired and foreign tokens, a first message that is not `join`, completed and
//! unknown rooms, the participant limit, and a duplicate identity replacing the first connection.

use super::*;
use crate::test_sockets::{reason, send};
use crate::tokens::now_secs;
use chat_to_video::protocol::{ClientMessage, DisconnectReason};
use serde_json::json;

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
