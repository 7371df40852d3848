//! The sandbox's TaskRouter Reservations over real HTTP: created with every assigned task,
//! moved with the task, listed with Twilio's filters, shapes and errors.

use crate::common::inproc::InProcess;
use plugin_host::twilio::taskrouter::{ReservationQuery, ReservationStatus, TaskUpdate};
use serde_json::Value;

async fn statuses(svc: &InProcess, task: &str, worker: Option<&str>) -> Vec<ReservationStatus> {
    let query = ReservationQuery {
        worker_sid: worker,
        ..ReservationQuery::default()
    };
    svc.state
        .twilio
        .list_task_reservations(&svc.state.workspace_sid, task, &query)
        .await
        .unwrap()
        .reservations
        .into_iter()
        .map(|r| r.reservation_status)
        .collect()
}

async fn worker_of(svc: &InProcess, identity: &str) -> String {
    let v = svc
        .post_json("/sandbox/agents", &[("identity", identity)])
        .await;
    v["workerSid"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reservation_is_listed_in_twilios_shape_and_filtered() {
    let svc = InProcess::start(&[], &[]).await;
    let alice = worker_of(&svc, "alice").await;
    let bob = worker_of(&svc, "bob").await;
    let task = svc.chat("alice", "Cy").await;
    let ws = svc.state.workspace_sid.to_string();
    let path = format!("/v1/Workspaces/{ws}/Tasks/{task}/Reservations");

    let (status, body) = svc.rest_get(&format!("{path}?WorkerSid={alice}")).await;
    assert_eq!(status, 200, "{body}");
    let list = body["reservations"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let r = &list[0];
    let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "account_sid",
            "date_created",
            "date_updated",
            "links",
            "reservation_status",
            "sid",
            "task_sid",
            "url",
            "worker_name",
            "worker_sid",
            "workspace_sid"
        ]
    );
    let sid = r["sid"].as_str().unwrap();
    assert!(sid.starts_with("WR") && sid.len() == 34, "{sid}");
    assert_eq!(r["reservation_status"], "accepted");
    assert_eq!(
        (r["task_sid"].as_str(), r["worker_sid"].as_str()),
        (Some(task.as_str()), Some(alice.as_str()))
    );
    assert_eq!(r["worker_name"], "alice");
    assert_eq!(r["workspace_sid"], ws.as_str());
    assert_eq!(r["url"], svc.url(&format!("{path}/{sid}")));
    assert_eq!(
        r["links"]["worker"],
        svc.url(&format!("/v1/Workspaces/{ws}/Workers/{alice}"))
    );
    assert_eq!(
        r["links"]["task"],
        svc.url(&format!("/v1/Workspaces/{ws}/Tasks/{task}"))
    );
    assert_eq!(body["meta"]["key"], "reservations");
    assert_eq!(body["meta"]["page"], 0);
    assert_eq!(body["meta"]["page_size"], 50);
    assert!(body["meta"]["next_page_url"].is_null());

    // Filters: another worker, another status, and a one-item page with a next page.
    let (_, other) = svc.rest_get(&format!("{path}?WorkerSid={bob}")).await;
    assert_eq!(other["reservations"], Value::Array(vec![]));
    let (_, wrapping) = svc
        .rest_get(&format!("{path}?ReservationStatus=wrapping"))
        .await;
    assert_eq!(wrapping["reservations"], Value::Array(vec![]));
    let (_, accepted) = svc
        .rest_get(&format!(
            "{path}?ReservationStatus=accepted&WorkerSid={alice}"
        ))
        .await;
    assert_eq!(accepted["reservations"].as_array().unwrap().len(), 1);
    let (_, paged) = svc.rest_get(&format!("{path}?PageSize=1")).await;
    let next = paged["meta"]["next_page_url"].as_str().unwrap();
    assert!(next.ends_with("PageSize=1&Page=1"), "{next}");
    let (_, second) = svc.rest_get(next.strip_prefix(&svc.base).unwrap()).await;
    assert_eq!(second["reservations"], Value::Array(vec![]));
    assert_eq!(second["meta"]["previous_page_url"], paged["meta"]["url"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_twilios_errors() {
    let svc = InProcess::start(&[], &[]).await;
    let task = svc.chat("alice", "Cy").await;
    let ws = svc.state.workspace_sid.to_string();
    let path = format!("/v1/Workspaces/{ws}/Tasks/{task}/Reservations");
    for (query, status, code) in [
        ("?WorkerSid=WK123", 400, 20001),
        ("?ReservationStatus=happy", 400, 20001),
        ("?PageSize=0", 400, 20001),
        ("?PageSize=1001", 400, 20001),
    ] {
        let (got, body) = svc.rest_get(&format!("{path}{query}")).await;
        assert_eq!(
            (got, body["code"].as_u64()),
            (status, Some(code)),
            "{query}: {body}"
        );
        assert!(body["message"].is_string());
    }
    let unknown =
        format!("/v1/Workspaces/{ws}/Tasks/WT0123456789abcdef0123456789abcdef/Reservations");
    let (status, body) = svc.rest_get(&unknown).await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(20404)));
    let other_ws =
        format!("/v1/Workspaces/WS0123456789abcdef0123456789abcdef/Tasks/{task}/Reservations");
    assert_eq!(svc.rest_get(&other_ws).await.0, 404);
    let anonymous = svc.http.get(svc.url(&path)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    // The client maps the 404 like every other.
    let err = svc
        .state
        .twilio
        .list_task_reservations(
            &ws,
            "WT0123456789abcdef0123456789abcdef",
            &ReservationQuery::default(),
        )
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_assigned_task_gets_a_reservation_that_follows_it() {
    let svc = InProcess::start(&[], &[]).await;
    let alice = worker_of(&svc, "alice").await;
    // A chat, a task on another channel, and a web chat session all assign a task.
    let chat = svc.chat("alice", "Cy").await;
    let voice = svc
        .post_json(
            "/sandbox/tasks",
            &[("agent", "alice"), ("channel", "voice")],
        )
        .await;
    let voice = voice["taskSid"].as_str().unwrap().to_owned();
    let web: Value = svc
        .http
        .post(svc.url("/sandbox/webchat/sessions"))
        .json(&serde_json::json!({"name": "Dee", "agent": "alice"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let web = web["taskSid"].as_str().unwrap().to_owned();
    for task in [&chat, &voice, &web] {
        assert_eq!(
            statuses(&svc, task, Some(&alice)).await,
            [ReservationStatus::Accepted],
            "{task}"
        );
    }

    let ws = svc.state.workspace_sid.to_string();
    let client = &svc.state.twilio;
    let set = TaskUpdate::status;
    client
        .update_task(&ws, &chat, &set("wrapping", None), None)
        .await
        .unwrap();
    assert_eq!(
        statuses(&svc, &chat, None).await,
        [ReservationStatus::Wrapping]
    );
    client
        .update_task(&ws, &chat, &set("completed", Some("done")), None)
        .await
        .unwrap();
    assert_eq!(
        statuses(&svc, &chat, None).await,
        [ReservationStatus::Completed]
    );
    // Straight from assigned to completed, and a refused change that moves nothing.
    client
        .update_task(&ws, &voice, &set("completed", Some("done")), None)
        .await
        .unwrap();
    assert_eq!(
        statuses(&svc, &voice, None).await,
        [ReservationStatus::Completed]
    );
    assert!(client
        .update_task(&ws, &web, &set("completed", None), None)
        .await
        .is_err());
    assert_eq!(
        statuses(&svc, &web, None).await,
        [ReservationStatus::Accepted]
    );
}
