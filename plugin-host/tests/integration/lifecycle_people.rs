//! The people in a video session, against the service in this process (sandbox mode): seats,
//! one rating, a guessing limit that never refuses a valid code, and names instead of
//! identities.

use std::time::{Duration, Instant};

use crate::common::sessions::{link, start};
use serde_json::Value;

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
