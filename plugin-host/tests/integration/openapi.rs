//! Every request the REST client sends and every answer the sandbox stand-in gives, recorded by a
//! proxy between them, checked against Twilio's OpenAPI specs (and the IAM call against
//! the shape `twilio-flex-token-validator` sends and reads, since IAM is not in the specs).

use crate::common::inproc::InProcess;
use crate::common::oai::{self, Specs};
use crate::common::proxy::{Exchange, Proxy};
use plugin_host::twilio::taskrouter::{ReservationQuery, ReservationStatus, TaskUpdate};
use plugin_host::twilio::video::CreateRoom;
use serde_json::{json, Value};

fn is_iam(ex: &Exchange) -> bool {
    ex.path.ends_with("/Tokens/validate")
}

/// A function's answer status.
async fn status(svc: &InProcess, name: &str, form: &[(&str, &str)]) -> u16 {
    svc.call(name, form).await.0
}

/// Runs every function (and every client call) through the proxy; answers what it recorded.
async fn record_everything(proxy: &Proxy) -> Vec<Exchange> {
    // An account that kept the legacy room types (the client's group-small room below); every
    // call asks IAM (no token cache), so each of IAM's answers is recorded.
    let svc = InProcess::start(
        &["--twilio-rest-base-url", &proxy.url()],
        &[
            ("SANDBOX_LEGACY_ROOM_TYPES", "true"),
            ("FLEX_TOKEN_CACHE_SECS", "0"),
        ],
    )
    .await;
    proxy.set_target(&svc.base);
    let (token, task, code) = svc.code("alice").await;
    let unique = code["unique_code"].as_str().unwrap();
    let doc = svc.document("alice", &task).await;
    let code = [("code", unique)];
    assert_eq!(status(&svc, "client-get-sync-token", &code).await, 200);
    assert_eq!(status(&svc, "client-get-video-token", &code).await, 405);
    // Twilio says 503 twice: the client backs off and the call still succeeds.
    proxy.fail_next(2);
    let (status_code, agent) = svc
        .call(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status_code, 200, "{agent}");
    let room = agent["room_sid"].as_str().unwrap().to_owned();
    let state = [
        ("Token", &*token),
        ("taskSid", &task),
        ("state", "connected"),
    ];
    assert_eq!(status(&svc, "update-video-state", &state).await, 200);
    let (_, video) = svc.call("client-get-video-token", &code).await;
    let ticket = video["feedback_ticket"].as_str().unwrap().to_owned();
    let rating = [("ticket", &*ticket), ("rating", "5")];
    assert_eq!(status(&svc, "submit-rating", &rating).await, 200);
    let by_document = [("Token", &*token), ("DocumentSid", &doc)];
    assert_eq!(status(&svc, "complete-room", &by_document).await, 200);
    let by_room = [("Token", &*token), ("roomSid", &room)];
    assert_eq!(status(&svc, "complete-room", &by_room).await, 200);
    assert_eq!(status(&svc, "client-get-sync-token", &code).await, 403);
    let unknown = [("code", "QQQQQQQ")];
    assert_eq!(status(&svc, "client-get-sync-token", &unknown).await, 403);
    // A code of the wrong format is refused before any lookup.
    let before = proxy.exchanges().len();
    for bad in ["QQQ", "QQQQQQQQ", "QQQ/../", "QQQ QQQ"] {
        assert_eq!(
            status(&svc, "client-get-video-token", &[("code", bad)]).await,
            403
        );
    }
    assert_eq!(
        proxy.exchanges().len(),
        before,
        "no REST call for malformed codes"
    );
    let forged = [("Token", "forged"), ("DocumentSid", &doc)];
    assert_eq!(status(&svc, "agent-get-token", &forged).await, 403);

    // The client's other calls, and the stand-in's error answers.
    let client = &svc.state.twilio;
    let sync = &*svc.state.sync_service_sid;
    let named = client
        .create_room(&CreateRoom {
            room_type: "group-small",
            unique_name: Some("standup"),
            record_participants_on_connect: true,
            empty_room_timeout: 10,
            unused_room_timeout: 2,
            max_participants: Some(3),
        })
        .await
        .unwrap();
    assert_eq!(client.fetch_room("standup").await.unwrap().sid, named.sid);
    let dup = CreateRoom {
        room_type: "group",
        unique_name: Some("standup"),
        empty_room_timeout: 5,
        unused_room_timeout: 5,
        ..CreateRoom::default()
    };
    let dup = client.create_room(&dup).await;
    assert_eq!(dup.unwrap_err().code(), Some(53113));
    assert!(!client
        .list_rooms(Some("standup"), None)
        .await
        .unwrap()
        .is_empty());
    assert!(!client
        .list_rooms(None, Some("completed"))
        .await
        .unwrap()
        .is_empty());
    assert!(client
        .fetch_room("RM00000000000000000000000000000000")
        .await
        .unwrap_err()
        .is_not_found());
    let taken = client
        .create_document(sync, Some(unique), &json!({}), None)
        .await;
    assert_eq!(taken.unwrap_err().code(), Some(54301));
    let stale = client
        .update_document(sync, &doc, &json!({"x": 1}), Some("0"))
        .await;
    assert!(stale.unwrap_err().is_precondition_failed());
    let ws = &*svc.state.workspace_sid;
    let stale = client
        .update_task(
            ws,
            &task,
            &TaskUpdate {
                attributes: Some("{}"),
                ..TaskUpdate::default()
            },
            Some("0"),
        )
        .await;
    assert!(stale.unwrap_err().is_precondition_failed());
    let wrong = client
        .update_task(ws, &task, &TaskUpdate::status("completed", None), None)
        .await;
    assert_eq!(wrong.unwrap_err().status(), Some(400), "Reason is required");
    // Reservations: every filter, a short page, and an unknown task.
    let alice_worker = client
        .validate_flex_token(&token)
        .await
        .unwrap()
        .worker_sid
        .unwrap();
    let all = ReservationQuery {
        worker_sid: Some(&alice_worker),
        status: Some(ReservationStatus::Accepted),
        page_size: Some(1),
    };
    let page = client
        .list_task_reservations(ws, &task, &all)
        .await
        .unwrap();
    assert_eq!(page.reservations.len(), 1);
    assert!(page.has_more, "a full page names the next one");
    let unknown = client
        .list_task_reservations(
            ws,
            "WT00000000000000000000000000000000",
            &ReservationQuery::default(),
        )
        .await;
    assert!(unknown.unwrap_err().is_not_found());
    proxy.exchanges()
}

