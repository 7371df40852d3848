//! `/v1/Workspaces/{WS}/Tasks/{WT}`: fetch and update with `ETag` / `If-Match`.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{if_match, Authed, Form};
use crate::clock::now_ms;
use crate::sandbox::tasks::{self, TaskChange, TaskRow, WorkspaceSids};
use crate::sandbox::{Sandbox, SandboxError, SandboxEvent};

const STATUSES: [&str; 6] = [
    "pending",
    "reserved",
    "assigned",
    "canceled",
    "completed",
    "wrapping",
];

/// The account and workspace resources every TaskRouter answer names.
pub(super) fn workspace_sids(sb: &Sandbox) -> WorkspaceSids<'_> {
    let ids = sb.ids();
    WorkspaceSids {
        account: &ids.account_sid,
        workspace: &ids.workspace_sid,
        workflow: &ids.workflow_sid,
        queue: &ids.queue_sid,
    }
}

fn answer(sb: &Sandbox, task: &TaskRow) -> Response {
    let ws = workspace_sids(sb);
    (
        [(header::ETAG, task.etag())],
        Json(task.to_json(&ws, sb.base_url(), now_ms())),
    )
        .into_response()
}

pub(super) fn check_workspace(sb: &Sandbox, ws: &str, path: &str) -> Result<(), SandboxError> {
    if ws == sb.ids().workspace_sid {
        Ok(())
    } else {
        Err(SandboxError::not_found(path))
    }
}

pub async fn fetch(
    Authed(sb): Authed,
    Path((ws, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Workspaces/{ws}/Tasks/{sid}");
    check_workspace(&sb, &ws, &path)?;
    let task = live_task(&sb, &sid).await?;
    Ok(answer(
        &sb,
        &task.ok_or_else(|| SandboxError::not_found(&path))?,
    ))
}

/// The task, unless TaskRouter has deleted it (completed or canceled more than
/// `SANDBOX_TASK_DELETE_DELAY_SECS` ago: 404 from then on, as for a task that never was).
pub(super) async fn live_task(sb: &Sandbox, sid: &str) -> Result<Option<TaskRow>, SandboxError> {
    let key = sid.to_owned();
    let task = sb.db().call(move |c| Ok(tasks::fetch(c, &key))).await??;
    let lag = sb.task_lag_ms();
    Ok(task.filter(|t| !t.deleted(now_ms(), lag)))
}

pub async fn update(
    Authed(sb): Authed,
    Path((ws, sid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Workspaces/{ws}/Tasks/{sid}");
    check_workspace(&sb, &ws, &path)?;
    let form = Form::parse(&body)?;
    let status = form
        .one_of("AssignmentStatus", &STATUSES)?
        .map(str::to_owned);
    let change = TaskChange {
        attributes: form
            .get("Attributes")
            .map(tasks::check_attributes)
            .transpose()?,
        assignment_status: status,
        reason: form.get("Reason").map(str::to_owned),
        priority: form.int_in("Priority", 0, i64::from(i32::MAX))?,
    };
    if live_task(&sb, &sid).await?.is_none() {
        return Err(SandboxError::not_found(&path));
    }
    let tag = if_match(&headers);
    let task = sb
        .db()
        .call(move |c| Ok(tasks::update(c, &sid, change, tag.as_deref(), now_ms())))
        .await??;
    let task = task.ok_or_else(|| SandboxError::not_found(&path))?;
    sb.events().emit(SandboxEvent::TaskUpdated {
        sid: task.sid.clone(),
    });
    Ok(answer(&sb, &task))
}
