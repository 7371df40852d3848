//! The functions API over HTTP against the real binary in sandbox mode: the whole flow with the
//! shapes it answers, JSON and query parameters, and the CORS preflight.

use crate::common::{assert_code_refused, jwt_part, Service};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_answers_the_documented_shapes() {
    let svc = Service::start(&[]);
    let health = svc.http.get(svc.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    let (status, code) = svc
        .call_json(
            "generate-unique-code",
            &[("Token", &token), ("taskSid", &task)],
        )
        .await;
    assert_eq!(status, 200, "{code}");
    let unique = code["unique_code"].as_str().unwrap();
    assert_eq!(unique.len(), 7);
    assert!(unique.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(
        code["full_url"],
        format!(
            "{}/features/chat-to-video/index.html?code={unique}",
            svc.base
        )
    );
    assert!(time::OffsetDateTime::parse(
        code["valid_until"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());
    assert_eq!(code.as_object().unwrap().len(), 4);
    assert_eq!(code["resent"], false);

    let attrs = svc.task_attributes("alice", &task).await;
    let doc = attrs["syncDocument"]
        .as_str()
        .expect("syncDocument merged")
        .to_owned();
    assert_eq!(attrs["customerName"], "bob", "other attributes kept");

    // Before the agent joins: sync token yes, video token 405.
    let (status, sync) = svc
        .call_json("client-get-sync-token", &[("code", unique)])
        .await;
    assert_eq!(status, 200, "{sync}");
    assert_eq!(sync["document_sid"], doc.as_str());
    assert_eq!(sync["provider"], "sandbox");
    assert_eq!(
        sync["sync_url"],
        format!("ws://127.0.0.1:{}/sandbox/documents/{doc}/live", svc.port)
    );
    assert!(sync["identity"].as_str().unwrap().starts_with("watcher-"));
    let (status, early) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(
        (status, early["error"].as_str()),
        (405, Some(chat_to_video::api::AGENT_NOT_CONNECTED))
    );

    // Agent joins: the room is created and written into the document and the task.
    let (status, agent) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    let room = agent["room_sid"].as_str().unwrap().to_owned();
    assert!(room.starts_with("RM") && room.len() == 34);
    assert_eq!(agent["identity"], "alice");
    assert_eq!(agent["provider"], "sandbox");
    assert_eq!(
        agent["signaling_url"],
        format!("ws://127.0.0.1:{}/sandbox/rooms/{room}/signal", svc.port)
    );
    assert_eq!(
        agent["ice"],
        serde_json::json!({"servers": [], "loopback_only": false})
    );
    assert_eq!(
        jwt_part(agent["token"].as_str().unwrap(), 1)["grants"]["video"]["room"],
        room.as_str()
    );
    let attrs = svc.task_attributes("alice", &task).await;
    assert_eq!(
        (attrs["videoRoom"].as_str(), attrs["videoRoomSid"].as_str()),
        (Some("created"), Some(room.as_str()))
    );
    // Asking again gives the same room.
    let (_, again) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(again["room_sid"], room.as_str());

    // Until the agent's tab says it is in the room, the customer waits.
    let (status, _) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(status, 405);
    let (status, body) = svc
        .call_json(
            "update-video-state",
            &[
                ("Token", &token),
                ("taskSid", &task),
                ("state", "connected"),
            ],
        )
        .await;
    assert_eq!((status, body), (200, serde_json::json!({"success": true})));
    assert_eq!(
        svc.task_attributes("alice", &task).await["videoRoom"],
        "connected"
    );

    // Customer: the session's one seat (every tab gets it), a grant for that room only, the
    // agent's identity and name, and a feedback ticket.
    let (status, v1) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(status, 200, "{v1}");
    let (_, v2) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(
        (v1["identity"].as_str(), v1["seat"].as_u64()),
        (Some("customer-1"), Some(1))
    );
    assert_eq!(v2["identity"], v1["identity"]);
    assert_eq!(
        (v1["agent_identity"].as_str(), v1["agent_name"].as_str()),
        (Some("alice"), Some("alice"))
    );
    assert_eq!(v1["room_sid"], room.as_str());
    let grants = &jwt_part(v1["token"].as_str().unwrap(), 1)["grants"];
    assert_eq!(
        grants,
        &serde_json::json!({"identity": v1["identity"], "video": {"room": room}})
    );
    let ticket = v1["feedback_ticket"].as_str().unwrap().to_owned();

    // Complete: success (twice), then the code is refused and the agent cannot rejoin.
    let (status, body) = svc
        .call_json(
            "complete-room",
            &[("Token", &token), ("roomSid", &room), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!((status, body), (200, serde_json::json!({"success": true})));
    let (status, _) = svc
        .call_json("complete-room", &[("Token", &token), ("roomSid", &room)])
        .await;
    assert_eq!(status, 200);
    assert_code_refused(&svc, unique, Some("wrapped_up"), "a completed room's").await;
    let (status, body) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 403);
    assert!(body["error"].is_string());

    // The rating still works after the code expired, and lands on the task.
    let (status, body) = svc
        .call_json(
            "submit-rating",
            &[
                ("ticket", &ticket),
                ("rating", "4"),
                ("comment", "Great <b>help</b>"),
            ],
        )
        .await;
    assert_eq!((status, body), (200, serde_json::json!({"success": true})));
    let rating = &svc.task_attributes("alice", &task).await["videoRating"];
    assert_eq!(
        (rating["rating"].as_u64(), rating["comment"].as_str()),
        (Some(4), Some("Great <b>help</b>"))
    );
    assert!(rating["submittedAt"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_query_parameters_work_too() {
    let svc = Service::start(&[]);
    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    let resp = svc
        .http
        .post(svc.function("generate-unique-code"))
        .json(&serde_json::json!({"Token": token, "taskSid": task}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let code: Value = resp.json().await.unwrap();
    let url = format!(
        "{}?code={}",
        svc.function("client-get-sync-token"),
        code["unique_code"].as_str().unwrap()
    );
    assert_eq!(svc.http.get(url).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_is_204_with_the_runtime_cors_headers() {
    let svc = Service::start(&[]);
    for f in chat_to_video::api::Endpoint::ALL {
        let resp = svc
            .http
            .request(reqwest::Method::OPTIONS, svc.function(f.name()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204, "{}", f.name());
        let h = resp.headers();
        assert_eq!(h["access-control-allow-origin"], "*");
        assert_eq!(h["access-control-allow-methods"], "GET, POST, OPTIONS");
        assert_eq!(
            h["access-control-allow-headers"],
            "Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, User-Agent"
        );
        assert_eq!(h["access-control-expose-headers"], "ETag");
        assert_eq!(h["access-control-max-age"], "86400");
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert!(resp.bytes().await.unwrap().is_empty());
    }
}
