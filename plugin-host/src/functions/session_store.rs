//! The session document in Sync (`chat_to_video::session`): created under a fresh code, read by
//! sid or code, changed with `If-Match` (a lost race is read again and retried), and ended: the
//! document records why (every open customer page watches it, so each is told at once and the
//! code is refused from then on), the room is completed, and the task's attributes say so while
//! the task exists.

use chat_to_video::attributes::{AttributePatch, SessionEnd};
use chat_to_video::session::{Agent, EndReason, Refusal, Session};
use rand::RngCore as _;

use super::error::FnError;
use super::task_attrs::merge_into_task;
use crate::app::AppState;
use crate::clock::now_ms;
use crate::twilio::codes;
use crate::twilio::sync::Document;
use crate::twilio::taskrouter::VersionedTask;

/// Draws before giving up on finding a free code.
pub const CODE_ATTEMPTS: usize = 10;
/// How long a live session document lives: the longest Twilio room (24 h) and an hour more.
pub const SESSION_TTL_SECS: u64 = 25 * 3600;
/// How long an ended session document stays: open pages still read the end, and the rating (its
/// ticket lives a day) still lands.
pub const ENDED_TTL_SECS: u64 = 24 * 3600;
/// How long a rated session's document stays once the rating is in: the rating outlives the
/// task (TaskRouter deletes completed tasks) by a week.
pub const RATED_TTL_SECS: u64 = 7 * 24 * 3600;
/// Enough for a handful of writers racing on one session.
const MAX_ATTEMPTS: u32 = 50;

/// A session as read from its document.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The document (`ET…`).
    pub sid: String,
    /// The customer's code: the document's unique name.
    pub code: String,
    pub revision: String,
    pub session: Session,
}

/// What [`change`] does with the session after the closure looked at it.
pub enum Change<T> {
    /// Write the changed session (with the new time to live, if any).
    Write(T, Option<u64>),
    /// Leave the document as it is.
    Keep(T),
}

/// A fresh code of the configured format from the thread's CSPRNG.
pub fn draw_code(state: &AppState) -> String {
    let mut rng = rand::thread_rng();
    state.settings.code_format.generate(|| rng.next_u32())
}

fn from_document(doc: Document) -> Option<Stored> {
    // A document whose time has passed is gone, whatever Sync still returns (it deletes lazily).
    if doc.has_expired(now_ms()) {
        return None;
    }
    let session = serde_json::from_value::<Session>(doc.data).ok()?;
    Some(Stored {
        code: doc.unique_name.unwrap_or_default(),
        sid: doc.sid,
        revision: doc.revision,
        session,
    })
}

