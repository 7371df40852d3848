//! HTTP endpoints: read and post a conversation's messages, start a web chat, list the agents
//! with the desk open, and move an agent's task to wrapping or completed through the TaskRouter
//! stand-in (the same REST client and `AssignmentStatus`/`Reason` form twilio mode would use).

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::auth::{self, Caller};
use super::hub::Hub;
use super::store;
use super::validate;
use super::views::{MessageView, TaskView, Workspace};
use crate::app::AppState;
use crate::clock::now_ms;
use crate::sandbox::api_error::ApiError;
use crate::sandbox::{tasks, Sandbox, SandboxError, SandboxEvent};
use crate::twilio::taskrouter::TaskUpdate;

/// Largest JSON body: a full message (1600 characters) plus 16 KiB of attributes fit.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

pub fn sandbox(app: &AppState) -> Result<Arc<Sandbox>, ApiError> {
    app.sandbox
        .as_ref()
        .map(|s| s.store.clone())
        .ok_or(ApiError::NoSandbox)
}

/// The request body as JSON, at most [`MAX_BODY_BYTES`].
async fn json_body(headers: &HeaderMap, body: Body) -> Result<Value, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(ApiError::TooLarge(MAX_BODY_BYTES / 1024));
    }
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::TooLarge(MAX_BODY_BYTES / 1024))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::BadRequest("The request body must be JSON".into()))
}

/// Origins a video invite link may point at, besides the page's own.
pub fn link_origins(app: &AppState, sb: &Sandbox) -> Vec<String> {
    let mut out = vec![app.public_url.to_string()];
    if !out.iter().any(|o| o == sb.base_url()) {
        out.push(sb.base_url().to_owned());
    }
    out
}

/// `GET /sandbox/conversations/{sid}/messages` → `{"messages": [...]}`.
pub async fn list_messages(
    State(app): State<AppState>,
    Path(sid): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let sb = sandbox(&app)?;
    let caller = auth::caller(&sb, auth::bearer(&headers)?).await?;
    let conversation = auth::conversation_for(&sb, &caller, &sid).await?;
    let rows = sb
        .db()
        .call(move |c| Ok(store::messages(c, &conversation.sid)))
        .await??;
    let messages: Vec<MessageView> = rows.into_iter().map(MessageView::from).collect();
    Ok(Json(json!({ "messages": messages })))
}

/// `POST /sandbox/conversations/{sid}/messages` `{body, attributes?}` → 201 the message.
pub async fn post_message(
    State(app): State<AppState>,
    Extension(hub): Extension<Arc<Hub>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let sb = sandbox(&app)?;
    let caller = auth::caller(&sb, auth::bearer(&headers)?).await?;
    let conversation = auth::conversation_for(&sb, &caller, &sid).await?;
    let new = validate::new_message(&json_body(&headers, body).await?)?;
    let (author, role) = (caller.identity().to_owned(), caller.role());
    let row = sb
        .db()
        .call(move |c| {
            Ok((|| -> Result<_, SandboxError> {
                let task = tasks::fetch(c, &conversation.task_sid)?;
                if task.as_ref().is_none_or(|t| {
                    matches!(t.assignment_status.as_str(), "completed" | "canceled")
                }) {
                    return Ok(None);
                }
                store::insert_message(
                    c,
                    &conversation.sid,
                    &author,
                    role,
                    &new.body,
                    &new.attributes,
                    now_ms(),
                )
                .map(Some)
            })())
        })
        .await??
        .ok_or_else(|| ApiError::Conflict("This chat has ended.".into()))?;
    let view = MessageView::from(row);
    hub.publish(view.clone());
    Ok((StatusCode::CREATED, Json(view)))
}

