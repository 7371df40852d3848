//! One video session per task, against the service in this process (sandbox mode): the link
//! re-sent or replaced, every way a task leaves the agent ending the session (with no browser
//! open: the host's sweep), a call outliving the code's TTL, seats, one rating, and a guessing
//! limit that never refuses a valid code.

mod common;

use std::time::{Duration, Instant};

use common::inproc::InProcess;
use plugin_host::twilio::taskrouter::TaskUpdate;
use serde_json::Value;

/// The sweep runs every 0.2 s here; an ended session is seen well within this.
const BOUND: Duration = Duration::from_secs(5);

async fn start(env: &[(&str, &str)]) -> InProcess {
    let mut all = vec![("SESSION_SWEEP_SECS", "0.2")];
    all.extend_from_slice(env);
    InProcess::start(&[], &all).await
}

async fn link(svc: &InProcess, token: &str, task: &str, replace: bool) -> Value {
    let mut form = vec![("Token", token), ("taskSid", task)];
    if replace {
        form.push(("replace", "true"));
    }
    let (status, body) = svc.call_json("generate-unique-code", &form).await;
    assert_eq!(status, 200, "{body}");
    body
}

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
async fn seats_turn_over_and_a_held_seat_is_kept() {
    let svc = start(&[("VIDEO_CUSTOMER_SEATS", "2")]).await;
    let room = svc.room("alice").await;
    let code = room.code.as_str();
    let seat = |v: &Value| {
        (
            v["seat"].as_u64().unwrap(),
            v["identity"].as_str().unwrap().to_owned(),
        )
    };
    let (_, a) = svc
        .call_json("client-get-video-token", &[("code", code)])
        .await;
    let (_, b) = svc
        .call_json("client-get-video-token", &[("code", code)])
        .await;
    let (_, c) = svc
        .call_json("client-get-video-token", &[("code", code)])
        .await;
    assert_eq!(seat(&a), (1, "customer-1".into()));
    assert_eq!(seat(&b), (2, "customer-2".into()));
    assert_eq!(
        seat(&c),
        (1, "customer-1".into()),
        "a third tab takes the oldest seat"
    );
    let (_, kept) = svc
        .call_json("client-get-video-token", &[("code", code), ("seat", "2")])
        .await;
    assert_eq!(seat(&kept), (2, "customer-2".into()));
    // The room holds every seat and the agent, no more.
    let r = svc.state.twilio.fetch_room(&room.sid).await.unwrap();
    assert_eq!(r.max_participants, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_rating_per_session_and_it_outlives_the_task() {
    let svc = start(&[]).await;
    let room = svc.room("alice").await;
    let (_, video) = svc
        .call_json("client-get-video-token", &[("code", &room.code)])
        .await;
    let ticket = video["feedback_ticket"].as_str().unwrap();
    let (status, _) = svc
        .call_json(
            "submit-rating",
            &[("ticket", ticket), ("rating", "4"), ("comment", "good")],
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = svc
        .call_json("submit-rating", &[("ticket", ticket), ("rating", "1")])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("This call has already been rated."))
    );
    let attrs = svc.task_attributes("alice", &room.task).await;
    assert_eq!(
        (
            attrs["videoRating"]["rating"].as_u64(),
            attrs["videoRating"]["comment"].as_str()
        ),
        (Some(4), Some("good"))
    );
    let doc = svc
        .state
        .twilio
        .fetch_document(&svc.state.sync_service_sid, &room.doc)
        .await
        .unwrap();
    assert_eq!(doc.data["rating"]["rating"], 4, "kept in the session too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_never_lock_out_a_valid_one_nor_other_clients() {
    let svc = start(&[
        ("CODE_GUESS_BURST", "3"),
        ("CODE_GUESS_REFILL_SECS", "0.5"),
        ("TRUSTED_PROXY_HEADER", "X-Forwarded-For"),
    ])
    .await;
    let (_, _, code) = svc.code("alice").await;
    let code = code["unique_code"].as_str().unwrap();
    let from = |addr: &'static str, code: &str| {
        let req = svc
            .http
            .post(svc.function("client-get-sync-token"))
            .header("x-forwarded-for", addr)
            .form(&[("code", code)]);
        async move { req.send().await.unwrap() }
    };
    for _ in 0..3 {
        assert_eq!(from("203.0.113.7", "ZZZZZZZ").await.status(), 403);
    }
    let limited = from("203.0.113.7", "ZZZZZZZ").await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1, "{retry}");
    // The same client's valid code still works (it waits for its turn, at most a refill).
    let started = Instant::now();
    assert_eq!(from("203.0.113.7", code).await.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(3));
    // Another customer behind the same proxy is not affected at all.
    assert_eq!(from("198.51.100.2", "ZZZZZZZ").await.status(), 403);
    assert_eq!(from("198.51.100.2", code).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_see_names_not_identities() {
    let svc = start(&[]).await;
    let made = svc
        .post_json(
            "/sandbox/agents",
            &[("identity", "alice"), ("fullName", "Alice Agent")],
        )
        .await;
    let token = made["token"].as_str().unwrap().to_owned();
    let chat = svc
        .post_json(
            "/sandbox/chats",
            &[("agent", "alice"), ("customer", "Ada <Lovelace>")],
        )
        .await;
    let task = chat["taskSid"].as_str().unwrap().to_owned();
    let code = link(&svc, &token, &task, false).await;
    let code = code["unique_code"].as_str().unwrap();
    let doc = svc.document("alice", &task).await;
    let (_, agent) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(agent["customer_name"], "Ada <Lovelace>");
    svc.connected(&token, &task).await;
    let (_, video) = svc
        .call_json("client-get-video-token", &[("code", code)])
        .await;
    assert_eq!(
        (
            video["agent_name"].as_str(),
            video["agent_identity"].as_str()
        ),
        (Some("Alice Agent"), Some("alice"))
    );
}
