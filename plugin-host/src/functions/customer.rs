//! The customer's functions (code or ticket, no Flex token): `client-get-sync-token`,
//! `client-get-video-token`, `submit-rating`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::Json;
use chat_to_video::api::{
    param, CodeDocument, Endpoint, SuccessResponse, SyncTokenResponse, VideoTokenResponse,
};
use chat_to_video::attributes::AttributePatch;
use chat_to_video::rating::{Rating, RatingError, MAX_COMMENT_CHARS};

use super::agent::random_identity;
use super::error::FnError;
use super::inputs::require;
use super::task_attrs::merge_into_task;
use crate::app::AppState;
use crate::clock::{now_ms, rfc3339_secs};
use crate::params::Params;
use crate::twilio::sync::Document;

/// A usable code: its document and data. Refused (403 "Invalid code.") when the format is wrong,
/// the code is unknown or expired, or its room is over; unknown codes count against the address.
async fn resolve_code(
    state: &AppState,
    ip: std::net::IpAddr,
    p: &Params,
    endpoint: Endpoint,
) -> Result<(Document, CodeDocument), FnError> {
    state.limiter.check(ip).map_err(FnError::TooManyGuesses)?;
    let [code] = require(
        p,
        endpoint,
        [(param::CODE, "the code from the invitation link")],
    )?;
    if state.settings.code_format.validate(code).is_err() {
        state.limiter.failed(ip);
        return Err(FnError::InvalidCode);
    }
    let doc = match state
        .twilio
        .fetch_document(&state.sync_service_sid, code)
        .await
    {
        Ok(d) => d,
        Err(e) if e.is_not_found() => {
            state.limiter.failed(ip);
            return Err(FnError::InvalidCode);
        }
        Err(e) => return Err(e.into()),
    };
    let Ok(data) = serde_json::from_value::<CodeDocument>(doc.data.clone()) else {
        state.limiter.failed(ip);
        return Err(FnError::InvalidCode);
    };
    if data.completed {
        return Err(FnError::InvalidCode);
    }
    if let Some(room_sid) = &data.room {
        match state.twilio.fetch_room(room_sid).await {
            Ok(room) if room.is_in_progress() => {}
            Ok(_) => return Err(FnError::InvalidCode),
            Err(e) if e.is_not_found() => return Err(FnError::InvalidCode),
            Err(e) => return Err(e.into()),
        }
    }
    Ok((doc, data))
}

pub async fn client_get_sync_token(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    p: Params,
) -> Result<Json<SyncTokenResponse>, FnError> {
    let (doc, _) = resolve_code(&state, addr.ip(), &p, Endpoint::ClientGetSyncToken).await?;
    let identity = random_identity();
    state
        .twilio
        .update_document_permission(
            &state.sync_service_sid,
            &doc.sid,
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
        sync_url: state.sync_url(&doc.sid),
        document_sid: doc.sid,
    }))
}

pub async fn client_get_video_token(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    p: Params,
) -> Result<Json<VideoTokenResponse>, FnError> {
    let (_, data) = resolve_code(&state, addr.ip(), &p, Endpoint::ClientGetVideoToken).await?;
    let room_sid = data.room.ok_or(FnError::AgentNotConnected)?;
    let identity = random_identity();
    let token = state
        .signer
        .access_token(&identity, Some(&room_sid), None)?;
    let feedback_ticket = state.signer.feedback_ticket(&data.task, &room_sid)?;
    Ok(Json(VideoTokenResponse {
        token,
        identity,
        provider: state.provider(),
        signaling_url: state.signaling_url(&room_sid),
        ice: state.settings.ice.clone(),
        feedback_ticket,
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
    let patch = AttributePatch {
        rating: Some(Rating {
            submitted_at: Some(rfc3339_secs(now_ms())),
            ..rating
        }),
        ..AttributePatch::default()
    };
    merge_into_task(&state, &claims.task, &patch, None).await?;
    Ok(Json(SuccessResponse { success: true }))
}
