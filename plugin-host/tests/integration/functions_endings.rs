//! After the call, over HTTP against the real binary in sandbox mode: the rating's ticket and value
//! checks, a room completed by its sid alone or timed out retiring its code at the next request,
//! and complete-room when nothing is live (a held task without a session, an unknown document, a
//! task TaskRouter deleted) or TaskRouter fails to read the task (503).

use crate::common::inproc::{next_event, InProcess};
use crate::common::round_trips::{task_answered, Harness};
use crate::common::{assert_code_refused, Room, Service};
use plugin_host::sandbox::{RoomEndReason, SandboxEvent};
use tokio::sync::broadcast::Receiver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ratings_check_ticket_and_value() {
    let svc = Service::start(&[]);
    let room = svc.room("alice").await;
    let (_, v) = svc
        .call_json("client-get-video-token", &[("code", &room.code)])
        .await;
    let ticket = v["feedback_ticket"].as_str().unwrap();
    for bad in ["0", "6", "x", "4.5"] {
        let (status, _) = svc
            .call_json("submit-rating", &[("ticket", ticket), ("rating", bad)])
            .await;
        assert_eq!(status, 400, "{bad}");
    }
    let long = "é".repeat(1001);
    let (status, _) = svc
        .call_json(
            "submit-rating",
            &[("ticket", ticket), ("rating", "3"), ("comment", &long)],
        )
        .await;
    assert_eq!(status, 400);
    // A video token is not a ticket; a ticket from elsewhere neither.
    for bad_ticket in [v["token"].as_str().unwrap(), "x.y.z"] {
        let (status, body) = svc
            .call_json("submit-rating", &[("ticket", bad_ticket), ("rating", "3")])
            .await;
        assert_eq!(status, 403);
        assert!(body["error"].is_string());
    }
    assert!(svc
        .task_attributes("alice", &room.task)
        .await
        .get("videoRating")
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completing_by_room_sid_alone_also_retires_the_code() {
    let svc = Service::start(&[]);
    let room = svc.room("alice").await;
    let token = &room.token;
    let (status, _) = svc
        .call_json("complete-room", &[("Token", token), ("roomSid", &room.sid)])
        .await;
    assert_eq!(status, 200);
    assert_code_refused(&svc, &room.code, Some("wrapped_up"), "a completed room's").await;
    // An unknown room is refused like someone else's: nothing says whether it exists.
    let (status, body) = svc
        .call(
            "complete-room",
            &[
                ("Token", token),
                ("roomSid", "RM00000000000000000000000000000000"),
            ],
        )
        .await;
    assert_eq!(
        (status, body.as_str()),
        (403, Some("Forbidden: this task is not assigned to you")),
        "an unknown room"
    );
}

/// Waits for the sandbox to complete `room` by itself.
async fn timed_out(rx: &mut Receiver<SandboxEvent>, room: &str) {
    let event = next_event(
        rx,
        |e| matches!(e, SandboxEvent::RoomCompleted { sid, .. } if sid == room),
    )
    .await;
    assert!(
        matches!(
            event,
            SandboxEvent::RoomCompleted {
                reason: RoomEndReason::UnusedTimeout,
                ..
            }
        ),
        "{event:?}"
    );
}

async fn agent_get_token(svc: &InProcess, room: &Room) -> (u16, serde_json::Value) {
    svc.call_json(
        "agent-get-token",
        &[("Token", &room.token), ("DocumentSid", &room.doc)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_that_timed_out_retires_the_code_at_the_next_request() {
    // The host's own sweep first runs after 30 s: here the functions alone see the timeout.
    let svc = InProcess::start(
        &[],
        &[
            ("SANDBOX_MINUTE_SECS", "0.2"),
            ("VIDEO_UNUSED_ROOM_TIMEOUT", "1"),
        ],
    )
    .await;
    let mut rx = svc.state.sandbox.as_ref().unwrap().store.subscribe();
    // The customer asks first in one session, the agent in the other.
    let customer_first = svc.room("alice").await;
    let agent_first = svc.room("bob").await;
    for room in [&customer_first, &agent_first] {
        timed_out(&mut rx, &room.sid).await;
    }
    let (status, body) = svc
        .call_json("client-get-video-token", &[("code", &customer_first.code)])
        .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (403, Some("timed_out")),
        "{body}"
    );
    let (status, body) = agent_get_token(&svc, &agent_first).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (403, Some("timed_out")),
        "{body}"
    );
    // Retired for both sides from then on.
    for room in [&customer_first, &agent_first] {
        assert_code_refused(&svc, &room.code, Some("timed_out"), "a timed-out").await;
        let (status, body) = agent_get_token(&svc, room).await;
        assert_eq!(
            (status, body["reason"].as_str()),
            (403, Some("timed_out")),
            "{body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complete_room_with_nothing_live_succeeds_for_a_held_task_and_refuses_an_unknown_document()
{
    let svc = InProcess::start(&[], &[]).await;
    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    // Wrap-up names the task: one that never had a video session has nothing to end.
    let (status, body) = svc
        .call(
            "complete-room",
            &[
                ("Token", &token),
                ("taskSid", &task),
                ("reason", "wrapped_up"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true, "{body}");
    // A document that does not exist names nothing the caller may end.
    let (status, body) = svc
        .call(
            "complete-room",
            &[
                ("Token", &token),
                ("DocumentSid", "ET0123456789abcdef0123456789abcdef"),
            ],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.to_string().contains("Invalid document SID."), "{body}");
}

/// A host (behind the recording proxy) with a task of Alice's whose every read TaskRouter
/// answers with Twilio's error `status` / `code`: the host, Alice's token, the task.
async fn task_reads_answered(status: u16, code: u32) -> (Harness, String, String) {
    let h = Harness::start(std::time::Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    task_answered(&h, "GET", &task, status, code);
    (h, token, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complete_room_for_a_task_taskrouter_deleted_succeeds_and_taskrouter_failing_is_503() {
    // TaskRouter deletes completed tasks: a task that is gone has no session left to find.
    let (h, token, task) = task_reads_answered(404, 20404).await;
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (status, body) = h.svc.call("complete-room", &form).await;
    assert_eq!(status, 200, "{body}");
    // TaskRouter failing is not "nothing to end": the caller is told to try again.
    let (h, token, task) = task_reads_answered(500, 20500).await;
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (status, body) = h.svc.call("complete-room", &form).await;
    assert_eq!(status, 503, "{body}");
}
