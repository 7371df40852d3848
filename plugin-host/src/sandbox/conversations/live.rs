//! Live WebSockets. The first message authenticates (`{"type":"auth","token":"..."}`); the
//! server answers with a snapshot (`{"type":"ready",...}`) and then pushes changes. A refused
//! socket is closed with 4000 + the HTTP status (4401 bad token, 4403 not yours, 4404 unknown).
//!
//! - `/sandbox/agents/{identity}/live` (agent token): the agent's tasks, then `{"type":"task"}`
//!   whenever one is created or its attributes or status change.
//! - `/sandbox/conversations/{sid}/live` (agent or customer token): the messages, then
//!   `{"type":"message"}` for each new one and `{"type":"status"}` when the chat task moves.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use super::auth::{self, Caller};
use super::http::{link_origins, sandbox};
use super::hub::Hub;
use super::store::{self, ConversationRow};
use super::task_feed::TaskFeedItem;
use super::views::{MessageView, TaskView, Workspace};
use crate::app::AppState;
use crate::edge::sockets::{self, First, SocketAdmission};
use crate::sandbox::api_error::ApiError;
use crate::sandbox::{tasks, Sandbox, SandboxError, SandboxEvent};

/// How long a new socket may take to send its auth message.
pub const AUTH_TIMEOUT: Duration = sockets::AUTH_DEADLINE;
/// Largest message a client may send (the auth message).
const MAX_CLIENT_MESSAGE: usize = 8 * 1024;

pub async fn agent_live(
    ws: WebSocketUpgrade,
    State(app): State<AppState>,
    Extension(hub): Extension<Arc<Hub>>,
    Path(identity): Path<String>,
    mut admission: SocketAdmission,
) -> Response {
    SocketAdmission::limit(ws, MAX_CLIENT_MESSAGE).on_upgrade(move |socket| async move {
        let mut socket = socket;
        match admit_agent(&mut socket, &app, &identity).await {
            Ok(sb) => {
                admission.authenticated();
                agent_session(socket, app, sb, hub, identity, admission).await
            }
            Err(Refusal::Api(e)) => refuse(socket, &e).await,
            Err(Refusal::Frame(frame)) => sockets::close_with(socket, frame).await,
        }
    })
}

pub async fn conversation_live(
    ws: WebSocketUpgrade,
    State(app): State<AppState>,
    Extension(hub): Extension<Arc<Hub>>,
    Path(sid): Path<String>,
    mut admission: SocketAdmission,
) -> Response {
    SocketAdmission::limit(ws, MAX_CLIENT_MESSAGE).on_upgrade(move |socket| async move {
        let mut socket = socket;
        match admit_conversation(&mut socket, &app, &sid).await {
            Ok((sb, conversation)) => {
                admission.authenticated();
                conversation_session(socket, app, sb, hub, conversation, admission).await
            }
            Err(Refusal::Api(e)) => refuse(socket, &e).await,
            Err(Refusal::Frame(frame)) => sockets::close_with(socket, frame).await,
        }
    })
}

/// Why a socket is not admitted: an API refusal (closed with 4000 + status), or a frame that broke
/// a limit (closed with 1009 or 1002).
enum Refusal {
    Api(ApiError),
    Frame(CloseFrame),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Refusal {
        Refusal::Api(e)
    }
}

/// The token of the first message.
async fn auth_message(socket: &mut WebSocket) -> Result<String, Refusal> {
    let text = match sockets::first_message(socket, AUTH_TIMEOUT).await {
        First::Message(Message::Text(t)) => t,
        First::TimedOut => {
            return Err(ApiError::Unauthorized("No auth message arrived in time".into()).into())
        }
        First::Refused(frame) => return Err(Refusal::Frame(frame)),
        First::Message(_) | First::Gone => {
            return Err(ApiError::BadRequest(
                "The first message must be {\"type\":\"auth\",\"token\":...}".into(),
            )
            .into())
        }
    };
    let value: Value = serde_json::from_str(text.as_str())
        .map_err(|_| ApiError::BadRequest("The first message must be JSON".into()))?;
    auth_token(&value).map_err(Refusal::Api)
}

fn auth_token(value: &Value) -> Result<String, ApiError> {
    match (
        value.get("type").and_then(Value::as_str),
        value.get("token").and_then(Value::as_str),
    ) {
        (Some("auth"), Some(token)) if !token.is_empty() => Ok(token.to_owned()),
        _ => Err(ApiError::Unauthorized(
            "The first message must be {\"type\":\"auth\",\"token\":...}".into(),
        )),
    }
}

