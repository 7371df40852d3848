//! Which video rooms the host creates. Accounts that did not use Go, Peer-to-Peer or Small Group
//! rooms before 21 October 2024 can create only Group rooms (any other type fails with 53126),
//! so the default is `group`, which every account has, and the others need the operator's word
//! that this account keeps them (`VIDEO_LEGACY_ROOM_TYPES=true`).

use super::values::parse_bool;
use super::{invalid, ConfigError, ROOM_TYPES};

/// The variables this file reads.
pub const VARIABLES: [&str; 3] = [
    "VIDEO_ROOM_TYPE",
    "VIDEO_LEGACY_ROOM_TYPES",
    "SANDBOX_LEGACY_ROOM_TYPES",
];

/// The type every account can create.
pub const DEFAULT_ROOM_TYPE: &str = "group";

/// The configured room type (`VIDEO_ROOM_TYPE`, checked against the opt-in), and whether the
/// sandbox's account keeps the legacy types (`SANDBOX_LEGACY_ROOM_TYPES`, default false: a new
/// account, which gets 53126 for them).
pub fn read(get: impl Fn(&'static str) -> Option<String>) -> Result<(String, bool), ConfigError> {
    let room_type = get("VIDEO_ROOM_TYPE").unwrap_or_else(|| DEFAULT_ROOM_TYPE.to_owned());
    if !ROOM_TYPES.contains(&room_type.as_str()) {
        return Err(invalid(
            "VIDEO_ROOM_TYPE",
            format!("`{room_type}` is not one of {}", ROOM_TYPES.join(", ")),
        ));
    }
    let legacy = match get("VIDEO_LEGACY_ROOM_TYPES") {
        Some(v) => parse_bool("VIDEO_LEGACY_ROOM_TYPES", &v)?,
        None => false,
    };
    if room_type != DEFAULT_ROOM_TYPE && !legacy {
        return Err(invalid(
            "VIDEO_ROOM_TYPE",
            format!(
                "`{room_type}` rooms exist only on accounts that used Go, Peer-to-Peer or Small \
                 Group rooms before 21 October 2024 (other accounts get Twilio error 53126); if \
                 this account did, also set VIDEO_LEGACY_ROOM_TYPES=true, otherwise leave \
                 VIDEO_ROOM_TYPE unset (group rooms work on every account)"
            ),
        ));
    }
    let sandbox_legacy = match get("SANDBOX_LEGACY_ROOM_TYPES") {
        Some(v) => parse_bool("SANDBOX_LEGACY_ROOM_TYPES", &v)?,
        None => false,
    };
    Ok((room_type, sandbox_legacy))
}
