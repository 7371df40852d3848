//! Which task a room belongs to. The code's document names the room, but Sync cannot be searched
//! by content, so before a room is handed out a small document named `room-{RM…}` records
//! `{roomSid, taskSid, documentSid}`: `complete-room` given only a `roomSid` reads it to check the
//! caller holds the task and to find the session. Its data has no `task` key, so it is never
//! mistaken for a session document; its name has a `-`, so it is never a code.

use serde::{Deserialize, Serialize};

use super::error::FnError;
use crate::app::AppState;
use crate::twilio::codes;

/// A Twilio room lasts at most 24 hours; the index outlives it by an hour.
pub const TTL_SECS: u64 = 25 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomIndex {
    pub room_sid: String,
    pub task_sid: String,
    pub document_sid: String,
}

/// The unique name of a room's index document.
pub fn name(room_sid: &str) -> String {
    format!("room-{room_sid}")
}

/// Records that `room_sid` belongs to `task_sid` (through the code document `document_sid`).
pub async fn record(state: &AppState, entry: &RoomIndex) -> Result<(), FnError> {
    let data = serde_json::to_value(entry).map_err(|e| FnError::Internal(e.to_string()))?;
    match state
        .twilio
        .create_document(
            &state.sync_service_sid,
            Some(&name(&entry.room_sid)),
            &data,
            Some(TTL_SECS),
        )
        .await
    {
        Ok(_) => Ok(()),
        // Room sids are unique and only this service writes these names: it is already there.
        Err(e) if e.code() == Some(codes::SYNC_UNIQUE_NAME_EXISTS) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The room's index entry; `None` for a room this service did not hand out (or whose index has
/// expired).
pub async fn entry(state: &AppState, room_sid: &str) -> Result<Option<RoomIndex>, FnError> {
    match state
        .twilio
        .fetch_document(&state.sync_service_sid, &name(room_sid))
        .await
    {
        // Past its `date_expires` the index is gone, whatever Sync still returns.
        Ok(doc) if doc.has_expired(crate::clock::now_ms()) => Ok(None),
        Ok(doc) => Ok(serde_json::from_value::<RoomIndex>(doc.data)
            .ok()
            .filter(|i| i.room_sid == room_sid)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The task a room belongs to.
pub async fn task_of(state: &AppState, room_sid: &str) -> Result<Option<String>, FnError> {
    Ok(entry(state, room_sid).await?.map(|i| i.task_sid))
}

/// The session document a room belongs to.
pub async fn document_of(state: &AppState, room_sid: &str) -> Result<Option<String>, FnError> {
    Ok(entry(state, room_sid).await?.map(|i| i.document_sid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chat_to_video::session::Session;

    #[test]
    fn an_index_is_not_a_code_document_and_its_name_is_not_a_code() {
        let entry = RoomIndex {
            room_sid: "RM0123456789abcdef0123456789abcdef".into(),
            task_sid: "WT0123456789abcdef0123456789abcdef".into(),
            document_sid: "ET0123456789abcdef0123456789abcdef".into(),
        };
        let data = serde_json::to_value(&entry).unwrap();
        assert_eq!(
            data,
            serde_json::json!({
                "roomSid": entry.room_sid,
                "taskSid": entry.task_sid,
                "documentSid": entry.document_sid,
            })
        );
        assert!(serde_json::from_value::<Session>(data).is_err());
        let n = name(&entry.room_sid);
        assert!(!n.chars().all(|c| c.is_ascii_alphanumeric()), "{n}");
        assert!(!chat_to_video::sid::looks_like_sid(&n));
    }
}
