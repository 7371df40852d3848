//! Relaying inside one room: offers, answers, candidates and track states reach their member,
//! another room's members are out of reach, bad messages get an error without closing anything,
//! and leaving tells the others.

use super::*;
use crate::test_sockets::send;
use chat_to_video::protocol::{Candidate, ClientMessage, TrackChange, TrackKind, TrackName};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;

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
    // …and stays in its own room: the next message is still answered.
    x.send(Message::Text("{not json".into())).await.unwrap();
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

/// A participant relaying far beyond its allowance (large offers, the receiver not reading) is
/// disconnected itself; the receiver keeps its connection and its place in the room.
#[tokio::test]
async fn a_flooding_sender_is_disconnected_and_never_the_receiver() {
    use futures_util::StreamExt as _;
    let s = default_server().await;
    let (mut a, a_sid) = joined(&s, "RM1", "a").await;
    let (mut b, b_sid) = joined(&s, "RM1", "b").await;
    let _ = recv(&mut a).await; // b joined
                                // 600 offers of 60 KB: more than the receiver's socket buffers and queue hold together.
    let sdp = "v".repeat(60 * 1024);
    let flood = tokio::spawn(async move {
        for _ in 0..600 {
            let offer = ClientMessage::Offer {
                to: b_sid.clone(),
                sdp: sdp.clone(),
            };
            let text = serde_json::to_string(&offer).unwrap();
            if a.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
        // The sender hears why and the socket closes with 1008 (unless the close frame is lost
        // to the reset of a connection it was still writing to).
        let mut close = None;
        while let Ok(Some(frame)) =
            tokio::time::timeout(std::time::Duration::from_secs(10), a.next()).await
        {
            match frame {
                Ok(Message::Close(Some(f))) => close = Some(u16::from(f.code)),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        close
    });
    // Only now does the receiver read: every offer up to the cut, then the sender leaving.
    let mut offers = 0;
    loop {
        match recv(&mut b).await {
            Some(ServerMessage::Offer { .. }) => offers += 1,
            Some(ServerMessage::ParticipantLeft { sid }) if sid == a_sid => break,
            other => panic!("the receiver got {other:?} after {offers} offers"),
        }
    }
    // The burst (120) and what refilled while it lasted: far fewer than the queue holds.
    assert!(offers > 0 && offers < 200, "{offers} offers relayed");
    let close = flood.await.unwrap();
    assert!(close.is_none() || close == Some(1008), "{close:?}");
    // Still connected and in the room: it sees the next one join.
    let (_c, c_sid) = joined(&s, "RM1", "c").await;
    match recv(&mut b).await {
        Some(ServerMessage::ParticipantJoined { participant }) => {
            assert_eq!(participant.sid, c_sid)
        }
        other => panic!("expected c to join, got {other:?}"),
    }
    assert_eq!(s.signaling.participants("RM1"), 2);
}
