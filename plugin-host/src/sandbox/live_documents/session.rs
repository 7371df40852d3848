//! One subscriber: the `subscribe` handshake, the current data, then updates until the
//! document goes away, the room completes, the token expires or the subscriber leaves.

use super::{DocumentEvent, DocumentView, Inner, LiveDocuments, WriteOutcome};
use crate::edge::sockets::{self, First, SocketAdmission};
use crate::tokens::{now_secs, VerifyError};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use chat_to_video::protocol::{LiveClientMessage, LiveError, LiveServerMessage};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

type Out = LiveServerMessage<Value>;

/// A subscriber's write: `{"type":"update","data":{…}}`.
#[derive(serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum LiveWrite {
    Update { data: Value },
}

/// Writes for `identity`; the refusal to finish with, if refused.
async fn write(inner: &Inner, sid: &str, identity: &str, data: &Value) -> Option<Out> {
    match inner
        .directory
        .write(&inner.service_sid, sid, identity, data)
        .await
    {
        Ok(WriteOutcome::Written) => None,
        Ok(WriteOutcome::Forbidden) => Some(refusal(
            LiveError::Forbidden,
            "this identity may not write the document",
        )),
        Ok(WriteOutcome::NotFound) => Some(refusal(
            LiveError::NotFound,
            "the document does not exist or has expired",
        )),
        Err(e) => {
            tracing::warn!(document = sid, error = %e, "document write failed");
            Some(refusal(
                LiveError::NotFound,
                "the document is not available",
            ))
        }
    }
}

async fn send(socket: &mut WebSocket, message: &Out) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

/// Sends a last message and closes.
async fn finish(mut socket: WebSocket, message: Out) {
    let _ = send(&mut socket, &message).await;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: 1000,
            reason: "".into(),
        })))
        .await;
}

fn refusal(reason: LiveError, message: &str) -> Out {
    LiveServerMessage::Error {
        reason,
        message: message.to_owned(),
    }
}

/// The token of the `subscribe` message, or the close frame a broken limit deserves.
async fn await_subscribe(
    socket: &mut WebSocket,
    timeout: Duration,
) -> Result<String, Option<CloseFrame>> {
    let text = match sockets::first_message(socket, timeout).await {
        First::Message(Message::Text(text)) => text,
        First::Refused(frame) => return Err(Some(frame)),
        _ => return Err(None),
    };
    match serde_json::from_str(text.as_str()) {
        Ok(LiveClientMessage::Subscribe { token }) => Ok(token),
        Err(_) => Err(None),
    }
}

/// Checks the token and the permission; the token's identity and expiry on success.
async fn authorize(inner: &Inner, sid: &str, token: &str) -> Result<(String, u64), Out> {
    let access = inner.verifier.sync(token).map_err(|e| match e {
        VerifyError::Expired => refusal(LiveError::TokenExpired, "the sync token has expired"),
        VerifyError::Invalid => refusal(LiveError::TokenInvalid, "the sync token is invalid"),
    })?;
    if access.service_sid != inner.service_sid {
        return Err(refusal(
            LiveError::TokenInvalid,
            "the sync token is for another service",
        ));
    }
    let lookup = inner
        .directory
        .can_read(&inner.service_sid, sid, &access.identity)
        .await;
    match lookup {
        Ok(true) => Ok((access.identity, access.expires_at)),
        Ok(false) => Err(refusal(
            LiveError::Forbidden,
            "this identity may not read the document",
        )),
        Err(e) => {
            tracing::warn!(document = sid, error = %e, "permission lookup failed");
            Err(refusal(
                LiveError::NotFound,
                "the document is not available",
            ))
        }
    }
}

async fn current(inner: &Inner, sid: &str) -> Option<DocumentView> {
    inner
        .directory
        .document(&inner.service_sid, sid)
        .await
        .ok()
        .flatten()
}

fn document(view: &DocumentView) -> Out {
    LiveServerMessage::Document {
        revision: view.revision,
        data: view.data.clone(),
    }
}

pub(super) async fn run(
    live: LiveDocuments,
    sid: String,
    mut socket: WebSocket,
    mut admission: SocketAdmission,
) {
    let inner = &*live.inner;
    let token = match await_subscribe(&mut socket, inner.subscribe_timeout).await {
        Ok(token) => token,
        Err(Some(frame)) => return sockets::close_with(socket, frame).await,
        Err(None) => {
            let message = "the first message must be {\"type\":\"subscribe\",\"token\":…}";
            return finish(socket, refusal(LiveError::BadMessage, message)).await;
        }
    };
    let (identity, expires_at) = match authorize(inner, &sid, &token).await {
        Ok(who) => who,
        Err(refused) => return finish(socket, refused).await,
    };
    admission.authenticated();
    // Subscribe before reading, so no update falls between the two.
    let mut events = inner.events.subscribe();
    let Some(mut latest) = current(inner, &sid).await else {
        let message = "the document does not exist or has expired";
        return finish(socket, refusal(LiveError::NotFound, message)).await;
    };
    if !send(&mut socket, &document(&latest)).await {
        return;
    }
    let interval = inner.ping_interval;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    let mut last_heard = Instant::now();
    let expiry = tokio::time::sleep(Duration::from_secs(expires_at.saturating_sub(now_secs())));
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            () = admission.draining() => return SocketAdmission::going_away(&mut socket).await,
            () = &mut expiry => {
                let refused = refusal(LiveError::TokenExpired, "the sync token has expired");
                return finish(socket, refused).await;
            }
            event = events.recv() => {
                let next = match event {
                    Ok(DocumentEvent::Updated(view)) if view.sid == latest.sid => Some(view),
                    Ok(DocumentEvent::Removed { sid: removed }) if removed == latest.sid => {
                        return finish(socket, LiveServerMessage::Removed).await;
                    }
                    Ok(DocumentEvent::RoomCompleted { room_sid }) if latest.room() == Some(room_sid.as_str()) => {
                        return finish(socket, LiveServerMessage::Completed).await;
                    }
                    Ok(_) => None,
                    // Missed some: what matters is the latest state.
                    Err(RecvError::Lagged(_)) => match current(inner, &sid).await {
                        Some(view) => Some(view),
                        None => return finish(socket, LiveServerMessage::Removed).await,
                    },
                    Err(RecvError::Closed) => return,
                };
                if let Some(view) = next.filter(|v| v.revision > latest.revision) {
                    latest = view;
                    if !send(&mut socket, &document(&latest)).await {
                        return;
                    }
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > interval * 3
                    || socket.send(Message::Ping(Vec::new().into())).await.is_err()
                {
                    return;
                }
            }
            incoming = socket.recv() => {
                last_heard = Instant::now();
                match incoming {
                    Some(Err(e)) => {
                        if let Some(frame) = sockets::refusal(&e) {
                            sockets::close_with(socket, frame).await;
                        }
                        return;
                    }
                    Some(Ok(Message::Close(_))) | None => return,
                    Some(Ok(Message::Text(text))) => {
                        if let Ok(LiveWrite::Update { data }) = serde_json::from_str(text.as_str()) {
                            if let Some(refused) = write(inner, &sid, &identity, &data).await {
                                return finish(socket, refused).await;
                            }
                        }
                    }
                    Some(Ok(_)) => {}
                }
            }
        }
    }
}
