//! `complete-room` (Flex token): ends the task's video session, found by `taskSid`,
//! `DocumentSid` or `roomSid` (whichever the caller knows; the code does not need to be valid
//! any more): the room is completed, the code refused from then on, every open page told.
//! `reason` says why (`wrapped_up` by default; the plugin sends `completed`, `transferred` or
//! `ended_by_agent` as the agent's action was).

use axum::extract::State;
use axum::Json;
use chat_to_video::api::{param, Endpoint, SuccessResponse};
use chat_to_video::attributes::VideoAttributes;
use chat_to_video::session::EndReason;
use chat_to_video::sid::is_sid;

use super::agent::INVALID_DOCUMENT;
use super::assignment::{require_assignment, require_held, task_reservations, HELD_OR_DONE};
use super::error::FnError;
use super::inputs::{check_flex_token, flex_token, with_token_check, FlexAgent};
use super::room_index;
use super::rooms;
use super::session_store::{self, Stored};
use super::task_attrs::{check_task_sid, fetch_task};
use crate::app::AppState;
use crate::params::Params;
use crate::twilio::taskrouter::VersionedTask;

/// The ends an agent's action can cause.
const AGENT_REASONS: [EndReason; 5] = [
    EndReason::WrappedUp,
    EndReason::Completed,
    EndReason::Transferred,
    EndReason::Canceled,
    EndReason::EndedByAgent,
];

pub async fn complete_room(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<SuccessResponse>, FnError> {
    let token = flex_token(&p)?;
    let Target {
        task: task_param,
        room: room_param,
        document: doc_param,
        reason,
    } = match target(&p) {
        Ok(t) => t,
        Err(e) => {
            check_flex_token(&state, token).await?;
            return Err(e);
        }
    };
    // One wave beside IAM's check: the document named, and the task named with its
    // reservations (the plugin names both). Each is looked at only once the token passed.
    let (agent, (named, mut held, mut task_read)) = with_token_check(&state, token, async {
        tokio::join!(
            async {
                match doc_param {
                    Some(doc) => session_store::fetch(&state, doc).await,
                    None => Ok(None),
                }
            },
            async {
                match task_param {
                    Some(task) => Some(task_reservations(&state, task, HELD_OR_DONE).await),
                    None => None,
                }
            },
            async {
                match task_param {
                    Some(task) => fetch_task(&state, task).await.ok(),
                    None => None,
                }
            }
        )
    })
    .await?;

    // Whatever names the session: the document, the task's attributes, the room's index.
    let mut checked_task = None;
    let mut stored = named?;
    if let Some(task) = task_param {
        // The task named is checked when it is the session's, or when it is all there is.
        if stored.as_ref().is_none_or(|s| s.session.task == task) {
            let page = held.take().ok_or(FnError::NotAssigned)?;
            require_held(&state, &agent, task, HELD_OR_DONE, page).await?;
            checked_task = Some(task.to_owned());
            if stored.is_none() {
                stored = session_of_task(&state, task, task_read.take()).await?;
            }
        }
    }
    let mut room_task = None;
    if stored.is_none() {
        if let Some(room) = room_param {
            let task = room_index::task_of(&state, room)
                .await?
                .ok_or(FnError::NotAssigned)?;
            require_assignment(&state, &agent, &task, HELD_OR_DONE).await?;
            stored = match room_index::document_of(&state, room).await? {
                Some(doc) => session_store::fetch(&state, &doc).await?,
                None => None,
            };
            room_task = Some(task);
        }
    }
    match stored {
        Some(stored) => {
            if checked_task.as_deref() != Some(stored.session.task.as_str())
                && room_task.as_deref() != Some(stored.session.task.as_str())
            {
                require_assignment(&state, &agent, &stored.session.task, HELD_OR_DONE).await?;
            }
            // A room other than the session's must be the caller's too.
            if let Some(room) = room_param.filter(|r| stored.session.room.as_deref() != Some(*r)) {
                require_room(&state, &agent, room).await?;
                rooms::complete_idempotent(&state, room).await?;
            }
            let task = task_read.filter(|t| t.task.sid == stored.session.task);
            session_store::end_knowing_task(&state, stored, reason, task).await?;
        }
        None => match (room_param, room_task) {
            // The session document is gone (long expired): the room can still be completed.
            (Some(room), Some(_)) => rooms::complete_idempotent(&state, room).await?,
            (Some(room), None) => {
                require_room(&state, &agent, room).await?;
                rooms::complete_idempotent(&state, room).await?;
            }
            // Nothing live is left to end.
            (None, _) if checked_task.is_some() => {}
            (None, _) => return Err(FnError::Forbidden(INVALID_DOCUMENT)),
        },
    }
    Ok(Json(SuccessResponse { success: true }))
}

/// What `complete-room` is asked to end, and why.
struct Target<'p> {
    task: Option<&'p str>,
    room: Option<&'p str>,
    document: Option<&'p str>,
    reason: EndReason,
}

/// The parameters, or the answer bad ones get.
fn target(p: &Params) -> Result<Target<'_>, FnError> {
    let task = p.non_empty(param::TASK_SID);
    let room = p.non_empty(param::ROOM_SID);
    let document = p.non_empty(param::DOCUMENT_SID);
    if task.is_none() && room.is_none() && document.is_none() {
        return Err(FnError::Missing {
            endpoint: Endpoint::CompleteRoom.name(),
            keys: vec![(
                param::ROOM_SID,
                "the room to complete (or taskSid, or DocumentSid)",
            )],
        });
    }
    if let Some(task) = task {
        check_task_sid(task)?;
    }
    if document.is_some_and(|d| !is_sid(d, "ET")) {
        return Err(FnError::Forbidden(INVALID_DOCUMENT));
    }
    if room.is_some_and(|r| !is_sid(r, "RM")) {
        return Err(FnError::BadRequest(
            "roomSid must be RM followed by 32 hex digits".into(),
        ));
    }
    let reason = match p.non_empty(param::REASON) {
        None => EndReason::WrappedUp,
        Some(r) => EndReason::from_wire(r)
            .filter(|r| AGENT_REASONS.contains(r))
            .ok_or_else(|| {
                FnError::BadRequest(
                    "reason must be wrapped_up, completed, transferred, canceled or ended_by_agent"
                        .into(),
                )
            })?,
    };
    Ok(Target {
        task,
        room,
        document,
        reason,
    })
}

/// The session the task's attributes name, if its document is still there; `read` is the task
/// when it was read already.
async fn session_of_task(
    state: &AppState,
    task_sid: &str,
    read: Option<VersionedTask>,
) -> Result<Option<Stored>, FnError> {
    let task = match read {
        Some(t) => t,
        None => match state
            .twilio
            .fetch_task(&state.workspace_sid, task_sid)
            .await
        {
            Ok(t) => t,
            // TaskRouter deletes completed tasks: then there is nothing to find by task.
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into()),
        },
    };
    match VideoAttributes::from_json(&task.task.attributes).sync_document {
        Some(doc) => Ok(session_store::fetch(state, &doc)
            .await?
            .filter(|s| s.session.task == task_sid)),
        None => Ok(None),
    }
}

/// The room's task (through its index) must be held by the caller; a room without an index is
/// refused like a task that is not theirs.
async fn require_room(state: &AppState, agent: &FlexAgent, room_sid: &str) -> Result<(), FnError> {
    let task = room_index::task_of(state, room_sid)
        .await?
        .ok_or(FnError::NotAssigned)?;
    require_assignment(state, agent, &task, HELD_OR_DONE).await
}
