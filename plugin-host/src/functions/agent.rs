//! The agent's room functions (Flex token): `agent-get-token` (the room, created on the first
//! join) and `update-video-state` (the tab's `videoRoom`, which is also the agent's presence the
//! customer sees). Each acts only on a task the agent's worker holds (see [`super::assignment`]).

use axum::extract::State;
use axum::Json;
use chat_to_video::api::{param, AgentTokenResponse, Endpoint, SuccessResponse};
use chat_to_video::attributes::{AttributePatch, VideoAttributes, VideoRoomState};
use chat_to_video::session::{Agent, EndReason};
use chat_to_video::sid::is_sid;

use super::assignment::{held_task, require_assignment, WORKING, WORKING_OR_WRAPPING};
use super::error::FnError;
use super::inputs::{
    agent_display_name, check_flex_token, flex_token, require, with_token_check, FlexAgent,
};
use super::rooms;
use super::session_store::{self, Change, Stored};
use super::task_attrs::{check_task_sid, fetch_task, merge_into_task};
use crate::app::AppState;
use crate::clock::now_ms;
use crate::params::Params;
use crate::twilio::video::Room;

/// 403 answer of `agent-get-token` for a document that is not a session's.
pub const INVALID_DOCUMENT: &str = "Invalid document SID.";

pub async fn agent_get_token(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<AgentTokenResponse>, FnError> {
    let token = flex_token(&p)?;
    let doc_sid = match document_input(&p) {
        Ok(d) => d,
        Err(e) => {
            check_flex_token(&state, token).await?;
            return Err(e);
        }
    };
    // The session document is read while IAM checks the token.
    let (agent, stored) =
        with_token_check(&state, token, session_store::fetch(&state, doc_sid)).await?;
    // A session document that is gone lived out its time: the link is long expired.
    let stored = stored?.ok_or(FnError::SessionOver(EndReason::Expired))?;
    // The worker's name is read while the reservation is checked (reads only).
    let (held, name) = tokio::join!(
        require_assignment(&state, &agent, &stored.session.task, WORKING),
        agent_display_name(&state, &agent)
    );
    held?;
    let stored = session_store::joinable(&state, stored).await?;
    let (stored, room) = room_for_session(&state, stored, &agent, name).await?;
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
        customer_name: stored.session.customer_name,
        room_sid: room.sid,
    }))
}

/// `DocumentSid`, or the answer a missing or malformed one gets.
fn document_input(p: &Params) -> Result<&str, FnError> {
    let [doc_sid] = require(
        p,
        Endpoint::AgentGetToken,
        [(param::DOCUMENT_SID, "the session's Sync document")],
    )?;
    if !is_sid(doc_sid, "ET") {
        return Err(FnError::Forbidden(INVALID_DOCUMENT));
    }
    Ok(doc_sid)
}

/// The session's room, created on the first join (a room that ended by itself ends the
/// session), with the agent recorded on the session.
async fn room_for_session(
    state: &AppState,
    stored: Stored,
    agent: &FlexAgent,
    name: String,
) -> Result<(Stored, Room), FnError> {
    let who = Agent {
        name,
        identity: agent.identity.clone(),
        worker: agent.worker_sid.clone(),
        present: false,
    };
    if stored.session.room.is_some() {
        let (stored, room) = rooms::running_room(state, stored).await?;
        let stored = record_agent(state, stored, &who).await?;
        return Ok((stored, room));
    }
    // The task is read while the room is made, for the update that names the room on it.
    let (room, task) = tokio::join!(
        rooms::create(state, &stored.sid, &stored.session),
        fetch_task(state, &stored.session.task)
    );
    let room = room?;
    let created = room.sid.clone();
    let written = session_store::change(state, stored.clone(), |s| match &s.room {
        Some(theirs) => Change::Keep(theirs.clone()),
        None if !s.is_live() => Change::Keep(String::new()),
        None => {
            s.room = Some(created.clone());
            s.agent = Some(who.clone());
            Change::Write(created.clone(), None)
        }
    })
    .await?;
    let Some((stored, room_sid)) = written else {
        rooms::complete_quietly(state, &room.sid).await;
        return Err(FnError::SessionOver(EndReason::Expired));
    };
    if room_sid != created {
        // Someone else joined first (another click, another window): use their room.
        rooms::complete_quietly(state, &room.sid).await;
        if room_sid.is_empty() {
            return Err(FnError::SessionOver(
                stored.session.ended.unwrap_or(EndReason::Completed),
            ));
        }
        let theirs = state.twilio.fetch_room(&room_sid).await?;
        let stored = record_agent(state, stored, &who).await?;
        return Ok((stored, theirs));
    }
    let patch = AttributePatch {
        video_room: Some(VideoRoomState::Created),
        video_room_sid: Some(room.sid.clone()),
        ..AttributePatch::default()
    };
    merge_into_task(state, &stored.session.task, &patch, task.ok()).await?;
    Ok((stored, room))
}

/// Records who the agent is (name, identity, worker), keeping their presence.
async fn record_agent(state: &AppState, stored: Stored, who: &Agent) -> Result<Stored, FnError> {
    let written = session_store::change(state, stored.clone(), |s| {
        let present = s.agent.as_ref().is_some_and(|a| a.present);
        let want = Agent {
            present,
            ..who.clone()
        };
        if s.agent.as_ref() == Some(&want) {
            Change::Keep(())
        } else {
            s.agent = Some(want);
            Change::Write((), None)
        }
    })
    .await?;
    Ok(written.map_or(stored, |(s, ())| s))
}

pub async fn update_video_state(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<SuccessResponse>, FnError> {
    let token = flex_token(&p)?;
    let (task_sid, video_state) = match video_state_inputs(&p) {
        Ok(i) => i,
        Err(e) => {
            check_flex_token(&state, token).await?;
            return Err(e);
        }
    };
    let (_agent, task) = held_task(&state, token, task_sid, WORKING_OR_WRAPPING).await?;
    let patch = AttributePatch {
        video_room: Some(video_state),
        ..AttributePatch::default()
    };
    // The session the task names is read while the task is written (only when it changes).
    let document = VideoAttributes::from_json(&task.task.attributes).sync_document;
    let (merged, stored) = tokio::join!(
        merge_into_task(&state, task_sid, &patch, Some(task)),
        async {
            match &document {
                Some(d) => session_store::fetch(&state, d).await,
                None => Ok(None),
            }
        }
    );
    merged?;
    // The agent's presence, which the customer's page shows.
    let present = video_state == VideoRoomState::Connected;
    if let Some(stored) = stored? {
        if stored.session.task == task_sid {
            session_store::change(&state, stored, |s| {
                s.set_agent_present(present, now_ms() as u64);
                Change::Write((), None)
            })
            .await?;
        }
    }
    Ok(Json(SuccessResponse { success: true }))
}

/// `taskSid` and `state`, or the 400 they get.
fn video_state_inputs(p: &Params) -> Result<(&str, VideoRoomState), FnError> {
    let [task_sid, raw_state] = require(
        p,
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
    Ok((task_sid, video_state))
}
