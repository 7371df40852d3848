//! A rating usually arrives after wrap-up, when TaskRouter may already have deleted the task
//! (the sandbox deletes completed tasks `SANDBOX_TASK_DELETE_DELAY_SECS` later, as TaskRouter
//! queues them for deletion). It is kept in the session's document with its own, longer time to
//! live, and pushed to the operator's `RATING_WEBHOOK_URL`, signed.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::sessions::start;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use plugin_host::clock::{now_ms, parse_rfc3339_ms};
use plugin_host::functions::rating_webhook::{sign, SIGNATURE_HEADER};
use plugin_host::twilio::taskrouter::TaskUpdate;
use serde_json::Value;

type Deliveries = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// An operator's endpoint that fails its first delivery (503) and takes the next ones.
async fn receiver() -> (String, Deliveries) {
    let got: Deliveries = Arc::default();
    let app = Router::new()
        .route(
            "/hooks/ratings",
            post(
                |State(got): State<Deliveries>, headers: HeaderMap, body: Bytes| async move {
                    let mut got = got.lock().unwrap();
                    got.push((headers, body));
                    if got.len() == 1 {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::NO_CONTENT
                    }
                },
            ),
        )
        .with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/ratings", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_after_the_task_was_deleted_is_kept_and_pushed_signed() {
    const SECRET: &str = "the operator's webhook secret";
    let (url, got) = receiver().await;
    let svc = start(&[
        ("SANDBOX_TASK_DELETE_DELAY_SECS", "0.3"),
        ("RATING_WEBHOOK_URL", &url),
        ("RATING_WEBHOOK_SECRET", SECRET),
    ])
    .await;
    let room = svc.room("alice").await;
    let (_, video) = svc
        .call_json("client-get-video-token", &[("code", &room.code)])
        .await;
    let ticket = video["feedback_ticket"].as_str().unwrap().to_owned();

    // The agent completes the task; TaskRouter deletes it soon after.
    let (client, ws) = (&svc.state.twilio, &*svc.state.workspace_sid);
    client
        .update_task(
            ws,
            &room.task,
            &TaskUpdate::status("completed", Some("resolved")),
            None,
        )
        .await
        .unwrap();
    let (status, _) = svc
        .call(
            "complete-room",
            &[
                ("Token", &room.token),
                ("taskSid", &room.task),
                ("reason", "completed"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let deadline = Instant::now() + Duration::from_secs(5);
    while client.fetch_task(ws, &room.task).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "the completed task was never deleted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let (status, body) = svc
        .call_json(
            "submit-rating",
            &[("ticket", &ticket), ("rating", "5"), ("comment", "lovely")],
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Kept in the session's document, for a week.
    let doc = client
        .fetch_document(&svc.state.sync_service_sid, &room.doc)
        .await
        .unwrap();
    assert_eq!(
        (
            doc.data["rating"]["rating"].as_u64(),
            doc.data["rating"]["comment"].as_str()
        ),
        (Some(5), Some("lovely"))
    );
    let expires = parse_rfc3339_ms(doc.date_expires.as_deref().unwrap()).unwrap();
    assert!(
        expires - now_ms() > 6 * 24 * 3600 * 1000,
        "{:?}",
        doc.date_expires
    );

    // Pushed to the operator, again after a 503, signed over the URL and the exact body.
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.lock().unwrap().len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the rating was not delivered again after a 503"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let deliveries = got.lock().unwrap().clone();
    for (headers, body) in &deliveries {
        let signature = headers[SIGNATURE_HEADER].to_str().unwrap();
        assert_eq!(signature, sign(SECRET, &url, body));
        assert_ne!(signature, sign("another secret", &url, body));
        assert_eq!(headers["content-type"], "application/json");
        let v: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(v["taskSid"], room.task.as_str());
        assert_eq!(v["roomSid"], room.sid.as_str());
        assert_eq!(v["documentSid"], room.doc.as_str());
        assert_eq!(
            (v["rating"].as_u64(), v["comment"].as_str()),
            (Some(5), Some("lovely"))
        );
        assert!(v["submittedAt"].is_string());
    }
}
