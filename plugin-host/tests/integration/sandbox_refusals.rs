//! What the sandbox's REST stand-in refuses or computes as Twilio does, where a client bug would
//! otherwise pass unseen: Sync's TTL bounds, documents of a service that does not exist, a blank
//! required field of the Flex Plugins API, a room's `duration` in whole seconds, and the Flex
//! Plugins API's configurations and active release as the sandbox's Flex loads them, and a chat
//! message too large for the conversations API however it is sent.

use crate::common::inproc::InProcess;
use plugin_host::twilio::flex_plugins::NewPluginVersion;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn secs(rfc3339: &Value) -> i64 {
    let text = rfc3339.as_str().expect("a timestamp");
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .expect("RFC 3339")
        .unix_timestamp()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_refuses_a_ttl_past_a_year_and_documents_of_an_unknown_service() {
    let svc = InProcess::start(&[], &[]).await;
    let (client, sync) = (&svc.state.twilio, &*svc.state.sync_service_sid);
    // A year (31,536,000 s) is Sync's longest TTL.
    let longest = client
        .create_document(sync, Some("a-year"), &json!({}), Some(31_536_000))
        .await
        .unwrap();
    assert!(longest.date_expires.is_some());
    let refused = client
        .create_document(sync, Some("past-a-year"), &json!({}), Some(31_536_001))
        .await
        .unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(400), Some(20001)));

    let unknown = "IS00000000000000000000000000000000";
    let missing = client
        .create_document(unknown, Some("x"), &json!({}), None)
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404), "a service that does not exist");
    let read = client.fetch_document(unknown, &longest.sid).await;
    assert_eq!(read.unwrap_err().status(), Some(404));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_plugin_name_is_missing() {
    let svc = InProcess::start(&[], &[]).await;
    let client = &svc.state.twilio;
    let blank = client
        .create_flex_plugin("   ", "X", "the X plugin")
        .await
        .unwrap_err();
    assert_eq!((blank.status(), blank.code()), (Some(400), Some(20001)));
    client
        .create_flex_plugin("plugin-x", "X", "the X plugin")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rooms_duration_is_whole_seconds_from_creation_to_end() {
    let svc = InProcess::start(&[], &[]).await;
    let room = svc.room("alice").await;
    // Let the room (and its task) be a few seconds old, so a duration or an age computed
    // wrongly shows.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, _) = svc
        .call(
            "complete-room",
            &[("Token", &room.token), ("DocumentSid", &room.doc)],
        )
        .await;
    assert_eq!(status, 200);
    let (_, ended) = svc.rest_get(&format!("/v1/Rooms/{}", room.sid)).await;
    let lasted = secs(&ended["end_time"]) - secs(&ended["date_created"]);
    let duration = ended["duration"].as_i64().expect("a number once ended");
    // The stamps are whole seconds, the duration is from milliseconds: at most one apart.
    assert!(
        (lasted - 1..=lasted).contains(&duration),
        "duration {duration} s for a room that lasted {lasted} s: {ended}"
    );
    assert!(lasted >= 2, "{ended}");
    // The task's age is in whole seconds too.
    let (_, task) = svc
        .rest_get(&format!(
            "/v1/Workspaces/{}/Tasks/{}",
            svc.state.workspace_sid, room.task
        ))
        .await;
    let age = task["age"].as_i64().expect("age");
    assert!((2..=60).contains(&age), "age {age} s: {task}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configurations_are_listed_and_the_active_release_is_what_the_desk_loads() {
    let svc = InProcess::start(&[], &[]).await;
    let client = &svc.state.twilio;
    let agent = svc.agent("alice").await;
    let desk = |svc: &InProcess| {
        svc.http
            .get(svc.url("/sandbox/flex/ui"))
            .bearer_auth(&agent)
            .send()
    };
    let before: Value = desk(&svc).await.unwrap().json().await.unwrap();
    assert_eq!(
        (&before["release"], &before["plugins"]),
        (&Value::Null, &json!([]))
    );

    let plugin = client
        .create_flex_plugin("plugin-x", "X", "")
        .await
        .unwrap();
    let url = "https://example.com/x/1.0.0/bundle.js";
    let new = NewPluginVersion {
        version: "1.0.0",
        plugin_url: url,
        changelog: "first",
        private: false,
    };
    let v1 = client
        .create_plugin_version(&plugin.sid, &new)
        .await
        .unwrap();
    let configuration = client
        .create_plugin_configuration("one", "X only", &[(v1.sid.clone(), 2)])
        .await
        .unwrap();
    let (_, listed) = svc.rest_get("/v1/PluginService/Configurations").await;
    let sids: Vec<&str> = listed["configurations"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .filter_map(|c| c["sid"].as_str())
        .collect();
    assert_eq!(sids, [configuration.sid.as_str()], "{listed}");

    let release = client.create_release(&configuration.sid).await.unwrap();
    let after: Value = desk(&svc).await.unwrap().json().await.unwrap();
    assert_eq!(after["release"], json!(release.sid));
    assert_eq!(
        after["plugins"],
        json!([{ "uniqueName": "plugin-x", "version": "1.0.0", "url": url, "phase": 2 }])
    );
}

/// Posts `body` to `path` over a plain socket in HTTP/1.1 chunks (no `Content-Length`, as a
/// streaming client sends it); answers the status and the body.
async fn post_chunked(svc: &InProcess, path: &str, bearer: &str, body: &[u8]) -> (u16, String) {
    let addr = svc.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(4096) {
        let size = format!("{:x}\r\n", chunk.len());
        // The host may answer and close before the last chunks: what it said is what counts.
        if socket.write_all(size.as_bytes()).await.is_err()
            || socket.write_all(chunk).await.is_err()
            || socket.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = socket.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text}"));
    (status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_message_over_32_kib_is_refused_declared_or_streamed() {
    let svc = InProcess::start(&[], &[]).await;
    let agent = svc.agent("alice").await;
    let task = svc.chat("alice", "Casey").await;
    let conversation = svc.task_attributes("alice", &task).await["conversationSid"]
        .as_str()
        .expect("conversationSid")
        .to_owned();
    let path = format!("/sandbox/conversations/{conversation}/messages");
    let big = json!({ "body": "x".repeat(40 * 1024) }).to_string();
    let declared = svc
        .http
        .post(svc.url(&path))
        .bearer_auth(&agent)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), 413);
    let said: Value = declared.json().await.unwrap();
    assert!(said.to_string().contains("larger than 32 KiB"), "{said}");
    let (status, text) = post_chunked(&svc, &path, &agent, big.as_bytes()).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("larger than 32 KiB"), "{text}");
    // A message that fits goes through the same way.
    let small = json!({ "body": "hello" }).to_string();
    let (status, text) = post_chunked(&svc, &path, &agent, small.as_bytes()).await;
    assert_eq!(status, 201, "{text}");
}
