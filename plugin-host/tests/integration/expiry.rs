//! Sync deletes expired documents late ("might not be deleted immediately"), and so does the
//! sandbox (`SANDBOX_SYNC_DELETE_DELAY_SECS`): a session document whose `date_expires` has passed
//! is gone for the host, whatever a fetch still returns.

use std::time::Duration;

use crate::common::assert_code_refused;
use crate::common::sessions::start;
use plugin_host::clock::{now_ms, parse_rfc3339_ms};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_whose_document_expired_is_refused_while_sync_still_returns_it() {
    let svc = start(&[("SANDBOX_SYNC_DELETE_DELAY_SECS", "600")]).await;
    let room = svc.room("alice").await;
    let (client, sync) = (&svc.state.twilio, &*svc.state.sync_service_sid);
    // The document's time runs out (as a live session's does after 25 hours).
    let doc = client.fetch_document(sync, &room.doc).await.unwrap();
    let short = client
        .update_document_with_ttl(sync, &room.doc, &doc.data, Some(1), None)
        .await
        .unwrap();
    let expires = parse_rfc3339_ms(short.date_expires.as_deref().unwrap()).unwrap();
    while now_ms() <= expires {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Sync still answers with it, by sid and by code, and lists it.
    let late = client.fetch_document(sync, &room.code).await.unwrap();
    assert_eq!(late.sid, room.doc);
    assert!(parse_rfc3339_ms(late.date_expires.as_deref().unwrap()).unwrap() <= now_ms());
    assert!(client
        .list_documents(sync)
        .await
        .unwrap()
        .iter()
        .any(|d| d.sid == room.doc));

    // The host does not: the code is unknown, and the agent is told the session lived out its
    // time.
    assert_code_refused(&svc, &room.code, None, "past date_expires").await;
    let (status, body) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &room.token), ("DocumentSid", &room.doc)],
        )
        .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (403, Some("expired")),
        "{body}"
    );
    // The room's index expires the same way: the room alone no longer finds the task.
    let index = format!("room-{}", room.sid);
    let entry = client.fetch_document(sync, &index).await.unwrap();
    let short = client
        .update_document_with_ttl(sync, &index, &entry.data, Some(1), None)
        .await
        .unwrap();
    let expires = parse_rfc3339_ms(short.date_expires.as_deref().unwrap()).unwrap();
    while now_ms() <= expires {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        client.fetch_document(sync, &index).await.is_ok(),
        "still returned"
    );
    let (status, body) = svc
        .call(
            "complete-room",
            &[("Token", &room.token), ("roomSid", &room.sid)],
        )
        .await;
    assert_eq!(
        (status, body.as_str()),
        (403, Some("Forbidden: this task is not assigned to you")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_document_is_deleted_the_configured_delay_late() {
    let svc = start(&[("SANDBOX_SYNC_DELETE_DELAY_SECS", "5")]).await;
    let (client, sync) = (&svc.state.twilio, &*svc.state.sync_service_sid);
    let doc = client
        .create_document(sync, Some("late1234"), &serde_json::json!({}), Some(1))
        .await
        .unwrap();
    let expires = parse_rfc3339_ms(doc.date_expires.as_deref().unwrap()).unwrap();
    let started = std::time::Instant::now();
    loop {
        match client.fetch_document(sync, &doc.sid).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => break,
            Err(e) => panic!("{e}"),
        }
        assert!(started.elapsed() < Duration::from_secs(30), "never deleted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let late_ms = now_ms() - expires;
    // Deleted no sooner than the delay (5 s) after its expiry; the stamp is in whole seconds, so
    // it can only make the delay look longer.
    assert!(late_ms >= 4_500, "deleted {late_ms} ms after date_expires");
}
