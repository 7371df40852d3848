//! `GET /v1/Workspaces/{WS}/Workers/{WK}`: the agent's worker, with Flex's attributes.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::tasks::check_workspace;
use super::Authed;
use crate::clock::rfc3339_secs;
use crate::sandbox::{tasks, SandboxError};

pub async fn fetch(
    Authed(sb): Authed,
    Path((ws, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Workspaces/{ws}/Workers/{sid}");
    check_workspace(&sb, &ws, &path)?;
    let key = sid.clone();
    let worker = sb
        .db()
        .call(move |c| Ok(tasks::fetch_worker(c, &key)))
        .await??
        .ok_or_else(|| SandboxError::not_found(&path))?;
    let ids = sb.ids();
    let url = format!("{}{path}", sb.base_url());
    let created = rfc3339_secs(worker.date_created);
    // TaskRouter versions workers like tasks; the sandbox's never change after creation here.
    let etag = format!("\"{}\"", worker.date_created);
    let body = Json(json!({
        "account_sid": ids.account_sid,
        "activity_name": "Available",
        "activity_sid": null,
        "attributes": worker.attributes,
        "available": true,
        "date_created": created,
        "date_status_changed": created,
        "date_updated": created,
        "friendly_name": worker.friendly_name,
        "sid": worker.sid,
        "workspace_sid": ids.workspace_sid,
        "links": {
            "channels": format!("{url}/Channels"),
            "reservations": format!("{url}/Reservations"),
            "activity": format!("{}/v1/Workspaces/{}/Activities", sb.base_url(), ids.workspace_sid),
            "workspace": format!("{}/v1/Workspaces/{}", sb.base_url(), ids.workspace_sid),
        },
        "url": url,
    }));
    Ok(([(header::ETAG, etag)], body).into_response())
}
