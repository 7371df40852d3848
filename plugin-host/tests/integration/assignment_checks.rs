//! How the functions ask TaskRouter whether the caller holds the task
//! (`plugin-host/src/functions/assignment.rs`), read from the recording proxy's log: a check for
//! one reservation status lets TaskRouter filter by it, a refusal that the first page settles
//! costs one request, TaskRouter failing is the service failing (503) and not a refusal (403),
//! and an agent back in their own room is recorded again only when their name changed.

use std::time::Duration;

use crate::common::proxy::{twilio_error, Exchange};
use crate::common::round_trips::{linked, Harness, Linked, Measured};

/// The reservation lists among the proxy's exchanges from `from` on.
fn lists(h: &Harness, from: usize) -> Vec<Exchange> {
    h.proxy
        .exchanges()
        .split_off(from)
        .into_iter()
        .filter(|e| e.method == "GET" && e.path.ends_with("/Reservations"))
        .collect()
}

fn query(e: &Exchange) -> String {
    e.query.clone().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_for_one_status_lets_taskrouter_filter_by_it() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    // generate-unique-code reads the task's reservations beside the token check: every
    // worker's, the accepted ones only.
    let before = h.proxy.exchanges().len();
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (m, body) = h.measure("generate-unique-code", "first", &form).await;
    assert_eq!(m.status, 200, "{body}");
    let read = lists(&h, before);
    assert_eq!(read.len(), 1, "{}", m.shape());
    assert!(
        query(&read[0]).contains("ReservationStatus=accepted"),
        "{}",
        query(&read[0])
    );
    assert!(
        !query(&read[0]).contains("WorkerSid"),
        "{}",
        query(&read[0])
    );

    // agent-get-token asks for the agent's own reservations, the accepted ones only.
    let doc = h.svc.document("alice", &task).await;
    let before = h.proxy.exchanges().len();
    let join = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let (m, body) = h.measure("agent-get-token", "first join", &join).await;
    assert_eq!(m.status, 200, "{body}");
    let read = lists(&h, before);
    assert_eq!(read.len(), 1, "{}", m.shape());
    let q = query(&read[0]);
    assert!(
        q.contains("WorkerSid=WK") && q.contains("ReservationStatus=accepted"),
        "{q}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_the_first_page_settles_costs_one_reservation_list() {
    let Linked { h, doc, .. } = linked().await;
    // Bob names Alice's session by its document only: his own reservations for her task (any
    // of the statuses complete-room allows, so not filtered by status) are none, in one page.
    let (bob, _) = h.agent_with_task("bob").await;
    let before = h.proxy.exchanges().len();
    let end = [("Token", bob.as_str()), ("DocumentSid", doc.as_str())];
    let (m, body) = h.measure("complete-room", "not his", &end).await;
    assert_eq!(m.status, 403, "{body}");
    let read = lists(&h, before);
    assert_eq!(read.len(), 1, "one page settles it: {}", m.shape());
    let q = query(&read[0]);
    assert!(
        q.contains("WorkerSid=WK") && !q.contains("ReservationStatus"),
        "{q}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taskrouter_failing_on_the_reservations_is_503_not_a_refusal() {
    let h = Harness::start(Duration::ZERO, &[]).await;
    let (token, task) = h.agent_with_task("alice").await;
    h.proxy.script(|method, path| {
        (method == "GET" && path.ends_with("/Reservations")).then(|| twilio_error(500, 20500))
    });
    let form = [("Token", token.as_str()), ("taskSid", task.as_str())];
    let (m, body) = h
        .measure("generate-unique-code", "taskrouter down", &form)
        .await;
    assert_eq!(m.status, 503, "{body}");
}

/// The session document `doc`'s data, as the customer's page reads it.
async fn document_data(h: &Harness, doc: &str) -> serde_json::Value {
    let sandbox = h.svc.state.sandbox.as_ref().expect("sandbox");
    let row = sandbox
        .store
        .document(doc)
        .await
        .expect("store")
        .expect("document");
    serde_json::from_str(&row.data).expect("JSON")
}

/// The Sync document writes among a call's requests.
fn document_writes(m: &Measured) -> usize {
    m.waves
        .iter()
        .flatten()
        .filter(|op| op.starts_with("POST /v1/Services/{sid}/Documents/"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_back_in_their_room_is_recorded_again_only_when_something_changed() {
    use plugin_host::clock::now_ms;
    use plugin_host::functions::worker_names::NAME_TTL_MS;
    let Linked { h, token, doc, .. } = linked().await;
    let join = [("Token", token.as_str()), ("DocumentSid", doc.as_str())];
    let (first, body) = h.measure("agent-get-token", "first join", &join).await;
    assert_eq!(first.status, 200, "{body}");
    let (again, body) = h.measure("agent-get-token", "rejoin", &join).await;
    assert_eq!(again.status, 200, "{body}");
    assert_eq!(
        document_writes(&again),
        0,
        "nothing changed: {}",
        again.shape()
    );

    // Renamed in TaskRouter, and the name the host read is older than it keeps names for: the
    // next rejoin reads the worker and records the new name for the customer's page.
    let agent = document_data(&h, &doc).await["agent"].clone();
    assert_eq!(agent["name"], "Alice Agent", "{agent}");
    let worker = agent["worker"].as_str().expect("worker").to_owned();
    h.svc
        .state
        .worker_names
        .insert(&worker, "Alice Agent", now_ms() - NAME_TTL_MS - 1);
    let renamed = serde_json::json!({
        "sid": worker,
        "friendly_name": "alice",
        "attributes": r#"{"full_name":"Alice Renamed"}"#,
    })
    .to_string();
    h.proxy.script(move |method, path| {
        (method == "GET" && path.contains("/Workers/")).then(|| {
            (
                200,
                vec![("content-type", "application/json".to_owned())],
                renamed.clone().into_bytes(),
            )
        })
    });
    let (renamed, body) = h.measure("agent-get-token", "rejoin renamed", &join).await;
    assert_eq!(renamed.status, 200, "{body}");
    assert_eq!(document_writes(&renamed), 1, "{}", renamed.shape());
    let agent = document_data(&h, &doc).await["agent"].clone();
    assert_eq!(agent["name"], "Alice Renamed", "{agent}");
    assert_eq!(agent["identity"], "alice", "{agent}");
}
