//! Where the sandbox stand-in follows Twilio closely enough that the client would break if it
//! did not: rooms listed in progress by default, `duration` null until a room ends, Sync's
//! 256-character unique names, and `If-Match` sent back exactly as the `ETag` came (quoted or
//! not). The traffic goes through the recording proxy and is checked against Twilio's specs.

use crate::common::inproc::InProcess;
use crate::common::oai;
use crate::common::proxy::{Exchange, Proxy};
use reqwest::header::{HeaderValue, ETAG};
use serde_json::{json, Value};

/// The service in this process, its REST client going through `proxy`.
async fn through(proxy: &Proxy) -> InProcess {
    let svc = InProcess::start(&["--twilio-rest-base-url", &proxy.url()], &[]).await;
    proxy.set_target(&svc.base);
    svc
}

fn conforms(specs: &oai::Specs, exchanges: &[Exchange]) {
    let errors: Vec<String> = exchanges
        .iter()
        .filter(|e| !e.path.ends_with("/Tokens/validate"))
        .flat_map(|e| specs.check(e))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_list_in_progress_by_default_with_no_duration_until_they_end() {
    let specs = oai::load().await;
    let proxy = Proxy::start().await;
    let svc = through(&proxy).await;
    let live = svc.room("alice").await;
    let over = svc.room("bob").await;
    let (status, _) = svc
        .call(
            "complete-room",
            &[("Token", &over.token), ("DocumentSid", &over.doc)],
        )
        .await;
    assert_eq!(status, 200);
    let client = &svc.state.twilio;
    let listed: Vec<String> = client
        .list_rooms(None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.sid)
        .collect();
    assert_eq!(
        listed.as_slice(),
        std::slice::from_ref(&live.sid),
        "without Status: in progress only"
    );
    let completed = client.list_rooms(None, Some("completed")).await.unwrap();
    assert!(completed.iter().any(|r| r.sid == over.sid));

    let (_, running) = svc.rest_get(&format!("/v1/Rooms/{}", live.sid)).await;
    assert_eq!(running["duration"], Value::Null, "{running}");
    let (_, ended) = svc.rest_get(&format!("/v1/Rooms/{}", over.sid)).await;
    assert!(ended["duration"].is_u64(), "{ended}");
    conforms(&specs, &proxy.exchanges());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_unique_names_are_at_most_256_characters() {
    let specs = oai::load().await;
    let proxy = Proxy::start().await;
    let svc = through(&proxy).await;
    let (client, sync) = (&svc.state.twilio, &*svc.state.sync_service_sid);
    let longest = "n".repeat(256);
    client
        .create_document(sync, Some(&longest), &json!({}), None)
        .await
        .unwrap();
    let refused = client
        .create_document(sync, Some(&"n".repeat(257)), &json!({}), None)
        .await
        .unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(400), Some(54302)));
    conforms(&specs, &proxy.exchanges());
}

/// The `If-Match` of each task write, and the `ETag` of the read before it.
fn tags(exchanges: &[Exchange]) -> Vec<(String, String)> {
    let mut last_etag = None;
    let mut pairs = Vec::new();
    let is_task = |e: &&Exchange| {
        e.path.contains("/Tasks/")
            && e.path
                .rsplit('/')
                .next()
                .is_some_and(|s| s.starts_with("WT"))
    };
    for ex in exchanges.iter().filter(is_task) {
        match ex.method.as_str() {
            "GET" => last_etag = ex.resp_headers.get(ETAG).cloned(),
            "POST" => {
                if let (Some(sent), Some(came)) = (ex.req_headers.get("if-match"), &last_etag) {
                    pairs.push((
                        sent.to_str().unwrap().to_owned(),
                        came.to_str().unwrap().to_owned(),
                    ));
                }
                assert_eq!(ex.status, 200, "{}", String::from_utf8_lossy(&ex.resp_body));
            }
            _ => {}
        }
    }
    pairs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_match_is_the_etag_exactly_as_it_came_quoted_or_not() {
    let specs = oai::load().await;
    for quoted in [true, false] {
        let proxy = Proxy::start().await;
        if !quoted {
            // Some answers carry a bare tag: the client must send that back as it is.
            proxy.rewrite_headers(|h| {
                if let Some(tag) = h.get(ETAG).and_then(|t| t.to_str().ok()) {
                    let bare = tag.trim_matches('"').to_owned();
                    h.insert(ETAG, HeaderValue::from_str(&bare).unwrap());
                }
            });
        }
        let svc = through(&proxy).await;
        // generate-unique-code merges the document into the task: read, then write with If-Match.
        let room = svc.room("alice").await;
        assert!(svc.task_attributes("alice", &room.task).await["syncDocument"].is_string());
        let pairs = tags(&proxy.exchanges());
        assert!(!pairs.is_empty(), "task writes with If-Match");
        for (sent, came) in &pairs {
            assert_eq!(sent, came, "If-Match is the ETag as it came");
            assert_eq!(sent.starts_with('"'), quoted, "{sent}");
        }
        conforms(&specs, &proxy.exchanges());
    }
}