async fn admit_agent(
    socket: &mut WebSocket,
    app: &AppState,
    identity: &str,
) -> Result<Arc<Sandbox>, Refusal> {
    let sb = sandbox(app)?;
    let token = auth_message(socket).await?;
    match auth::caller(&sb, &token).await? {
        Caller::Agent { identity: who } if who == identity => Ok(sb),
        _ => Err(ApiError::Forbidden("This token is not for this agent".into()).into()),
    }
}

async fn admit_conversation(
    socket: &mut WebSocket,
    app: &AppState,
    sid: &str,
) -> Result<(Arc<Sandbox>, ConversationRow), Refusal> {
    let sb = sandbox(app)?;
    let token = auth_message(socket).await?;
    let caller = auth::caller(&sb, &token).await?;
    let conversation = auth::conversation_for(&sb, &caller, sid).await?;
    Ok((sb, conversation))
}

async fn refuse(mut socket: WebSocket, e: &ApiError) {
    if let ApiError::Internal(detail) = e {
        tracing::error!(error = %detail, "live socket failed");
    }
    let mut reason = e.public_message();
    // A close frame's reason is at most 123 bytes.
    while reason.len() > 120 {
        reason.pop();
    }
    let frame = CloseFrame {
        code: e.close_code(),
        reason: Utf8Bytes::from(reason),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

async fn send(socket: &mut WebSocket, value: &impl Serialize) -> bool {
    match serde_json::to_string(value) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "could not serialize a live event");
            false
        }
    }
}

/// What the client sent while the session runs: `Err` once it is gone, with the close frame a
/// broken limit deserves.
fn still_open(incoming: Option<Result<Message, axum::Error>>) -> Result<(), Option<CloseFrame>> {
    match incoming {
        Some(Ok(Message::Close(_))) | None => Err(None),
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(sockets::refusal(&e)),
    }
}

/// Ends a session whose client went away (or broke a limit).
async fn gone(socket: WebSocket, frame: Option<CloseFrame>) {
    if let Some(frame) = frame {
        sockets::close_with(socket, frame).await;
    }
}

async fn agent_tasks(
    sb: &Sandbox,
    identity: &str,
) -> Result<(Option<String>, Vec<TaskView>), ApiError> {
    let who = identity.to_owned();
    let rows = sb
        .db()
        .call(move |c| {
            Ok((|| -> Result<_, SandboxError> {
                let Some(worker) = tasks::worker_sid(c, &who)? else {
                    return Ok((None, Vec::new()));
                };
                let mut out = Vec::new();
                for t in tasks::for_worker(c, &worker)? {
                    let conversation = tasks::conversation_of(c, &t.sid)?;
                    out.push((t, conversation));
                }
                Ok((Some(worker), out))
            })())
        })
        .await??;
    let ids = sb.ids();
    let ws = Workspace {
        queue_sid: &ids.queue_sid,
        workflow_sid: &ids.workflow_sid,
    };
    let (worker, rows) = rows;
    Ok((
        worker,
        rows.into_iter()
            .map(|(t, c)| TaskView::new(t, c, &ws))
            .collect(),
    ))
}

