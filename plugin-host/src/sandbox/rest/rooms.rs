//! `/v1/Rooms` and `/v1/Rooms/{sid}`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::paging::Paging;
use super::{Authed, Form};
use crate::clock::now_ms;
use crate::config::ROOM_TYPES;
use crate::sandbox::rooms::{self, NewRoom};
use crate::sandbox::{RoomEndReason, SandboxError, SandboxEvent};
use crate::twilio::codes;

pub async fn create(Authed(sb): Authed, body: Bytes) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let room_type = form
        .one_of("Type", &ROOM_TYPES)?
        .unwrap_or("group")
        .to_owned();
    if room_type != "group" && !sb.legacy_room_types() {
        return Err(SandboxError::api(
            400,
            codes::ROOM_TYPE_NOT_ALLOWED,
            "Room type not available: this account can create only group rooms",
        ));
    }
    let new = NewRoom {
        unique_name: form
            .get("UniqueName")
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        record_on_connect: form.bool("RecordParticipantsOnConnect")?.unwrap_or(false),
        empty_room_timeout: form.int_in("EmptyRoomTimeout", 1, 60)?.unwrap_or(5) as u32,
        unused_room_timeout: form.int_in("UnusedRoomTimeout", 1, 60)?.unwrap_or(5) as u32,
        max_participants: form
            .int_in(
                "MaxParticipants",
                1,
                i64::from(rooms::default_max_participants(&room_type)),
            )?
            .map(|n| n as u32),
        room_type,
    };
    let minute = sb.minute_ms();
    let room = sb
        .db()
        .call(move |c| Ok(rooms::create(c, new, now_ms(), minute)))
        .await??;
    Ok((
        StatusCode::CREATED,
        Json(room.to_json(&sb.ids().account_sid, sb.base_url())),
    )
        .into_response())
}

pub async fn fetch(Authed(sb): Authed, Path(sid): Path<String>) -> Result<Response, SandboxError> {
    let key = sid.clone();
    let room = sb.db().call(move |c| Ok(rooms::fetch(c, &key))).await??;
    let room = room.ok_or_else(|| SandboxError::not_found(&format!("/v1/Rooms/{sid}")))?;
    Ok(Json(room.to_json(&sb.ids().account_sid, sb.base_url())).into_response())
}

pub async fn list(Authed(sb): Authed, RawQuery(query): RawQuery) -> Result<Response, SandboxError> {
    let q = Form::query(query.as_deref())?;
    // Without `Status`, Twilio lists the rooms in progress.
    let status = Some(q.get("Status").unwrap_or(rooms::IN_PROGRESS).to_owned());
    if let Some(s) = &status {
        if ![rooms::IN_PROGRESS, rooms::COMPLETED, "failed"].contains(&s.as_str()) {
            return Err(SandboxError::invalid(
                "Status must be in-progress, completed or failed",
            ));
        }
    }
    let unique_name = q.get("UniqueName").map(str::to_owned);
    let paging = Paging::read(&q)?;
    let (n, s) = (unique_name.clone(), status.clone());
    let rows = sb
        .db()
        .call(move |c| {
            Ok(rooms::list(
                c,
                n.as_deref(),
                s.as_deref(),
                paging.page_size,
                paging.page,
            ))
        })
        .await??;

    let meta = paging.meta(
        "rooms",
        &format!("{}/v1/Rooms", sb.base_url()),
        &[
            ("UniqueName", unique_name.as_deref()),
            ("Status", status.as_deref()),
        ],
        rows.len(),
    );
    let account = &sb.ids().account_sid;
    let body = json!({
        "rooms": rows.iter().map(|r| r.to_json(account, sb.base_url())).collect::<Vec<_>>(),
        "meta": meta,
    });
    Ok(Json(body).into_response())
}

/// `Status=completed` ends the room; anything else, or a room already over, is 53112.
pub async fn update(
    Authed(sb): Authed,
    Path(sid): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    match form.get("Status") {
        None => return Err(SandboxError::missing("Status")),
        Some(rooms::COMPLETED) => {}
        Some(_) => {
            return Err(SandboxError::api(
                400,
                codes::ROOM_STATUS_INVALID,
                "Room status is invalid",
            ))
        }
    }
    let key = sid.clone();
    let room = sb
        .db()
        .call(move |c| Ok(rooms::complete(c, &key, now_ms())))
        .await??;
    let room = room.ok_or_else(|| SandboxError::not_found(&format!("/v1/Rooms/{sid}")))?;
    sb.events().emit(SandboxEvent::RoomCompleted {
        sid: room.sid.clone(),
        reason: RoomEndReason::Api,
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(room.to_json(&sb.ids().account_sid, sb.base_url())),
    )
        .into_response())
}
