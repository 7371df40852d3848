//! Room types: group rooms work on every account and are the default; Go, Peer-to-Peer and
//! Small Group rooms exist only on accounts that used them before 21 October 2024 (others get
//! error 53126), so they need the operator's opt-in at start, and a refusal is a clear message
//! at the agent's join. The sandbox's account is a new one unless `SANDBOX_LEGACY_ROOM_TYPES`.

use crate::common::process::Launch;
use crate::common::sessions::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_group_room_works_on_an_account_without_legacy_types() {
    let svc = start(&[]).await;
    let room = svc.room("alice").await;
    let r = svc.state.twilio.fetch_room(&room.sid).await.unwrap();
    assert_eq!(r.room_type, "group");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_type_needs_the_opt_in_at_start() {
    let (status, stderr) = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: vec![("VIDEO_ROOM_TYPE", "go")],
        ..Launch::default()
    }
    .refused();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("VIDEO_ROOM_TYPE")
            && stderr.contains("53126")
            && stderr.contains("VIDEO_LEGACY_ROOM_TYPES=true"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_without_legacy_types_refuses_them_with_a_clear_message() {
    let svc = start(&[
        ("VIDEO_ROOM_TYPE", "go"),
        ("VIDEO_LEGACY_ROOM_TYPES", "true"),
    ])
    .await;
    let (token, task, _) = svc.code("alice").await;
    let doc = svc.document("alice", &task).await;
    let (status, body) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 500, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("53126") && message.contains("VIDEO_ROOM_TYPE=group"),
        "{message}"
    );
    // The same account with the legacy types creates the room.
    let svc = start(&[
        ("VIDEO_ROOM_TYPE", "go"),
        ("VIDEO_LEGACY_ROOM_TYPES", "true"),
        ("SANDBOX_LEGACY_ROOM_TYPES", "true"),
    ])
    .await;
    let room = svc.room("alice").await;
    let r = svc.state.twilio.fetch_room(&room.sid).await.unwrap();
    assert_eq!(r.room_type, "go");
}
