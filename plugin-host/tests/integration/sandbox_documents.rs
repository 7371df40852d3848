//! The sandbox stand-in's Sync documents over real HTTP: revisions and ETags, permissions, expiry
//! announced on the event bus, and the names and sizes it refuses.

use crate::common::inproc::{next_event, InProcess};
use plugin_host::sandbox::SandboxEvent;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_have_revisions_etags_and_expire() {
    let svc = InProcess::start(&[], &[]).await;
    let sb = svc.state.sandbox.clone().unwrap().store;
    let mut rx = sb.subscribe();
    let client = &svc.state.twilio;
    let service = &*svc.state.sync_service_sid;

    let doc = client
        .create_document(
            service,
            Some("abc1234"),
            &json!({"task": "WT1", "room": null}),
            Some(1),
        )
        .await
        .unwrap();
    assert_eq!(doc.revision, "0");
    let e = next_event(&mut rx, |e| {
        matches!(e, SandboxEvent::DocumentUpdated { .. })
    })
    .await;
    assert_eq!(
        e,
        SandboxEvent::DocumentUpdated {
            sid: doc.sid.clone(),
            unique_name: "abc1234".into(),
            revision: 0,
            data: json!({"task": "WT1", "room": null})
        }
    );
    assert_eq!(
        client
            .create_document(service, Some("abc1234"), &json!({}), None)
            .await
            .unwrap_err()
            .code(),
        Some(54301)
    );
    let updated = client
        .update_document(
            service,
            "abc1234",
            &json!({"task": "WT1", "room": "RM1"}),
            Some("0"),
        )
        .await
        .unwrap();
    assert_eq!(updated.revision, "1");
    // As Sync answers: the ETag is the quoted revision.
    let fetched = reqwest::Client::new()
        .get(format!(
            "{}/v1/Services/{service}/Documents/{}",
            svc.base, doc.sid
        ))
        .basic_auth(client.account_sid(), Some(&sb.ids().auth_token))
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["etag"], "\"1\"");
    assert!(
        updated.date_expires.is_some(),
        "an update without Ttl keeps the expiry"
    );
    let stale = client
        .update_document(service, &doc.sid, &json!({}), Some("0"))
        .await
        .unwrap_err();
    assert_eq!((stale.status(), stale.code()), (Some(412), Some(54103)));
    let perm = client
        .update_document_permission(service, &doc.sid, "customer-1", true, false, false)
        .await
        .unwrap();
    assert!(perm.read && !perm.write && !perm.manage);
    assert!(sb.can_read(&doc.sid, "customer-1").await.unwrap());
    // As in Sync, permissions bind only once the service has acl_enabled.
    assert!(sb.can_read(&doc.sid, "someone-else").await.unwrap());
    client.update_sync_service_acl(service, true).await.unwrap();
    assert!(sb.can_read(&doc.sid, "customer-1").await.unwrap());
    assert!(!sb.can_read(&doc.sid, "someone-else").await.unwrap());
    let access = sb.access(&doc.sid, "customer-1").await.unwrap();
    assert!(access.read && !access.write);

    // Past its TTL the document is gone, announced, and its name free again.
    let e = next_event(&mut rx, |e| {
        matches!(e, SandboxEvent::DocumentRemoved { .. })
    })
    .await;
    assert_eq!(
        e,
        SandboxEvent::DocumentRemoved {
            sid: doc.sid.clone()
        }
    );
    assert!(client
        .fetch_document(service, "abc1234")
        .await
        .unwrap_err()
        .is_not_found());
    assert!(sb.document(&doc.sid).await.unwrap().is_none());
    client
        .create_document(service, Some("abc1234"), &json!({}), None)
        .await
        .unwrap();
    // Sid-like names and too-large data are refused.
    let sidlike = client
        .create_document(
            service,
            Some("ET0123456789abcdef0123456789abcdef"),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(sidlike.unwrap_err().code(), Some(54302));
    let big = json!({"x": "y".repeat(17 * 1024)});
    assert_eq!(
        client
            .create_document(service, None, &big, None)
            .await
            .unwrap_err()
            .status(),
        Some(413)
    );
}
