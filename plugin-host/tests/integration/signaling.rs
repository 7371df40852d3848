//! Signaling and live documents against the real binary in sandbox mode, with the tokens the
//! functions API hands out and rooms completed over REST.

use crate::common::sockets::{join, joined_sid, reason, recv, send, subscribe, Ws};
use crate::common::{Room, Service};
use chat_to_video::protocol::{ClientMessage, DisconnectReason, LiveServerMessage, ServerMessage};
use serde_json::Value;
use std::time::Duration;

/// The next signaling message, or `None` once the socket has closed.
async fn next(ws: &mut Ws) -> Option<ServerMessage> {
    recv(ws).await
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
    let Room {
        token: flex,
        code,
        grant: agent,
        ..
    } = svc.room("alice").await;
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
        next(&mut a).await,
        Some(ServerMessage::ParticipantJoined { participant }) if participant.sid == c_sid
    ));

    send(
        &mut c,
        &ClientMessage::Offer {
            to: a_sid.clone(),
            sdp: "v=0 offer".into(),
        },
    )
    .await;
    assert_eq!(
        next(&mut a).await,
        Some(ServerMessage::Offer {
            from: c_sid.clone(),
            sdp: "v=0 offer".into()
        })
    );
    send(
        &mut a,
        &ClientMessage::Answer {
            to: c_sid.clone(),
            sdp: "v=0 answer".into(),
        },
    )
    .await;
    assert_eq!(
        next(&mut c).await,
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
        assert_eq!(next(ws).await, None);
    }
    // The room stays closed.
    let (mut late, first) = join(&url, s(&agent, "token")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomCompleted);
    assert_eq!(next(&mut late).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_and_foreign_tokens_are_refused() {
    let svc = Service::start(&[]);
    let one = svc.room("alice").await.grant;
    let two = svc.room("bob").await.grant;
    let url_one = s(&one, "signaling_url");
    // Bob's token names his room, not Alice's.
    let (mut ws, first) = join(url_one, s(&two, "token")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::TokenInvalid);
    assert_eq!(next(&mut ws).await, None);
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
async fn a_second_customer_tab_takes_the_seat_over_and_the_agent_keeps_its_place() {
    // `go` rooms hold two participants: one customer seat and the agent.
    let svc = Service::start(&[
        ("VIDEO_ROOM_TYPE", "go"),
        ("VIDEO_LEGACY_ROOM_TYPES", "true"),
        ("SANDBOX_LEGACY_ROOM_TYPES", "true"),
    ]);
    let Room {
        code, grant: agent, ..
    } = svc.room("alice").await;
    let url = s(&agent, "signaling_url");
    let (mut a, _) = join(url, s(&agent, "token")).await;
    let first_customer = customer(&svc, &code).await;
    assert_eq!(first_customer["seat"], 1);
    assert_eq!(s(&first_customer, "identity"), "customer-1");
    let (mut c1, first) = join(url, s(&first_customer, "token")).await;
    let c1_sid = joined_sid(&first);
    let _ = next(&mut a).await; // c1 joined

    // Another tab or device gets the same seat: admitted, the first is told why it goes, and
    // the agent is never crowded out.
    let other = customer(&svc, &code).await;
    assert_eq!(s(&other, "identity"), "customer-1");
    let (_c2, first) = join(url, s(&other, "token")).await;
    let c2_sid = joined_sid(&first);
    assert_eq!(
        reason(next(&mut c1).await),
        DisconnectReason::DuplicateIdentity
    );
    assert_eq!(next(&mut c1).await, None);
    assert_eq!(
        next(&mut a).await,
        Some(ServerMessage::ParticipantLeft { sid: c1_sid })
    );
    assert!(matches!(
        next(&mut a).await,
        Some(ServerMessage::ParticipantJoined { participant }) if participant.sid == c2_sid
    ));
    // The agent rejoins (a second window of theirs) and still has a place.
    let (_a2, first) = join(url, s(&agent, "token")).await;
    assert!(matches!(first, ServerMessage::Joined { .. }), "{first:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unused_room_times_out_and_is_refused() {
    // One sandbox minute is a tenth of a second: the default 5-minute unused timeout is 0.5 s.
    let svc = Service::start(&[("SANDBOX_MINUTE_SECS", "0.1")]);
    let agent = svc.room("alice").await.grant;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (mut ws, first) = join(s(&agent, "signaling_url"), s(&agent, "token")).await;
    assert_eq!(reason(Some(first)), DisconnectReason::RoomCompleted);
    assert_eq!(next(&mut ws).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joined_room_outlives_its_unused_room_timeout() {
    // One sandbox minute is 0.4 s: the default 5-minute unused timeout is 2 s.
    let svc = Service::start(&[("SANDBOX_MINUTE_SECS", "0.4")]);
    let held = svc.room("alice").await;
    let (mut a, first) = join(s(&held.grant, "signaling_url"), s(&held.grant, "token")).await;
    assert!(matches!(first, ServerMessage::Joined { .. }), "{first:?}");
    // A room created after it that nobody joins: once that one has timed out as unused, the
    // first one's unused deadline has passed too.
    let unused = svc.room("bob").await;
    let account = svc.get_json("/sandbox/account").await;
    let status = |sid: String| {
        let request = svc
            .http
            .get(svc.url(&format!("/v1/Rooms/{sid}")))
            .basic_auth(s(&account, "accountSid"), Some(s(&account, "authToken")));
        async move {
            let room: Value = request.send().await.unwrap().json().await.unwrap();
            room["status"].as_str().unwrap_or_default().to_owned()
        }
    };
    let waited = std::time::Instant::now();
    while status(unused.sid.clone()).await != "completed" {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "the unused room never timed out"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status(held.sid.clone()).await, "in-progress");
    // The agent is still in it: a message to nobody is answered, not a disconnection.
    send(
        &mut a,
        &ClientMessage::Offer {
            to: "PA00000000000000000000000000000000".into(),
            sdp: "v=0".into(),
        },
    )
    .await;
    assert!(
        matches!(next(&mut a).await, Some(ServerMessage::Error { .. })),
        "the agent was not disconnected"
    );
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
    let (mut live, first) = subscribe(s(&sync, "sync_url"), s(&sync, "token")).await;
    let LiveServerMessage::Document { data, .. } = first else {
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
        recv::<LiveServerMessage<Value>>(&mut live).await
    else {
        panic!("expected an update");
    };
    assert!(revision > 0);
    assert_eq!(data["room"], agent["room_sid"]);

    // With the service's ACL on (as `cargo xtask deploy` leaves it), another identity's sync
    // token cannot read this document.
    let account = svc.get_json("/sandbox/account").await;
    let acl = svc
        .http
        .post(svc.url(&format!("/v1/Services/{}", s(&account, "syncServiceSid"))))
        .basic_auth(s(&account, "accountSid"), Some(s(&account, "authToken")))
        .form(&[("AclEnabled", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(acl.status(), 200);
    let (_, _, other_code) = svc.code("bob").await;
    let (_, other_sync) = svc
        .call(
            "client-get-sync-token",
            &[("code", s(&other_code, "unique_code"))],
        )
        .await;
    let (_, first) = subscribe(s(&sync, "sync_url"), s(&other_sync, "token")).await;
    assert!(matches!(first, LiveServerMessage::Error { .. }));

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
    while let Some(m) = recv::<LiveServerMessage<Value>>(&mut live).await {
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

/// A video token for `identity` in `room`, signed with `secret` as the functions sign, expiring
/// at `exp`.
fn video_token(
    key: &str,
    secret: &str,
    account: &str,
    identity: &str,
    room: &str,
    exp: u64,
) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.cty = Some("twilio-fpa;v=1".into());
    let now = now_secs();
    let claims = serde_json::json!({
        "jti": format!("{key}-{now}"), "iat": now, "exp": exp, "iss": key, "sub": account,
        "grants": {"identity": identity, "video": {"room": room}},
    });
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// As in Twilio: a participant whose token expires during the call stays in it (the token is
/// only checked when joining), but a rejoin with that token is refused (20104). The tokens the
/// functions hand out live four hours, so a long call can still reconnect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_call_keeps_the_participant_but_cannot_rejoin() {
    const KEY: &str = "SK0123456789abcdef0123456789abcdef";
    const SECRET: &str = "the signaling test's secret";
    let svc = Service::start(&[("TWILIO_API_KEY", KEY), ("TWILIO_API_SECRET", SECRET)]);
    let Room {
        code,
        grant: agent,
        sid,
        ..
    } = svc.room("alice").await;
    let url = s(&agent, "signaling_url").to_owned();
    let customer_grant = customer(&svc, &code).await;
    let claims = crate::common::jwt_part(s(&customer_grant, "token"), 1);
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        4 * 3600
    );
    let account = claims["sub"].as_str().unwrap().to_owned();
    let exp = now_secs() + 2;
    let short = video_token(KEY, SECRET, &account, "customer-1", &sid, exp);
    let (mut c, first) = join(&url, &short).await;
    assert!(matches!(first, ServerMessage::Joined { .. }), "{first:?}");
    while now_secs() <= exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Past its expiry the customer is still in the call: it hears the agent arrive.
    let (_a, _) = join(&url, s(&agent, "token")).await;
    assert!(
        matches!(next(&mut c).await, Some(ServerMessage::ParticipantJoined { participant }) if participant.identity == "alice"),
        "the customer is still connected after its token expired"
    );
    // Reconnecting with the expired token fails, as Twilio's 20104.
    let (mut again, first) = join(&url, &short).await;
    assert_eq!(reason(Some(first)), DisconnectReason::TokenExpired);
    assert_eq!(next(&mut again).await, None);
}
