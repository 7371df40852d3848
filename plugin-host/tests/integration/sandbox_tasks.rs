//! The sandbox stand-in's tasks: TaskRouter's status rules and versions over real HTTP, and the
//! sandbox API that lists an agent's tasks.

use crate::common::inproc::{next_event, InProcess};
use plugin_host::sandbox::SandboxEvent;
use plugin_host::twilio::taskrouter::TaskUpdate;
use serde_json::{json, Value};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desks_status_change_tells_a_refusal_from_a_failure() {
    use crate::common::proxy::{PathIs, Proxy};
    let proxy = Proxy::start().await;
    let svc = InProcess::start(&["--twilio-rest-base-url", &proxy.url()], &[]).await;
    proxy.set_target(&svc.base);
    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    let change = || {
        svc.http
            .post(svc.url(&format!("/sandbox/agents/alice/tasks/{task}/status")))
            .bearer_auth(&token)
            .json(&json!({"assignmentStatus": "wrapping"}))
            .send()
    };
    let tasks = || PathIs::EndingIn(format!("/Tasks/{task}"));
    // TaskRouter refusing the change (a task not in a state that allows it) is a conflict…
    proxy.answer_error("POST", tasks(), 400, 20001);
    assert_eq!(change().await.unwrap().status(), 409);
    // …a task it no longer has is not found…
    proxy.answer_error("POST", tasks(), 404, 20404);
    assert_eq!(change().await.unwrap().status(), 404);
    // …and TaskRouter failing is the sandbox's failure, its detail not told.
    proxy.answer_error("POST", tasks(), 503, 20003);
    let failed = change().await.unwrap();
    assert_eq!(failed.status(), 500);
    let body: Value = failed.json().await.unwrap();
    assert_eq!(body["error"], "Internal error", "{body}");
    proxy.forward_all();
    let done = change().await.unwrap();
    assert_eq!(done.status(), 200);
    let view: Value = done.json().await.unwrap();
    assert_eq!(view["assignmentStatus"], "wrapping", "{view}");
}
