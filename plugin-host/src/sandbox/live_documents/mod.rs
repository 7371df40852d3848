//! Live documents for the sandbox: `/sandbox/documents/{ET}/live` sends a document's current
//! data and then every update, the way a Sync subscription does, to a subscriber whose sync
//! token carries a `data_sync` grant for the sync service and whose identity may read the
//! document. It says `removed` when the document is deleted or expires and `completed` when
//! the room the document names is completed, then closes. A subscriber may then write the
//! document's data with `{"type":"update","data":{…}}` (the Sync SDK's `document.set`), if its
//! identity may write it: with the service's `acl_enabled` off every token of the service
//! reads and writes every document, as in Sync; with it, only what a permission grants. A
//! refused write is answered `error` / `forbidden` and the socket closes.
//!
//! The host provides documents and permissions through [`DocumentDirectory`] and feeds
//! changes in with [`LiveDocuments::publish`].

pub mod sandbox;
mod session;
#[cfg(test)]
mod tests;

use crate::sandbox::signaling::BoxFuture;
use crate::tokens::TokenVerifier;
use axum::extract::{ws::WebSocketUpgrade, Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// The route, in axum's syntax.
pub const ROUTE: &str = "/sandbox/documents/{document}/live";

/// A document as a subscriber sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentView {
    /// `ET…`
    pub sid: String,
    pub revision: u64,
    pub data: Value,
}

impl DocumentView {
    /// The room the code document names (`data.room`), if any.
    pub fn room(&self) -> Option<&str> {
        self.data.get("room").and_then(Value::as_str)
    }
}

/// The host's documents and their read permissions.
pub trait DocumentDirectory: Send + Sync + 'static {
    /// The document by sid in the given sync service; `Ok(None)` when there is none (or it expired).
    fn document<'a>(
        &'a self,
        service_sid: &'a str,
        sid: &'a str,
    ) -> BoxFuture<'a, Result<Option<DocumentView>, String>>;
    /// Whether `identity` may read the document (with the service's `acl_enabled` off, every
    /// identity may).
    fn can_read<'a>(
        &'a self,
        service_sid: &'a str,
        sid: &'a str,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<bool, String>>;
    /// A subscriber's write of the document's data (the Sync SDK's `document.set`), if
    /// `identity` may write it.
    fn write<'a>(
        &'a self,
        service_sid: &'a str,
        sid: &'a str,
        identity: &'a str,
        data: &'a Value,
    ) -> BoxFuture<'a, Result<WriteOutcome, String>>;
}

/// What became of a subscriber's write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Written; subscribers (the writer too) get the new revision.
    Written,
    /// The identity may not write the document.
    Forbidden,
    /// The document is gone.
    NotFound,
}

/// A change the host publishes.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentEvent {
    Updated(DocumentView),
    Removed { sid: String },
    RoomCompleted { room_sid: String },
}

struct Inner {
    verifier: TokenVerifier,
    directory: Arc<dyn DocumentDirectory>,
    service_sid: String,
    events: broadcast::Sender<DocumentEvent>,
    subscribe_timeout: Duration,
    ping_interval: Duration,
}

/// The live-document service; cheap to clone.
#[derive(Clone)]
pub struct LiveDocuments {
    inner: Arc<Inner>,
}

impl LiveDocuments {
    /// `service_sid`: the sync service whose grant the tokens must carry.
    pub fn new(
        verifier: TokenVerifier,
        directory: Arc<dyn DocumentDirectory>,
        service_sid: impl Into<String>,
    ) -> Self {
        let (events, _) = broadcast::channel(1024);
        LiveDocuments {
            inner: Arc::new(Inner {
                verifier,
                directory,
                service_sid: service_sid.into(),
                events,
                subscribe_timeout: crate::edge::sockets::AUTH_DEADLINE,
                ping_interval: Duration::from_secs(15),
            }),
        }
    }

    /// The WebSocket route, ready to merge into the host's router.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        Router::new()
            .route(ROUTE, get(upgrade))
            .with_state(self.clone())
    }

    /// Tells every subscriber of the document (or of the room's document) about a change.
    pub fn publish(&self, event: DocumentEvent) {
        // No subscribers is not an error.
        let _ = self.inner.events.send(event);
    }
}

async fn upgrade(
    State(live): State<LiveDocuments>,
    Path(document): Path<String>,
    admission: crate::edge::sockets::SocketAdmission,
    ws: WebSocketUpgrade,
) -> Response {
    crate::edge::sockets::SocketAdmission::limit(ws, chat_to_video::protocol::MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| session::run(live, document, socket, admission))
}