fn operations(exchanges: &[Exchange]) -> Vec<String> {
    let mut ops: Vec<String> = exchanges
        .iter()
        .map(|e| {
            let shape: Vec<&str> = e
                .path
                .split('/')
                .map(|s| {
                    if s.len() == 34 && s[..2].chars().all(|c| c.is_ascii_uppercase()) {
                        "{sid}"
                    } else {
                        s
                    }
                })
                .collect();
            format!("{} {}", e.method, shape.join("/"))
        })
        .collect();
    ops.sort();
    ops.dedup();
    ops
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_exchanges_conform_to_twilios_openapi_specs() {
    let specs: Specs = oai::load().await;
    let proxy = Proxy::start().await;
    let exchanges = record_everything(&proxy).await;
    let ops = operations(&exchanges);
    for expected in [
        "POST /v1/Rooms",
        "GET /v1/Rooms",
        "GET /v1/Rooms/{sid}",
        "POST /v1/Rooms/{sid}",
        "POST /v1/Services/{sid}/Documents",
        "GET /v1/Services/{sid}/Documents/{sid}",
        "POST /v1/Services/{sid}/Documents/{sid}",
        "GET /v1/Workspaces/{sid}/Tasks/{sid}",
        "POST /v1/Workspaces/{sid}/Tasks/{sid}",
        "GET /v1/Workspaces/{sid}/Tasks/{sid}/Reservations",
    ] {
        assert!(
            ops.iter().any(|o| o == expected),
            "never exercised: {expected}; saw {ops:#?}"
        );
    }
    assert!(
        exchanges.iter().any(|e| e.path.contains("/Permissions/")),
        "document permissions exercised"
    );
    assert!(
        exchanges.iter().filter(|e| e.status == 503).count() == 2,
        "the injected 503s were seen"
    );
    assert!(exchanges.iter().any(|e| e.status == 412) && exchanges.iter().any(|e| e.status == 409));
    // The authorization checks asked for the caller's reservations, with and without a status.
    let reservation_queries: Vec<&str> = exchanges
        .iter()
        .filter(|e| e.path.ends_with("/Reservations"))
        .filter_map(|e| e.query.as_deref())
        .collect();
    assert!(
        reservation_queries
            .iter()
            .any(|q| q.contains("WorkerSid=WK") && q.contains("ReservationStatus=accepted")),
        "{reservation_queries:?}"
    );
    assert!(
        reservation_queries
            .iter()
            .any(|q| q.starts_with("WorkerSid=WK") && !q.contains("ReservationStatus")),
        "{reservation_queries:?}"
    );

    let mut errors = Vec::new();
    for ex in exchanges.iter().filter(|e| !is_iam(e)) {
        errors.extend(specs.check(ex));
    }
    assert!(
        errors.is_empty(),
        "{} exchanges checked against {}:\n{}",
        exchanges.len(),
        specs.source.display(),
        errors.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_validator_catches_unknown_wrong_and_missing_fields() {
    let specs = oai::load().await;
    let room = json!({"sid": "RM0123456789abcdef0123456789abcdef"});
    let mut ex = Exchange {
        method: "POST".into(),
        path: "/v1/Rooms".into(),
        query: None,
        req_headers: [
            ("authorization", "Basic eA=="),
            ("content-type", "application/x-www-form-urlencoded"),
        ]
        .into_iter()
        .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
        .collect(),
        req_body: b"Type=group&Colour=blue&EmptyRoomTimeout=five".to_vec(),
        status: 201,
        resp_headers: Default::default(),
        resp_body: serde_json::to_vec(&room).unwrap(),
        started: std::time::Instant::now(),
        finished: std::time::Instant::now(),
    };
    let errors = specs.check(&ex).join("\n");
    assert!(errors.contains("unknown form field Colour"), "{errors}");
    assert!(
        errors.contains("EmptyRoomTimeout: \"five\" is not an integer"),
        "{errors}"
    );
    assert!(errors.contains("missing field status"), "{errors}");
    ex.resp_body = serde_json::to_vec(&json!({"sid": 5, "extra": true})).unwrap();
    let errors = specs.check(&ex).join("\n");
    assert!(
        errors.contains("body.sid: 5 is not a string") && errors.contains("unknown field extra"),
        "{errors}"
    );
    ex.path = "/v1/Rooms/RM0123456789abcdef0123456789abcdef".into();
    ex.req_body = b"RecordParticipantsOnConnect=true".to_vec();
    let errors = specs.check(&ex).join("\n");
    assert!(
        errors.contains("required form field Status missing"),
        "{errors}"
    );
}

/// The request `twilio-flex-token-validator` makes, and IAM's answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_exchanges_have_the_documented_shape() {
    let proxy = Proxy::start().await;
    let exchanges = record_everything(&proxy).await;
    // The proxy's injected 503s are not IAM's answers.
    let iam: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| is_iam(e) && e.status != 503)
        .collect();
    assert!(iam.len() >= 5, "{}", iam.len());
    let (mut ok, mut refused) = (0, 0);
    for ex in iam {
        assert_eq!(ex.method, "POST");
        let account = ex
            .path
            .strip_prefix("/v1/Accounts/")
            .and_then(|p| p.strip_suffix("/Tokens/validate"))
            .unwrap();
        assert!(
            account.starts_with("AC") && account.len() == 34,
            "{account}"
        );
        assert!(ex.req_headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic "));
        assert_eq!(ex.req_headers["content-type"], "application/json");
        let body: Value = serde_json::from_slice(&ex.req_body).unwrap();
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["token"]);
        assert!(body["token"].is_string());

        let answer: Value = serde_json::from_slice(&ex.resp_body).unwrap();
        let obj = answer.as_object().unwrap();
        if answer["valid"] == true {
            ok += 1;
            assert_eq!(ex.status, 200);
            let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                [
                    "code",
                    "expiration",
                    "identity",
                    "message",
                    "realm_user_id",
                    "roles",
                    "valid",
                    "worker_sid"
                ]
            );
            assert_eq!(answer["code"], 0);
            assert!(answer["message"].is_null());
            let exp = answer["expiration"].as_str().unwrap();
            assert!(
                time::OffsetDateTime::parse(exp, &time::format_description::well_known::Rfc3339)
                    .is_ok(),
                "{exp}"
            );
            assert!(answer["identity"].is_string() && answer["realm_user_id"].is_string());
            assert!(answer["roles"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string));
            let worker = answer["worker_sid"].as_str().unwrap();
            assert!(worker.starts_with("WK") && worker.len() == 34);
        } else {
            refused += 1;
            assert_eq!(answer["valid"], false);
            assert!(answer["message"].is_string());
            assert!(
                answer["code"].is_u64() && answer["status"].is_u64(),
                "{answer}"
            );
        }
    }
    assert!(ok > 0 && refused > 0, "{ok} valid, {refused} refused");
}
