//! Authorization by assignment, over HTTP: an agent acts only on tasks their worker holds.

use crate::common::inproc::InProcess;
use crate::common::Api;
use plugin_host::twilio::taskrouter::TaskUpdate;
use serde_json::Value;

const NOT_ASSIGNED: &str = "Forbidden: this task is not assigned to you";
const NO_WORKER: &str = "Forbidden: this Flex user is not a TaskRouter worker";
const UNKNOWN_TASK: &str = "WT0123456789abcdef0123456789abcdef";
const UNKNOWN_ROOM: &str = "RM0123456789abcdef0123456789abcdef";

/// Calls the functions with one agent's Flex token.
struct Agent<'a> {
    api: &'a Api,
    token: &'a str,
}

impl Agent<'_> {
    fn form<'f>(&'f self, params: &[(&'f str, &'f str)]) -> Vec<(&'f str, &'f str)> {
        let mut form = vec![("Token", self.token)];
        form.extend_from_slice(params);
        form
    }

    async fn ok(&self, name: &str, params: &[(&str, &str)]) -> Value {
        let (status, body) = self.api.call(name, &self.form(params)).await;
        assert_eq!(status, 200, "{name} {params:?}: {body}");
        body
    }

    /// Expects a 403 text/plain refusal with exactly `message`.
    async fn refused(&self, name: &str, params: &[(&str, &str)], message: &str) {
        let resp = self
            .api
            .post_form(&self.api.function(name), &self.form(params))
            .await;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        assert_eq!((status, text.as_str()), (403, message), "{name} {params:?}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain"),
            "{name}"
        );
        assert_eq!(headers["access-control-allow-origin"], "*");
    }
}

fn agent<'a>(api: &'a Api, token: &'a str) -> Agent<'a> {
    Agent { api, token }
}

