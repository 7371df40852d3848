//! The customer's functions (code or ticket, no Flex token): `client-get-sync-token`,
//! `client-get-video-token`, `submit-rating`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::Json;
use chat_to_video::api::{param, Endpoint, SuccessResponse, SyncTokenResponse, VideoTokenResponse};
use chat_to_video::attributes::AttributePatch;
use chat_to_video::rating::{Rating, RatingError, MAX_COMMENT_CHARS};
use chat_to_video::session::seat_identity;

use super::error::FnError;
use super::inputs::require;
use super::rating_webhook::RatingDelivery;
use super::session_store::{self, Change, Stored};
use super::task_attrs::{fetch_task, merge_into_task};
use crate::app::AppState;
use crate::client_address::{client_key, ClientKey};
use crate::clock::{now_ms, rfc3339_secs};
use crate::params::Params;
use crate::ratelimit::Admission;

/// A usable code: its session. Refused with 403 "Invalid code." when the format is wrong or the
/// code is unknown, and with the session's reason when it is over. Only invalid codes count
/// against the client (see [`crate::ratelimit`]).
async fn resolve_code(
    state: &AppState,
    client: ClientKey,
    p: &Params,
    endpoint: Endpoint,
) -> Result<Stored, FnError> {
    let [code] = require(
        p,
        endpoint,
        [(param::CODE, "the code from the invitation link")],
    )?;
    let admission = match state.limiter.admit(client) {
        Admission::Refused(wait) => return Err(FnError::TooManyGuesses(wait)),
        Admission::After(wait) => {
            tokio::time::sleep(wait).await;
            Admission::After(wait)
        }
        Admission::Now => Admission::Now,
    };
    let found = match state.settings.code_format.validate(code) {
        Ok(()) => session_store::fetch(state, code).await?,
        Err(_) => None,
    };
    let Some(stored) = found else {
        return Err(match state.limiter.settle(client, admission, false) {
            Some(wait) if admission.limited() => FnError::TooManyGuesses(wait),
            _ => FnError::InvalidCode,
        });
    };
    state.limiter.settle(client, admission, true);
    session_store::joinable(state, stored).await
}

fn client(state: &AppState, addr: SocketAddr, headers: &HeaderMap) -> ClientKey {
    client_key(&state.settings.client_address, addr, headers)
}

pub async fn client_get_sync_token(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    p: Params,
) -> Result<Json<SyncTokenResponse>, FnError> {
    let who = client(&state, addr, &headers);
    let stored = resolve_code(&state, who, &p, Endpoint::ClientGetSyncToken).await?;
    let identity = watcher_identity();
    state
        .twilio
        .update_document_permission(
            &state.sync_service_sid,
            &stored.sid,
            &identity,
            true,
            false,
            false,
        )
        .await?;
    let token = state
        .signer
        .access_token(&identity, None, Some(&state.sync_service_sid))?;
    Ok(Json(SyncTokenResponse {
        token,
        identity,
        provider: state.provider(),
        sync_url: state.sync_url(&stored.sid),
        document_sid: stored.sid,
    }))
}

pub async fn client_get_video_token(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    p: Params,
) -> Result<Json<VideoTokenResponse>, FnError> {
    let who = client(&state, addr, &headers);
    let stored = resolve_code(&state, who, &p, Endpoint::ClientGetVideoToken).await?;
    if !stored.session.agent_present() {
        return Err(FnError::AgentNotConnected);
    }
    let stored = super::rooms::still_running(&state, stored).await?;
    let held = p.non_empty(param::SEAT).and_then(|s| s.parse::<u32>().ok());
    let seats = state.settings.session.customer_seats;
    let taken = session_store::change(&state, stored, |s| {
        let seat = s.seat_for(held, seats);
        s.customer_joined = true;
        Change::Write(seat, None)
    })
    .await?;
    let Some((stored, seat)) = taken else {
        return Err(FnError::InvalidCode);
    };
    let (Some(room_sid), Some(agent)) = (stored.session.room.clone(), stored.session.agent.clone())
    else {
        return Err(FnError::AgentNotConnected);
    };
    let identity = seat_identity(seat);
    let token = state
        .signer
        .access_token(&identity, Some(&room_sid), None)?;
    let feedback_ticket =
        state
            .signer
            .feedback_ticket(&stored.session.task, &room_sid, &stored.sid)?;
    Ok(Json(VideoTokenResponse {
        token,
        identity,
        provider: state.provider(),
        signaling_url: state.signaling_url(&room_sid),
        ice: state.settings.ice.clone(),
        feedback_ticket,
        seat,
        agent_identity: agent.identity,
        agent_name: agent.name,
        room_sid,
    }))
}

pub async fn submit_rating(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<SuccessResponse>, FnError> {
    let [ticket, raw_rating] = require(
        &p,
        Endpoint::SubmitRating,
        [
            (param::TICKET, "the ticket from client-get-video-token"),
            (param::RATING, "1 to 5"),
        ],
    )?;
    let claims = state
        .signer
        .verify_feedback_ticket(ticket)
        .ok_or(FnError::Forbidden("Invalid or expired ticket."))?;
    let rating =
        Rating::from_input(Some(raw_rating), p.non_empty(param::COMMENT)).map_err(|e| match e {
            RatingError::NoStars => {
                FnError::BadRequest("rating must be a whole number from 1 to 5".into())
            }
            RatingError::CommentTooLong => FnError::BadRequest(format!(
                "comment must be at most {MAX_COMMENT_CHARS} characters"
            )),
        })?;
    let rating = Rating {
        submitted_at: Some(rfc3339_secs(now_ms())),
        ..rating
    };
    // One rating per session: the first one is kept, a second submission is refused.
    let stored = session_store::fetch(&state, &claims.document)
        .await?
        .filter(|s| s.session.task == claims.task)
        .ok_or(FnError::Forbidden("Invalid or expired ticket."))?;
    // The task is read while the rating is written, for the merge that follows.
    let (kept, task) = tokio::join!(
        session_store::change(&state, stored, |s| {
            if s.rating.is_some() {
                Change::Keep(false)
            } else {
                s.rating = Some(rating.clone());
                Change::Write(true, Some(session_store::RATED_TTL_SECS))
            }
        }),
        fetch_task(&state, &claims.task)
    );
    let kept = kept?;
    match kept {
        Some((_, true)) => {}
        Some((_, false)) => return Err(FnError::AlreadyRated),
        None => return Err(FnError::Forbidden("Invalid or expired ticket.")),
    }
    if let Some(hook) = &state.settings.rating_webhook {
        super::rating_webhook::spawn(
            hook,
            RatingDelivery {
                task_sid: claims.task.clone(),
                room_sid: claims.room.clone(),
                document_sid: claims.document.clone(),
                rating: rating.rating,
                comment: rating.comment.clone(),
                submitted_at: rating.submitted_at.clone(),
            },
        );
    }
    let patch = AttributePatch {
        rating: Some(rating),
        ..AttributePatch::default()
    };
    // The task may be gone (TaskRouter deletes completed tasks): the rating is in the session.
    match merge_into_task(&state, &claims.task, &patch, task.ok()).await {
        Ok(_) | Err(FnError::BadRequest(_)) => {}
        Err(e) => return Err(e),
    }
    Ok(Json(SuccessResponse { success: true }))
}

/// The identity of a page that watches the session document (it never joins the room).
fn watcher_identity() -> String {
    use rand::RngCore as _;
    let mut b = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut b);
    let mut s = String::from("watcher-");
    chat_to_video::sid::push_hex(&mut s, &b);
    s
}
