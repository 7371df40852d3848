//! Twilio mode end to end: a second service with Twilio credentials, pointed (through
//! `TWILIO_REST_BASE_URL`) at a sandbox that plays Twilio's cloud. The sandbox's own Sync
//! service plays the dedicated video sessions' service (`VIDEO_SYNC_SERVICE_SID`).

use crate::common::process::Launch;
use crate::common::sockets::{recv, send, subscribe};
use crate::common::{jwt_part, Service};
use chat_to_video::protocol::{LiveError, LiveServerMessage};
use serde_json::{json, Value};

/// Turns the cloud's Sync service's `acl_enabled` on or off over REST, as `cargo xtask deploy`
/// does.
async fn set_acl(cloud: &Service, ids: &[(String, String)], on: bool) {
    let get = |k: &str| ids.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let resp = cloud
        .http
        .post(cloud.url(&format!("/v1/Services/{}", get("VIDEO_SYNC_SERVICE_SID"))))
        .basic_auth(get("ACCOUNT_SID"), Some(get("AUTH_TOKEN")))
        .form(&[("AclEnabled", if on { "true" } else { "false" })])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["acl_enabled"], on);
}

/// The sandbox's account, service and workspace, read from its database.
fn sandbox_ids(svc: &Service) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(svc.dir.join("data/sandbox.sqlite3")).unwrap();
    let get = |k: &str| -> String {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
            .unwrap()
    };
    vec![
        ("ACCOUNT_SID".into(), get("account_sid")),
        ("AUTH_TOKEN".into(), get("auth_token")),
        ("VIDEO_SYNC_SERVICE_SID".into(), get("sync_service_sid")),
        ("TWILIO_FLEX_WORKSPACE_SID".into(), get("workspace_sid")),
        (
            "TWILIO_API_KEY".into(),
            "SK00000000000000000000000000000001".into(),
        ),
        ("TWILIO_API_SECRET".into(), "twilio-mode secret".into()),
        ("TWILIO_REST_BASE_URL".into(), svc.base.clone()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twilio_mode_runs_the_same_flow_against_twilios_api_shape() {
    let cloud = Service::start(&[]);
    let ids = sandbox_ids(&cloud);
    let env: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    set_acl(&cloud, &ids, true).await;
    let host = Service::start(&env);

    // The stand-in's REST paths are not served in twilio mode.
    assert_eq!(
        host.http
            .get(host.url("/v1/Rooms"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        host.post_form(&host.url("/sandbox/agents"), &[("identity", "x")])
            .await
            .status(),
        404
    );

    // Flex tokens are checked with the (stand-in) IAM; tasks live in the (stand-in) workspace.
    let token = cloud.agent("alice").await;
    let task = cloud.chat("alice", "bob").await;
    let (status, code) = host
        .call(
            "generate-unique-code",
            &[("Token", &token), ("taskSid", &task)],
        )
        .await;
    assert_eq!(status, 200, "{code}");
    assert!(code["full_url"].as_str().unwrap().starts_with(&host.base));
    let doc = cloud.document("alice", &task).await;
    let (status, agent) = host
        .call(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    assert_eq!(agent["provider"], "twilio");
    assert!(agent.get("signaling_url").is_none());
    let claims = jwt_part(agent["token"].as_str().unwrap(), 1);
    assert_eq!(claims["iss"], "SK00000000000000000000000000000001");
    assert_eq!(claims["sub"], ids[0].1.as_str());
    let (status, sync) = host
        .call(
            "client-get-sync-token",
            &[("code", code["unique_code"].as_str().unwrap())],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(sync["provider"], "twilio");
    assert!(sync.get("sync_url").is_none());
    let (status, _) = host
        .call("complete-room", &[("Token", &token), ("DocumentSid", &doc)])
        .await;
    assert_eq!(status, 200);

    // A token the IAM refuses is 403.
    let (status, _) = host
        .call(
            "generate-unique-code",
            &[("Token", "forged"), ("taskSid", &task)],
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twilio_mode_refuses_a_sync_service_without_acl_or_flexs_own() {
    let cloud = Service::start(&[]);
    let ids = sandbox_ids(&cloud);
    let env: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // A new Sync service has acl_enabled off, as Twilio creates it.
    let (status, stderr) = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: env.clone(),
        ..Launch::default()
    }
    .refused();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("VIDEO_SYNC_SERVICE_SID")
            && stderr.contains("acl_enabled false")
            && stderr.contains("cargo xtask deploy"),
        "{stderr}"
    );
    // Flex's own service named as the sessions' service, or left as the only one.
    let sync = ids[2].1.as_str();
    let mut flex_own = env.clone();
    flex_own.push(("TWILIO_FLEX_SYNC_SID", sync));
    let (status, stderr) = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: flex_own,
        ..Launch::default()
    }
    .refused();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is Flex's own Sync service"), "{stderr}");
    let mut old: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .filter(|(k, _)| *k != "VIDEO_SYNC_SERVICE_SID")
        .collect();
    old.push(("TWILIO_FLEX_SYNC_SID", sync));
    let (status, stderr) = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: old,
        ..Launch::default()
    }
    .refused();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("TWILIO_FLEX_SYNC_SID") && stderr.contains("cargo xtask deploy"),
        "{stderr}"
    );
    // With the ACL on it starts.
    set_acl(&cloud, &ids, true).await;
    let host = Service::start(&env);
    assert_eq!(host.get_json("/readyz").await["ready"], true);
}

/// A customer's Sync token, from the twilio-mode host: what it opens in the (stand-in) Sync.
async fn customer_sync_token(host: &Service, cloud: &Service, agent: &str) -> (String, String) {
    let token = cloud.agent(agent).await;
    let task = cloud.chat(agent, "bob").await;
    let (status, code) = host
        .call(
            "generate-unique-code",
            &[("Token", &token), ("taskSid", &task)],
        )
        .await;
    assert_eq!(status, 200, "{code}");
    let (status, sync) = host
        .call(
            "client-get-sync-token",
            &[("code", code["unique_code"].as_str().unwrap())],
        )
        .await;
    assert_eq!(status, 200, "{sync}");
    (
        sync["token"].as_str().unwrap().to_owned(),
        sync["document_sid"].as_str().unwrap().to_owned(),
    )
}

fn live_url(cloud: &Service, doc: &str) -> String {
    format!(
        "{}/sandbox/documents/{doc}/live",
        cloud.base.replace("http://", "ws://")
    )
}

/// Sync Permissions bind only with `acl_enabled`: with it, a customer's token reads its own
/// session and nothing else, and writes nothing; without it (as Sync), it would open every
/// session, which is why the host refuses such a service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_sync_token_reads_its_own_session_only_and_writes_nothing() {
    // The account's API key (the host signs with it) is one the cloud knows.
    let cloud = Service::start(&[
        ("TWILIO_API_KEY", "SK00000000000000000000000000000001"),
        ("TWILIO_API_SECRET", "twilio-mode secret"),
    ]);
    let ids = sandbox_ids(&cloud);
    let env: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    set_acl(&cloud, &ids, true).await;
    let host = Service::start(&env);
    let (token, own) = customer_sync_token(&host, &cloud, "alice").await;
    let (_, other) = customer_sync_token(&host, &cloud, "carol").await;

    let (mut ws, first) = subscribe(&live_url(&cloud, &own), &token).await;
    assert!(
        matches!(&first, LiveServerMessage::Document { data, .. } if data["task"].is_string()),
        "{first:?}"
    );
    // Writing its own session (say, to mark itself rated or the call not ended) is refused.
    send(
        &mut ws,
        &json!({"type": "update", "data": {"task": "WT0", "ended": null}}),
    )
    .await;
    match recv::<LiveServerMessage<Value>>(&mut ws).await {
        Some(LiveServerMessage::Error { reason, .. }) => assert_eq!(reason, LiveError::Forbidden),
        other => panic!("expected the write refused, got {other:?}"),
    }
    // Another customer's session cannot be read.
    let (_, first) = subscribe(&live_url(&cloud, &other), &token).await;
    match first {
        LiveServerMessage::Error { reason, .. } => assert_eq!(reason, LiveError::Forbidden),
        other => panic!("expected refused, got {other:?}"),
    }

    // The same token in a service without the ACL (Sync's default) opens everything.
    set_acl(&cloud, &ids, false).await;
    let (_, first) = subscribe(&live_url(&cloud, &other), &token).await;
    assert!(
        matches!(first, LiveServerMessage::Document { .. }),
        "without acl_enabled Sync ignores permissions: {first:?}"
    );
    let (mut ws, _) = subscribe(&live_url(&cloud, &own), &token).await;
    send(&mut ws, &json!({"type": "update", "data": {"task": "WT0"}})).await;
    match recv::<LiveServerMessage<Value>>(&mut ws).await {
        Some(LiveServerMessage::Document { data, .. }) => assert_eq!(data["task"], "WT0"),
        other => panic!("expected the write to land, got {other:?}"),
    }
}

/// Sync has no "room completed" event: when a room ends by its own timeout, the host's sweep
/// writes the end into the session's document, which is what a waiting customer watches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_that_times_out_is_written_into_the_session_document() {
    let cloud = Service::start(&[("SANDBOX_MINUTE_SECS", "0.1")]);
    let ids = sandbox_ids(&cloud);
    let mut env: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.extend([
        ("VIDEO_UNUSED_ROOM_TIMEOUT", "1"),
        ("SESSION_SWEEP_SECS", "0.2"),
    ]);
    set_acl(&cloud, &ids, true).await;
    let host = Service::start(&env);
    let token = cloud.agent("alice").await;
    let task = cloud.chat("alice", "bob").await;
    let (status, _) = host
        .call(
            "generate-unique-code",
            &[("Token", &token), ("taskSid", &task)],
        )
        .await;
    assert_eq!(status, 200);
    let doc = cloud.document("alice", &task).await;
    let (status, agent) = host
        .call(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    let room = agent["room_sid"].as_str().unwrap().to_owned();

    // Nobody joins: the room completes after its unused timeout (a tenth of a second here).
    let get = |k: &str| ids.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let read = |path: String| {
        let req = cloud
            .http
            .get(cloud.url(&path))
            .basic_auth(get("ACCOUNT_SID"), Some(get("AUTH_TOKEN")));
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let sync = get("VIDEO_SYNC_SERVICE_SID");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let data = loop {
        let d = read(format!("/v1/Services/{sync}/Documents/{doc}")).await;
        if d["data"]["ended"].is_string() {
            break d["data"].clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the end never reached the document: {d}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(data["ended"], "timed_out", "{data}");
    assert!(data["endedAt"].is_u64(), "{data}");
    assert_eq!(
        read(format!("/v1/Rooms/{room}")).await["status"],
        "completed"
    );
}