async fn move_task(svc: &InProcess, task: &str, status: &'static str) {
    let update = TaskUpdate::status(status, (status == "completed").then_some("resolved"));
    svc.state
        .twilio
        .update_task(&svc.state.workspace_sid, task, &update, None)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_agent_is_refused_on_every_endpoint_and_changes_nothing() {
    let svc = InProcess::start(&[], &[]).await;
    let room = svc.room("alice").await;
    let (task, doc) = (room.task.as_str(), room.doc.as_str());
    let before = svc.task_attributes("alice", task).await;
    // Bob is a signed-in agent with a task of his own.
    let (bob_token, bob_task, _) = svc.code("bob").await;
    let bob_doc = svc.document("bob", &bob_task).await;
    let bob = agent(&svc, &bob_token);

    let foreign: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("generate-unique-code", vec![("taskSid", task)]),
        ("agent-get-token", vec![("DocumentSid", doc)]),
        (
            "update-video-state",
            vec![("taskSid", task), ("state", "disconnected")],
        ),
        ("complete-room", vec![("DocumentSid", doc)]),
        ("complete-room", vec![("roomSid", &room.sid)]),
        (
            "complete-room",
            vec![("roomSid", &room.sid), ("DocumentSid", doc)],
        ),
        // His own document does not cover her room.
        (
            "complete-room",
            vec![("roomSid", &room.sid), ("DocumentSid", &bob_doc)],
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
        bob.refused(name, params, NOT_ASSIGNED).await;
    }

    // Nothing moved: same attributes, the code still lets the customer in, the room still runs.
    assert_eq!(svc.task_attributes("alice", task).await, before);
    assert_eq!(before["videoRoom"], "connected");
    let code = [("code", room.code.as_str())];
    let (status, video) = svc.call("client-get-video-token", &code).await;
    assert_eq!(
        (status, video["room_sid"].as_str()),
        (200, Some(room.sid.as_str()))
    );

    // The holder may do all of it.
    let alice = agent(&svc, &room.token);
    alice
        .ok(
            "update-video-state",
            &[("taskSid", task), ("state", "connected")],
        )
        .await;
    let again = alice.ok("agent-get-token", &[("DocumentSid", doc)]).await;
    assert_eq!(again["room_sid"], room.sid.as_str());
    alice
        .ok(
            "complete-room",
            &[("roomSid", &room.sid), ("DocumentSid", doc)],
        )
        .await;
    alice.ok("generate-unique-code", &[("taskSid", task)]).await;
    assert_eq!(
        svc.call("client-get-video-token", &code).await.0,
        403,
        "the completed room's code is retired"
    );
    // Bob's own task is still his to work on.
    bob.ok(
        "update-video-state",
        &[("taskSid", &bob_task), ("state", "created")],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_without_a_worker_is_refused() {
    let svc = InProcess::start(&[], &[]).await;
    let room = svc.room("alice").await;
    let task = room.task.as_str();
    let admin = svc
        .post_json(
            "/sandbox/agents",
            &[("identity", "alice"), ("worker", "false")],
        )
        .await;
    assert_eq!(admin["workerSid"], Value::Null);
    let admin_agent = agent(&svc, admin["token"].as_str().unwrap());
    let before = svc.task_attributes("alice", task).await;
    for (name, params) in [
        ("generate-unique-code", vec![("taskSid", task)]),
        ("agent-get-token", vec![("DocumentSid", room.doc.as_str())]),
        (
            "update-video-state",
            vec![("taskSid", task), ("state", "connected")],
        ),
        ("complete-room", vec![("roomSid", room.sid.as_str())]),
    ] {
        admin_agent.refused(name, &params, NO_WORKER).await;
    }
    assert_eq!(svc.task_attributes("alice", task).await, before);
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
    let room = svc.room("alice").await;
    let (task, doc) = (room.task.as_str(), room.doc.as_str());
    let alice = agent(&svc, &room.token);
    let bob_token = svc.agent("bob").await;
    let bob = agent(&svc, &bob_token);

    move_task(&svc, task, "wrapping").await;
    alice
        .refused("generate-unique-code", &[("taskSid", task)], NOT_ASSIGNED)
        .await;
    alice
        .refused("agent-get-token", &[("DocumentSid", doc)], NOT_ASSIGNED)
        .await;
    // "disconnected" is still written during wrap-up, and the room can be completed.
    alice
        .ok(
            "update-video-state",
            &[("taskSid", task), ("state", "disconnected")],
        )
        .await;
    assert_eq!(
        svc.task_attributes("alice", task).await["videoRoom"],
        "disconnected"
    );
    bob.refused("complete-room", &[("DocumentSid", doc)], NOT_ASSIGNED)
        .await;
    alice.ok("complete-room", &[("DocumentSid", doc)]).await;

    move_task(&svc, task, "completed").await;
    alice
        .refused(
            "update-video-state",
            &[("taskSid", task), ("state", "error")],
            NOT_ASSIGNED,
        )
        .await;
    // complete-room runs after wrap-up: it still works for the holder, by document or room.
    alice.ok("complete-room", &[("DocumentSid", doc)]).await;
    alice.ok("complete-room", &[("roomSid", &room.sid)]).await;
    bob.refused("complete-room", &[("roomSid", &room.sid)], NOT_ASSIGNED)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_completed_by_room_sid_alone_is_traced_to_its_task() {
    let svc = InProcess::start(&[], &[]).await;
    let room = svc.room("alice").await;
    // The index names the room's task and its code's document.
    let index_name = format!("room-{}", room.sid);
    let index = svc
        .state
        .twilio
        .fetch_document(&svc.state.sync_service_sid, &index_name)
        .await
        .unwrap();
    assert_eq!(index.data["taskSid"], room.task.as_str());
    assert_eq!(index.data["roomSid"], room.sid.as_str());
    assert!(index.date_expires.is_some(), "the index expires");
    // It is not a code: the customer functions refuse its name.
    assert_eq!(
        svc.call("client-get-sync-token", &[("code", &index_name)])
            .await
            .0,
        403
    );
    agent(&svc, &room.token)
        .ok("complete-room", &[("roomSid", &room.sid)])
        .await;
    assert_eq!(
        svc.call("client-get-sync-token", &[("code", &room.code)])
            .await
            .0,
        403
    );
}
