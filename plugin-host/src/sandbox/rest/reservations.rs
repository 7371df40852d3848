//! `GET /v1/Workspaces/{WS}/Tasks/{WT}/Reservations`: a task's reservations, filtered by
//! `WorkerSid` and `ReservationStatus`, paged by `PageSize` and `Page`.

use axum::extract::{Path, RawQuery};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::paging::{Meta, Paging};
use super::tasks::{check_workspace, workspace_sids};
use super::{Authed, Form};
use crate::sandbox::reservations::{self, Filter, ReservationJson, STATUSES};
use crate::sandbox::{tasks, SandboxError};
use chat_to_video::sid::is_sid;

fn filter(q: &Form) -> Result<Filter, SandboxError> {
    let worker_sid = q.get("WorkerSid").map(str::to_owned);
    if worker_sid.as_deref().is_some_and(|w| !is_sid(w, "WK")) {
        return Err(SandboxError::invalid(
            "WorkerSid must be WK followed by 32 hex digits",
        ));
    }
    let status = q.one_of("ReservationStatus", &STATUSES)?.map(str::to_owned);
    Ok(Filter { worker_sid, status })
}

pub async fn list(
    Authed(sb): Authed,
    Path((ws, task)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Workspaces/{ws}/Tasks/{task}/Reservations");
    check_workspace(&sb, &ws, &path)?;
    let q = Form::query(query.as_deref())?;
    let filter = filter(&q)?;
    let paging = Paging::read(&q)?;

    if super::tasks::live_task(&sb, &task).await?.is_none() {
        return Err(SandboxError::not_found(&path));
    }
    let (key, f) = (task.clone(), filter.clone());
    let rows = sb
        .db()
        .call(move |c| {
            Ok((|| {
                let rows = reservations::list(c, &key, &f, paging.page_size, paging.page)?;
                // Only an empty answer needs to tell "no such task" from "no such reservation".
                if rows.is_empty() && !tasks::exists(c, &key)? {
                    return Ok(None);
                }
                Ok::<_, SandboxError>(Some(rows))
            })())
        })
        .await??
        .ok_or_else(|| SandboxError::not_found(&path))?;

    let ws = workspace_sids(&sb);
    let body = ListJson {
        reservations: rows.iter().map(|r| r.to_json(&ws, sb.base_url())).collect(),
        meta: paging.meta(
            "reservations",
            &format!("{}{path}", sb.base_url()),
            &[
                ("WorkerSid", filter.worker_sid.as_deref()),
                ("ReservationStatus", filter.status.as_deref()),
            ],
            rows.len(),
        ),
    };
    let text = serde_json::to_vec(&body)
        .map_err(|_| SandboxError::api(500, 20500, "Internal Server Error"))?;
    // TaskRouter tags list answers too: here, a digest of the page.
    let digest = Sha256::digest(&text);
    let tag: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Ok((
        [
            (header::ETAG, format!("\"{tag}\"")),
            (header::CONTENT_TYPE, "application/json".to_owned()),
        ],
        text,
    )
        .into_response())
}

#[derive(Serialize)]
struct ListJson<'a> {
    reservations: Vec<ReservationJson<'a>>,
    meta: Meta,
}
