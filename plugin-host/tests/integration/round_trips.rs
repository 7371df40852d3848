//! Round trips to Twilio per click: how the proxy's log is counted in sequential waves, and
//! `generate-unique-code` held to its budgets (`xtask/src/budgets.rs`: at most 3 waves on a first
//! click, 2 on a repeat click of the same agent), measured through the recording proxy with a
//! fixed delay per Twilio request, so a regression fails here and not only in `cargo xtask bench`.

use std::time::Duration;

use crate::common::round_trips::{Harness, Measured};
use crate::common::waves::{count, waves};

/// The delay the bench uses; concurrent requests overlap by far more than loopback jitter.
const DELAY: Duration = Duration::from_millis(60);

#[test]
fn a_request_sent_only_after_another_came_back_is_in_a_later_wave() {
    assert_eq!(count::<u32>(&[]), 0);
    assert_eq!(count(&[(0, 60)]), 1);
    // Sent together: one wave, whatever order they are logged in.
    assert_eq!(waves(&[(2, 63), (0, 61), (1, 60)]), vec![vec![1, 2, 0]]);
    // The second sent only once the first came back (arriving exactly as it left counts too).
    assert_eq!(waves(&[(0, 60), (61, 121)]), vec![vec![0], vec![1]]);
    assert_eq!(count(&[(0, 60), (60, 120)]), 2);
    // The third overlaps the second but was sent after the first came back: two waves.
    assert_eq!(
        waves(&[(0, 60), (50, 110), (100, 160)]),
        vec![vec![0, 1], vec![2]]
    );
    // A long request beside two short ones sent one after the other: the short ones make two
    // waves, and the long one is in the first.
    assert_eq!(
        waves(&[(0, 200), (1, 61), (62, 122)]),
        vec![vec![0, 1], vec![2]]
    );
    // Two chains side by side (a read and a write of one thing, the same of another): as many
    // waves as the longer chain.
    assert_eq!(
        count(&[(0, 60), (0, 60), (61, 121), (62, 180), (181, 240)]),
        3
    );
    // Three waves of the shape generate-unique-code has on a first click.
    let spans = [
        (0, 61),
        (1, 61),
        (1, 62),
        (63, 124),
        (63, 125),
        (126, 187),
        (126, 186),
    ];
    assert_eq!(
        waves(&spans),
        vec![vec![0, 1, 2], vec![3, 4], vec![5, 6]],
        "{spans:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_unique_code_takes_at_most_three_waves_first_and_two_on_a_repeat_click() {
    let h = Harness::start(DELAY, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (first, body) = h.measure("generate-unique-code", "first", &form).await;
    assert_eq!(first.status, 200, "{body}");
    assert_eq!(body["resent"], false, "{body}");
    let (repeat, again) = h.measure("generate-unique-code", "repeat", &form).await;
    assert_eq!(repeat.status, 200, "{again}");
    assert_eq!(again["resent"], true, "{again}");
    assert_eq!(again["unique_code"], body["unique_code"]);
    assert!(
        first.waves.len() <= 3,
        "first click: {} waves: {}",
        first.waves.len(),
        first.shape()
    );
    assert!(
        repeat.waves.len() <= 2,
        "repeat click: {} waves: {}",
        repeat.waves.len(),
        repeat.shape()
    );
    // The waves are what the caller waits for: each costs at least the delay.
    assert!(first.latency >= DELAY * first.waves.len() as u32);
}

/// The writes among a call's requests (IAM's token check is a POST that writes nothing).
fn writes(m: &Measured) -> Vec<String> {
    m.waves
        .iter()
        .flatten()
        .filter(|op| op.starts_with("POST") && !op.ends_with("/Tokens/validate"))
        .cloned()
        .collect()
}

/// `update-video-state`, which must answer 200.
async fn state(h: &Harness, token: &str, task: &str, state: &'static str) -> Measured {
    let form = [("Token", token), ("taskSid", task), ("state", state)];
    let (m, body) = h.measure("update-video-state", state, &form).await;
    assert_eq!(m.status, 200, "{body}");
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_state_writes_nothing_and_a_changed_one_writes() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let link = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (m, body) = h.measure("generate-unique-code", "first", &link).await;
    assert_eq!(m.status, 200, "{body}");
    let first = state(&h, &token, &task, "connected").await;
    assert_eq!(
        writes(&first),
        [
            "POST /v1/Workspaces/{sid}/Tasks/{sid}",
            "POST /v1/Services/{sid}/Documents/{sid}"
        ],
        "{}",
        first.shape()
    );
    let again = state(&h, &token, &task, "connected").await;
    assert_eq!(writes(&again), Vec::<String>::new(), "{}", again.shape());
    let changed = state(&h, &token, &task, "disconnected").await;
    assert_eq!(writes(&changed).len(), 2, "{}", changed.shape());
    let attrs = h.svc.task_attributes("alice", &task).await;
    assert_eq!(attrs["videoRoom"], "disconnected", "{attrs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_back_on_the_same_seat_writes_nothing_and_a_new_page_writes() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let link = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (_, body) = h.measure("generate-unique-code", "first", &link).await;
    let code = body["unique_code"].as_str().expect("code").to_owned();
    let doc = h.svc.document("alice", &task).await;
    let join = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    assert_eq!(
        h.measure("agent-get-token", "join", &join).await.0.status,
        200
    );
    h.svc.connected(&token, &task).await;
    let (first, video) = h
        .measure("client-get-video-token", "join", &[("code", &code)])
        .await;
    assert_eq!(first.status, 200, "{video}");
    assert_eq!(writes(&first), ["POST /v1/Services/{sid}/Documents/{sid}"]);
    let seat = video["seat"].to_string();
    let (back, again) = h
        .measure(
            "client-get-video-token",
            "rejoin",
            &[("code", &code), ("seat", &seat)],
        )
        .await;
    assert_eq!(back.status, 200, "{again}");
    assert_eq!(again["seat"], video["seat"]);
    assert_eq!(writes(&back), Vec::<String>::new(), "{}", back.shape());
    // A page without a seat takes one: that is a change, and it is written.
    let (other, _) = h
        .measure("client-get-video-token", "new page", &[("code", &code)])
        .await;
    assert_eq!(writes(&other), ["POST /v1/Services/{sid}/Documents/{sid}"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_sent_beside_the_token_check_never_lead_to_a_write_for_a_refused_caller() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    let forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
    let (refused, body) = h
        .measure(
            "generate-unique-code",
            "forged token",
            &[("Token", forged), ("taskSid", &task)],
        )
        .await;
    assert_eq!(refused.status, 403, "{body}");
    assert_eq!(
        writes(&refused),
        Vec::<String>::new(),
        "{}",
        refused.shape()
    );
    // Bob holds no reservation for alice's task: refused before anything is written.
    let bob = h.svc.agent("bob").await;
    let (foreign, body) = h
        .measure(
            "generate-unique-code",
            "not assigned",
            &[("Token", &bob), ("taskSid", &task)],
        )
        .await;
    assert_eq!(foreign.status, 403, "{body}");
    assert_eq!(body, "Forbidden: this task is not assigned to you");
    assert_eq!(
        writes(&foreign),
        Vec::<String>::new(),
        "{}",
        foreign.shape()
    );
    // A token that is not shaped like a Flex token is checked before anything is read.
    let (garbage, _) = h
        .measure(
            "generate-unique-code",
            "garbage",
            &[("Token", "garbage"), ("taskSid", &task)],
        )
        .await;
    assert_eq!(garbage.status, 403);
    assert_eq!(garbage.shape(), "POST /v1/Accounts/{sid}/Tokens/validate");
    let _ = token;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reservations_that_do_not_settle_it_are_followed_by_the_agents_own() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    // The first page of the task's reservations shows only someone else's and has more.
    let page = serde_json::json!({
        "reservations": [{
            "sid": "WR0123456789abcdef0123456789abcdef",
            "reservation_status": "accepted",
            "task_sid": task,
            "worker_sid": "WK0123456789abcdef0123456789abcdef",
            "worker_name": "someone else",
        }],
        "meta": {"next_page_url": "https://taskrouter.twilio.com/v1/next", "page": 0, "page_size": 1},
    })
    .to_string();
    let seen = Arc::new(AtomicUsize::new(0));
    let first = seen.clone();
    h.proxy.script(move |_, path| {
        let is_list = path.ends_with("/Reservations");
        (is_list && first.fetch_add(1, Ordering::SeqCst) == 0).then(|| {
            (
                200,
                vec![("content-type", "application/json".to_owned())],
                page.clone().into_bytes(),
            )
        })
    });
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (m, body) = h.measure("generate-unique-code", "first", &form).await;
    assert_eq!(m.status, 200, "{body}");
    let lists: Vec<_> = h
        .proxy
        .exchanges()
        .into_iter()
        .filter(|e| e.path.ends_with("/Reservations"))
        .collect();
    assert_eq!(lists.len(), 2, "{}", m.shape());
    let query = lists[1].query.clone().unwrap_or_default();
    assert!(query.contains("WorkerSid=WK"), "the agent's own: {query}");
    assert!(!lists[0]
        .query
        .clone()
        .unwrap_or_default()
        .contains("WorkerSid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_keeps_the_waves_the_readme_gives() {
    let h = Harness::start(DELAY, &[]).await;
    let measured = h.every_function().await;
    // plugin-host/README.md, "Twilio round trips per call", after (token cache on).
    let most = |function: &str, case: &str| match (function, case) {
        ("generate-unique-code", "first") => 3,
        ("agent-get-token", "first join") => 6,
        ("client-get-video-token", "join") => 3,
        ("client-get-video-token", "rejoin") => 2,
        (_, "connected" | "disconnected" | "rejoin" | "wrap-up" | "rating") => 3,
        _ => 2,
    };
    let over: Vec<String> = measured
        .iter()
        .filter(|m| m.waves.len() > most(m.function, m.case))
        .map(|m| format!("{} ({}): {}", m.function, m.case, m.shape()))
        .collect();
    assert!(
        over.is_empty(),
        "more waves than before:\n{}",
        over.join("\n")
    );
    assert_eq!(measured.len(), 12);
}

/// The agent's name in the session document `doc`, as the customer's page reads it.
async fn agent_name_in(h: &Harness, doc: &str) -> serde_json::Value {
    let sandbox = h.svc.state.sandbox.as_ref().expect("sandbox");
    let row = sandbox
        .store
        .document(doc)
        .await
        .expect("store")
        .expect("document");
    let data: serde_json::Value = serde_json::from_str(&row.data).expect("JSON");
    data["agent"]["name"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agents_next_session_has_their_name_without_reading_the_worker_or_writing_it_later() {
    let h = Harness::start(DELAY, &[]).await;
    let (token, first_task) = h.agent_with_task("alice").await;
    let form = [("Token", token.as_str()), ("taskSid", first_task.as_str())];
    let (first, body) = h.measure("generate-unique-code", "first", &form).await;
    assert_eq!(first.status, 200, "{body}");
    let ops: Vec<&String> = first.waves.iter().flatten().collect();
    assert!(
        ops.iter().any(|o| o.contains("/Workers/")),
        "{}",
        first.shape()
    );
    // Created under the identity, then named beside the task's update.
    assert_eq!(writes(&first).len(), 3, "{}", first.shape());
    let doc = h.svc.document("alice", &first_task).await;
    assert_eq!(agent_name_in(&h, &doc).await, "Alice Agent");

    let second_task = h.svc.chat("alice", "Carol").await;
    let form = [("Token", token.as_str()), ("taskSid", second_task.as_str())];
    let (next, body) = h.measure("generate-unique-code", "first", &form).await;
    assert_eq!(next.status, 200, "{body}");
    let ops: Vec<&String> = next.waves.iter().flatten().collect();
    assert!(
        !ops.iter().any(|o| o.contains("/Workers/")),
        "{}",
        next.shape()
    );
    assert_eq!(
        writes(&next),
        [
            "POST /v1/Services/{sid}/Documents",
            "POST /v1/Workspaces/{sid}/Tasks/{sid}"
        ],
        "{}",
        next.shape()
    );
    // The token is in the cache since the first click: reservations and task, create, update.
    assert_eq!((next.calls(), next.waves.len()), (4, 3), "{}", next.shape());
    let doc = h.svc.document("alice", &second_task).await;
    assert_eq!(agent_name_in(&h, &doc).await, "Alice Agent");
}
