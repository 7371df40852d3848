//! The Sync document behind a code: drawn with a CSPRNG, created with the code as its unique name
//! and the configured TTL, drawn again when the name is taken.

use chat_to_video::api::CodeDocument;
use rand::RngCore as _;

use super::error::FnError;
use crate::app::AppState;
use crate::twilio::codes;
use crate::twilio::sync::Document;

/// Draws before giving up on finding a free code.
pub const CODE_ATTEMPTS: usize = 10;

/// A fresh code of the configured format from the thread's CSPRNG.
pub fn draw_code(state: &AppState) -> String {
    let mut rng = rand::thread_rng();
    state.settings.code_format.generate(|| rng.next_u32())
}

/// Creates `{task, room: null}` under the first code from `draw` whose name is free (54301
/// means taken: draw again). Answers the code and the document.
pub async fn create_code_document(
    state: &AppState,
    task_sid: &str,
    mut draw: impl FnMut() -> String,
) -> Result<(String, Document), FnError> {
    let data = serde_json::to_value(CodeDocument {
        task: task_sid.to_owned(),
        room: None,
        completed: false,
    })
    .map_err(|e| FnError::Internal(e.to_string()))?;
    let ttl = state.settings.code_ttl_secs;
    for _ in 0..CODE_ATTEMPTS {
        let code = draw();
        match state
            .twilio
            .create_document(&state.sync_service_sid, Some(&code), &data, Some(ttl))
            .await
        {
            Ok(doc) => return Ok((code, doc)),
            Err(e) if e.code() == Some(codes::SYNC_UNIQUE_NAME_EXISTS) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(FnError::Internal("no free code found".into()))
}
