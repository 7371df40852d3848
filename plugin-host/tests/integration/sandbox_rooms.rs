//! The sandbox stand-in's Video rooms over real HTTP, behind its account's Basic auth: unique names,
//! completion, and the timeouts that signaling's occupancy reports drive.

use crate::common::inproc::{next_event, InProcess};
use plugin_host::sandbox::{RoomEndReason, SandboxEvent};
use plugin_host::twilio::video::CreateRoom;
use serde_json::Value;
use tokio::sync::broadcast::Receiver;

fn room(name: Option<&str>, unused: u32, empty: u32) -> CreateRoom<'_> {
    CreateRoom {
        room_type: "go",
        unique_name: name,
        record_participants_on_connect: false,
        empty_room_timeout: empty,
        unused_room_timeout: unused,
        max_participants: None,
    }
}

/// Waits for the room's `RoomCompleted` and answers its reason.
async fn completed(rx: &mut Receiver<SandboxEvent>, room: &str) -> RoomEndReason {
    let event = next_event(
        rx,
        |e| matches!(e, SandboxEvent::RoomCompleted { sid, .. } if sid == room),
    )
    .await;
    match event {
        SandboxEvent::RoomCompleted { reason, .. } => reason,
        other => unreachable!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stand_in_requires_the_sandbox_accounts_basic_auth() {
    let svc = InProcess::start(&[], &[("SANDBOX_LEGACY_ROOM_TYPES", "true")]).await;
    let url = svc.url("/v1/Rooms");
    let ids = svc.state.sandbox.as_ref().unwrap().store.ids().clone();
    // The right account with a token one character off: as long as the real one, still refused.
    let mut near = ids.auth_token.clone().into_bytes();
    near[0] = if near[0] == b'0' { b'1' } else { b'0' };
    let near = String::from_utf8(near).unwrap();
    for auth in [
        None,
        Some(("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "nope")),
        Some((ids.account_sid.as_str(), near.as_str())),
    ] {
        let mut req = svc.http.get(&url);
        if let Some((u, p)) = auth {
            req = req.basic_auth(u, Some(p));
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            (body["code"].as_u64(), body["status"].as_u64()),
            (Some(20003), Some(401))
        );
        assert!(body["message"].is_string() && body["more_info"].is_string());
    }
    let ok = svc
        .http
        .get(&url)
        .basic_auth(&ids.account_sid, Some(&ids.auth_token))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_names_are_unique_among_in_progress_rooms_and_completed_is_final() {
    let svc = InProcess::start(&[], &[("SANDBOX_LEGACY_ROOM_TYPES", "true")]).await;
    let client = &svc.state.twilio;
    let first = client
        .create_room(&room(Some("daily"), 5, 5))
        .await
        .unwrap();
    assert_eq!(
        (first.status.as_str(), first.unique_name.as_deref()),
        ("in-progress", Some("daily"))
    );
    assert_eq!(
        client
            .create_room(&room(Some("daily"), 5, 5))
            .await
            .unwrap_err()
            .code(),
        Some(53113)
    );
    let done = client.complete_room(&first.sid).await.unwrap();
    assert_eq!(done.status, "completed");
    assert_eq!(
        client.complete_room(&first.sid).await.unwrap_err().code(),
        Some(53112)
    );
    let second = client
        .create_room(&room(Some("daily"), 5, 5))
        .await
        .unwrap();
    assert_eq!(
        client.fetch_room("daily").await.unwrap().sid,
        second.sid,
        "the name finds the live room"
    );
    assert_eq!(
        client.fetch_room(&first.sid).await.unwrap().status,
        "completed"
    );
    let anonymous = client.create_room(&room(None, 5, 5)).await.unwrap();
    assert_eq!(
        anonymous.unique_name.as_deref(),
        Some(anonymous.sid.as_str())
    );
    // Without a status Twilio lists the rooms in progress; the completed one on request.
    assert_eq!(
        client.list_rooms(Some("daily"), None).await.unwrap().len(),
        1
    );
    assert_eq!(
        client
            .list_rooms(Some("daily"), Some("completed"))
            .await
            .unwrap()
            .len(),
        1
    );
    // Out-of-range timeouts and unknown types are refused.
    assert_eq!(
        client
            .create_room(&room(None, 61, 5))
            .await
            .unwrap_err()
            .status(),
        Some(400)
    );
    let bad_type = CreateRoom {
        room_type: "stadium",
        ..room(None, 5, 5)
    };
    assert_eq!(
        client.create_room(&bad_type).await.unwrap_err().status(),
        Some(400)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_time_out_unused_or_empty_as_signaling_reports_occupancy() {
    let svc = InProcess::start(
        &[],
        &[
            ("SANDBOX_MINUTE_SECS", "0.2"),
            ("SANDBOX_LEGACY_ROOM_TYPES", "true"),
        ],
    )
    .await;
    let sb = svc.state.sandbox.clone().unwrap().store;
    let mut rx = sb.subscribe();
    let client = &svc.state.twilio;

    // Nobody joins: completes after its unused timeout, not before. A control room created
    // after it with a fifth of the timeout completes first.
    let unused = client.create_room(&room(None, 5, 1)).await.unwrap();
    let control = client.create_room(&room(None, 1, 1)).await.unwrap();
    assert_eq!(
        completed(&mut rx, &control.sid).await,
        RoomEndReason::UnusedTimeout
    );
    assert_eq!(
        client.fetch_room(&unused.sid).await.unwrap().status,
        "in-progress",
        "a room ended before its unused timeout"
    );
    assert_eq!(
        completed(&mut rx, &unused.sid).await,
        RoomEndReason::UnusedTimeout
    );
    assert_eq!(
        client.fetch_room(&unused.sid).await.unwrap().status,
        "completed"
    );

    // An occupied room does not time out: a control room created after it with the same
    // unused timeout completes (so a sweep ran past the occupied room's unused deadline) while
    // it stays open.
    let r = client.create_room(&room(None, 1, 5)).await.unwrap();
    assert_eq!(r.max_participants, 2, "a go room holds two");
    sb.room_occupancy(&r.sid, true);
    let control = client.create_room(&room(None, 1, 1)).await.unwrap();
    assert_eq!(
        completed(&mut rx, &control.sid).await,
        RoomEndReason::UnusedTimeout
    );
    assert_eq!(
        client.fetch_room(&r.sid).await.unwrap().status,
        "in-progress",
        "an occupied room timed out"
    );
    // Empty again: completes after the empty-room timeout, not before. A control room created
    // when it empties, with a fifth of that timeout as its unused one, completes first.
    sb.room_occupancy(&r.sid, false);
    let control = client.create_room(&room(None, 1, 1)).await.unwrap();
    assert_eq!(
        completed(&mut rx, &control.sid).await,
        RoomEndReason::UnusedTimeout
    );
    assert_eq!(
        client.fetch_room(&r.sid).await.unwrap().status,
        "in-progress",
        "a room ended before its empty timeout"
    );
    assert_eq!(
        completed(&mut rx, &r.sid).await,
        RoomEndReason::EmptyTimeout
    );

    // Completing through REST is announced too.
    let api = client.create_room(&room(None, 5, 5)).await.unwrap();
    client.complete_room(&api.sid).await.unwrap();
    assert_eq!(completed(&mut rx, &api.sid).await, RoomEndReason::Api);
}
