//! The live-document service on a real listener, driven by WebSocket clients.

use super::*;
use crate::test_sockets::{self as sockets, Ws};
use crate::tokens::now_secs;
use crate::tokens::test_tokens::{self, SECRET};
use chat_to_video::protocol::{LiveError, LiveServerMessage};
use futures_util::SinkExt;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

type In = LiveServerMessage<Value>;

const SERVICE: &str = "IS00000000000000000000000000000001";

#[derive(Default)]
struct Docs {
    docs: Mutex<HashMap<String, DocumentView>>,
    readers: Mutex<HashSet<(String, String)>>,
}

impl DocumentDirectory for Docs {
    fn document<'a>(
        &'a self,
        service: &'a str,
        sid: &'a str,
    ) -> BoxFuture<'a, Result<Option<DocumentView>, String>> {
        Box::pin(async move {
            assert_eq!(service, SERVICE);
            Ok(self.docs.lock().unwrap().get(sid).cloned())
        })
    }
    fn can_read<'a>(
        &'a self,
        _service: &'a str,
        sid: &'a str,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<bool, String>> {
        let key = (sid.to_owned(), identity.to_owned());
        Box::pin(async move { Ok(self.readers.lock().unwrap().contains(&key)) })
    }
    fn write<'a>(
        &'a self,
        _service: &'a str,
        _sid: &'a str,
        _identity: &'a str,
        _data: &'a Value,
    ) -> BoxFuture<'a, Result<WriteOutcome, String>> {
        // Readers here never write (the host grants read only).
        Box::pin(async move { Ok(WriteOutcome::Forbidden) })
    }
}

async fn server() -> (String, LiveDocuments) {
    let docs = Arc::new(Docs::default());
    docs.docs.lock().unwrap().insert(
        "ET1".into(),
        DocumentView {
            sid: "ET1".into(),
            revision: 0,
            data: json!({"task": "WT1", "room": null}),
        },
    );
    docs.readers
        .lock()
        .unwrap()
        .insert(("ET1".into(), "customer".into()));
    let verifier = TokenVerifier::new(SECRET, None);
    let live = LiveDocuments::new(verifier, docs, SERVICE);
    (sockets::serve(live.router()).await, live)
}

fn sync_token(identity: &str, service: &str) -> String {
    test_tokens::sign(
        SECRET,
        json!({"identity": identity, "data_sync": {"service_sid": service}}),
        now_secs() + 600,
    )
}

/// The next protocol message, or `None` once the socket has closed.
async fn recv(ws: &mut Ws) -> Option<In> {
    sockets::recv(ws).await
}

fn url(base: &str, doc: &str) -> String {
    format!("{base}/sandbox/documents/{doc}/live")
}

async fn subscribe(base: &str, doc: &str, token: &str) -> (Ws, In) {
    sockets::subscribe(&url(base, doc), token).await
}

fn refused(message: In) -> LiveError {
    match message {
        LiveServerMessage::Error { reason, .. } => reason,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn sends_the_current_data_then_updates_of_that_document_only() {
    let (base, live) = server().await;
    let (mut ws, first) = subscribe(&base, "ET1", &sync_token("customer", SERVICE)).await;
    assert_eq!(
        first,
        LiveServerMessage::Document {
            revision: 0,
            data: json!({"task": "WT1", "room": null})
        }
    );
    let view = |sid: &str, revision, room| DocumentView {
        sid: sid.into(),
        revision,
        data: json!({"task": "WT1", "room": room}),
    };
    live.publish(DocumentEvent::Updated(view("ET2", 5, "RMother")));
    live.publish(DocumentEvent::Removed { sid: "ET2".into() });
    live.publish(DocumentEvent::Updated(view("ET1", 1, "RM1")));
    assert_eq!(
        recv(&mut ws).await,
        Some(LiveServerMessage::Document {
            revision: 1,
            data: json!({"task": "WT1", "room": "RM1"})
        })
    );
    // Another room's completion is not ours; ours is.
    live.publish(DocumentEvent::RoomCompleted {
        room_sid: "RMother".into(),
    });
    live.publish(DocumentEvent::RoomCompleted {
        room_sid: "RM1".into(),
    });
    assert_eq!(recv(&mut ws).await, Some(LiveServerMessage::Completed));
    assert_eq!(recv(&mut ws).await, None);
}

#[tokio::test]
async fn says_removed_when_the_document_goes() {
    let (base, live) = server().await;
    let (mut ws, _) = subscribe(&base, "ET1", &sync_token("customer", SERVICE)).await;
    live.publish(DocumentEvent::Removed { sid: "ET1".into() });
    assert_eq!(recv(&mut ws).await, Some(LiveServerMessage::Removed));
    assert_eq!(recv(&mut ws).await, None);
}

#[tokio::test]
async fn refuses_bad_tokens_other_services_and_readers_without_permission() {
    let (base, _live) = server().await;
    let cases = [
        ("nonsense".to_owned(), LiveError::TokenInvalid),
        (sync_token("customer", "ISother"), LiveError::TokenInvalid),
        (sync_token("mallory", SERVICE), LiveError::Forbidden),
        (
            test_tokens::video("customer", "RM1"),
            LiveError::TokenInvalid,
        ),
        (
            test_tokens::sign(
                SECRET,
                json!({"identity": "customer", "data_sync": {"service_sid": SERVICE}}),
                now_secs() - 1,
            ),
            LiveError::TokenExpired,
        ),
    ];
    for (token, expected) in cases {
        let (mut ws, first) = subscribe(&base, "ET1", &token).await;
        assert_eq!(refused(first), expected);
        assert_eq!(recv(&mut ws).await, None);
    }
    // Permission on ET1 does not open ET9.
    let (_, first) = subscribe(&base, "ET9", &sync_token("customer", SERVICE)).await;
    assert_eq!(refused(first), LiveError::Forbidden);
}

#[tokio::test]
async fn the_first_message_must_be_subscribe() {
    let (base, _live) = server().await;
    let mut ws = sockets::open(&url(&base, "ET1")).await;
    ws.send(Message::Text("{\"type\":\"hello\"}".into()))
        .await
        .unwrap();
    assert_eq!(refused(recv(&mut ws).await.unwrap()), LiveError::BadMessage);
    assert_eq!(recv(&mut ws).await, None);
}