async fn agent_session(
    mut socket: WebSocket,
    app: AppState,
    sb: Arc<Sandbox>,
    hub: Arc<Hub>,
    identity: String,
    mut admission: SocketAdmission,
) {
    let _online = hub.agent_online(&identity);
    // Subscribe before the snapshot so no change falls in between.
    let mut changes = hub.tasks.subscribe(&sb);
    let origins = link_origins(&app, &sb);
    let ready = |tasks: Vec<TaskView>| json!({"type": "ready", "identity": identity, "tasks": tasks, "linkOrigins": origins});
    match agent_tasks(&sb, &identity).await {
        Ok((_, tasks)) => {
            if !send(&mut socket, &ready(tasks)).await {
                return;
            }
        }
        Err(e) => return refuse(socket, &e).await,
    }
    loop {
        tokio::select! {
            () = admission.draining() => return SocketAdmission::going_away(&mut socket).await,
            change = changes.recv() => match change {
                Ok(TaskFeedItem::Changed { agent, task }) => {
                    if agent.as_deref() != Some(identity.as_str()) {
                        continue;
                    }
                    if !send(&mut socket, &json!({"type": "task", "task": &*task})).await {
                        return;
                    }
                }
                Ok(TaskFeedItem::Resync) | Err(RecvError::Lagged(_)) => match agent_tasks(&sb, &identity).await {
                    Ok((_, tasks)) => {
                        if !send(&mut socket, &ready(tasks)).await {
                            return;
                        }
                    }
                    Err(e) => return refuse(socket, &e).await,
                },
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => if let Err(frame) = still_open(incoming) {
                return gone(socket, frame).await;
            },
        }
    }
}

async fn conversation_snapshot(
    sb: &Sandbox,
    conversation: &ConversationRow,
) -> Result<(Vec<MessageView>, String), ApiError> {
    let (sid, task_sid) = (conversation.sid.clone(), conversation.task_sid.clone());
    let (rows, status) = sb
        .db()
        .call(move |c| {
            Ok((|| -> Result<_, SandboxError> {
                let rows = store::messages(c, &sid)?;
                let status = tasks::fetch(c, &task_sid)?
                    .map(|t| t.assignment_status)
                    .unwrap_or_default();
                Ok((rows, status))
            })())
        })
        .await??;
    Ok((rows.into_iter().map(MessageView::from).collect(), status))
}

async fn task_status(sb: &Sandbox, task_sid: &str) -> Result<String, ApiError> {
    let key = task_sid.to_owned();
    let task = sb.db().call(move |c| Ok(tasks::fetch(c, &key))).await??;
    Ok(task.map(|t| t.assignment_status).unwrap_or_default())
}

async fn conversation_session(
    mut socket: WebSocket,
    app: AppState,
    sb: Arc<Sandbox>,
    hub: Arc<Hub>,
    conversation: ConversationRow,
    mut admission: SocketAdmission,
) {
    let mut messages = hub.subscribe();
    let mut events = sb.subscribe();
    let origins = link_origins(&app, &sb);
    let ready = |list: Vec<MessageView>, status: String| {
        json!({
            "type": "ready",
            "conversationSid": conversation.sid,
            "taskSid": conversation.task_sid,
            "taskStatus": status,
            "messages": list,
            "linkOrigins": origins,
        })
    };
    match conversation_snapshot(&sb, &conversation).await {
        Ok((list, status)) => {
            if !send(&mut socket, &ready(list, status)).await {
                return;
            }
        }
        Err(e) => return refuse(socket, &e).await,
    }
    loop {
        tokio::select! {
            () = admission.draining() => return SocketAdmission::going_away(&mut socket).await,
            message = messages.recv() => match message {
                Ok(m) if m.conversation_sid == conversation.sid => {
                    if !send(&mut socket, &json!({"type": "message", "message": &*m})).await {
                        return;
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => match conversation_snapshot(&sb, &conversation).await {
                    Ok((list, status)) => {
                        if !send(&mut socket, &ready(list, status)).await {
                            return;
                        }
                    }
                    Err(e) => return refuse(socket, &e).await,
                },
                Err(RecvError::Closed) => return,
            },
            event = events.recv() => match event {
                Ok(SandboxEvent::TaskUpdated { sid }) if sid == conversation.task_sid => {
                    match task_status(&sb, &sid).await {
                        Ok(status) => {
                            if !send(&mut socket, &json!({"type": "status", "taskStatus": status})).await {
                                return;
                            }
                        }
                        Err(e) => return refuse(socket, &e).await,
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => if let Err(frame) = still_open(incoming) {
                return gone(socket, frame).await;
            },
        }
    }
}

#[cfg(test)]
mod auth_message_tests {
    use super::auth_token;
    use serde_json::json;

    #[test]
    fn the_auth_message_needs_its_type_and_a_token() {
        assert_eq!(
            auth_token(&json!({"type": "auth", "token": "t"})).unwrap(),
            "t"
        );
        for refused in [
            json!({"type": "auth", "token": ""}),
            json!({"type": "auth"}),
            json!({"type": "hello", "token": "t"}),
            json!({"token": "t"}),
            json!({"type": "auth", "token": 5}),
        ] {
            let e = auth_token(&refused).unwrap_err();
            assert_eq!(e.close_code(), 4401, "{refused}");
            assert!(e.public_message().contains("first message"), "{refused}");
        }
    }
}
