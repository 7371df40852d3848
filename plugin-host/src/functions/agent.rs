//! The agent's functions (Flex token): `generate-unique-code`, `agent-get-token`,
//! `complete-room`, `update-video-state`. Each acts only on a task the agent's worker holds
//! (see [`super::assignment`]).

use axum::extract::State;
use axum::Json;
use chat_to_video::api::{
    param, AgentTokenResponse, CodeDocument, Endpoint, GenerateCodeResponse, SuccessResponse,
    CUSTOMER_PAGE_PATH,
};
use chat_to_video::attributes::{AttributePatch, VideoRoomState};
use rand::RngCore as _;

use super::assignment::{require_assignment, HELD_OR_DONE, WORKING, WORKING_OR_WRAPPING};
use super::code_doc::{create_code_document, draw_code};
use super::error::FnError;
use super::inputs::{flex_agent, require, FlexAgent};
use super::room_index::{self, RoomIndex};
use super::task_attrs::{check_task_sid, fetch_task, merge_into_task};
use crate::app::AppState;
use crate::params::Params;
use crate::twilio::sync::Document;
use crate::twilio::video::{CreateRoom, Room};
use crate::twilio::{codes, TwilioError};
use chat_to_video::sid::is_sid;

/// 403 answer of `agent-get-token` and `complete-room` for a document that is not a code's.
const INVALID_DOCUMENT: &str = "Invalid document SID.";

