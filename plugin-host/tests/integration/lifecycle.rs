//! One video session per task, against the service in this process (sandbox mode): the link
//! re-sent or replaced, every way a task leaves the agent ending the session (with no browser
//! open: the host's sweep), and a call outliving the code's TTL. The people in a session:
//! `lifecycle_people.rs`.

use std::time::{Duration, Instant};

use crate::common::inproc::InProcess;
use crate::common::proxy::Proxy;
use crate::common::sessions::{link, start};
use plugin_host::twilio::taskrouter::TaskUpdate;

/// The sweep runs every 0.2 s here; an ended session is seen well within this.
const BOUND: Duration = Duration::from_secs(5);

/// What both customer functions answer for `code` now: (status, reason).
async fn refusal(svc: &InProcess, code: &str) -> (u16, Option<String>) {
    let (status, body) = svc
        .call_json("client-get-sync-token", &[("code", code)])
        .await;
    (status, body["reason"].as_str().map(str::to_owned))
}

/// Waits (polling, up to [`BOUND`]) until the code is refused, and answers the reason.
async fn refused_within_bound(svc: &InProcess, code: &str) -> String {
    let deadline = Instant::now() + BOUND;
    loop {
        if let (403, Some(reason)) = refusal(svc, code).await {
            return reason;
        }
        assert!(
            Instant::now() < deadline,
            "code {code} still accepted after {BOUND:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn room_status(svc: &InProcess, room: &str) -> String {
    svc.state.twilio.fetch_room(room).await.unwrap().status
}

async fn set_status(svc: &InProcess, task: &str, status: &str) {
    let reason = (status == "completed").then_some("resolved");
    svc.state
        .twilio
        .update_task(
            &svc.state.workspace_sid,
            task,
            &TaskUpdate::status(status, reason),
            None,
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_button_re_sends_the_live_link_and_a_new_link_retires_the_old_one() {
    let svc = start(&[]).await;
    let (token, task, first) = svc.code("alice").await;
    let code = first["unique_code"].as_str().unwrap();
    assert_eq!(first["resent"], false);

    // Before a call: the same link.
    let again = link(&svc, &token, &task, false).await;
    assert_eq!(
        (again["unique_code"].as_str(), again["resent"].as_bool()),
        (Some(code), Some(true))
    );
    assert_eq!(again["full_url"], first["full_url"]);

    // During a call: still the same link, and the same room for the customer.
    let doc = svc.document("alice", &task).await;
    let (status, agent) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    svc.connected(&token, &task).await;
    let during = link(&svc, &token, &task, false).await;
    assert_eq!(during["unique_code"].as_str(), Some(code));
    let (status, video) = svc
        .call_json("client-get-video-token", &[("code", code)])
        .await;
    assert_eq!((status, &video["room_sid"]), (200, &agent["room_sid"]));

    // A deliberate new link: the old session ends (its room too), its link is refused with why.
    let fresh = link(&svc, &token, &task, true).await;
    let new_code = fresh["unique_code"].as_str().unwrap();
    assert_ne!(new_code, code);
    assert_eq!(fresh["resent"], false);
    assert_eq!(refusal(&svc, code).await, (403, Some("replaced".into())));
    let room = agent["room_sid"].as_str().unwrap();
    assert_eq!(room_status(&svc, room).await, "completed");
    assert_eq!(refusal(&svc, new_code).await.0, 200);
    let attrs = svc.task_attributes("alice", &task).await;
    assert_ne!(attrs["syncDocument"].as_str(), Some(doc.as_str()));
    assert!(
        attrs["videoEnded"].is_null(),
        "a new session clears the old one's end"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_ends_the_session_by_task_with_a_reason() {
    let svc = start(&[]).await;
    let room = svc.room("alice").await;
    let (status, body) = svc
        .call_json(
            "complete-room",
            &[
                ("Token", &room.token),
                ("taskSid", &room.task),
                ("reason", "ended_by_agent"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        refusal(&svc, &room.code).await,
        (403, Some("ended_by_agent".into()))
    );
    assert_eq!(room_status(&svc, &room.sid).await, "completed");
    let attrs = svc.task_attributes("alice", &room.task).await;
    assert_eq!(attrs["videoEnded"]["reason"], "ended_by_agent");
    assert!(attrs["videoEnded"]["callSecs"].is_u64(), "{attrs}");
    // The first reason stands; a reason the agent cannot give is 400.
    let (status, _) = svc
        .call_json(
            "complete-room",
            &[
                ("Token", &room.token),
                ("taskSid", &room.task),
                ("reason", "completed"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        refusal(&svc, &room.code).await.1.as_deref(),
        Some("ended_by_agent")
    );
    let (status, _) = svc
        .call_json(
            "complete-room",
            &[
                ("Token", &room.token),
                ("taskSid", &room.task),
                ("reason", "expired"),
            ],
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_browser_the_host_ends_sessions_whose_task_left_the_agent() {
    let svc = start(&[]).await;

    // Completed through the TaskRouter stand-in alone (no plugin listener ran).
    let a = svc.room("alice").await;
    set_status(&svc, &a.task, "completed").await;
    assert_eq!(refused_within_bound(&svc, &a.code).await, "completed");
    assert_eq!(room_status(&svc, &a.sid).await, "completed");

    // Wrapping.
    let b = svc.room("alice").await;
    set_status(&svc, &b.task, "wrapping").await;
    assert_eq!(refused_within_bound(&svc, &b.code).await, "wrapped_up");

    // Canceled by TaskRouter (its timeout ran out), with only a link sent (no room).
    let (_, task, code) = svc.code("alice").await;
    let code = code["unique_code"].as_str().unwrap().to_owned();
    let canceled = svc
        .post_json(&format!("/sandbox/tasks/{task}/timeout"), &[])
        .await;
    assert_eq!(canceled["status"], "canceled", "{canceled}");
    assert_eq!(refused_within_bound(&svc, &code).await, "canceled");

    // Transferred to another agent.
    let d = svc.room("alice").await;
    let moved = svc
        .post_json(
            &format!("/sandbox/tasks/{}/transfer", d.task),
            &[("to", "bob")],
        )
        .await;
    assert!(moved["workerSid"].is_string(), "{moved}");
    assert_eq!(refused_within_bound(&svc, &d.code).await, "transferred");
    assert_eq!(room_status(&svc, &d.sid).await, "completed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_outlives_the_codes_ttl_and_an_unused_link_does_not() {
    let svc = start(&[("VIDEO_CODE_TTL", "1")]).await;
    let room = svc.room("alice").await;
    let (status, _) = svc
        .call_json("client-get-video-token", &[("code", &room.code)])
        .await;
    assert_eq!(status, 200, "the customer joins in time");
    let (_, _, unused) = svc.code("alice").await;
    let unused = unused["unique_code"].as_str().unwrap().to_owned();
    let unused_doc = {
        let tasks = svc.get_json("/sandbox/agents/alice/tasks").await;
        tasks["tasks"][0]["attributes"]["syncDocument"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Past the code's TTL (the sweep has run several times by then).
    let deadline = Instant::now() + BOUND;
    while refusal(&svc, &unused).await.0 == 200 {
        assert!(Instant::now() < deadline, "the unused link never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(refusal(&svc, &unused).await, (403, Some("expired".into())));
    let token = svc.agent("alice").await;
    let (status, body) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &unused_doc)],
        )
        .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (403, Some("expired")),
        "{body}"
    );

    // The call that was joined goes on: the customer can come back, the agent can end it.
    let (status, again) = svc
        .call_json("client-get-video-token", &[("code", &room.code)])
        .await;
    assert_eq!(status, 200, "{again}");
    let (status, body) = svc
        .call_json(
            "complete-room",
            &[("Token", &room.token), ("DocumentSid", &room.doc)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(room_status(&svc, &room.sid).await, "completed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_that_times_out_ends_the_session() {
    let svc = start(&[
        ("SANDBOX_MINUTE_SECS", "0.1"),
        ("VIDEO_UNUSED_ROOM_TIMEOUT", "1"),
    ])
    .await;
    let room = svc.room("alice").await;
    assert_eq!(refused_within_bound(&svc, &room.code).await, "timed_out");
    let (status, body) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &room.token), ("DocumentSid", &room.doc)],
        )
        .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (403, Some("timed_out")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_ends_while_its_room_is_being_created_gets_no_room() {
    // The agent's first join creates the room; the agent ends the session (by task) while
    // Twilio is still answering that creation. The new room must not be attached to the ended
    // session: it is completed, the join is refused with the session's reason, the link too.
    let proxy = Proxy::start().await;
    let svc = InProcess::start(
        &["--twilio-rest-base-url", &proxy.url()],
        &[("SESSION_SWEEP_SECS", "0.2")],
    )
    .await;
    proxy.set_target(&svc.base);
    let (token, task, first) = svc.code("alice").await;
    let code = first["unique_code"].as_str().unwrap().to_owned();
    let doc = svc.document("alice", &task).await;

    let mut creating = proxy.hold_next("POST", "/v1/Rooms");
    let form = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let join = svc.call_json("agent-get-token", &form);
    let end_meanwhile = async {
        creating.arrived().await;
        let (status, body) = svc
            .call_json(
                "complete-room",
                &[
                    ("Token", &token),
                    ("taskSid", &task),
                    ("reason", "ended_by_agent"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        creating.release();
    };
    let ((status, body), ()) = tokio::join!(join, end_meanwhile);
    assert_eq!(
        status, 403,
        "the join of an ended session is refused: {body}"
    );
    assert_eq!(body["reason"], "ended_by_agent", "{body}");

    let created: Vec<String> = proxy
        .exchanges()
        .iter()
        .filter(|e| e.method == "POST" && e.path.ends_with("/v1/Rooms") && e.status == 201)
        .map(|e| {
            serde_json::from_slice::<serde_json::Value>(&e.resp_body).unwrap()["sid"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(created.len(), 1, "one room was created");
    assert_eq!(
        room_status(&svc, &created[0]).await,
        "completed",
        "and completed, not left running"
    );
    assert_eq!(
        refusal(&svc, &code).await,
        (403, Some("ended_by_agent".into()))
    );
    let attrs = svc.task_attributes("alice", &task).await;
    assert!(
        attrs["videoRoomSid"].is_null(),
        "no room on the task: {attrs}"
    );
}
