//! The sandbox's own API for the agent desktop, the web chat and tests:
//! `POST /sandbox/agents`, `GET /sandbox/agents/{identity}/tasks`, `POST /sandbox/chats`,
//! `POST /sandbox/tasks`, and what TaskRouter does by itself: `POST /sandbox/tasks/{WT}/timeout`,
//! `POST /sandbox/tasks/{WT}/transfer`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::api_error::ApiError;
use super::{task_moves, tasks, Sandbox, SandboxError, SandboxEvent};
use crate::app::AppState;
use crate::clock::now_ms;
use crate::params::Params;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sandbox/agents", post(create_agent))
        .route("/sandbox/agents/{identity}/tasks", get(agent_tasks))
        .route("/sandbox/chats", post(create_chat))
        .route("/sandbox/tasks", post(create_task))
        .route("/sandbox/tasks/{sid}/timeout", post(time_out_task))
        .route("/sandbox/tasks/{sid}/transfer", post(transfer_task))
}

fn sandbox(state: &AppState) -> Result<Arc<Sandbox>, ApiError> {
    state
        .sandbox
        .as_ref()
        .map(|s| s.store.clone())
        .ok_or(ApiError::NoSandbox)
}

/// Identities and names: 1 to 128 characters, no control characters.
fn name_param(p: &Params, key: &str) -> Result<String, ApiError> {
    let v = p
        .non_empty(key)
        .ok_or_else(|| ApiError::BadRequest(format!("Missing {key}")))?
        .trim();
    if v.chars().count() > 128 || v.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "{key} must be 1 to 128 printable characters"
        )));
    }
    Ok(v.to_owned())
}

/// `identity`, optional `worker` (`true`/`false`, default `true`) and `fullName` (the worker's
/// `full_name` attribute, as Flex keeps it) → `{"identity", "token", "workerSid"}`: a
/// Flex-style token the sandbox's IAM accepts. With `worker=false` the token
/// belongs to a Flex user who is not a TaskRouter worker (`workerSid` null), as a Console admin's.
async fn create_agent(State(state): State<AppState>, p: Params) -> Result<Response, ApiError> {
    let sb = sandbox(&state)?;
    let identity = name_param(&p, "identity")?;
    let as_worker = match p.non_empty("worker") {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(ApiError::BadRequest("worker must be true or false".into())),
    };
    let full_name = match p.non_empty("fullName") {
        Some(_) => Some(name_param(&p, "fullName")?),
        None => None,
    };
    let who = identity.clone();
    let worker = if as_worker {
        Some(
            sb.db()
                .call(move |c| {
                    Ok(tasks::ensure_named_worker(
                        c,
                        &who,
                        full_name.as_deref(),
                        now_ms(),
                    ))
                })
                .await??,
        )
    } else {
        None
    };
    let (token, _) = sb
        .flex_tokens()
        .issue(&identity, worker.as_deref())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(json!({ "identity": identity, "token": token, "workerSid": worker })).into_response())
}

/// `agent`, `customer` → `{"taskSid", "conversationSid"}`: a chat task assigned to the agent.
async fn create_chat(State(state): State<AppState>, p: Params) -> Result<Response, ApiError> {
    let sb = sandbox(&state)?;
    let agent = name_param(&p, "agent")?;
    let customer = name_param(&p, "customer")?;
    let (task, conversation) = sb
        .db()
        .call(move |c| Ok(tasks::create_chat(c, &agent, &customer, now_ms())))
        .await??;
    sb.events()
        .emit(SandboxEvent::TaskUpdated { sid: task.clone() });
    Ok((
        StatusCode::CREATED,
        Json(json!({ "taskSid": task, "conversationSid": conversation })),
    )
        .into_response())
}

/// `agent`, `channel`, optional `attributes` (a JSON object) → `{"taskSid"}`.
async fn create_task(State(state): State<AppState>, p: Params) -> Result<Response, ApiError> {
    let sb = sandbox(&state)?;
    let agent = name_param(&p, "agent")?;
    let channel = name_param(&p, "channel")?;
    let attributes = match p.non_empty("attributes") {
        Some(a) => tasks::check_attributes(a)?,
        None => "{}".to_owned(),
    };
    let task = sb
        .db()
        .call(move |c| {
            Ok((|| {
                let tx = c.transaction()?;
                let worker = tasks::ensure_worker(&tx, &agent, now_ms())?;
                let task = tasks::create(&tx, &worker, &channel, &attributes, now_ms())?;
                tx.commit()?;
                Ok::<_, SandboxError>(task)
            })())
        })
        .await??;
    sb.events()
        .emit(SandboxEvent::TaskUpdated { sid: task.clone() });
    Ok((StatusCode::CREATED, Json(json!({ "taskSid": task }))).into_response())
}

/// The task's timeout runs out now: TaskRouter cancels it.
async fn time_out_task(
    State(state): State<AppState>,
    Path(sid): Path<String>,
) -> Result<Response, ApiError> {
    let sb = sandbox(&state)?;
    let key = sid.clone();
    let task = sb
        .db()
        .call(move |c| Ok(task_moves::time_out(c, &key, now_ms())))
        .await??
        .ok_or_else(|| ApiError::NotFound(format!("No task {sid}")))?;
    sb.events().emit(SandboxEvent::TaskUpdated {
        sid: task.sid.clone(),
    });
    Ok(Json(
        json!({ "taskSid": task.sid, "status": task.assignment_status, "reason": task.reason }),
    )
    .into_response())
}

/// `to` (an agent identity): the task goes to that agent's worker.
async fn transfer_task(
    State(state): State<AppState>,
    Path(sid): Path<String>,
    p: Params,
) -> Result<Response, ApiError> {
    let sb = sandbox(&state)?;
    let to = name_param(&p, "to")?;
    let key = sid.clone();
    let task = sb
        .db()
        .call(move |c| {
            Ok((|| {
                let worker = tasks::ensure_worker(c, &to, now_ms())?;
                task_moves::transfer(c, &key, &worker, now_ms())
            })())
        })
        .await??
        .ok_or_else(|| ApiError::NotFound(format!("No task {sid}")))?;
    sb.events().emit(SandboxEvent::TaskUpdated {
        sid: task.sid.clone(),
    });
    Ok(Json(json!({ "taskSid": task.sid, "workerSid": task.worker_sid })).into_response())
}

/// The agent's tasks with status, channel and attributes, newest first.
async fn agent_tasks(
    State(state): State<AppState>,
    Path(identity): Path<String>,
) -> Result<Response, ApiError> {
    let sb = sandbox(&state)?;
    let rows = sb
        .db()
        .call(move |c| {
            Ok((|| {
                let Some(worker) = tasks::worker_sid(c, &identity)? else {
                    return Ok(Vec::new());
                };
                let mut out = Vec::new();
                for t in tasks::for_worker(c, &worker)? {
                    let conversation = tasks::conversation_of(c, &t.sid)?;
                    out.push((t, conversation));
                }
                Ok::<_, SandboxError>(out)
            })())
        })
        .await??;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|(t, conversation)| {
            json!({
                "taskSid": t.sid,
                "status": t.assignment_status,
                "channel": t.channel,
                "attributes": serde_json::from_str::<Value>(&t.attributes).unwrap_or(Value::Null),
                "conversationSid": conversation,
                "reason": t.reason,
            })
        })
        .collect();
    Ok(Json(json!({ "tasks": list })).into_response())
}
