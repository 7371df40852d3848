//! Which Sync service holds the video sessions' documents. Customers get a Sync token for it,
//! and Sync Permissions bind only in a service with `acl_enabled` (off by default), so it must
//! be a **dedicated** service with the ACL on (`cargo xtask deploy` creates it and writes
//! `VIDEO_SYNC_SERVICE_SID`), never Flex's default service, which Flex itself uses.
//!
//! `TWILIO_FLEX_SYNC_SID` (Flex's service, which earlier versions kept sessions in) is no longer
//! used for anything but refusing a configuration that would put sessions back there.

use super::values::check_sid;
use super::{invalid, ConfigError};

/// The variables this file reads.
pub const VARIABLES: [&str; 2] = ["VIDEO_SYNC_SERVICE_SID", "TWILIO_FLEX_SYNC_SID"];

/// What to do when the dedicated service is missing.
const CREATE_IT: &str = "run `cargo xtask deploy`, which creates the dedicated Sync service for \
                         video sessions (acl_enabled on) and writes VIDEO_SYNC_SERVICE_SID into .env";

/// The sessions' service (`VIDEO_SYNC_SERVICE_SID`); required in twilio mode, an override of
/// the sandbox's own service otherwise.
pub fn read(
    get: impl Fn(&'static str) -> Option<String>,
    twilio_mode: bool,
) -> Result<Option<String>, ConfigError> {
    let video = get("VIDEO_SYNC_SERVICE_SID");
    let flex = get("TWILIO_FLEX_SYNC_SID");
    if let Some(sid) = &video {
        check_sid("VIDEO_SYNC_SERVICE_SID", sid, "IS")?;
    }
    if let Some(sid) = &flex {
        check_sid("TWILIO_FLEX_SYNC_SID", sid, "IS")?;
    }
    match (&video, &flex) {
        (Some(v), Some(f)) if v == f => Err(invalid(
            "VIDEO_SYNC_SERVICE_SID",
            format!(
                "{v} is Flex's own Sync service (TWILIO_FLEX_SYNC_SID): customers' Sync tokens \
                 must not open it; {CREATE_IT}"
            ),
        )),
        (None, Some(_)) => Err(invalid(
            "TWILIO_FLEX_SYNC_SID",
            format!(
                "video sessions no longer live in Flex's Sync service (customers' tokens would \
                 open all of it); {CREATE_IT}, then remove TWILIO_FLEX_SYNC_SID"
            ),
        )),
        (None, None) if twilio_mode => Err(invalid(
            "VIDEO_SYNC_SERVICE_SID",
            format!("required in twilio mode (ACCOUNT_SID is set): {CREATE_IT}"),
        )),
        _ => Ok(video),
    }
}
