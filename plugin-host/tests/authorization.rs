//! Authorization by assignment, over HTTP: an agent acts only on tasks their worker holds.

mod common;

use common::inproc::InProcess;
use common::Api;
use plugin_host::twilio::taskrouter::TaskUpdate;
use serde_json::Value;

const NOT_ASSIGNED: &str = "Forbidden: this task is not assigned to you";
const NO_WORKER: &str = "Forbidden: this Flex user is not a TaskRouter worker";
const UNKNOWN_TASK: &str = "WT0123456789abcdef0123456789abcdef";
const UNKNOWN_ROOM: &str = "RM0123456789abcdef0123456789abcdef";

/// Calls a function and expects a 403 text/plain refusal with exactly `message`.
async fn refused(api: &Api, name: &str, form: &[(&str, &str)], message: &str) {
    let resp = api.post_form(&api.function(name), form).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    assert_eq!((status, text.as_str()), (403, message), "{name} {form:?}");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
        "{name}"
    );
    assert_eq!(headers["access-control-allow-origin"], "*");
}

async fn ok(api: &Api, name: &str, form: &[(&str, &str)]) -> Value {
    let (status, body) = api.call(name, form).await;
    assert_eq!(status, 200, "{name} {form:?}: {body}");
    body
}

/// Alice's chat task with a code and a room: `(alice's token, task, document, room, code)`.
async fn alice_in_a_room(api: &Api) -> (String, String, String, String, String) {
    let (token, task, code) = api.code("alice").await;
    let doc = api.task_attributes("alice", &task).await["syncDocument"]
        .as_str()
        .unwrap()
        .to_owned();
    let agent = ok(
        api,
        "agent-get-token",
        &[("Token", &token), ("DocumentSid", &doc)],
    )
    .await;
    let room = agent["room_sid"].as_str().unwrap().to_owned();
    let code = code["unique_code"].as_str().unwrap().to_owned();
    (token, task, doc, room, code)
}