/// Creates a session for `task_sid` under the first code from `draw` whose name is free (54301
/// means taken: draw again).
pub async fn create(
    state: &AppState,
    task_sid: &str,
    customer_name: Option<String>,
    agent: Agent,
    mut draw: impl FnMut() -> String,
) -> Result<Stored, FnError> {
    let valid_until = now_ms() as u64 + state.settings.code_ttl_secs * 1000;
    let session = Session {
        agent: Some(agent),
        ..Session::new(task_sid, valid_until, customer_name)
    };
    let data = serde_json::to_value(&session).map_err(|e| FnError::Internal(e.to_string()))?;
    for _ in 0..CODE_ATTEMPTS {
        let code = draw();
        match state
            .twilio
            .create_document(
                &state.sync_service_sid,
                Some(&code),
                &data,
                Some(SESSION_TTL_SECS),
            )
            .await
        {
            Ok(doc) => {
                return Ok(Stored {
                    sid: doc.sid,
                    code,
                    revision: doc.revision,
                    session,
                })
            }
            Err(e) if e.code() == Some(codes::SYNC_UNIQUE_NAME_EXISTS) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(FnError::Internal("no free code found".into()))
}

/// The session by document sid or code; `None` when there is none (never was, expired, or a
/// document that is not a session's).
pub async fn fetch(state: &AppState, sid_or_code: &str) -> Result<Option<Stored>, FnError> {
    match state
        .twilio
        .fetch_document(&state.sync_service_sid, sid_or_code)
        .await
    {
        Ok(doc) => Ok(from_document(doc)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Every live session document of the service (for the sweep).
pub async fn list(state: &AppState) -> Result<Vec<Stored>, FnError> {
    let docs = state.twilio.list_documents(&state.sync_service_sid).await?;
    Ok(docs.into_iter().filter_map(from_document).collect())
}

/// Runs `f` on the session and writes what it changed if the document is still at the revision
/// read; on a lost race it reads again and runs `f` again. `None`: the document is gone. A
/// session `f` left as it was, with no new time to live, is not written.
pub async fn change<T>(
    state: &AppState,
    first: Stored,
    mut f: impl FnMut(&mut Session) -> Change<T>,
) -> Result<Option<(Stored, T)>, FnError> {
    let mut current = first;
    for _ in 0..MAX_ATTEMPTS {
        let mut session = current.session.clone();
        let (out, ttl) = match f(&mut session) {
            Change::Keep(out) => return Ok(Some((current, out))),
            // The same content and no new time to live: nothing to write.
            Change::Write(out, None) if session == current.session => {
                return Ok(Some((current, out)))
            }
            Change::Write(out, ttl) => (out, ttl),
        };
        let data = serde_json::to_value(&session).map_err(|e| FnError::Internal(e.to_string()))?;
        match state
            .twilio
            .update_document_with_ttl(
                &state.sync_service_sid,
                &current.sid,
                &data,
                ttl,
                Some(&current.revision),
            )
            .await
        {
            Ok(doc) => {
                let stored = Stored {
                    revision: doc.revision,
                    session,
                    ..current
                };
                return Ok(Some((stored, out)));
            }
            Err(e) if e.is_precondition_failed() => {}
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        match fetch(state, &current.sid).await? {
            Some(again) => current = again,
            None => return Ok(None),
        }
    }
    Err(FnError::Internal(
        "the session kept changing; it was not saved".into(),
    ))
}

/// The session if it can still be joined; one whose link ran out before anyone joined ends here,
/// so its open pages are told at once.
pub async fn joinable(state: &AppState, stored: Stored) -> Result<Stored, FnError> {
    match stored.session.admits(now_ms() as u64) {
        Ok(()) => Ok(stored),
        Err(Refusal::Ended(reason)) => Err(FnError::SessionOver(reason)),
        Err(Refusal::Expired) => {
            end(state, stored, EndReason::Expired).await?;
            Err(FnError::SessionOver(EndReason::Expired))
        }
    }
}

/// Ends the session for `reason` (the first reason wins), completes its room and records the end
/// on the task. Answers the session as it now is.
pub async fn end(state: &AppState, first: Stored, reason: EndReason) -> Result<Stored, FnError> {
    end_knowing_task(state, first, reason, None).await
}

/// [`end`], with the session's task as read a moment ago (saves reading it again to record the
/// end; a stale version is read again on 412).
pub async fn end_knowing_task(
    state: &AppState,
    first: Stored,
    reason: EndReason,
    task: Option<VersionedTask>,
) -> Result<Stored, FnError> {
    let sid = first.sid.clone();
    let changed = change(state, first.clone(), |s| {
        if s.end(reason, now_ms() as u64) {
            // A rating already in keeps its own, longer time.
            let ttl = if s.rating.is_some() {
                RATED_TTL_SECS
            } else {
                ENDED_TTL_SECS
            };
            Change::Write(true, Some(ttl))
        } else {
            Change::Keep(false)
        }
    })
    .await?;
    let Some((stored, newly)) = changed else {
        tracing::info!(document = %sid, "session document gone before it could be ended");
        return Ok(first);
    };
    // The room is completed and the end recorded on the task at once: both only follow the
    // document, which already says the session is over.
    let complete = async {
        match &stored.session.room {
            Some(room) => super::rooms::complete_idempotent(state, room).await,
            None => Ok(()),
        }
    };
    let record = async {
        if !newly {
            return;
        }
        tracing::info!(document = %stored.sid, task = %stored.session.task, reason = reason.as_str(), "session ended");
        let patch = AttributePatch {
            ended: Some(SessionEnd {
                reason: stored.session.ended.unwrap_or(reason),
                call_secs: stored.session.call_secs(),
            }),
            ..AttributePatch::default()
        };
        // The task may be gone already (TaskRouter deletes completed tasks): the end is in the
        // document either way.
        match merge_into_task(state, &stored.session.task, &patch, task).await {
            Ok(_) | Err(FnError::BadRequest(_)) => {}
            Err(e) => tracing::warn!(error = %e, "could not record the session's end on the task"),
        }
    };
    let (completed, ()) = tokio::join!(complete, record);
    completed?;
    Ok(stored)
}