/// `POST /sandbox/webchat/sessions` `{name, agent}` → 201 `{taskSid, conversationSid, token, ...}`:
/// a chat task assigned to an agent who has signed in, and the customer's token for it.
pub async fn start_webchat(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let sb = sandbox(&app)?;
    let input = json_body(&headers, body).await?;
    let obj = input
        .as_object()
        .ok_or_else(|| ApiError::BadRequest("The request body must be a JSON object".into()))?;
    let name = validate::name("name", obj.get("name"))?;
    let agent = validate::name("agent", obj.get("agent"))?;
    let (token, digest) = auth::new_chat_token();
    let (customer, who) = (name.clone(), agent.clone());
    let created = sb
        .db()
        .call(move |c| {
            Ok((|| -> Result<_, SandboxError> {
                if tasks::worker_sid(c, &who)?.is_none() {
                    return Ok(None);
                }
                let now = now_ms();
                let (task, conversation) = tasks::create_chat(c, &who, &customer, now)?;
                store::insert_chat_token(c, &digest, &conversation, &customer, now)?;
                Ok(Some((task, conversation)))
            })())
        })
        .await??;
    let Some((task_sid, conversation_sid)) = created else {
        return Err(ApiError::NotFound(format!(
            "No agent named {agent} has signed in to the agent desktop."
        )));
    };
    sb.events().emit(SandboxEvent::TaskUpdated {
        sid: task_sid.clone(),
    });
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "taskSid": task_sid,
            "conversationSid": conversation_sid,
            "name": name,
            "identity": name,
            "agent": agent,
            "token": token,
            "linkOrigins": link_origins(&app, &sb),
        })),
    ))
}

/// `GET /sandbox/webchat/agents` → `{"agents": [...]}`: agents with the desk open now.
pub async fn online_agents(
    State(app): State<AppState>,
    Extension(hub): Extension<Arc<Hub>>,
) -> Result<Json<Value>, ApiError> {
    sandbox(&app)?;
    Ok(Json(json!({ "agents": hub.online_agents() })))
}

/// The task as the desk reads it, if it is assigned to `worker_sid`.
pub async fn task_view(
    sb: &Sandbox,
    task_sid: &str,
    worker_sid: Option<&str>,
) -> Result<Option<TaskView>, ApiError> {
    let (key, worker) = (task_sid.to_owned(), worker_sid.map(str::to_owned));
    let found = sb
        .db()
        .call(move |c| {
            Ok((|| -> Result<_, SandboxError> {
                let Some(task) = tasks::fetch(c, &key)? else {
                    return Ok(None);
                };
                if worker.is_some() && task.worker_sid != worker {
                    return Ok(None);
                }
                let conversation = tasks::conversation_of(c, &task.sid)?;
                Ok(Some((task, conversation)))
            })())
        })
        .await??;
    let ids = sb.ids();
    let ws = Workspace {
        queue_sid: &ids.queue_sid,
        workflow_sid: &ids.workflow_sid,
    };
    Ok(found.map(|(task, conversation)| TaskView::new(task, conversation, &ws)))
}

/// `POST /sandbox/agents/{identity}/tasks/{taskSid}/status` `{assignmentStatus, reason?}` with the
/// agent's token → the task after the change.
pub async fn set_task_status(
    State(app): State<AppState>,
    Path((identity, task_sid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<TaskView>, ApiError> {
    let sb = sandbox(&app)?;
    let caller = auth::caller(&sb, auth::bearer(&headers)?).await?;
    match &caller {
        Caller::Agent { identity: who } if *who == identity => {}
        _ => {
            return Err(ApiError::Forbidden(
                "Only the agent themselves may change their tasks".into(),
            ))
        }
    }
    let (status, reason) = validate::status_change(&json_body(&headers, body).await?)?;
    let who = identity.clone();
    let worker = sb
        .db()
        .call(move |c| Ok(tasks::worker_sid(c, &who)))
        .await??;
    let not_found = || ApiError::NotFound(format!("No task {task_sid} for agent {identity}"));
    if task_view(&sb, &task_sid, Some(worker.as_deref().unwrap_or("")))
        .await?
        .is_none()
    {
        return Err(not_found());
    }
    let reason =
        reason.or_else(|| (status == "completed").then(|| "Completed by agent".to_owned()));
    let update = TaskUpdate::status(&status, reason.as_deref());
    app.twilio
        .update_task(&app.workspace_sid, &task_sid, &update, None)
        .await
        .map_err(|e| match e.api() {
            Some(a) if a.status == 400 => ApiError::Conflict(a.message.clone()),
            Some(a) if a.status == 404 => not_found(),
            _ => ApiError::Internal(e.to_string()),
        })?;
    task_view(&sb, &task_sid, worker.as_deref())
        .await?
        .map(Json)
        .ok_or_else(not_found)
}