pub async fn generate_unique_code(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<GenerateCodeResponse>, FnError> {
    let agent = flex_agent(&state, &p).await?;
    let [task_sid] = require(
        &p,
        Endpoint::GenerateUniqueCode,
        [(param::TASK_SID, "the task to escalate")],
    )?;
    check_task_sid(task_sid)?;
    // The task is read while the assignment is checked; it is used only if the check passes.
    let (held, task) = tokio::join!(
        require_assignment(&state, &agent, task_sid, WORKING),
        fetch_task(&state, task_sid)
    );
    held?;
    let task = task?;

    let ttl = state.settings.code_ttl_secs;
    let (code, doc) = create_code_document(&state, task_sid, || draw_code(&state)).await?;

    let patch = AttributePatch {
        sync_document: Some(doc.sid.clone()),
        ..AttributePatch::default()
    };
    merge_into_task(&state, task_sid, &patch, Some(task)).await?;

    let valid_until = doc.date_expires.clone().unwrap_or_else(|| {
        crate::clock::rfc3339_secs(crate::clock::now_ms() + (ttl as i64) * 1000)
    });
    Ok(Json(GenerateCodeResponse {
        full_url: format!("{}{}?code={}", state.public_url, CUSTOMER_PAGE_PATH, code),
        unique_code: code,
        valid_until,
    }))
}

/// Fetches the code document by sid; unknown: 403 [`INVALID_DOCUMENT`].
async fn fetch_code_doc(state: &AppState, sid: &str) -> Result<(Document, CodeDocument), FnError> {
    let doc = match state
        .twilio
        .fetch_document(&state.sync_service_sid, sid)
        .await
    {
        Ok(d) => d,
        Err(e) if e.is_not_found() => return Err(FnError::Forbidden(INVALID_DOCUMENT)),
        Err(e) => return Err(e.into()),
    };
    let data: CodeDocument = serde_json::from_value(doc.data.clone())
        .map_err(|_| FnError::Forbidden(INVALID_DOCUMENT))?;
    Ok((doc, data))
}

pub async fn agent_get_token(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<AgentTokenResponse>, FnError> {
    let agent = flex_agent(&state, &p).await?;
    let [doc_sid] = require(
        &p,
        Endpoint::AgentGetToken,
        [(param::DOCUMENT_SID, "the code's Sync document")],
    )?;
    if !is_sid(doc_sid, "ET") {
        return Err(FnError::Forbidden(INVALID_DOCUMENT));
    }
    let first = fetch_code_doc(&state, doc_sid).await?;
    require_assignment(&state, &agent, &first.1.task, WORKING).await?;
    let room = room_for_document(&state, first).await?;
    let token = state.signer.access_token(
        &agent.identity,
        Some(&room.sid),
        Some(&state.sync_service_sid),
    )?;
    Ok(Json(AgentTokenResponse {
        token,
        identity: agent.identity,
        room_name: room.unique_name.clone().unwrap_or_else(|| room.sid.clone()),
        provider: state.provider(),
        signaling_url: state.signaling_url(&room.sid),
        ice: state.settings.ice.clone(),
        room_sid: room.sid,
    }))
}

/// The document's room, created on first use (starting from `first`, the document as just read).
/// A completed room: 403.
async fn room_for_document(
    state: &AppState,
    first: (Document, CodeDocument),
) -> Result<Room, FnError> {
    let ended = FnError::Forbidden("This video room has ended.");
    let (mut doc, mut data) = first;
    loop {
        if data.completed {
            return Err(ended);
        }
        if let Some(room_sid) = &data.room {
            return match state.twilio.fetch_room(room_sid).await {
                Ok(room) if room.is_in_progress() => Ok(room),
                Ok(_) => Err(ended),
                Err(e) if e.is_not_found() => Err(ended),
                Err(e) => Err(e.into()),
            };
        }
        // The room's unique name is left to Twilio (it becomes the RM sid): the code is a secret
        // and room names show up in room lists, logs and the Video SDK.
        let room = state
            .twilio
            .create_room(&CreateRoom {
                room_type: &state.settings.room_type,
                unique_name: None,
                record_participants_on_connect: state.settings.record_by_default,
                empty_room_timeout: state.settings.empty_room_timeout,
                unused_room_timeout: state.settings.unused_room_timeout,
            })
            .await?;
        // The index comes first, so every room a code's document names can be traced to its task.
        let index = RoomIndex {
            room_sid: room.sid.clone(),
            task_sid: data.task.clone(),
            document_sid: doc.sid.clone(),
        };
        if let Err(e) = room_index::record(state, &index).await {
            complete_quietly(state, &room.sid).await;
            return Err(e);
        }
        let with_room = CodeDocument {
            task: data.task.clone(),
            room: Some(room.sid.clone()),
            completed: false,
        };
        match write_code_doc(state, &doc, &with_room).await {
            Ok(true) => {
                let patch = AttributePatch {
                    video_room: Some(VideoRoomState::Created),
                    video_room_sid: Some(room.sid.clone()),
                    ..AttributePatch::default()
                };
                merge_into_task(state, &data.task, &patch, None).await?;
                return Ok(room);
            }
            // Someone else wrote the document first (another click): drop our room, use theirs.
            Ok(false) => complete_quietly(state, &room.sid).await,
            Err(e) => {
                complete_quietly(state, &room.sid).await;
                return Err(e);
            }
        }
        (doc, data) = fetch_code_doc(state, &doc.sid).await?;
    }
}

/// Replaces the code document's data if it is still at the revision read; `false` when someone
/// wrote in between.
async fn write_code_doc(
    state: &AppState,
    doc: &Document,
    data: &CodeDocument,
) -> Result<bool, FnError> {
    let data = serde_json::to_value(data).map_err(|e| FnError::Internal(e.to_string()))?;
    let written = state
        .twilio
        .update_document(
            &state.sync_service_sid,
            &doc.sid,
            &data,
            Some(&doc.revision),
        )
        .await;
    match written {
        Ok(_) => Ok(true),
        Err(e) if e.is_precondition_failed() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

async fn complete_quietly(state: &AppState, room_sid: &str) {
    if let Err(e) = complete_room_idempotent(state, room_sid).await {
        tracing::warn!(error = %e, "could not complete an unused room");
    }
}

/// Completing a completed room is success.
async fn complete_room_idempotent(state: &AppState, room_sid: &str) -> Result<(), TwilioError> {
    match state.twilio.complete_room(room_sid).await {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(codes::ROOM_STATUS_INVALID) => {
            let room = state.twilio.fetch_room(room_sid).await?;
            if room.is_in_progress() {
                Err(e)
            } else {
                Ok(())
            }
        }
        Err(e) => Err(e),
    }
}

pub async fn complete_room(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<SuccessResponse>, FnError> {
    let agent = flex_agent(&state, &p).await?;
    let room_param = p.non_empty(param::ROOM_SID);
    let doc_param = p.non_empty(param::DOCUMENT_SID);
    if room_param.is_none() && doc_param.is_none() {
        return Err(FnError::Missing {
            endpoint: Endpoint::CompleteRoom.name(),
            keys: vec![(param::ROOM_SID, "the room to complete (or DocumentSid)")],
        });
    }
    if doc_param.is_some_and(|d| !is_sid(d, "ET")) {
        return Err(FnError::Forbidden(INVALID_DOCUMENT));
    }
    if room_param.is_some_and(|r| !is_sid(r, "RM")) {
        return Err(FnError::BadRequest(
            "roomSid must be RM followed by 32 hex digits".into(),
        ));
    }
    let mut room_sid = room_param.map(str::to_owned);
    if let Some(doc_sid) = doc_param {
        let first = fetch_code_doc(&state, doc_sid).await?;
        require_assignment(&state, &agent, &first.1.task, HELD_OR_DONE).await?;
        // A room other than the document's must be the caller's too.
        if let Some(room) = room_sid
            .as_deref()
            .filter(|r| first.1.room.as_deref() != Some(*r))
        {
            require_room(&state, &agent, room).await?;
        }
        let doc_room = retire_code(&state, first).await?;
        room_sid = room_sid.or(doc_room);
    } else if let Some(room) = &room_sid {
        require_room(&state, &agent, room).await?;
    }
    if let Some(room) = room_sid {
        match complete_room_idempotent(&state, &room).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {
                return Err(FnError::BadRequest("Unknown roomSid".into()))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Json(SuccessResponse { success: true }))
}

/// The room's task (through its index) must be held by the caller; a room without an index is
/// refused like a task that is not theirs.
async fn require_room(state: &AppState, agent: &FlexAgent, room_sid: &str) -> Result<(), FnError> {
    let task = room_index::task_of(state, room_sid)
        .await?
        .ok_or(FnError::NotAssigned)?;
    require_assignment(state, agent, &task, HELD_OR_DONE).await
}

/// Marks the code used up, keeping its TTL; retries if someone wrote in between. Answers the
/// document's room as last read.
async fn retire_code(
    state: &AppState,
    first: (Document, CodeDocument),
) -> Result<Option<String>, FnError> {
    let (mut doc, mut data) = first;
    loop {
        if data.completed {
            return Ok(data.room);
        }
        let done = CodeDocument {
            completed: true,
            ..data
        };
        if write_code_doc(state, &doc, &done).await? {
            return Ok(done.room);
        }
        (doc, data) = fetch_code_doc(state, &doc.sid).await?;
    }
}

pub async fn update_video_state(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<SuccessResponse>, FnError> {
    let agent = flex_agent(&state, &p).await?;
    let [task_sid, raw_state] = require(
        &p,
        Endpoint::UpdateVideoState,
        [
            (param::TASK_SID, "the task"),
            (param::STATE, "created, connected, disconnected or error"),
        ],
    )?;
    check_task_sid(task_sid)?;
    let video_state = VideoRoomState::from_wire(raw_state).ok_or_else(|| {
        FnError::BadRequest("state must be created, connected, disconnected or error".into())
    })?;
    require_assignment(&state, &agent, task_sid, WORKING_OR_WRAPPING).await?;
    let patch = AttributePatch {
        video_room: Some(video_state),
        ..AttributePatch::default()
    };
    merge_into_task(&state, task_sid, &patch, None).await?;
    Ok(Json(SuccessResponse { success: true }))
}

/// A random identity for a customer: never fixed, so a second tab does not kick the first.
pub fn random_identity() -> String {
    let mut b = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut b);
    format!("customer-{:016x}", u64::from_be_bytes(b))
}
