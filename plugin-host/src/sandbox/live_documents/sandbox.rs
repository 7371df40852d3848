//! The sandbox behind live documents: its Sync documents and permission rows, and its
//! document and room events forwarded to subscribers.

use super::{
    BoxFuture, DocumentDirectory, DocumentEvent, DocumentView, LiveDocuments, WriteOutcome,
};
use crate::sandbox::{Sandbox, SandboxEvent};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// [`DocumentDirectory`] over the sandbox.
pub struct SandboxDocuments(pub Arc<Sandbox>);

impl DocumentDirectory for SandboxDocuments {
    fn document<'a>(
        &'a self,
        service_sid: &'a str,
        sid: &'a str,
    ) -> BoxFuture<'a, Result<Option<DocumentView>, String>> {
        Box::pin(async move {
            let row = self.0.document(sid).await.map_err(|e| e.to_string())?;
            let Some(row) = row.filter(|r| r.service_sid == service_sid) else {
                return Ok(None);
            };
            let data = serde_json::from_str(&row.data).map_err(|e| e.to_string())?;
            Ok(Some(DocumentView {
                sid: row.sid,
                revision: u64::try_from(row.revision).unwrap_or(0),
                data,
            }))
        })
    }

    fn can_read<'a>(
        &'a self,
        _service_sid: &'a str,
        sid: &'a str,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<bool, String>> {
        Box::pin(async move {
            self.0
                .can_read(sid, identity)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn write<'a>(
        &'a self,
        _service_sid: &'a str,
        sid: &'a str,
        identity: &'a str,
        data: &'a Value,
    ) -> BoxFuture<'a, Result<WriteOutcome, String>> {
        Box::pin(async move {
            match self.0.client_write(sid, identity, data).await {
                Ok(Some(true)) => Ok(WriteOutcome::Written),
                Ok(Some(false)) => Ok(WriteOutcome::Forbidden),
                Ok(None) => Ok(WriteOutcome::NotFound),
                Err(e) => Err(e.to_string()),
            }
        })
    }
}

/// Forwards document updates and removals, and room completions, to subscribers.
pub fn spawn_forwarder(sandbox: &Sandbox, live: LiveDocuments) {
    let mut events = sandbox.subscribe();
    tokio::spawn(async move {
        loop {
            let event = match events.recv().await {
                Ok(SandboxEvent::DocumentUpdated {
                    sid,
                    revision,
                    data,
                    ..
                }) => DocumentEvent::Updated(DocumentView {
                    sid,
                    revision,
                    data,
                }),
                Ok(SandboxEvent::DocumentRemoved { sid }) => DocumentEvent::Removed { sid },
                Ok(SandboxEvent::RoomCompleted { sid, .. }) => {
                    DocumentEvent::RoomCompleted { room_sid: sid }
                }
                Ok(SandboxEvent::TaskUpdated { .. }) => continue,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "live documents missed sandbox events");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            live.publish(event);
        }
    });
}
