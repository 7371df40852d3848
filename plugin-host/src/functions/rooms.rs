//! The session's video room: created on the agent's first join (with the index that lets
//! `complete-room` find its task from the room alone), and completed when the session ends.

use chat_to_video::session::{EndReason, Session};

use super::error::FnError;
use super::room_index::{self, RoomIndex};
use super::session_store::{self, Stored};
use crate::app::AppState;
use crate::twilio::codes;
use crate::twilio::video::{CreateRoom, Room};

/// A new room for the session in document `document_sid`. Its capacity is the customer seats and
/// the agent, so customers can never crowd the agent out. The room's unique name is left to
/// Twilio (it becomes the RM sid): the code is a secret, and room names show up in room lists,
/// logs and the Video SDK.
pub async fn create(
    state: &AppState,
    document_sid: &str,
    session: &Session,
) -> Result<Room, FnError> {
    let room = state
        .twilio
        .create_room(&CreateRoom {
            room_type: &state.settings.room_type,
            unique_name: None,
            record_participants_on_connect: state.settings.record_by_default,
            empty_room_timeout: state.settings.empty_room_timeout,
            unused_room_timeout: state.settings.unused_room_timeout,
            max_participants: Some(state.settings.session.customer_seats + 1),
        })
        .await
        .map_err(|e| match e.code() {
            Some(codes::ROOM_TYPE_NOT_ALLOWED) => {
                FnError::RoomTypeRefused(state.settings.room_type.clone())
            }
            _ => e.into(),
        })?;
    // The index comes first, so every room a session names can be traced to its task.
    let index = RoomIndex {
        room_sid: room.sid.clone(),
        task_sid: session.task.clone(),
        document_sid: document_sid.to_owned(),
    };
    if let Err(e) = room_index::record(state, &index).await {
        complete_quietly(state, &room.sid).await;
        return Err(e);
    }
    Ok(room)
}

/// The session, if its room is still in progress; a room that ended by itself (its empty or
/// unused timeout) ends the session, which the caller is told.
pub async fn still_running(state: &AppState, stored: Stored) -> Result<Stored, FnError> {
    let Some(room_sid) = stored.session.room.clone() else {
        return Ok(stored);
    };
    match state.twilio.fetch_room(&room_sid).await {
        Ok(room) if room.is_in_progress() => Ok(stored),
        Ok(_) => Err(timed_out(state, stored).await),
        Err(e) if e.is_not_found() => Err(timed_out(state, stored).await),
        Err(e) => Err(e.into()),
    }
}

/// [`still_running`], with the room as Twilio has it (one read for both).
pub async fn running_room(state: &AppState, stored: Stored) -> Result<(Stored, Room), FnError> {
    let Some(room_sid) = stored.session.room.clone() else {
        return Err(FnError::Internal("the session has no room".into()));
    };
    match state.twilio.fetch_room(&room_sid).await {
        Ok(room) if room.is_in_progress() => Ok((stored, room)),
        Ok(_) => Err(timed_out(state, stored).await),
        Err(e) if e.is_not_found() => Err(timed_out(state, stored).await),
        Err(e) => Err(e.into()),
    }
}

async fn timed_out(state: &AppState, stored: Stored) -> FnError {
    match session_store::end(state, stored, EndReason::TimedOut).await {
        Ok(s) => FnError::SessionOver(s.session.ended.unwrap_or(EndReason::TimedOut)),
        Err(e) => e,
    }
}

/// Completes a room nobody needs (logged on failure, never an error for the caller).
pub async fn complete_quietly(state: &AppState, room_sid: &str) {
    if let Err(e) = complete_idempotent(state, room_sid).await {
        tracing::warn!(room = room_sid, error = %e, "could not complete an unused room");
    }
}

/// Completes the room; a room already over (or unknown to Twilio) is success.
pub async fn complete_idempotent(state: &AppState, room_sid: &str) -> Result<(), FnError> {
    match state.twilio.complete_room(room_sid).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) if e.code() == Some(codes::ROOM_STATUS_INVALID) => {
            let room = state.twilio.fetch_room(room_sid).await?;
            if room.is_in_progress() {
                Err(e.into())
            } else {
                Ok(())
            }
        }
        Err(e) => Err(e.into()),
    }
}