async fn move_task(svc: &InProcess, task: &str, status: &'static str) {
    let update = TaskUpdate {
        assignment_status: Some(status),
        reason: (status == "completed").then_some("resolved"),
        ..TaskUpdate::default()
    };
    svc.state
        .twilio
        .update_task(&svc.state.workspace_sid, task, &update, None)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_agent_is_refused_on_every_endpoint_and_changes_nothing() {
    let svc = InProcess::start(&[], &[]).await;
    let (alice, task, doc, room, code) = alice_in_a_room(&svc).await;
    let before = svc.task_attributes("alice", &task).await;
    // Bob is a signed-in agent with a task of his own.
    let (bob, bob_task, _) = svc.code("bob").await;
    let bob_doc = svc.task_attributes("bob", &bob_task).await["syncDocument"]
        .as_str()
        .unwrap()
        .to_owned();

    let foreign: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("generate-unique-code", vec![("taskSid", &task)]),
        ("agent-get-token", vec![("DocumentSid", &doc)]),
        (
            "update-video-state",
            vec![("taskSid", &task), ("state", "disconnected")],
        ),
        ("complete-room", vec![("DocumentSid", &doc)]),
        ("complete-room", vec![("roomSid", &room)]),
        (
            "complete-room",
            vec![("roomSid", &room), ("DocumentSid", &doc)],
        ),
        // His own document does not cover her room.
        (
            "complete-room",
            vec![("roomSid", &room), ("DocumentSid", &bob_doc)],
        ),
        // Unknown tasks and rooms get the very same answer.
        ("generate-unique-code", vec![("taskSid", UNKNOWN_TASK)]),
        (
            "update-video-state",
            vec![("taskSid", UNKNOWN_TASK), ("state", "connected")],
        ),
        ("complete-room", vec![("roomSid", UNKNOWN_ROOM)]),
    ];
    for (name, params) in &foreign {
        let mut form = vec![("Token", bob.as_str())];
        form.extend(params.iter().copied());
        refused(&svc, name, &form, NOT_ASSIGNED).await;
    }

    // Nothing moved: same attributes, the code still lets the customer in, the room still runs.
    assert_eq!(svc.task_attributes("alice", &task).await, before);
    assert_eq!(before["videoRoom"], "created");
    let (status, video) = svc.call("client-get-video-token", &[("code", &code)]).await;
    assert_eq!(
        (status, video["room_sid"].as_str()),
        (200, Some(room.as_str()))
    );

    // The holder may do all of it.
    ok(
        &svc,
        "update-video-state",
        &[
            ("Token", &alice),
            ("taskSid", &task),
            ("state", "connected"),
        ],
    )
    .await;
    let again = ok(
        &svc,
        "agent-get-token",
        &[("Token", &alice), ("DocumentSid", &doc)],
    )
    .await;
    assert_eq!(again["room_sid"], room.as_str());
    ok(
        &svc,
        "complete-room",
        &[("Token", &alice), ("roomSid", &room), ("DocumentSid", &doc)],
    )
    .await;
    ok(
        &svc,
        "generate-unique-code",
        &[("Token", &alice), ("taskSid", &task)],
    )
    .await;
    assert_eq!(
        svc.call("client-get-video-token", &[("code", &code)])
            .await
            .0,
        403,
        "the completed room's code is retired"
    );
    // Bob's own task is still his to work on.
    ok(
        &svc,
        "update-video-state",
        &[
            ("Token", &bob),
            ("taskSid", &bob_task),
            ("state", "created"),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_without_a_worker_is_refused() {
    let svc = InProcess::start(&[], &[]).await;
    let (_, task, doc, room, _) = alice_in_a_room(&svc).await;
    let admin: Value = svc
        .post_form(
            &svc.url("/sandbox/agents"),
            &[("identity", "alice"), ("worker", "false")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(admin["workerSid"], Value::Null);
    let token = admin["token"].as_str().unwrap();
    let before = svc.task_attributes("alice", &task).await;
    for (name, params) in [
        ("generate-unique-code", vec![("taskSid", task.as_str())]),
        ("agent-get-token", vec![("DocumentSid", doc.as_str())]),
        (
            "update-video-state",
            vec![("taskSid", task.as_str()), ("state", "connected")],
        ),
        ("complete-room", vec![("roomSid", room.as_str())]),
    ] {
        let mut form = vec![("Token", token)];
        form.extend(params);
        refused(&svc, name, &form, NO_WORKER).await;
    }
    assert_eq!(svc.task_attributes("alice", &task).await, before);
    let bad = svc
        .post_form(
            &svc.url("/sandbox/agents"),
            &[("identity", "x"), ("worker", "maybe")],
        )
        .await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrap_up_and_completion_narrow_what_the_holder_may_do() {
    let svc = InProcess::start(&[], &[]).await;
    let (alice, task, doc, room, _) = alice_in_a_room(&svc).await;
    let bob = svc.agent("bob").await;

    move_task(&svc, &task, "wrapping").await;
    refused(
        &svc,
        "generate-unique-code",
        &[("Token", &alice), ("taskSid", &task)],
        NOT_ASSIGNED,
    )
    .await;
    refused(
        &svc,
        "agent-get-token",
        &[("Token", &alice), ("DocumentSid", &doc)],
        NOT_ASSIGNED,
    )
    .await;
    // "disconnected" is still written during wrap-up, and the room can be completed.
    ok(
        &svc,
        "update-video-state",
        &[
            ("Token", &alice),
            ("taskSid", &task),
            ("state", "disconnected"),
        ],
    )
    .await;
    assert_eq!(
        svc.task_attributes("alice", &task).await["videoRoom"],
        "disconnected"
    );
    refused(
        &svc,
        "complete-room",
        &[("Token", &bob), ("DocumentSid", &doc)],
        NOT_ASSIGNED,
    )
    .await;
    ok(
        &svc,
        "complete-room",
        &[("Token", &alice), ("DocumentSid", &doc)],
    )
    .await;

    move_task(&svc, &task, "completed").await;
    refused(
        &svc,
        "update-video-state",
        &[("Token", &alice), ("taskSid", &task), ("state", "error")],
        NOT_ASSIGNED,
    )
    .await;
    // complete-room runs after wrap-up: it still works for the holder, by document or room.
    ok(
        &svc,
        "complete-room",
        &[("Token", &alice), ("DocumentSid", &doc)],
    )
    .await;
    ok(
        &svc,
        "complete-room",
        &[("Token", &alice), ("roomSid", &room)],
    )
    .await;
    refused(
        &svc,
        "complete-room",
        &[("Token", &bob), ("roomSid", &room)],
        NOT_ASSIGNED,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_completed_by_room_sid_alone_is_traced_to_its_task() {
    let svc = InProcess::start(&[], &[]).await;
    let (alice, task, _, room, code) = alice_in_a_room(&svc).await;
    // The index names the room's task and its code's document.
    let index = svc
        .state
        .twilio
        .fetch_document(&svc.state.sync_service_sid, &format!("room-{room}"))
        .await
        .unwrap();
    assert_eq!(index.data["taskSid"], task.as_str());
    assert_eq!(index.data["roomSid"], room.as_str());
    assert!(index.date_expires.is_some(), "the index expires");
    // It is not a code: the customer functions refuse its name.
    assert_eq!(
        svc.call(
            "client-get-sync-token",
            &[("code", &format!("room-{room}"))]
        )
        .await
        .0,
        403
    );
    ok(
        &svc,
        "complete-room",
        &[("Token", &alice), ("roomSid", &room)],
    )
    .await;
    assert_eq!(
        svc.call("client-get-sync-token", &[("code", &code)])
            .await
            .0,
        403
    );
}
