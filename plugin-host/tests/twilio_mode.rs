//! Twilio mode end to end: a second service with Twilio credentials, pointed (through
//! `TWILIO_REST_BASE_URL`) at a sandbox that plays Twilio's cloud.

mod common;

use common::{jwt_part, Service};

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
        ("TWILIO_FLEX_SYNC_SID".into(), get("sync_service_sid")),
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
