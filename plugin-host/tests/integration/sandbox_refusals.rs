//! What the sandbox's REST stand-in refuses or computes as Twilio does, where a client bug would
//! otherwise pass unseen: Sync's TTL bounds, documents of a service that does not exist, a blank
//! required field of the Flex Plugins API, and a room's `duration` in whole seconds.

use crate::common::inproc::InProcess;
use serde_json::{json, Value};

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
    let (status, _) = svc
        .call(
            "complete-room",
            &[("Token", &room.token), ("DocumentSid", &room.doc)],
        )
        .await;
    assert_eq!(status, 200);
    let ids = svc.state.sandbox.as_ref().unwrap().store.ids().clone();
    let ended: Value = svc
        .http
        .get(svc.url(&format!("/v1/Rooms/{}", room.sid)))
        .basic_auth(&ids.account_sid, Some(&ids.auth_token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lasted = secs(&ended["end_time"]) - secs(&ended["date_created"]);
    let duration = ended["duration"].as_i64().expect("a number once ended");
    // The stamps are whole seconds, the duration is from milliseconds: at most one apart.
    assert!(
        (lasted - 1..=lasted).contains(&duration),
        "duration {duration} s for a room that lasted {lasted} s: {ended}"
    );
}
