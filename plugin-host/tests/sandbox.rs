//! The sandbox stand-in's rules over real HTTP, its hooks for signaling and its event bus.

mod common;

use std::time::Duration;

use common::inproc::InProcess;
use plugin_host::sandbox::{RoomEndReason, SandboxEvent};
use plugin_host::twilio::taskrouter::TaskUpdate;
use plugin_host::twilio::video::CreateRoom;
use serde_json::{json, Value};
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

async fn next_event(
    rx: &mut Receiver<SandboxEvent>,
    want: impl Fn(&SandboxEvent) -> bool,
) -> SandboxEvent {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let e = rx.recv().await.expect("event bus open");
            if want(&e) {
                return e;
            }
        }
    })
    .await
    .expect("event in time")
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
    let svc = InProcess::start(&[], &[]).await;
    let url = svc.url("/v1/Rooms");
    for auth in [None, Some(("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "nope"))] {
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
    let ids = svc.state.sandbox.as_ref().unwrap().store.ids();
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
    let svc = InProcess::start(&[], &[]).await;
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
    assert_eq!(
        client.list_rooms(Some("daily"), None).await.unwrap().len(),
        2
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
    let svc = InProcess::start(&[], &[("SANDBOX_MINUTE_SECS", "0.2")]).await;
    let sb = svc.state.sandbox.clone().unwrap().store;
    let mut rx = sb.subscribe();
    let client = &svc.state.twilio;

    // Nobody joins: completes about one sandbox minute after creation.
    let unused = client.create_room(&room(None, 1, 1)).await.unwrap();
    assert_eq!(
        completed(&mut rx, &unused.sid).await,
        RoomEndReason::UnusedTimeout
    );
    assert_eq!(
        client.fetch_room(&unused.sid).await.unwrap().status,
        "completed"
    );

    // An occupied room does not time out: a room created with it and left unused completes
    // after a sandbox minute (so a sweep ran past both deadlines) while it stays open.
    let r = client.create_room(&room(None, 5, 2)).await.unwrap();
    assert_eq!(r.max_participants, 2, "a go room holds two");
    sb.room_occupancy(&r.sid, true);
    let control = client.create_room(&room(None, 5, 1)).await.unwrap();
    assert_eq!(
        completed(&mut rx, &control.sid).await,
        RoomEndReason::UnusedTimeout
    );
    assert_eq!(
        client.fetch_room(&r.sid).await.unwrap().status,
        "in-progress"
    );
    // Empty again: completes after the empty-room timeout.
    sb.room_occupancy(&r.sid, false);
    assert_eq!(
        completed(&mut rx, &r.sid).await,
        RoomEndReason::EmptyTimeout
    );

    // Completing through REST is announced too.
    let api = client.create_room(&room(None, 5, 5)).await.unwrap();
    client.complete_room(&api.sid).await.unwrap();
    assert_eq!(completed(&mut rx, &api.sid).await, RoomEndReason::Api);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_have_revisions_etags_and_expire() {
    let svc = InProcess::start(&[], &[]).await;
    let sb = svc.state.sandbox.clone().unwrap().store;
    let mut rx = sb.subscribe();
    let client = &svc.state.twilio;
    let service = &*svc.state.sync_service_sid;

    let doc = client
        .create_document(
            service,
            Some("abc1234"),
            &json!({"task": "WT1", "room": null}),
            Some(1),
        )
        .await
        .unwrap();
    assert_eq!(doc.revision, "0");
    let e = next_event(&mut rx, |e| {
        matches!(e, SandboxEvent::DocumentUpdated { .. })
    })
    .await;
    assert_eq!(
        e,
        SandboxEvent::DocumentUpdated {
            sid: doc.sid.clone(),
            unique_name: "abc1234".into(),
            revision: 0,
            data: json!({"task": "WT1", "room": null})
        }
    );
    assert_eq!(
        client
            .create_document(service, Some("abc1234"), &json!({}), None)
            .await
            .unwrap_err()
            .code(),
        Some(54301)
    );
    let updated = client
        .update_document(
            service,
            "abc1234",
            &json!({"task": "WT1", "room": "RM1"}),
            Some("0"),
        )
        .await
        .unwrap();
    assert_eq!(updated.revision, "1");
    assert!(
        updated.date_expires.is_some(),
        "an update without Ttl keeps the expiry"
    );
    let stale = client
        .update_document(service, &doc.sid, &json!({}), Some("0"))
        .await
        .unwrap_err();
    assert_eq!((stale.status(), stale.code()), (Some(412), Some(54103)));
    let perm = client
        .update_document_permission(service, &doc.sid, "customer-1", true, false, false)
        .await
        .unwrap();
    assert!(perm.read && !perm.write && !perm.manage);
    assert!(sb.can_read(&doc.sid, "customer-1").await.unwrap());
    assert!(!sb.can_read(&doc.sid, "someone-else").await.unwrap());

    // Past its TTL the document is gone, announced, and its name free again.
    let e = next_event(&mut rx, |e| {
        matches!(e, SandboxEvent::DocumentRemoved { .. })
    })
    .await;
    assert_eq!(
        e,
        SandboxEvent::DocumentRemoved {
            sid: doc.sid.clone()
        }
    );
    assert!(client
        .fetch_document(service, "abc1234")
        .await
        .unwrap_err()
        .is_not_found());
    assert!(sb.document(&doc.sid).await.unwrap().is_none());
    client
        .create_document(service, Some("abc1234"), &json!({}), None)
        .await
        .unwrap();
    // Sid-like names and too-large data are refused.
    let sidlike = client
        .create_document(
            service,
            Some("ET0123456789abcdef0123456789abcdef"),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(sidlike.unwrap_err().code(), Some(54302));
    let big = json!({"x": "y".repeat(17 * 1024)});
    assert_eq!(
        client
            .create_document(service, None, &big, None)
            .await
            .unwrap_err()
            .status(),
        Some(413)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_follow_twilios_status_rules_and_versions() {
    let svc = InProcess::start(&[], &[]).await;
    let sb = svc.state.sandbox.clone().unwrap().store;
    let mut rx = sb.subscribe();
    let client = &svc.state.twilio;
    let ws = &*svc.state.workspace_sid;
    let task = svc.chat("alice", "bob").await;

    let t = client.fetch_task(ws, &task).await.unwrap();
    assert_eq!(
        (
            t.task.assignment_status.as_str(),
            t.task.task_channel_unique_name.as_deref()
        ),
        ("assigned", Some("chat"))
    );
    let attrs: Value = serde_json::from_str(&t.task.attributes).unwrap();
    assert_eq!(attrs["channelType"], "web");
    assert_eq!(attrs["from"], "bob");
    assert!(attrs["conversationSid"].as_str().unwrap().starts_with("CH"));
    let etag = t.etag.clone().unwrap();

    let status = TaskUpdate::status;
    let wrapped = client
        .update_task(ws, &task, &status("wrapping", None), Some(&etag))
        .await
        .unwrap();
    assert_eq!(wrapped.task.assignment_status, "wrapping");
    next_event(&mut rx, |e| {
        *e == SandboxEvent::TaskUpdated { sid: task.clone() }
    })
    .await;
    let stale = client
        .update_task(ws, &task, &status("completed", Some("done")), Some(&etag))
        .await
        .unwrap_err();
    assert_eq!((stale.status(), stale.code()), (Some(412), Some(20412)));
    for bad in [
        status("assigned", None),
        status("completed", None),
        status("canceled", Some("x")),
    ] {
        assert_eq!(
            client
                .update_task(ws, &task, &bad, None)
                .await
                .unwrap_err()
                .status(),
            Some(400)
        );
    }
    let bad_attrs = TaskUpdate {
        attributes: Some("[1,2]"),
        ..TaskUpdate::default()
    };
    assert_eq!(
        client
            .update_task(ws, &task, &bad_attrs, None)
            .await
            .unwrap_err()
            .status(),
        Some(400)
    );
    let done = client
        .update_task(ws, &task, &status("completed", Some("resolved")), None)
        .await
        .unwrap();
    assert_eq!(done.task.assignment_status, "completed");
    assert_eq!(
        client
            .update_task(ws, &task, &status("wrapping", None), None)
            .await
            .unwrap_err()
            .status(),
        Some(400)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_api_lists_an_agents_tasks() {
    let svc = InProcess::start(&[], &[]).await;
    let chat = svc.chat("alice", "Bob Smith").await;
    let resp = svc
        .post_form(
            &svc.url("/sandbox/tasks"),
            &[
                ("agent", "alice"),
                ("channel", "voice"),
                ("attributes", r#"{"from":"+15551234567"}"#),
            ],
        )
        .await;
    assert_eq!(resp.status(), 201);
    let voice: Value = resp.json().await.unwrap();
    let list = svc.get_json("/sandbox/agents/alice/tasks").await;
    let tasks = list["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    let by_sid = |sid: &str| tasks.iter().find(|t| t["taskSid"] == sid).unwrap().clone();
    let c = by_sid(&chat);
    assert_eq!(
        (c["status"].as_str(), c["channel"].as_str()),
        (Some("assigned"), Some("chat"))
    );
    assert_eq!(c["attributes"]["customerName"], "Bob Smith");
    assert_eq!(c["conversationSid"], c["attributes"]["conversationSid"]);
    let v = by_sid(voice["taskSid"].as_str().unwrap());
    assert_eq!(
        (v["channel"].as_str(), v["attributes"]["from"].as_str()),
        (Some("voice"), Some("+15551234567"))
    );
    assert!(v["conversationSid"].is_null());
    // Bad input is a clear 400.
    for form in [
        vec![("agent", "")],
        vec![("agent", "a"), ("channel", "voice"), ("attributes", "nope")],
    ] {
        let resp = svc.post_form(&svc.url("/sandbox/tasks"), &form).await;
        assert_eq!(resp.status(), 400);
        assert!(resp.json::<Value>().await.unwrap()["error"].is_string());
    }
    let resp = svc
        .post_form(&svc.url("/sandbox/agents"), &[("identity", "bad\nname")])
        .await;
    assert_eq!(resp.status(), 400);
    let unknown = svc.get_json("/sandbox/agents/nobody/tasks").await;
    assert_eq!(unknown, json!({"tasks": []}));
}
