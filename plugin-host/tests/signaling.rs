//! Signaling and live documents against the real binary in sandbox mode, with the tokens the
//! functions API hands out and rooms completed over REST.

mod common;

use chat_to_video::protocol::{
    ClientMessage, DisconnectReason, LiveClientMessage, LiveServerMessage, ServerMessage,
};
use common::Service;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn open(url: &str) -> Ws {
    tokio_tungstenite::connect_async(url)
        .await
        .expect("connect")
        .0
}

async fn send_json<T: serde::Serialize>(ws: &mut Ws, message: &T) {
    let text = serde_json::to_string(message).unwrap();
    ws.send(Message::Text(text.into())).await.unwrap();
}

async fn next<T: serde::de::DeserializeOwned>(ws: &mut Ws) -> Option<T> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("timed out waiting for a message");
        match frame {
            Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

async fn join(url: &str, token: &str) -> (Ws, ServerMessage) {
    let mut ws = open(url).await;
    send_json(
        &mut ws,
        &ClientMessage::Join {
            token: token.into(),
        },
    )
    .await;
    let first = next(&mut ws).await.expect("an answer to join");
    (ws, first)
}

fn joined_sid(message: &ServerMessage) -> String {
    match message {
        ServerMessage::Joined {
            participant_sid, ..
        } => participant_sid.clone(),
        other => panic!("expected joined, got {other:?}"),
    }
}

fn reason(message: Option<ServerMessage>) -> DisconnectReason {
    match message {
        Some(ServerMessage::Disconnected { reason, code, .. }) => {
            assert_eq!(code, reason.code());
            reason
        }
        other => panic!("expected disconnected, got {other:?}"),
    }
}

/// An agent in a room and what the customer needs: `(flex token, code, document, agent answer)`.
async fn room(svc: &Service, agent: &str) -> (String, String, String, Value) {
    let (token, task, code) = svc.code(agent).await;
    let unique = code["unique_code"].as_str().unwrap().to_owned();
    let attrs = svc.task_attributes(agent, &task).await;
    let doc = attrs["syncDocument"].as_str().unwrap().to_owned();
    let (status, grant) = svc
        .call(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{grant}");
    (token, unique, doc, grant)
}

async fn customer(svc: &Service, code: &str) -> Value {
    let (status, grant) = svc.call("client-get-video-token", &[("code", code)]).await;
    assert_eq!(status, 200, "{grant}");
    grant
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_and_customer_meet_and_completing_over_rest_disconnects_both() {
    let svc = Service::start(&[]);
    let (flex, code, _doc, agent) = room(&svc, "alice").await;
    let url = s(&agent, "signaling_url").to_owned();
    let (mut a, first) = join(&url, s(&agent, "token")).await;
    let a_sid = joined_sid(&first);
    let grant = customer(&svc, &code).await;
    assert_eq!(s(&grant, "signaling_url"), url);
    let (mut c, first) = join(&url, s(&grant, "token")).await;
    let c_sid = joined_sid(&first);
    let ServerMessage::Joined { participants, .. } = first else {
        unreachable!()
    };
    assert_eq!(participants.len(), 1);
    assert_eq!(participants[0].identity, "alice");
    assert!(matches!(
        next::<ServerMessage>(&mut a).await,
        Some(ServerMessage::ParticipantJoined { participant }) if participant.sid == c_sid
    ));

    send_json(
        &mut c,
        &ClientMessage::Offer {
            to: a_sid.clone(),
            sdp: "v=0 offer".into(),
        },
    )
    .await;
    assert_eq!(
        next::<ServerMessage>(&mut a).await,
        Some(ServerMessage::Offer {
            from: c_sid.clone(),
            sdp: "v=0 offer".into()
        })
    );
    send_json(
        &mut a,
        &ClientMessage::Answer {
            to: c_sid.clone(),
            sdp: "v=0 answer".into(),
        },
    )
    .await;
    assert_eq!(
        next::<ServerMessage>(&mut c).await,
        Some(ServerMessage::Answer {
            from: a_sid.clone(),
            sdp: "v=0 answer".into()
        })
    );

    let room_sid = s(&agent, "room_sid").to_owned();
    let (status, body) = svc
        .call("complete-room", &[("Token", &flex), ("roomSid", &room_sid)])
        .await;
    assert_eq!(status, 200, "{body}");
    for ws in [&mut a, &mut c] {
        assert_eq!(reason(next(ws).await), DisconnectReason::RoomCompleted);
        assert_eq!(next::<ServerMessage>(ws).await, None);
    }
    // The room stays closed.
    let (mut late, first) = join(&url, s(&agent, "token")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomCompleted);
    assert_eq!(next::<ServerMessage>(&mut late).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_and_foreign_tokens_are_refused() {
    let svc = Service::start(&[]);
    let (_, _, _, one) = room(&svc, "alice").await;
    let (_, _, _, two) = room(&svc, "bob").await;
    let url_one = s(&one, "signaling_url");
    // Bob's token names his room, not Alice's.
    let (mut ws, first) = join(url_one, s(&two, "token")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::TokenInvalid);
    assert_eq!(next::<ServerMessage>(&mut ws).await, None);
    // A token with the signature of another secret.
    let token = s(&one, "token");
    let (head, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{head}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let (_, first) = join(url_one, &forged).await;
    assert_eq!(reason(Some(first)), DisconnectReason::TokenInvalid);
    // A room that does not exist.
    let nowhere = url_one.replace(s(&one, "room_sid"), "RM00000000000000000000000000000000");
    let (_, first) = join(&nowhere, token).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomNotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_room_type_limit_is_enforced_and_a_duplicate_identity_replaces() {
    // `go` rooms hold two participants.
    let svc = Service::start(&[("VIDEO_ROOM_TYPE", "go")]);
    let (_, code, _, agent) = room(&svc, "alice").await;
    let url = s(&agent, "signaling_url");
    let (mut a, _) = join(url, s(&agent, "token")).await;
    let first_customer = customer(&svc, &code).await;
    let (mut c1, first) = join(url, s(&first_customer, "token")).await;
    let c1_sid = joined_sid(&first);
    let _ = next::<ServerMessage>(&mut a).await; // c1 joined

    let other = customer(&svc, &code).await;
    let (mut c2, first) = join(url, s(&other, "token")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomFull);
    assert_eq!(next::<ServerMessage>(&mut c2).await, None);

    // The same customer token again (a second tab): admitted, the first is told why it goes.
    let (_c1_again, first) = join(url, s(&first_customer, "token")).await;
    let again_sid = joined_sid(&first);
    assert_eq!(
        reason(next(&mut c1).await),
        DisconnectReason::DuplicateIdentity
    );
    assert_eq!(next::<ServerMessage>(&mut c1).await, None);
    assert_eq!(
        next::<ServerMessage>(&mut a).await,
        Some(ServerMessage::ParticipantLeft { sid: c1_sid })
    );
    assert!(matches!(
        next::<ServerMessage>(&mut a).await,
        Some(ServerMessage::ParticipantJoined { participant }) if participant.sid == again_sid
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unused_room_times_out_and_is_refused() {
    // One sandbox minute is a tenth of a second: the default 5-minute unused timeout is 0.5 s.
    let svc = Service::start(&[("SANDBOX_MINUTE_SECS", "0.1")]);
    let (_, _, _, agent) = room(&svc, "alice").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (mut ws, first) = join(s(&agent, "signaling_url"), s(&agent, "token")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomCompleted);
    assert_eq!(next::<ServerMessage>(&mut ws).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_sees_the_agent_arrive_live_and_the_room_complete() {
    let svc = Service::start(&[]);
    let (flex, task, code) = svc.code("alice").await;
    let unique = s(&code, "unique_code").to_owned();
    let (status, sync) = svc
        .call("client-get-sync-token", &[("code", &unique)])
        .await;
    assert_eq!(status, 200, "{sync}");
    let mut live = open(s(&sync, "sync_url")).await;
    send_json(
        &mut live,
        &LiveClientMessage::Subscribe {
            token: s(&sync, "token").into(),
        },
    )
    .await;
    let Some(LiveServerMessage::Document { data, .. }) =
        next::<LiveServerMessage<Value>>(&mut live).await
    else {
        panic!("expected the current document");
    };
    assert_eq!(data["room"], Value::Null);
    assert_eq!(data["task"], task.as_str());

    let doc = s(&sync, "document_sid").to_owned();
    let (status, agent) = svc
        .call(
            "agent-get-token",
            &[("Token", &flex), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    let Some(LiveServerMessage::Document { data, revision }) =
        next::<LiveServerMessage<Value>>(&mut live).await
    else {
        panic!("expected an update");
    };
    assert!(revision > 0);
    assert_eq!(data["room"], agent["room_sid"]);

    // Another identity's sync token cannot read this document.
    let (_, other_code) = {
        let (_, _, c) = svc.code("bob").await;
        ((), c)
    };
    let (_, other_sync) = svc
        .call(
            "client-get-sync-token",
            &[("code", s(&other_code, "unique_code"))],
        )
        .await;
    let mut foreign = open(s(&sync, "sync_url")).await;
    send_json(
        &mut foreign,
        &LiveClientMessage::Subscribe {
            token: s(&other_sync, "token").into(),
        },
    )
    .await;
    assert!(matches!(
        next::<LiveServerMessage<Value>>(&mut foreign).await,
        Some(LiveServerMessage::Error { .. })
    ));

    let room_sid = s(&agent, "room_sid").to_owned();
    let (status, _) = svc
        .call(
            "complete-room",
            &[
                ("Token", &flex),
                ("roomSid", &room_sid),
                ("DocumentSid", &doc),
            ],
        )
        .await;
    assert_eq!(status, 200);
    // Completion ends the subscription, whichever way the sandbox records it.
    let mut last = None;
    while let Some(m) = next::<LiveServerMessage<Value>>(&mut live).await {
        last = Some(m);
    }
    assert!(
        matches!(
            last,
            Some(LiveServerMessage::Completed | LiveServerMessage::Removed)
        ),
        "{last:?}"
    );
}
